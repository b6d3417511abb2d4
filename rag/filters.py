"""Which articles a search may use: a period and/or a list of sources. The one home of the filter logic;
retrieval (rag.retrieval) searches only among the passages of matching articles.

Dates are inclusive and may be partial: `since="2025-02"` starts on 2025-02-01, `until="2025-02"` ends on
2025-02-28. An article's own date may be partial too ("2025-01" in a text file's date marker): it counts
as the whole month and matches when that month overlaps the period. Articles without a (readable) date
never match a period.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from rag.errors import InputError

if TYPE_CHECKING:
    from rag.documents import Document

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
DATE_FORMATS = "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2025-02 or 2025-02-14"


def date_range(value: str | None) -> tuple[date, date] | None:
    """The first and last day an ISO date ("2025", "2025-02", "2025-02-14", or a longer timestamp) stands
    for; None when it is missing or not a date."""
    if not value:
        return None
    match = _ISO.match(value[:10])
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


def parse_bound(value: date | str | None, name: str, end: bool) -> date | None:
    """`since` (first day of a partial date) or `until` (last day): a date, or an ISO string. A bad one is an
    InputError that says which formats work."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = date_range(str(value).strip()) if isinstance(value, str) and len(value.strip()) <= 10 else None
    if found is None:
        raise InputError(f"{name}={value!r} is not a date.", f"Give {name} as {DATE_FORMATS}.")
    return found[1] if end else found[0]


@dataclass(frozen=True)
class SearchFilter:
    """A period (inclusive; either end may be open), source names and article languages (ISO 639-1 codes, as a
    question names them: rag.source_languages); empty fields do not filter."""

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def make(cls, since: date | str | None = None, until: date | str | None = None,
             sources: Iterable[str] | str | None = None) -> SearchFilter | None:
        """The filter for the caller's arguments (None when they filter nothing); InputError for a bad date or
        a period that ends before it starts."""
        if isinstance(sources, str):
            sources = [sources]
        names = tuple(dict.fromkeys(s.strip() for s in sources or () if s and s.strip()))
        made = cls(parse_bound(since, "since", end=False), parse_bound(until, "until", end=True), names)
        if made.since and made.until and made.since > made.until:
            raise InputError(f"The period ends ({made.until}) before it starts ({made.since}).",
                             "Give an until date on or after the since date.")
        return made if made else None

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.sources or self.languages)

    @property
    def has_period(self) -> bool:
        return bool(self.since or self.until)

    def with_period(self, since: date | None, until: date | None) -> SearchFilter:
        return replace(self, since=since, until=until)

    def period(self) -> str:
        """'2025-02-01 to 2025-02-28', 'from 2025-02-01', 'until 2025-02-28', or '' without a period."""
        if self.since and self.until:
            return f"{self.since.isoformat()} to {self.until.isoformat()}"
        if self.since:
            return f"from {self.since.isoformat()}"
        if self.until:
            return f"until {self.until.isoformat()}"
        return ""

    def describe(self) -> str:
        """What the filter lets through, for notes: 'articles from 2025-02-01 to 2025-02-28 by NOS'."""
        text = "articles"
        period = self.period()
        if period:
            text += f" {period}" if period.startswith(("from", "until")) else f" from {period}"
        if self.sources:
            text += " by " + ", ".join(self.sources)
        if self.languages:
            from rag.language import name_of

            text += " in " + ", ".join(map(name_of, self.languages))
        return text

    def matches(self, document: Document) -> bool:
        """The article is in the period (its date range overlaps it) and by one of the sources. A source
        name matches the article's source, id or file name, ignoring case."""
        if self.languages and document.language not in self.languages:
            return False
        if self.sources:
            keys = {k.casefold() for k in (document.source, document.id) if k}
            if document.path:
                keys |= {PurePath(document.path).name.casefold(), PurePath(document.path).stem.casefold()}
            if not any(s.casefold() in keys for s in self.sources):
                return False
        if self.has_period:
            span = date_range(document.date)
            if span is None:
                return False
            if (self.since and span[1] < self.since) or (self.until and span[0] > self.until):
                return False
        return True


@dataclass(frozen=True)
class FilterCount:
    """How a filter split the index's articles: how many it kept, and how many were left out for lack of a
    date (they cannot be placed in any period)."""

    matched: int
    undated: int


def count(filter_: SearchFilter, documents: Iterable[Document]) -> FilterCount:
    matched = undated = 0
    for doc in documents:
        if filter_.matches(doc):
            matched += 1
        elif filter_.has_period and date_range(doc.date) is None:
            undated += 1
    return FilterCount(matched, undated)


def newest_date(documents: Iterable[Document]) -> date | None:
    """The latest day any article's date reaches: what 'last year' and a month without a year refer to."""
    ends = [span[1] for span in (date_range(d.date) for d in documents) if span]
    return max(ends) if ends else None


def source_names(documents: Iterable[Document]) -> list[str]:
    """The distinct sources of the articles, sorted ignoring case (for the chat's source list)."""
    names = {d.source.strip() for d in documents if d.source and d.source.strip()}
    return sorted(names, key=str.casefold)
