"""Typed, plain results shared by retrieval, answering, the UI and evaluation: passages, the frozen Answer,
why an answer abstained (AbstainReason), what kind a note is (NoteKind) and the keys of its timings (Timing)."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class AbstainReason(StrEnum):
    """Why Bron abstained, in the order the reasons are decided (rag/checking.py decides every one).

    Compares equal to its value ("unsupported"), which is what the eval records and JSON output carry."""

    UNRESOLVED = "unresolved"  # before the model: a follow-up that does not say what it asks, not resolved
    NO_PASSAGES = "no-passages"  # before the model: the search (and its filter) found nothing to read
    MODEL = "model"  # the model wrote the abstention sentence (or nothing)
    UNSURE = "unsure"  # the model's confidence in its answer is below min_confidence
    UNSUPPORTED = "unsupported"  # the answer states a number or name that no cited passage contains
    OFF_SUBJECT = "off-subject"  # it only repeats the question's name, or its passages miss what is asked about
    WRONG_KIND = "wrong-kind"  # the question asks for a kind of answer (a date, a count) the answer clearly is not
    OTHER_TIME = "other-time"  # the question names a year, quarter or month; the evidence sentence only another one
    REPEATED = "repeated"  # a fragment follow-up ("Und beim Börsengang?") answered with the last answer's facts
    NOT_STATED = "not-stated"  # the second reading finds that the named sentence does not state what is asked
    UNCERTAIN = "uncertain"  # the model's probability of abstaining is at least 1 - strictness


class NoteKind(StrEnum):
    """What a note on an Answer is about: front ends show the kinds apart (the CLI prints SCOPE and LANGUAGE
    with the answer; the chat lists SCOPE under "Searched" and the rest under "Checks")."""

    SCOPE = "scope"  # which articles were searched: a period and sources, asked for or read from the question
    LANGUAGE = "language"  # the question's language, when Bron answers in another one
    FOLLOWUP = "followup"  # how a follow-up was turned into the question searched for
    CHECK = "check"  # what verification changed or flagged, and why Bron abstained


class Note(str):
    """A note's text, as the reader sees it, with its kind (`NoteKind`). A str, so notes print, compare and
    serialise as text; code decides by `kind`, never by the wording."""

    kind: NoteKind

    def __new__(cls, text: str, kind: NoteKind = NoteKind.CHECK) -> Note:
        note = super().__new__(cls, text)
        note.kind = kind
        return note


def note_kind(note: str) -> NoteKind:
    """The kind of a note; a plain string (an Answer made by hand) is a CHECK note."""
    return getattr(note, "kind", NoteKind.CHECK)


class Timing:
    """The keys of `Answer.timings` (milliseconds, and the model's token counts)."""

    REWRITE_MS = "rewrite_ms"  # turning a follow-up into a standalone question
    RETRIEVE_MS = "retrieve_ms"  # the search
    FIRST_TOKEN_MS = "first_token_ms"  # from the question to the answer's first token (0: no model call)
    TOTAL_MS = "total_ms"  # from the question to the checked Answer
    PROMPT_TOKENS = "prompt_tokens"
    COMPLETION_TOKENS = "completion_tokens"
    SECOND_READING_MS = "second_reading_ms"  # the second reading of the named sentence (rag.second_reading)
    PASSAGE_STATES = "states_"  # prefix of the passage-state counts and times (rag.llm.passage_states)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk, as shown to the model (numbered from 1 in rank order)."""

    n: int
    doc_id: str
    title: str
    date: str | None
    chunk_id: str
    text: str
    start: int
    end: int
    score: float  # fused retrieval score (higher is better)
    dense_score: float = 0.0  # cosine similarity to the question
    language: str = ""
    source: str | None = None  # the site or publication, when the article's file says
    page: int | None = None  # the page the passage starts on (PDF articles)
    language_bonus: float = 0.0  # added to dense_score for ranking: other_language_bonus (rag.retrieval)


@dataclass(frozen=True)
class Citation(Passage):
    """A passage the answer cites as [n]; `quote` is the sentence of it that supports the answer."""

    quote: str = ""  # the supporting sentence inside `text` ("" when not located)

    @classmethod
    def from_passage(cls, passage: Passage, quote: str = "") -> Citation:
        return cls(**{f.name: getattr(passage, f.name) for f in fields(Passage)}, quote=quote)


@dataclass(frozen=True)
class Found:
    """What `Assistant.stream` yields as soon as retrieval is done, before the model has read anything:
    the passages it will read (none is cited yet) and the question it searched for."""

    passages: list[Passage]
    searched_for: str  # the standalone question ("" when it is the question as asked)


@dataclass(frozen=True)
class Answer:
    """The result of one question, built once when it is decided (rag.pipeline). `text` carries [n] markers
    that refer to `citations`."""

    question: str
    text: str
    language: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)  # which articles were searched, what verification changed
    confidence: float | None = None  # the model's geometric mean token probability for its answer
    abstain_probability: float | None = None  # the model's probability of writing the abstention instead
    abstain_reason: AbstainReason | None = None  # why it abstained (None: it did not)
    stated_probability: float | None = None  # the second reading's probability that the named sentence states it
    probe_probability: float | None = None  # the same, by a linear probe on the model's state (rag.probe)
    draft: str = ""  # what the model wrote, before verification repaired or rejected it
    period: str = ""  # the period searched, e.g. "2025-02-01 to 2025-02-28" ("" all dates; rag.filters)
    sources: list[str] = field(default_factory=list)  # the sources searched ([] all)
    searched_for: str = ""  # the standalone question searched for and answered, when a follow-up was rewritten
    rewrite_method: str = ""  # how: "substituted" (rules), "chosen" (the model chose one the rules wrote),
    # "rewritten" (the model), "rejected" (searched as asked)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON; `abstain_reason` is "" when Bron answered."""
        return {**asdict(self), "abstain_reason": str(self.abstain_reason or "")}

    def __str__(self) -> str:
        lines = [self.text, ""]
        for c in self.citations:
            date = f", {c.date}" if c.date else ""
            lines.append(f"[{c.n}] {c.title}{date} ({c.doc_id})")
        return "\n".join(lines).rstrip()

    def _repr_markdown_(self) -> str:
        parts = [self.text.replace("\n", "  \n"), ""]
        if self.abstained:
            parts.append("*Abstained: the sources do not contain the answer.*")
        for c in self.citations:
            date = f" ({c.date})" if c.date else ""
            quote = c.quote or c.text
            parts.append(f"**[{c.n}] {c.title}**{date} — `{c.doc_id}`\n\n> {quote}\n")
        ms = self.timings
        if ms:
            parts.append(f"<sub>retrieval {ms.get(Timing.RETRIEVE_MS, 0):.0f} ms · first token "
                         f"{ms.get(Timing.FIRST_TOKEN_MS, 0):.0f} ms · total {ms.get(Timing.TOTAL_MS, 0):.0f} ms</sub>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li><b>[{c.n}] {html.escape(c.title)}</b> {html.escape(c.date or '')}"
            f"<blockquote>{html.escape(c.quote or c.text)}</blockquote></li>" for c in self.citations)
        note = "<p><i>Abstained: the sources do not contain the answer.</i></p>" if self.abstained else ""
        return f"<div><p>{html.escape(self.text)}</p>{note}<ol style='list-style:none'>{items}</ol></div>"
