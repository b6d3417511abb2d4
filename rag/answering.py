"""The Assistant: one facade that owns the models and the index and answers questions with citations, and
the Conversation that asks it follow-ups in a notebook."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rag import pipeline
from rag.config import Settings
from rag.results import Answer, Found, Passage
from rag.wordlists import use_prompts_dir

if TYPE_CHECKING:
    from rag.followups import History
    from rag.index import IndexData
    from rag.llm import Generator

# What happens to one question, in order (rag.pipeline). A stage that decides the answer ends the list early.
STAGES = (
    pipeline.prepare,  # the question checked, its language, a follow-up made standalone
    pipeline.search,  # the passages to read (yields Found)
    pipeline.gate,  # abstentions that need no model: an unresolved follow-up, nothing found (rag.checking)
    pipeline.translate_question,  # a standalone follow-up in another language read in the answer's (rag.translation)
    pipeline.restore_prompt_state,  # the language's system prompt and examples from their saved KV state
    pipeline.generate,  # the model's answer, streamed, with one retry in the question's language
    pipeline.respell,  # a misspelt name ("Antropic") or currency ("US-Dollar") as the passages write it
    pipeline.read_again,  # second_reading: does the named sentence state what is asked (rag.second_reading)
    pipeline.qualify,  # a number as exact as its evidence: "meer dan 4 biljoen", "2 tot 3 jaar" (rag.qualifiers)
    pipeline.check,  # verification, and the abstain reasons that need the model's answer (rag.checking)
)
AFTER_ANSWER = (
    pipeline.save_prompt_state,  # once per language, for the next process
)


class Assistant:
    """Loads the embedder, the index and the LLM lazily, once, and answers questions.

    Thread-safe for answering: the chat runs `chat_concurrency` questions at once on one Assistant. Each
    question's state lives in its own `Question` (rag.question_record); the shared parts are loaded once under
    a lock, and the local LLM runs one generation at a time (its own lock). Writers (sync_index, add_articles) hold the
    index's write lock and swap in the new index; a question already running keeps the one it started with.

    >>> asst = Assistant.from_settings(index="seeds", top_k=5)
    >>> asst.answer("Hoeveel geld moet er in Stargate vloeien?").text
    """

    stages = STAGES
    after_answer = AFTER_ANSWER

    def __init__(self, settings: Settings | None = None, generator: Generator | None = None, *, retriever=None,
                 data: IndexData | None = None, embedder=None, checker: Generator | None = None):
        """Components given here are used as they are, instead of being loaded from the settings: a retriever
        (anything with `search(question, k, filter)`), the index data it searches (default: the retriever's),
        the embedder (default: the retriever's), the generator, and the checker (the second reading's
        generator: by default a second instance of the generator, loaded by `load()` beside it; with a generator
        given and no checker, made when `second_reading` first needs it)."""
        self.settings = settings or Settings.load()
        use_prompts_dir(self.settings.prompts_dir)  # the text rules' word lists (rag.wordlists)
        self._retriever = retriever
        self._data = data if data is not None else getattr(retriever, "data", None)
        self._embedder = embedder if embedder is not None else getattr(retriever, "embedder", None)
        self._generator = generator
        self._checker = checker
        self._checker_at_load = generator is None or checker is not None  # load() loads it with the generator
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
                                            self.settings.candidates, self.settings.bm25_weight,
                                            self.settings.other_language_bonus)
            return self._retriever

    @property
    def generator(self) -> Generator:
        with self._generator_lock:
            if self._generator is None:
                from rag.llm import make_generator

                self._generator = make_generator(self.settings)
            return self._generator

    @property
    def checker(self) -> Generator:
        """The second reading's own model context, so the answer's KV cache (prompt prefix) stays as it is."""
        with self._generator_lock:
            if self._checker is None:
                from rag.llm import make_generator

                if self._generator is None:
                    self._generator = make_generator(self.settings)
                self._checker = self._generator.sibling() or make_generator(self.settings)
            return self._checker

    def load(self, checker: bool = True) -> Assistant:
        """Load everything now (the chat does this at start-up so the first question is fast).

        On a cold start the retriever (torch, the embedder, the index) loads in a thread while the LLM
        loads in this one, so the wait is the longer of the two, not their sum. The LLM loads in the
        calling thread because llama-cpp-python silences stdout/stderr process-wide while it loads. With
        `checker`, the second reading's context (when it is on) loads right after it, so the chat's first
        question does not wait for it; a one-off question (`checker=False`) loads it only if its answer needs it.
        """
        if self._retriever is not None or self._generator is not None:
            _ = self.retriever, self.generator.load()
            if checker:
                self._load_checker()
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
        if checker:
            self._load_checker()
        return self

    def _load_checker(self) -> None:
        if self.settings.evidence_first and self.settings.second_reading and self._checker_at_load:
            self.checker.load()

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
        from rag.errors import IncompatibleIndex

        def run(rebuild: bool):
            return index.sync(self.settings.index_path, self.source_documents(), self.embedder, self.settings,
                              rebuild=rebuild, progress=progress, on_progress=on_progress)

        with index.write_lock(self.settings.index_path, self.settings.index_lock_timeout):
            try:  # under the lock, so the articles read are the ones indexed
                report = run(rebuild)
            except IncompatibleIndex as exc:  # built with another embedder or chunking: indexing is the remedy
                logging.getLogger(__name__).warning("%s Rebuilding it.", exc.message)
                report = run(True)
        if report.modified or rebuild:
            with self._lock:  # the next question loads the new version; running ones keep theirs
                self._data = self._retriever = None
            if self.settings.passage_states_path.is_dir():  # passages that left: their KV states go too
                from rag.llm.state_store import prune_for_index

                prune_for_index(self.settings, index.load_texts(self.settings.index_path))
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
            saved: list[Path] = []
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
                saved.append(target)
            with index.unless_indexed(self.settings.index_path, saved):  # a failed batch leaves no files
                report = self.sync_index(progress=False, on_progress=on_progress) if saved else None
        return report, messages

    def documents(self):
        return sorted(self.data.documents.values(), key=lambda d: d.id)

    # -- answering ----------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        """The question, cleaned; an InputError says what is wrong with one Bron cannot answer (rag.questions)."""
        from rag.questions import check_question

        return check_question(question, self.settings.max_question_chars, self.settings.prompts_dir)

    def retrieve(self, question: str, top_k: int | None = None, *, since: date | str | None = None,
                 until: date | str | None = None, sources: Iterable[str] | None = None) -> list[Passage]:
        """The passages the model would read for `question` (rag.searching): the best in rank order while they
        fit the prompt budget and score near the best one, from the articles in the period and by the sources
        given (rag.filters), or in a period the question names (`question_dates`)."""
        from rag.searching import search

        return search(question, self.retriever, self.data.documents.values(), self.settings, top_k,
                      since=since, until=until, sources=sources).passages

    def conversation(self) -> Conversation:
        """A conversation for a notebook: `conv.ask(...)` passes the earlier turns as history."""
        return Conversation(self)

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
        strings, inclusive) and `sources` (names) limit the articles searched (rag.filters).

        The work is the stages of `STAGES`, in order, over one `Question` (rag.question_record); a stage that
        decides the answer before the model (an abstention) ends the list early."""
        record = pipeline.Question(question, top_k, history, since, until, sources)
        for stage in self.stages:
            yield from stage(self, record)
            if record.verdict is not None:
                break
        yield record.answer()
        for stage in self.after_answer:
            stage(self, record)

    def first_use_of_prompt_state(self, path: Path) -> bool:
        """True once per saved prompt state: the first question that needs it reads it into the model."""
        with self._lock:
            if path in self._prefix_files:
                return False
            self._prefix_files.add(path)
            return True

    def warm_prompt_cache(self, languages: tuple[str, ...] = ("nl", "de", "en")) -> list[str]:
        """Save the fixed prompt prefixes as KV states on disk (rag.promptcache), so that even the first
        `bron ask` in a language starts from them. Returns the names of those it had to prepare."""
        from rag import promptcache
        from rag.llm import make_generator

        generator = self._generator or make_generator(self.settings, load=False)
        prepared = promptcache.warm(generator, self.settings, languages)
        if prepared:  # loaded to write them: keep it
            self._generator = generator
        return prepared


@lru_cache(maxsize=4)
def _shared_assistant(settings: Settings) -> Assistant:
    return Assistant(settings)


def answer(question: str, history: History | None = None, **overrides) -> Answer:
    """Answer with the default index and models; they load once per process and settings. `history`: the
    earlier Answers of a conversation, for a follow-up question."""
    return _shared_assistant(Settings.load(**overrides)).answer(question, history=history)


class Conversation:
    """A conversation in a notebook: each question is asked with the earlier turns as its history.

    >>> conv = asst.conversation()
    >>> conv.ask("Wie leidt OpenAI?")
    >>> conv.ask("Hoe oud is hij?").searched_for
    'Hoe oud is Sam Altman?'
    """

    def __init__(self, assistant: Assistant, answers: Sequence[Answer] = ()):
        self.assistant = assistant
        self.answers: list[Answer] = list(answers)

    def ask(self, question: str, top_k: int | None = None, **filters) -> Answer:
        answer = self.assistant.answer(question, top_k, history=self.answers, **filters)
        self.answers.append(answer)
        return answer

    def stream(self, question: str, top_k: int | None = None, **filters) -> Iterator:
        """As `Assistant.stream`; the final Answer joins the conversation."""
        for item in self.assistant.stream(question, top_k, history=self.answers, **filters):
            if isinstance(item, Answer):
                self.answers.append(item)
            yield item

    def clear(self) -> None:
        """Start over: the next question stands alone."""
        self.answers.clear()

    def __len__(self) -> int:
        return len(self.answers)

    def __repr__(self) -> str:
        lines = [f"Conversation({len(self.answers)} turn{'s' if len(self.answers) != 1 else ''})"]
        for i, a in enumerate(self.answers, 1):
            searched = f"  (searched for: {a.searched_for})" if a.searched_for else ""
            lines.append(f"  {i}. {a.question}{searched}\n     -> {' '.join(a.text.split())[:120]}")
        return "\n".join(lines)
