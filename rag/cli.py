"""`bron`: index articles, ask questions, open the chat, evaluate. Errors print one message + remedy."""

from __future__ import annotations

import argparse
import json
import logging
import sys

EXAMPLES = """examples:
  bron index                      build or update the index from seeds/
  bron ask "Hoeveel geld moet er in Stargate vloeien?"
  bron ask --json -k 6 "What did J.D. Vance warn the EU about?"
  bron ask --since 2025-02 --until 2025-03 --source NOS --source "Der Spiegel" "Wat gebeurde er met het stroomnet?"
  bron chat                       open the chat on http://127.0.0.1:7860
  bron eval --limit 20            score answers against seeds/gold.jsonl
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bron", description="Bron: offline multilingual answers with cited sources from your articles.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="settings file (default: ./bron.toml or the project's bron.toml)")
    parser.add_argument("--index", help="index name under indexes/ (default: seeds)")
    parser.add_argument("--seeds", help="folder of articles to index, subfolders included (default: seeds/)")
    parser.add_argument("--embedder", help="sentence-transformers model folder (default: multilingual-e5-small)")
    parser.add_argument("--model", dest="llm", help="GGUF model file (default: Qwen2.5-Coder-1.5B-Instruct)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    sub = parser.add_subparsers(dest="command", metavar="command")

    sub.add_parser("setup", help="prepare the default models (convert the embedder, assemble the LLM)")
    p = sub.add_parser("index", help="build or update the index (only new or changed articles are embedded)")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    p.add_argument("--states", action="store_true",
                   help="also compute every passage's KV state for the local model (passage_states)")
    p = sub.add_parser("add", help="add article files or folders (.txt .md .html .pdf .docx .odt) to the index")
    p.add_argument("files", nargs="+", help="files, or folders read with their subfolders")
    p = sub.add_parser("ask", help="answer a question (no question: interactive prompt)")
    p.add_argument("question", nargs="?")
    p.add_argument("-k", "--top-k", type=int, help="number of passages given to the model")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--since", help="only articles from this date on: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)")
    p.add_argument("--until", help="only articles up to this date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)")
    p.add_argument("--source", action="append", dest="sources", metavar="NAME",
                   help="only articles by this source (site or publication, or a file name); repeat for more")
    p = sub.add_parser("chat", help="open the chat in the browser")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--open", action="store_true", help="open a browser window")
    p.add_argument("--users", help="users file for the login (required with a --host other than this machine)")
    p.add_argument("--no-auth", action="store_true", help="share without a login (only on a network you trust)")
    p.add_argument("--read-only", action="store_true", help="no 'Add articles' in the chat")
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="questions answered at once (chat_concurrency; default 1, or 4 with llm_url)")
    p = sub.add_parser("users", help="manage the chat's users (for a chat shared on a network)")
    p.add_argument("action", choices=["add"], help="add a user, or change a user's password")
    p.add_argument("name")
    p.add_argument("--users", default="bron-users.txt", help="users file (default: ./bron-users.txt)")
    p = sub.add_parser("eval", help="evaluate answers against a gold question set")
    p.add_argument("--gold", help="gold file (default: seeds/gold.jsonl)")
    p.add_argument("--out", default=None, help="report folder (default: reports/latest)")
    p.add_argument("-k", "--top-k", type=int)
    p.add_argument("--model", dest="eval_llm", help="GGUF model file to evaluate (same as the global --model)")
    p.add_argument("--limit", type=int, help="evaluate only N questions (spread over the file)")
    p.add_argument("--compare", nargs=2, metavar=("A.toml", "B.toml"),
                   help="evaluate two settings files on the same questions, side by side")
    p.add_argument("--followup", nargs="?", const="", metavar="FILE",
                   help="evaluate follow-up conversations instead (default: seeds/gold_followup.jsonl)")
    p.add_argument("--reuse", metavar="DIR", help="with --followup: take the answers the follow-up rules cannot "
                   "change (the standalone questions, the first turns) from an earlier run's --out folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    if not args.command:
        parser.print_help()
        return 0
    from rag.errors import BronError

    try:
        return COMMANDS[args.command](args)
    except BronError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.remedy:
            print(f"  -> {exc.remedy}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


def _settings(args, **extra):
    from rag.config import Settings

    return Settings.load(args.config, index=args.index, seeds_dir=args.seeds, embedder=args.embedder,
                         llm=args.llm, **extra)


def _assistant(args, **extra):
    from rag.answering import Assistant

    return Assistant(_settings(args, **extra))


def cmd_setup(args) -> int:
    from rag.models import resolve_llm

    asst = _assistant(args)
    print(f"embedder: {asst.embedder.model_id}")
    print(f"LLM:      {asst.settings.llm_url or resolve_llm(asst.settings)}")  # a server: no GGUF here
    warmed = asst.warm_prompt_cache()
    if warmed:
        print(f"prompt cache: saved the system prompt and examples for {', '.join(warmed)}")
    return 0


def cmd_index(args) -> int:
    asst = _assistant(args, passage_states=True if args.states else None)
    report = asst.sync_index(rebuild=args.rebuild, progress=True)
    print(report.summary())
    if args.states:
        import time

        from rag.llm.state_store import prepare_collection

        started = time.perf_counter()
        computed, total = prepare_collection(asst.generator, asst.settings, asst.data)
        print(f"Passage states: computed {computed} of {total} (passages x prompt languages) in "
              f"{time.perf_counter() - started:.0f} s, in {asst.settings.passage_states_path}.")
    return 0


def cmd_add(args) -> int:
    from pathlib import Path

    from rag.corpus import article_files, links_outside
    from rag.errors import InputError
    from rag.readers import UnreadableDocument, check_size, printable

    settings = _settings(args)
    paths, messages = [], []
    for name in args.files:
        path = Path(name)
        if path.is_dir():  # a folder: every file in it and its subfolders (each unsupported one gets a line)
            inside, outside = links_outside(path, article_files(path))
            paths += inside
            messages += [UnreadableDocument(str(link), "it links to a file outside the folder (links out of a folder "
                                            "are not followed)", "Add that file itself if you mean it.").describe()
                         for link in outside]
        elif path.exists():
            paths.append(path)
        else:
            raise InputError(f"Cannot read {printable(name)}: no such file or folder", "Check the name.")
    files = []
    for path in paths:
        try:  # an oversized file is refused before it is read into memory
            check_size(str(path), path.stat().st_size, settings.max_upload_bytes)
            files.append((str(path), path.read_bytes()))
        except UnreadableDocument as exc:
            messages.append(exc.describe())
        except OSError as exc:
            messages.append(f"{printable(str(path))}: skipped, it cannot be read ({exc.strerror or exc}).")
    report = None
    if files:
        report, skipped = _assistant(args).add_articles(files)
        messages += skipped
    for message in messages:
        print(message, file=sys.stderr)
    if report:
        print(report.summary())
    return 0 if report else 1


def _print_answer(res) -> None:
    """The checked answer, its sources, and for an abstention what was found closest."""
    if res.searched_for:  # a follow-up, rewritten: show it so that a wrong rewrite is visible
        print(f"(searched for: {res.searched_for})", file=sys.stderr)
    print(res.text)
    from rag.results import AbstainReason, NoteKind, Timing, note_kind

    for note in res.notes:
        if note_kind(note) in (NoteKind.LANGUAGE, NoteKind.SCOPE):
            print(note, file=sys.stderr)
    if res.citations:
        print()
        for c in res.citations:
            date = f", {c.date}" if c.date else ""
            source = f", {c.source}" if getattr(c, "source", None) else ""
            page = f", p. {c.page}" if getattr(c, "page", None) else ""
            print(f"[{c.n}] {c.title}{source}{date}{page} ({c.doc_id}, chars {c.start}-{c.end})")
            if c.quote:
                print(f"    “{c.quote}”")
    elif res.abstained and res.passages and res.abstain_reason != AbstainReason.UNRESOLVED:  # the notes: ask again
        print("\nClosest passages found:")
        for p in res.passages[:3]:
            print(f"  - {p.title} ({p.doc_id}): {p.text[:120]}…")
    t = res.timings
    print(f"\n(first token {t[Timing.FIRST_TOKEN_MS] / 1000:.1f} s, total {t[Timing.TOTAL_MS] / 1000:.1f} s)",
          file=sys.stderr)


def _ask_one(asst, question: str, as_json: bool, top_k: int | None, scope: dict | None = None,
             conversation=None) -> None:
    """Print one answer. On a terminal the model's draft streams in dim text and is then replaced by the
    checked answer, so only the answer Bron stands behind stays on screen; elsewhere only that is printed."""
    import shutil

    from rag.results import Answer, Found

    scope = scope or {}
    ask = conversation or asst  # a Conversation passes the earlier turns as history
    if as_json:
        print(json.dumps(ask.ask(question, top_k, **scope).to_dict() if conversation else
                         asst.answer(question, top_k, **scope).to_dict(), ensure_ascii=False, indent=1))
        return
    live = sys.stdout.isatty()
    draft = ""
    for item in ask.stream(question, top_k, **scope):
        if isinstance(item, Found):
            continue
        if isinstance(item, Answer):
            if draft:
                width = max(20, shutil.get_terminal_size().columns)
                rows = sum(max(1, -(-len(line) // width)) for line in draft.split("\n"))
                sys.stdout.write("\x1b[0m\r" + (f"\x1b[{rows - 1}A" if rows > 1 else "") + "\x1b[J")
            _print_answer(item)
        elif live:
            if not draft:
                sys.stdout.write("\x1b[2m")  # dim: a draft until it is checked
            draft += item
            sys.stdout.write(item)
            sys.stdout.flush()


def cmd_ask(args) -> int:
    from rag.errors import InputError
    from rag.filters import SearchFilter

    scope = {"since": args.since, "until": args.until, "sources": args.sources}
    searched = SearchFilter.make(**scope)  # a bad date stops here, before any model loads
    asst = _assistant(args, top_k=args.top_k)  # -k is range-checked like BRON_TOP_K (before any model loads)
    if args.question is not None:
        _ask_one(asst, args.question, args.json, args.top_k, scope)
        return 0
    print("Bron — ask a question about the articles; follow-ups such as \"Hoe oud is hij?\" refer to the "
          "earlier answers, \"/new\" starts a new conversation (empty line or Ctrl-D to quit).")
    conversation = asst.conversation()
    if searched:
        print(f"Searching {searched.describe()}.")
    while True:
        try:
            question = input("\n? ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        if question == "/new":
            conversation.clear()
            print("(a new conversation: the next question stands alone)")
            continue
        try:
            _ask_one(asst, question, args.json, args.top_k, scope, conversation)
        except InputError as exc:
            print(f"error: {exc.message}\n  -> {exc.remedy}", file=sys.stderr)


def cmd_chat(args) -> int:
    from pathlib import Path

    from ui.app import launch

    settings = _settings(args, chat_uploads=False if args.read_only else None, chat_concurrency=args.concurrency)
    launch(host=args.host, port=args.port, settings=settings, inbrowser=args.open,
           users=Path(args.users) if args.users else None, no_auth=args.no_auth)
    return 0


def cmd_users(args) -> int:
    import getpass
    import os
    from pathlib import Path

    from ui.auth import add_user

    password = os.environ.get("BRON_NEW_PASSWORD") or getpass.getpass(f"Password for {args.name}: ")
    add_user(Path(args.users), args.name, password)
    print(f"{args.name} can now log in to a chat started with --users {args.users}")
    return 0


def cmd_eval(args) -> int:
    from pathlib import Path

    from rag import evaluation
    from rag.config import PROJECT_DIR

    out = Path(args.out) if args.out else PROJECT_DIR / "reports" / "latest"
    if args.followup is not None:
        from rag import Assistant

        if args.eval_llm:
            args.llm = args.eval_llm
        asst = Assistant(_settings(args, top_k=args.top_k))
        gold = Path(args.followup) if args.followup else Path(asst.settings.seeds_dir) / "gold_followup.jsonl"
        result = evaluation.evaluate_followups(gold, asst, limit=args.limit, reuse=args.reuse)
        result.save(out)
        print(result.summary_markdown())
    elif args.compare:
        comparison = evaluation.compare(args.compare[0], args.compare[1], gold=args.gold, limit=args.limit)
        comparison.save(out)
        print(comparison.to_markdown() if hasattr(comparison, "to_markdown") else comparison)
    else:
        if args.eval_llm:
            args.llm = args.eval_llm
        result = evaluation.evaluate(args.gold, settings=_settings(args, top_k=args.top_k), limit=args.limit)
        result.save(out)
        print(result.summary_markdown() if hasattr(result, "summary_markdown") else result._repr_markdown_())
    print(f"\nreport written to {out}", file=sys.stderr)
    return 0


COMMANDS = {"setup": cmd_setup, "index": cmd_index, "add": cmd_add, "ask": cmd_ask, "chat": cmd_chat,
            "eval": cmd_eval, "users": cmd_users}

if __name__ == "__main__":
    sys.exit(main())
