"""The Assistant: one facade that owns the models and the index and answers questions with citations."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rag.config import Settings
from rag.results import Answer, Found, Passage

if TYPE_CHECKING:
    from rag.conversation import Conversation, History, Rewrite
    from rag.llm import Generator
    from rag.searching import Retrieval


class Assistant:
    """Loads the embedder, the index and the LLM lazily, once, and answers questions.

    Thread-safe for answering: the chat runs `chat_concurrency` questions at once on one Assistant. Each
    question's state lives in `stream`'s locals; the shared parts are loaded once under a lock, and the
    local LLM runs one generation at a time (its own lock). Writers (sync_index, add_articles) hold the
    index's write lock and swap in the new index; a question already running keeps the one it started with.

    >>> asst = Assistant.from_settings(index="seeds", top_k=5)
    >>> asst.answer("Hoeveel geld moet er in Stargate vloeien?").text
    """

    def __init__(self, settings: Settings | None = None, generator: Generator | None = None):
        self.settings = settings or Settings.load()
        self._embedder = None
        self._data = None
        self._retriever = None
        self._generator = generator
        self._prefix_files: set[Path] = set()  # prompt-cache files already read into the generator
        self._lock = threading.RLock()  # embedder, index, retriever and _prefix_files
        self._generator_lock = threading.Lock()  # apart: the LLM loads while the retriever does (load())

    @classmethod
    def from_settings(cls, config_file: str | Path | None = None, **overrides) -> Assistant:
        return cls(Settings.load(config_file, **overrides))

    # -- components, loaded on first use -------------------------------------------------------
    # Each is made once under the lock (two questions arriving together must not load the index twice).
    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from rag.embedding import Embedder

                self._embedder = Embedder.from_settings(self.settings)
            return self._embedder

    @property
    def data(self):
        with self._lock:
            if self._data is None:
                from rag import index

                data = index.load(self.settings.index_path, self.settings)
                index.check_compatible(data.manifest, self.embedder, self.settings, self.settings.index_path)
                self._data = data
            return self._data

    @property
    def retriever(self):
        with self._lock:
            if self._retriever is None:
                from rag.retrieval import Retriever

                self._retriever = Retriever(self.data, self.embedder, self.settings.hybrid,
                                            self.settings.candidates, self.settings.bm25_weight)
            return self._retriever

    @property
    def generator(self) -> Generator:
        with self._generator_lock:
            if self._generator is None:
                from rag.llm import make_generator

                self._generator = make_generator(self.settings)
            return self._generator

    def load(self) -> Assistant:
        """Load everything now (the chat does this at start-up so the first question is fast).

        On a cold start the retriever (torch, the embedder, the index) loads in a thread while the LLM
        loads in this one, so the wait is the longer of the two, not their sum. The LLM loads in the
        calling thread because llama-cpp-python silences stdout/stderr process-wide while it loads.
        """
        if self._retriever is not None or self._generator is not None:
            _ = self.retriever, self.generator.load()
            return self
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bron-retriever-load")
        retriever = pool.submit(lambda: self.retriever)
        pool.shutdown(wait=False)
        try:
            self.generator.load()
        except BaseException:
            retriever.exception()  # let the other load finish before the error surfaces
            raise
        retriever.result()  # re-raises an index or embedder error here
        return self

    # -- indexing -----------------------------------------------------------------------------
    @property
    def uploads_dir(self) -> Path:
        return self.settings.index_path / "uploads"

    def source_documents(self):
        from rag.corpus import load_corpus

        docs = load_corpus(self.settings.seeds_dir, self.settings)
        if self.uploads_dir.is_dir():
            seen = {d.id for d in docs}
            docs += [d for d in load_corpus(self.uploads_dir, self.settings) if d.id not in seen]
        return docs

    def sync_index(self, rebuild: bool = False, progress: bool = True, on_progress=None):
        """Index new and changed articles from seeds_dir and the uploads folder; drop removed ones."""
        import logging

        from rag import index
        from rag.errors import IndexError_

        def run(rebuild: bool):
            return index.sync(self.settings.index_path, self.source_documents(), self.embedder, self.settings,
                              rebuild=rebuild, progress=progress, on_progress=on_progress)

        with index.write_lock(self.settings.index_path, self.settings.index_lock_timeout):
            try:  # under the lock, so the articles read are the ones indexed
                report = run(rebuild)
            except IndexError_ as exc:  # built with another embedder or chunking: indexing is the remedy
                if "was built with" not in exc.message:
                    raise
                logging.getLogger(__name__).warning("%s Rebuilding it.", exc.message)
                report = run(True)
        if report.modified or rebuild:
            with self._lock:  # the next question loads the new version; running ones keep theirs
                self._data = self._retriever = None
            from rag.llm.state_store import prune_for_index  # passages that left: their KV states go too
            prune_for_index(self.settings, index.load(self.settings.index_path, self.settings))
        return report

    def add_articles(self, files: list[tuple[str, bytes]], on_progress=None):
        """Save uploaded articles into the index's uploads folder and index them incrementally.

        Returns (report, messages): one message per file that was skipped and why. Nothing already
        indexed is touched when a file is rejected. Holds the index's write lock, so two uploads (or an
        upload and `bron index`) never pick the same file name or interleave their syncs.
        """
        import re

        from rag import index
        from rag.readers import ReadLimits, UnreadableDocument, read_document

        with index.write_lock(self.settings.index_path, self.settings.index_lock_timeout):
            messages: list[str] = []
            existing = self.source_documents()
            known = {d.content_hash for d in existing}
            known_ids = {d.id for d in existing}
            self.uploads_dir.mkdir(parents=True, exist_ok=True)
            saved = 0
            for name, payload in files:
                base = Path(name).name
                try:  # the same checks as for the articles in seeds_dir, and no content twice
                    doc = read_document(payload, base, max_bytes=self.settings.max_upload_bytes, known_hashes=known,
                                        limits=ReadLimits.from_settings(self.settings))
                except UnreadableDocument as exc:
                    messages.append(exc.describe())
                    continue
                safe = re.sub(r"[^\w.-]+", "_", Path(base).stem).strip("._") or "article"
                doc_id, i = safe, 2
                while doc_id in known_ids:
                    doc_id, i = f"{safe}_{i}", i + 1
                target = self.uploads_dir / f"{doc_id}{Path(base).suffix.lower()}"
                tmp = target.with_name("." + target.name + ".tmp")
                tmp.write_bytes(payload)
                tmp.replace(target)
                known.add(doc.content_hash)
                known_ids.add(doc_id)
                saved += 1
            report = self.sync_index(progress=False, on_progress=on_progress) if saved else None
        return report, messages

    def documents(self):
        return sorted(self.data.documents.values(), key=lambda d: d.id)

    # -- answering ----------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        """The question, cleaned; an InputError says what is wrong with one Bron cannot answer (rag.questions)."""
        from rag.questions import check_question

        return check_question(question, self.settings.max_question_chars)

    def retrieve(self, question: str, top_k: int | None = None, *, since: date | str | None = None,
                 until: date | str | None = None, sources: Iterable[str] | None = None) -> list[Passage]:
        """The best passages in rank order while they fit the prompt budget and score near the best one,
        from the articles in the period and by the sources given (rag.filters), or in a period the question
        names (`question_dates`).

        Prompt length is what the user waits for: a passage far below the best adds seconds and rarely
        the answer (on the gold set a 0.03 gap keeps every evidence passage at three quarters the text).
        """
        return self.search(question, top_k, since=since, until=until, sources=sources).passages

    def search(self, question: str, top_k: int | None = None, *, since: date | str | None = None,
               until: date | str | None = None, sources: Iterable[str] | None = None) -> Retrieval:
        """`retrieve`, with the filter used and notes on it (rag.searching)."""
        from rag.searching import search

        return search(question, self.retriever, self.data.documents.values(), self.settings, top_k,
                      since=since, until=until, sources=sources)

    def conversation(self) -> Conversation:
        """A conversation for a notebook: `conv.ask(...)` passes the earlier turns as history."""
        from rag.conversation import Conversation

        return Conversation(self)

    def standalone_question(self, question: str, history: History | None, language: str) -> Rewrite:
        """The question to search for and answer: a follow-up rewritten from the last turns (rag.conversation)."""
        from rag.conversation import rewrite_question

        return rewrite_question(self.generator, self.settings.prompts_dir, question, history, language,
                                self.settings.history_turns, self.settings.grammar)

    def answer(self, question: str, top_k: int | None = None, *, history: History | None = None,
               since: date | str | None = None, until: date | str | None = None,
               sources: Iterable[str] | None = None) -> Answer:
        """The checked answer to `question`; `history` (earlier Answers or (question, answer) pairs) makes
        it a follow-up in a conversation; `since`, `until` and `sources` limit the articles searched."""
        result = None
        for item in self.stream(question, top_k, history=history, since=since, until=until, sources=sources):
            if isinstance(item, Answer):
                result = item
        if result is None:  # stream() always ends with an Answer; this guards a broken Generator plug-in
            raise RuntimeError("The answer stream ended without an Answer.")
        return result

    def stream(self, question: str, top_k: int | None = None, *, history: History | None = None,
               since: date | str | None = None, until: date | str | None = None,
               sources: Iterable[str] | None = None) -> Iterator[Found | str | Answer]:
        """Yield what was `Found` as soon as retrieval is done, the answer's text as it is generated, then
        the final, checked `Answer`. With `history`, a follow-up is first rewritten into a standalone
        question, which is searched for and answered (`Answer.searched_for`). `since`, `until` (dates or ISO
        strings, inclusive) and `sources` (names) limit the articles searched (rag.filters)."""
        from rag import language as lang
        from rag.conversation import asks_nothing
        from rag.excerpts import excerpt
        from rag.filters import SearchFilter
        from rag.llm import Generation
        from rag.prompting import answer_grammar, load_prompts
        from rag.textrules import subject_words

        started = time.perf_counter()
        question = self.check_question(question)
        SearchFilter.make(since, until, sources)  # a bad date is an InputError before anything loads
        self.load()  # a no-op once loaded; a cold start loads the retriever and the LLM side by side
        question_language = lang.detect(question)
        if history:
            from rag.conversation import followup_language

            question_language = followup_language(question, question_language, history, self.settings.prompts_dir)
        notes: list[str] = []
        if not lang.supported(question_language):  # searched all the same: the articles may still answer it
            notes.append(f"Bron answers in Dutch, German and English; this question is in another language "
                         f"({question_language}), so the answer is in English.")
            question_language = "en"
        prompts = load_prompts(self.settings.prompts_dir, question_language)
        asked = question
        rewrite = self.standalone_question(question, history, question_language)
        question, searched_for = rewrite.question, (rewrite.question if rewrite.question != asked else "")
        method = "" if rewrite.method == "alone" else rewrite.method
        if rewrite.note:
            notes.append(rewrite.note)
        retrieve_started = time.perf_counter()
        found = self.search(question, top_k, since=since, until=until, sources=sources)
        passages = found.passages
        notes += found.notes
        period = found.filter.period() if found.filter else ""
        searched_sources = list(found.filter.sources) if found.filter else []
        timings = {"rewrite_ms": rewrite.ms, "retrieve_ms": (time.perf_counter() - retrieve_started) * 1000,
                   "first_token_ms": 0.0, "total_ms": 0.0, "prompt_tokens": 0, "completion_tokens": 0}
        yield Found(passages, searched_for)

        def abstained_unread(reason: str, why: list[str]) -> Iterator[str | Answer]:  # no model call
            yield prompts.abstain
            timings["total_ms"] = (time.perf_counter() - started) * 1000
            yield Answer(asked, prompts.abstain, question_language, True, [], passages, timings, notes + why,
                         abstain_reason=reason, period=period, sources=searched_sources,
                         searched_for=searched_for, rewrite_method=method)

        if rewrite.method == "rejected" and (not subject_words(question, question_language) or asks_nothing(
                question, question_language, self.settings.prompts_dir)):
            # "Hoe oud is hij?" searched as asked finds someone's age, "And Stargate?" some fact about Stargate:
            # without knowing what is asked, no answer
            yield from abstained_unread("unresolved", ["abstained: the follow-up does not say on its own what "
                                                       "it asks, and the conversation could not tell; ask it "
                                                       "again as a full question with the name"])
            return
        if not passages:
            yield from abstained_unread("no-passages", [] if found.filter else ["the index has no passages"])
            return
        record = Generation()
        prefix_file = self.generator.prefix_cache_path(prompts, self.settings.cache_dir)
        with self._lock:
            new_prefix = prefix_file is not None and prefix_file not in self._prefix_files
            if new_prefix:
                self._prefix_files.add(prefix_file)
        if new_prefix:
            self.generator.load_prefix(prefix_file)
        grammar = answer_grammar(self.settings.prompts_dir, prompts.abstain, len(passages)) \
            if self.settings.grammar else None
        read = excerpt(question, passages, self.retriever.embedder, self.settings.passage_sentences) \
            if self.settings.passage_sentences else passages  # what the model reads (rag.excerpts)
        for delta in self.generator.stream_passages(prompts.passage_prompt(question, read), self.settings.max_tokens,
                                                    self.settings.temperature, grammar, record, prompts.abstain):
            if not timings["first_token_ms"]:
                timings["first_token_ms"] = (time.perf_counter() - started) * 1000
            yield delta
        text = record.text
        if (lang.prompt_language(question_language) == question_language and not text.startswith(prompts.abstain)
                and not lang.answer_language_ok(text, question_language)):
            # One retry in the right language; the prompt and the first answer are in the KV cache.
            retry = Generation()
            messages = prompts.messages(question, read) + [
                {"role": "assistant", "content": text}, {"role": "user", "content": prompts.retry}]
            second = "".join(self.generator.stream(messages, self.settings.max_tokens, self.settings.temperature,
                                                   grammar, retry, prompts.abstain))
            if lang.answer_language_ok(second, question_language):
                notes.append(f"rewritten in {question_language}: the first answer was in another language")
                text = second
                record.token_logprobs = retry.token_logprobs
                record.abstain_logprob = retry.abstain_logprob
                yield "\n\n" + second
            record.completion_tokens += retry.completion_tokens
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        timings["prompt_tokens"] = record.prompt_tokens
        timings.update({f"states_{key}": value for key, value in record.passage_states.items()})
        timings["completion_tokens"] = record.completion_tokens
        answer = self.finish(question, question_language, text, passages, prompts.abstain, timings,
                             record.confidence, record.abstain_probability)
        answer.question, answer.searched_for, answer.rewrite_method = asked, searched_for, method
        answer.notes[:0] = notes
        answer.period, answer.sources = period, searched_sources
        yield answer
        if prefix_file is not None and not prefix_file.exists():
            try:  # once per language: later processes read the system prompt and examples from disk
                self.generator.save_prefix(prefix_file, prompts.prefix_messages())
            except OSError as exc:
                import logging

                logging.getLogger(__name__).warning("Could not save the prompt cache %s: %s", prefix_file, exc)

    def warm_prompt_cache(self, languages: tuple[str, ...] = ("nl", "de", "en")) -> list[str]:
        """Save each language's system prompt and examples as a KV state on disk, so that even the first
        `bron ask` in a language starts from it. Returns the languages it had to prepare (the LLM is
        loaded only for those; a backend without KV state has none to prepare)."""
        from rag.llm import make_generator
        from rag.prompting import load_prompts

        generator = self._generator or make_generator(self.settings, load=False)
        missing = []
        for language in languages:
            prompts = load_prompts(self.settings.prompts_dir, language)
            path = generator.prefix_cache_path(prompts, self.settings.cache_dir)
            if path is not None and not path.exists():
                missing.append((language, prompts, path))
        if missing:
            self._generator = generator
        for _language, prompts, path in missing:
            generator.save_prefix(path, prompts.prefix_messages())
        self._prune_prompt_cache(generator, languages)
        return [language for language, _, _ in missing]

    def _prune_prompt_cache(self, generator, languages: tuple[str, ...]) -> None:
        """Remove saved prompt states that the current model and prompts no longer use (a reassembled or
        replaced model, edited examples): their names are keyed by both, so they are never read again."""
        from rag.prompting import load_prompts

        keep = {generator.prefix_cache_path(load_prompts(self.settings.prompts_dir, lang), self.settings.cache_dir)
                for lang in languages}
        keep.discard(None)
        for folder in {path.parent for path in keep}:
            for stale in folder.glob("*.npz"):
                if stale not in keep:
                    stale.unlink(missing_ok=True)

    def finish(self, question: str, language: str, text: str, passages: list[Passage], abstain: str,
               timings: dict, confidence: float | None = None, abstain_probability: float | None = None) -> Answer:
        """Turn the model's text into an Answer: verified citations, or an abstention with its reason."""
        from rag.checking import checked_answer

        return checked_answer(self.settings, question, language, text, passages, abstain, timings, confidence,
                              abstain_probability)


@lru_cache(maxsize=4)
def _shared_assistant(settings: Settings) -> Assistant:
    return Assistant(settings)


def answer(question: str, history: History | None = None, **overrides) -> Answer:
    """Answer with the default index and models; they load once per process and settings. `history`: the
    earlier Answers of a conversation, for a follow-up question."""
    return _shared_assistant(Settings.load(**overrides)).answer(question, history=history)
