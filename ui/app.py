"""The Bron chat: a Gradio app where every answer shows its sources.

    from ui.app import launch
    launch(host="127.0.0.1", port=7860)

One Assistant (embedder, index, LLM) is loaded at start-up and shared by all sessions. The queue answers
`chat_concurrency` questions at once (1 with the local model, whose generations cannot overlap; more with
an LLM server, which can batch them) and shows waiting users their place in the queue. Uploads are indexed
one at a time (and, with one question at a time, never beside a question). Nothing is fetched from the
internet: system fonts, no analytics, no share links.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # noqa: E402

from rag.answering import Assistant  # noqa: E402
from rag.config import PROJECT_DIR, Settings  # noqa: E402
from rag.errors import BronError, ConfigError  # noqa: E402
from rag.filters import SearchFilter, source_names  # noqa: E402
from rag.followups import as_turns  # noqa: E402
from rag.readers import UnreadableDocument, check_size, suffixes_text  # noqa: E402
from rag.results import Answer, Found  # noqa: E402
from ui import render  # noqa: E402

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
REPORT_DIR = PROJECT_DIR / "reports" / "latest"
EXAMPLES = [
    "Hoeveel geld moet er in Stargate vloeien?",
    "Wie viel Geld stellt Chinas neuer KI-Fonds bereit?",
    "What did J.D. Vance warn the EU about?",
]
ARTICLE_COLUMNS = ["id", "title", "date", "language", "passages", "origin"]
QUEUE = "bron-model"  # answering: chat_concurrency questions at once (Settings.chat_workers)
INDEX_QUEUE = "bron-index"  # uploads, one at a time; the same queue as answering when that is one at a time
MAX_HISTORY = 4  # earlier turns kept per chat session for follow-up questions (settings.history_turns are used)
MAX_UPLOAD_REQUEST = 50 * 1024 * 1024  # gradio refuses bigger uploads outright; smaller ones get a message

THEME = gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue",
                                "Arial", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
CSS = (STATIC / "bron.css").read_text(encoding="utf-8")
JS = (STATIC / "bron.js").read_text(encoding="utf-8")  # [n] and "open in article" links


def _new_state() -> dict:
    return {"messages": [], "turns": [], "next": 1, "history": []}


def _report_link() -> str:
    path = REPORT_DIR / "report.md"
    if path.is_file():
        return (f'<a href="gradio_api/file={render.esc(str(path))}" target="_blank" rel="noopener">'
                "Latest evaluation report (report.md)</a>")
    return "No evaluation report yet: run <code>bron eval</code> (or <code>make eval</code>) to create one."


def _models_text(asst: Assistant) -> str:
    s = asst.settings
    return (f"Embedder: {asst.embedder.model_id}\nLLM: {asst.generator.model_name}\n"
            f"Index: {s.index} ({s.index_path})\n"
            f"Retrieval: {'hybrid (dense + BM25)' if s.hybrid else 'dense'}, "
            f"max tokens {s.max_tokens}, temperature {s.temperature}")


def _article_rows(asst: Assistant) -> list[list]:
    counts: dict[str, int] = {}
    for chunk in asst.data.chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    uploads = str(asst.uploads_dir)
    return [[d.id, d.title, d.date or "", d.language, counts.get(d.id, 0),
             "uploaded" if d.path.startswith(uploads) else "seed"] for d in asst.documents()]


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat UI around one loaded Assistant (shared by every session)."""
    asst = assistant
    settings = asst.settings
    workers = settings.chat_workers
    # Gradio limits a concurrency group by its lowest limit: uploads join the answering queue only when
    # that runs one job anyway (the local model: an upload then never competes with an answer for the CPU).
    upload_queue = QUEUE if workers == 1 else INDEX_QUEUE

    def article_text(doc_id: str) -> str | None:
        doc = asst.data.documents.get(doc_id)
        return doc.text if doc is not None else None

    # -- handlers ---------------------------------------------------------------------------------
    def ask(question: str, top_k: float, state: dict, since: str | None = "", until: str | None = "",
            sources: list[str] | None = None):
        """Stream an answer into the chat, then replace it by the checked answer and show its sources. The
        filter inputs come last and have defaults, so API callers that send (question, top_k) still work."""
        state = state or _new_state()
        question = question or ""
        messages = list(state["messages"])
        turns = list(state["turns"])
        scope = {"since": since or None, "until": until or None, "sources": list(sources or [])}
        try:
            asst.check_question(question)
            SearchFilter.make(**scope)  # a bad date: one message, nothing searched
        except BronError as exc:
            if question.strip():
                messages.append({"role": "user", "content": render.user_message(question)})
            messages.append({"role": "assistant", "content": render.error_message(exc.message, exc.remedy)})
            state = {**state, "messages": messages}
            notice = render.status_notice(f"Nothing was searched: {exc.message}", "warn")
            yield question, messages, render.sources_panel(turns, notice), state
            return
        turn = state["next"]
        messages.append({"role": "user", "content": render.user_message(question)})
        messages.append({"role": "assistant", "content": render.searching_message()})
        searching = render.status_notice("Searching the articles and writing the answer…")
        yield "", messages, render.sources_panel(turns, searching), state
        streamed, searched = "", ""
        answer: Answer | None = None
        try:
            for item in asst.stream(question, int(top_k or settings.top_k), history=state.get("history", []),
                                    **scope):
                if isinstance(item, Answer):
                    answer = item
                    continue
                if isinstance(item, Found):  # show what was found at once; the model reads for seconds
                    searched = item.searched_for
                    messages[-1] = {"role": "assistant", "content": render.reading_message(item)}
                    found = render.found_sources(item, question, turn, article_text)
                    yield "", messages, render.sources_panel(turns + [(turn, found)]), state
                    continue
                streamed += item
                messages[-1] = {"role": "assistant",
                                "content": render.streaming_message(streamed, turn, searched)}
                yield "", messages, gr.skip(), state
        except BronError as exc:
            messages[-1] = {"role": "assistant", "content": render.error_message(exc.message, exc.remedy)}
            state = {**state, "messages": messages}
            yield "", messages, render.sources_panel(turns, render.status_notice(exc.message, "warn")), state
            return
        except Exception as exc:  # a crash in a model must not take the chat down
            log.exception("answering %r failed", question)
            messages[-1] = {"role": "assistant", "content": render.error_message(
                f"Something went wrong while answering: {type(exc).__name__}: {exc}",
                "Try again; if it keeps failing, check the terminal running `bron chat`.")}
            state = {**state, "messages": messages}
            yield "", messages, render.sources_panel(turns, render.status_notice(str(exc), "warn")), state
            return
        assert answer is not None
        earlier = state.get("history", [])
        messages[-1] = {"role": "assistant",
                        "content": render.answer_message(answer, turn, earlier[-1].question if earlier else "")}
        turns.append((turn, render.turn_sources(answer, turn, article_text)))
        turns = turns[-render.MAX_TURNS_SHOWN:]
        history = (list(earlier) + as_turns([answer], 1))[-MAX_HISTORY:]
        state = {"messages": messages, "turns": turns, "next": turn + 1, "history": history}
        yield "", messages, render.sources_panel(turns), state

    def new_chat():
        return "", [], render.sources_panel([]), _new_state()

    def list_articles():
        rows = _article_rows(asst)
        passages = sum(r[4] for r in rows)
        return rows, f"{len(rows)} articles, {passages} passages indexed."

    def add_files(files, progress=gr.Progress()):
        """Validate and index uploaded articles (rag.readers.SUPPORTED_SUFFIXES); say what happened to every file."""
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        if not paths:
            rows, count = list_articles()
            note = render.status_notice(f"Choose one or more {suffixes_text()} files first.", "warn")
            return note, rows, count, None
        progress(0, desc="Reading the files")
        payloads, messages = [], []
        for path in paths:
            name = Path(path).name
            try:  # do not read huge files into memory
                check_size(name, os.path.getsize(path), settings.max_upload_bytes)
            except UnreadableDocument as exc:
                messages.append(exc.describe())
                continue
            payloads.append((name, Path(path).read_bytes()))

        def on_progress(done: int, total: int) -> None:
            progress((done, total), desc="Embedding the new passages", unit="passages")

        report = None
        if payloads:
            try:
                report, skipped = asst.add_articles(payloads, on_progress=on_progress)
            except BronError as exc:
                rows, count = list_articles()
                return render.error_message(exc.message, exc.remedy), rows, count, None
            messages += skipped
        lines = []
        if report is not None and report.added:
            lines.append(f"Added {len(report.added)} article(s): {', '.join(report.added)}.")
            lines.append(report.summary())
        elif report is not None and report.changed:
            lines.append(report.summary())
        else:
            lines.append("No new articles were added; nothing already indexed was changed.")
        kind = "ok" if report is not None and report.modified else "warn"
        items = "".join(f"<li>{render.esc(m)}</li>" for m in messages)
        body = render.status_notice("\n".join(lines), kind) + (f'<ul class="bron-skipped">{items}</ul>'
                                                             if items else "")
        rows, count = list_articles()
        return body, rows, count, None

    def refresh():
        rows, count = list_articles()
        return rows, count, _report_link()

    def source_choices():
        return gr.update(choices=source_names(asst.data.documents.values()))

    # -- layout -----------------------------------------------------------------------------------
    with gr.Blocks(title="Bron: ask the news, see the sources", fill_width=True,
                   analytics_enabled=False) as demo:
        state = gr.State(_new_state())
        gr.HTML('<div class="bron-header"><h1>Bron</h1><p>Ask about the indexed news articles in Dutch, '
                "German or English. Every answer cites its sources: click a [n] to see the passage it comes "
                "from.</p></div>")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chat = gr.Chatbot(label="Chat", height=520, elem_id="bron-chat", render_markdown=False,
                                  sanitize_html=True, allow_tags=False, latex_delimiters=[],
                                  buttons=["copy"], feedback_options=None, autoscroll=True,
                                  placeholder="Ask a question about the articles, or pick an example below.")
                with gr.Row():
                    question = gr.Textbox(label="Question", placeholder="Type a question and press Enter",
                                          lines=1, max_lines=4, scale=5, elem_id="bron-question",
                                          show_label=False, autofocus=True)
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="bron-ask")
                    clear = gr.Button("New chat", scale=1, min_width=80, elem_id="bron-new")
                gr.Examples(EXAMPLES, inputs=[question], label="Examples (click to fill in, then Ask)")
                with gr.Accordion("Filter", open=False, elem_id="bron-filter"):
                    gr.Markdown("Search only articles from a period (YYYY, YYYY-MM or YYYY-MM-DD; both ends "
                                "included) or by some sources." + (
                                    " Without dates here, a period in the question (\"in februari 2025\", "
                                    "\"seit März\") narrows the search." if settings.question_dates else ""))
                    with gr.Row():
                        since = gr.Textbox(label="Since", placeholder="e.g. 2025-02", value="", max_lines=1,
                                           elem_id="bron-since")
                        until = gr.Textbox(label="Until", placeholder="e.g. 2025-03-31", value="", max_lines=1,
                                           elem_id="bron-until")
                    filter_sources = gr.Dropdown(choices=source_names(asst.data.documents.values()), value=[],
                                                 multiselect=True, allow_custom_value=True,  # ids, file names
                                                 label="Sources (empty: all; or type an article id or file name)",
                                                 elem_id="bron-filter-sources")
            with gr.Column(scale=2, min_width=320):
                sources = gr.HTML(render.sources_panel([]), label="Sources", elem_id="bron-sources",
                                  container=True, padding=True)
        with gr.Accordion("Add articles", open=False, elem_id="bron-upload", visible=settings.chat_uploads):
            gr.Markdown(f"Upload one or more articles: UTF-8 **.txt** or **.md**, saved web pages (**.html**, "
                        f"**.htm**), **.pdf** with a text layer (no scans, at most {settings.max_pdf_pages:,} pages), "
                        f"or Word **.docx** / **.odt** (at most {settings.max_upload_bytes // 1000:,} kB each). "
                        "In a text file, an optional first line `date YYYY-MM-DD` or a block of `title:`, "
                        "`date:`, `source:` and `url:` lines between `---` lines sets the article's metadata. "
                        "They are added to the index; nothing already indexed is removed.")
            # no file_types filter: a file of another type gets its own "skipped" line instead of vanishing
            files = gr.File(label="Articles", file_count="multiple", type="filepath", elem_id="bron-files")
            add = gr.Button("Add to the index", variant="primary", elem_id="bron-add")
            upload_status = gr.HTML(elem_id="bron-upload-status")
            count = gr.Markdown(elem_id="bron-count")
            articles = gr.Dataframe(headers=ARTICLE_COLUMNS, datatype=["str"] * 4 + ["number", "str"],
                                    interactive=False, wrap=True, label="Indexed articles",
                                    elem_id="bron-articles")
        with gr.Accordion("Settings", open=False, elem_id="bron-settings"):
            top_k = gr.Slider(1, 10, value=min(max(settings.top_k, 1), 10), step=1,
                              label="Passages given to the model (top k)", elem_id="bron-topk")
            gr.Textbox(_models_text(asst), label="Models in use", interactive=False, lines=4)
            report = gr.HTML(_report_link(), elem_id="bron-report")

        # -- events ---------------------------------------------------------------------------------
        asking = gr.on([question.submit, send.click], ask,
                       inputs=[question, top_k, state, since, until, filter_sources],
                       outputs=[question, chat, sources, state], api_name="ask", concurrency_id=QUEUE,
                       concurrency_limit=workers, show_progress="full", show_progress_on=[chat])
        clear.click(new_chat, outputs=[question, chat, sources, state], api_name="new_chat",
                    cancels=[asking], queue=False)
        chat.clear(new_chat, outputs=[question, chat, sources, state], api_visibility="private", queue=False)
        if settings.chat_uploads:  # read-only deployments expose no upload endpoint at all
            add.click(add_files, inputs=[files], outputs=[upload_status, articles, count, files],
                      api_name="add_articles", concurrency_id=upload_queue, concurrency_limit=1).then(
                source_choices, outputs=[filter_sources], api_visibility="private", queue=False)
        demo.load(refresh, outputs=[articles, count, report], api_name="list_articles", queue=False)
        demo.load(source_choices, outputs=[filter_sources], api_visibility="private", queue=False)
    return demo


def launch_options() -> dict:
    """The look and the offline settings that `Blocks.launch` needs (Gradio 6 takes them there)."""
    return {"theme": THEME, "css": CSS, "js": JS, "share": False, "ssr_mode": False,
            "allowed_paths": [str(REPORT_DIR)], "max_file_size": MAX_UPLOAD_REQUEST,
            "footer_links": ["api", "settings"]}


def launch(host: str = "127.0.0.1", port: int = 7860, settings: Settings | None = None,
           inbrowser: bool = False, prevent_thread_lock: bool = False,
           assistant: Assistant | None = None, users: Path | None = None, no_auth: bool = False) -> gr.Blocks:
    """Load the models and the index once, then serve the chat on http://host:port (never a share link).

    Bound to anything but this machine (loopback), the chat asks for a login from `users` (a users file,
    see ui/auth.py) and refuses to start without one, unless `no_auth` says the network is trusted."""
    from ui.auth import authenticator, is_loopback

    asst = assistant or Assistant(settings or Settings.load())
    users = users or asst.settings.chat_users
    if not is_loopback(host) and users is None and not no_auth:
        raise ConfigError(f"Binding the chat to {host} shares it with the network, and no users are set up.",
                          "Add users (bron users add NAME) and start with --users FILE (or chat_users in "
                          "bron.toml), or pass --no-auth on a network you trust.")
    auth = authenticator(users) if users is not None else None
    asst.load()
    demo = build_app(asst)
    if asst.settings.chat_concurrency > 1 and not asst.settings.llm_url:
        log.warning("chat_concurrency=%d with the local model: its generations still run one at a time (the "
                    "others wait inside, without a place in the queue); more helps only with llm_url.",
                    asst.settings.chat_concurrency)
    demo.queue(default_concurrency_limit=1)
    demo.launch(server_name=host, server_port=port, inbrowser=inbrowser, auth=auth,
                prevent_thread_lock=prevent_thread_lock, show_error=True, **launch_options())
    return demo


__all__ = ["EXAMPLES", "build_app", "launch", "launch_options"]
