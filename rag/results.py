"""Typed, plain results shared by retrieval, answering, the UI and evaluation."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field, fields
from typing import Any


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


@dataclass
class Answer:
    """The result of one question. `text` carries [n] markers that refer to `citations`."""

    question: str
    text: str
    language: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what verification changed or flagged
    confidence: float | None = None  # the model's geometric mean token probability for its answer
    abstain_probability: float | None = None  # the model's probability of writing the abstention instead
    abstain_reason: str = ""  # why it abstained: model, unsupported, off-subject, uncertain, unsure, no-passages
    draft: str = ""  # what the model wrote, before verification repaired or rejected it
    period: str = ""  # the period searched, e.g. "2025-02-01 to 2025-02-28" ("" all dates; rag.filters)
    sources: list[str] = field(default_factory=list)  # the sources searched ([] all)
    searched_for: str = ""  # the standalone question searched for and answered, when a follow-up was rewritten
    rewrite_method: str = ""  # how: "substituted" (rules), "rewritten" (the model), "rejected" (searched as asked)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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
            parts.append(f"<sub>retrieval {ms.get('retrieve_ms', 0):.0f} ms · first token "
                         f"{ms.get('first_token_ms', 0):.0f} ms · total {ms.get('total_ms', 0):.0f} ms</sub>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li><b>[{c.n}] {html.escape(c.title)}</b> {html.escape(c.date or '')}"
            f"<blockquote>{html.escape(c.quote or c.text)}</blockquote></li>" for c in self.citations)
        note = "<p><i>Abstained: the sources do not contain the answer.</i></p>" if self.abstained else ""
        return f"<div><p>{html.escape(self.text)}</p>{note}<ol style='list-style:none'>{items}</ol></div>"
