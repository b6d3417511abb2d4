"""One question's record on its way to an Answer (`Question`), and what the stages use that outlives it (`Parts`).

Apart from the stages (rag.pipeline) so that helpers of several stages (rag.retries) can name them without
importing the stages.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rag.results import Answer, Note, Passage, Timing

if TYPE_CHECKING:
    from rag.checking import Verdict
    from rag.config import Settings
    from rag.evidence import Evidence, Located
    from rag.followups import History
    from rag.llm import Generation, Generator
    from rag.prompting import PromptSet
    from rag.searching import Retrieval
    from rag.second_reading import Reading


class Parts(Protocol):
    """What the stages use that outlives a question (the Assistant provides it)."""

    settings: Settings

    @property
    def generator(self) -> Generator: ...

    @property
    def checker(self) -> Generator: ...

    @property
    def retriever(self) -> Any: ...

    @property
    def data(self) -> Any: ...

    def load(self, checker: bool = True) -> Any: ...

    def first_use_of_prompt_state(self, path: Path) -> bool: ...


@dataclass
class Question:
    """One question on its way to an Answer: the request, then what each stage found."""

    asked: str  # as the caller asked it (cleaned by `prepare`)
    top_k: int | None = None
    history: History | None = None
    since: date | str | None = None
    until: date | str | None = None
    sources: Iterable[str] | None = None
    started: float = field(default_factory=time.perf_counter)
    # prepare
    language: str = "en"  # the language to answer in
    prompts: PromptSet | None = None
    question: str = ""  # what is searched for and answered: the standalone form of a follow-up
    rewrite_method: str = ""  # "" (asked alone), "substituted", "chosen", "rewritten" or "rejected" (rag.followups)
    written: str = ""  # as asked, names typed in lower case as the articles write them ("en Oracle?", rag.spelling)
    notes: list[Note] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # search
    retrieval: Retrieval | None = None
    # generate
    read: list[Passage] = field(default_factory=list)  # what the model reads (excerpts of the passages)
    grammar: str | None = None
    abstain_path: str = ""  # the text along which the model's probability of abstaining is measured
    generation: Generation | None = None
    draft: str = ""  # the model's answer (in the question's language after the retry), with its citations
    evidence: Evidence | None = None  # the sentences the model named first (evidence-first layout, rag.evidence)
    model_answer: str = ""  # the model's answer line as it wrote it, before any stage amended it
    located: Located | None = None  # where the answer's facts are among the named sentences (rag.evidence)
    reading: Reading | None = None  # the second reading of the named sentence (rag.second_reading)
    # gate / check
    verdict: Verdict | None = None

    @property
    def passages(self) -> list[Passage]:
        return self.retrieval.passages if self.retrieval else []

    @property
    def searched_for(self) -> str:
        return self.question if self.question.lower() != self.asked.lower() else ""  # not for capitals alone

    def ms_since_start(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def answer(self) -> Answer:
        """The Answer, built once from the record when the stages are done."""
        verdict, found, record = self.verdict, self.retrieval, self.generation
        self.timings[Timing.TOTAL_MS] = self.ms_since_start()
        if record is not None:
            self.timings[Timing.PROMPT_TOKENS] = record.prompt_tokens
            self.timings[Timing.COMPLETION_TOKENS] = record.completion_tokens
            self.timings.update({Timing.PASSAGE_STATES + key: value for key, value in record.passage_states.items()})
        return Answer(
            question=self.asked, text=verdict.text, language=self.language, abstained=verdict.abstained,
            citations=verdict.citations, passages=self.passages, timings=self.timings,
            notes=self.notes + verdict.notes, confidence=record.confidence if record else None,
            abstain_probability=record.abstain_probability if record else None, abstain_reason=verdict.reason,
            stated_probability=self.reading.yes if self.reading else None,
            probe_probability=self.reading.probe if self.reading else None,
            draft=verdict.draft, period=found.filter.period() if found and found.filter else "",
            sources=list(found.filter.sources) if found and found.filter else [], searched_for=self.searched_for,
            rewrite_method=self.rewrite_method)
