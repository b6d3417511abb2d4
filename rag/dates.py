"""A period named in a question ("in februari 2025", "seit März", "last year"), read with the words in
prompts/dates.toml (Dutch, German, English, French).

Only an unambiguous period counts: one that a preposition or a year marks as a date ("in May", "May
2025"; not "you may"), and only one distinct period per question ("between January and March" is left
alone). A month without a year and "last year" are relative to the newest article's date, not to today:
the most recent such month on or before it. The question is still searched unfiltered when the period
finds nothing (rag.answering).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from rag.wordlists import prompts_dir_in_use, read_words

DATES_FILE = "dates.toml"  # in the prompts folder (settings.prompts_dir)
_YEAR = r"(?:19|20)\d{2}"


@dataclass(frozen=True)
class QuestionPeriod:
    """A period read from a question; `text` is the words it was read from (for the answer's notes)."""

    since: date | None
    until: date | None
    text: str


@dataclass(frozen=True)
class _Words:
    pattern: re.Pattern
    relative: re.Pattern
    months: dict[str, list[tuple[str, int, bool]]]  # spelling -> (language, month, lower case only)
    prepositions: dict[str, list[tuple[str, str]]]  # phrase -> (language, kind: in | since | until)
    relatives: dict[str, str]  # phrase -> last_year | this_year
    ranges: re.Pattern  # "between": the question names two ends, not one period


def alternatives(words) -> str:
    """A regex alternation of phrases, longest first, any whitespace between their words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def _words(prompts_dir: Path) -> _Words:
    path = prompts_dir / DATES_FILE
    data = read_words(DATES_FILE, prompts_dir)
    months: dict[str, list[tuple[str, int, bool]]] = {}
    preps: dict[str, list[tuple[str, str]]] = {}
    relatives: dict[str, str] = {}
    ranges: set[str] = set()
    for language, table in data.items():
        if len(table["months"]) != 12:
            raise ValueError(f"{path}: [{language}] months must list 12 months")
        for number, spellings in enumerate(table["months"], start=1):
            for spelling in spellings.split("|"):
                months.setdefault(spelling.casefold(), []).append(
                    (language, number, bool(table.get("lowercase_months", False))))
        for kind in ("in", "since", "until"):
            for phrase in table.get(kind, []):
                preps.setdefault(" ".join(phrase.casefold().split()), []).append((language, kind))
        for kind in ("last_year", "this_year"):
            for phrase in table.get(kind, []):
                relatives[" ".join(phrase.casefold().split())] = kind
        ranges |= {" ".join(word.casefold().split()) for word in table.get("ranges", [])}
    pattern = re.compile(
        rf"(?<!\w)(?:(?P<prep>{alternatives(preps)})\s+)?"
        rf"(?:(?P<month>{alternatives(months)})(?:\s+(?P<month_year>{_YEAR}))?|(?P<year>{_YEAR}))(?!\w)",
        re.IGNORECASE)
    relative = re.compile(rf"(?<!\w)(?:{alternatives(relatives) or '(?!)'})(?!\w)", re.IGNORECASE)  # none: never
    between = re.compile(rf"(?<!\w)(?:{alternatives(ranges) or '(?!)'})(?!\w)", re.IGNORECASE)
    return _Words(pattern, relative, months, preps, relatives, between)


def _span(kind: str, first: date, last: date) -> tuple[date | None, date | None]:
    return (first if kind != "until" else None, last if kind != "since" else None)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def find_period(question: str, newest: date | None, prompts_dir: Path | None = None) -> QuestionPeriod | None:
    """The one period the question names, or None (no period, several, or one relative to articles that
    have no dates). `newest` is the newest article date, which a month without a year refers to."""
    words = _words(Path(prompts_dir or prompts_dir_in_use()))
    if words.ranges.search(question):
        return None
    found: dict[tuple[date | None, date | None], str] = {}
    for match in words.pattern.finditer(question):
        prep = " ".join(match["prep"].casefold().split()) if match["prep"] else None
        prep_senses = words.prepositions.get(prep, []) if prep else []
        kind = prep_senses[0][1] if prep_senses else "in"
        if match["year"]:
            if not prep:  # "the 2024 election" is not a period; "in 2024" is
                continue
            year = int(match["year"])
            found.setdefault(_span(kind, date(year, 1, 1), date(year, 12, 31)), match[0])
            continue
        word = match["month"]
        senses = [(lang, month) for lang, month, lower in words.months[word.casefold()]
                  if not lower or word == word.lower()]
        if match["month_year"]:
            if not senses:
                continue
            year, month = int(match["month_year"]), senses[0][1]
        else:  # a month alone is a date only after a preposition of its own language ("in May", "im Mai")
            languages = {lang for lang, _ in prep_senses}
            senses = [(lang, month) for lang, month in senses if lang in languages]
            if not senses or newest is None:
                continue
            kind = next(k for lang, k in prep_senses if lang == senses[0][0])
            month = senses[0][1]
            year = newest.year if date(newest.year, month, 1) <= newest else newest.year - 1
        found.setdefault(_span(kind, date(year, month, 1), _month_end(year, month)), match[0])
    if newest is not None:
        for match in words.relative.finditer(question):
            which = words.relatives[" ".join(match[0].casefold().split())]
            year = newest.year - 1 if which == "last_year" else newest.year
            found.setdefault((date(year, 1, 1), date(year, 12, 31)), match[0])
    if len(found) != 1:
        return None
    (since, until), text = next(iter(found.items()))
    return QuestionPeriod(since, until, " ".join(text.split()))
