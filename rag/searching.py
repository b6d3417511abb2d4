"""Searching with a period and sources: which passages the model reads, and notes on which articles were searched.

The filters themselves are in rag.filters and the ranking in rag.retrieval; this decides which filter applies
(the caller's, or a period named in the question) and trims the ranked passages to the prompt budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from rag.results import Note, NoteKind, Passage

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.filters import SearchFilter


@dataclass
class Retrieval:
    """The passages for a question and the filter they were searched with (None: all articles), with the
    notes that tell the reader which articles were searched."""

    passages: list[Passage]
    filter: SearchFilter | None = None
    notes: list[Note] = field(default_factory=list)  # all of kind SCOPE


def search(question: str, retriever, documents: Iterable, settings: Settings, top_k: int | None = None, *,
           since: date | str | None = None, until: date | str | None = None,
           sources: Iterable[str] | None = None) -> Retrieval:
    """The passages for `question`, with the filter used and notes on it. A bad date is an InputError. A
    period or source language read from the question that matches no passage is dropped (a question about
    "January" must still be answered when no article is from January); an explicit filter is kept, and may leave
    no passages."""
    from rag import filters

    explicit = filters.SearchFilter.make(since, until, sources)
    k = top_k or settings.top_k
    documents = list(documents)
    narrowed, read, notes = _read_from_question(question, explicit, documents, settings)
    used, passages, origin = explicit, None, ""
    if read:
        quoted = ", ".join(f"“{text}”" for text in read)
        passages = retriever.search(question, k, narrowed) or None
        if passages:
            used, origin = narrowed, f" (read from the question: {quoted})"
        else:
            what = "articles of all dates" if narrowed.has_period and not narrowed.languages else "all articles"
            notes.append(Note(f"nothing found in {narrowed.describe()} (read from the question: {quoted}), "
                              f"so {what} were searched", NoteKind.SCOPE))
    if passages is None:
        passages = retriever.search(question, k, used)
    if used:
        notes.append(Note(f"searched {used.describe()}{origin}", NoteKind.SCOPE))
        undated = filters.count(used, documents).undated
        if used.has_period and undated:
            notes.append(Note(f"{undated} article(s) without a date were left out", NoteKind.SCOPE))
        if not passages:
            notes.append(Note(f"no indexed article matches the filter ({used.describe()})", NoteKind.SCOPE))
    return Retrieval(trim(passages, settings), used, notes)


def _read_from_question(question: str, explicit: SearchFilter | None, documents: list,
                        settings: Settings) -> tuple[SearchFilter | None, list[str], list[Note]]:
    """The filter narrowed by what the question names: a period (`question_dates`, unless the caller gave one)
    and the language of its source article (`question_languages`, when some article is in it); with the words
    that named them, and a note when the language named has no article."""
    from rag import filters
    from rag.dates import find_period
    from rag.language import name_of
    from rag.source_languages import named_source_language

    narrowed, read, notes = explicit, [], []
    if settings.question_dates and not (explicit and explicit.has_period):
        period = find_period(question, filters.newest_date(documents), settings.prompts_dir)
        if period is not None:
            narrowed = (narrowed or filters.SearchFilter()).with_period(period.since, period.until)
            read.append(period.text)
    if settings.question_languages:
        named = named_source_language(question, settings.prompts_dir)
        if named is not None and any(doc.language == named.code for doc in documents):
            narrowed = replace(narrowed or filters.SearchFilter(), languages=(named.code,))
            read.append(named.text)
        elif named is not None:
            notes.append(Note(f"no article is in {name_of(named.code)} (read from the question: “{named.text}”), "
                              "so all articles were searched", NoteKind.SCOPE))
    return narrowed, read, notes


def trim(passages: list[Passage], settings: Settings) -> list[Passage]:
    """The best passages in rank order while they fit `context_chars` and score within `score_gap` of the best.

    With a language bonus (rag.retrieval), a passage is read when it is within the gap by its corrected score or by
    its cosine alone, and the passages read keep the order of their cosines: the bonus brings the other language's
    evidence into the prompt without putting it before what the embedder found best. A same-language question
    otherwise lost its answer to a promoted passage that the bonus merely made close ("Wie leidt OpenAI?")."""
    if not passages:
        return []
    if not any(p.language_bonus for p in passages):
        best = passages[0].dense_score
        return _within_budget(passages, settings, stop_at_gap=True, below=lambda p: best - p.dense_score)
    best_cosine, first = max(p.dense_score for p in passages), passages[0].dense_score + passages[0].language_bonus
    kept = _within_budget(passages, settings, stop_at_gap=False,
                          below=lambda p: min(first - p.dense_score - p.language_bonus, best_cosine - p.dense_score))
    kept.sort(key=lambda p: -p.dense_score)
    return [replace(p, n=i + 1) for i, p in enumerate(kept)]


def _within_budget(passages: list[Passage], settings: Settings, below, stop_at_gap: bool) -> list[Passage]:
    """Passages in rank order while they fit `context_chars`; one more than `score_gap` `below` the best ends the
    list (`stop_at_gap`) or is skipped."""
    kept, used = [], 0
    for p in passages:
        if kept and used + len(p.text) > settings.context_chars:
            break
        if kept and below(p) > settings.score_gap:
            if stop_at_gap:
                break
            continue
        kept.append(p)
        used += len(p.text)
    return kept
