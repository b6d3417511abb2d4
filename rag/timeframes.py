"""The time a question asks about against the time its evidence sentence names.

"Hoe hoog was de brutomarge van Nvidia in het eerste kwartaal?" answered from "... over het tweede kwartaal,
... een brutomarge van 72%" is a true fact of the right kind about the wrong quarter: no rule on names,
numbers or kinds sees it. The check is deliberately narrow: it fires only when the question names a year,
quarter or month, the evidence sentence names one of the same kind (a month counts as its quarter too), and
none of them is the question's. A sentence that names no time, or also the asked one, passes; an open
period in the question ("sinds 2020", "bis Ende 2026", "between ... and ...") is left alone, since a
sentence about a year inside it may answer it. A year the sentence names relative to when it was written ("dit jaar",
"het afgelopen jaar", "tegen het einde van het jaar") counts as that year of its article's date, when it has one.
Words: prompts/dates.toml (months, quarters, prepositions, relative years).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rag.dates import DATES_FILE, alternatives
from rag.wordlists import prompts_dir_in_use, read_words

_YEAR = r"(?<![\d.,])(?:19|20)\d{2}(?![\d]|[.,]\d)"  # not "2.025" (a Dutch thousand) nor "20255"
RELATIVE_YEARS = {"last_year": -1, "this_year": 0, "year_end": 0, "next_year": 1}  # dates.toml keys -> offset


@dataclass
class Times:
    """The years, quarters (1-4) and months (1-12) a text names, each with the words that named it."""

    years: dict[int, str] = field(default_factory=dict)
    quarters: dict[int, str] = field(default_factory=dict)
    months: dict[int, str] = field(default_factory=dict)
    open_ended: bool = False  # a time after "since"/"until", or a range: a period, not a point

    def kinds(self) -> list[tuple[str, dict[int, str]]]:
        return [("year", self.years), ("month", self.months), ("quarter", self.quarters)]


@dataclass(frozen=True)
class _Words:
    pattern: re.Pattern
    months: dict[str, list[tuple[int, str]]]  # spelling -> (month, case rule: any | lower | capital)
    quarters: dict[str, int]
    ranges: re.Pattern
    relative: re.Pattern  # "vorig jaar", "next year", "Jahresende"
    offsets: dict[str, int]  # such a phrase -> years after the year it was written in


@lru_cache(maxsize=4)
def _words(prompts_dir: Path) -> _Words:
    data = read_words(DATES_FILE, prompts_dir)
    months: dict[str, list[tuple[int, str]]] = {}
    quarters: dict[str, int] = {}
    open_words: set[str] = set()
    ranges: set[str] = set()
    offsets: dict[str, int] = {}
    for table in data.values():
        rule = "lower" if table.get("lowercase_months") else "capital" if table.get("capitalised_months") else "any"
        for number, spellings in enumerate(table["months"], start=1):
            for spelling in spellings.split("|"):
                months.setdefault(spelling.casefold(), []).append((number, rule))
        for number, spellings in enumerate(table.get("quarters", []), start=1):
            for spelling in spellings.split("|"):
                quarters[" ".join(spelling.casefold().split())] = number
        for kind in ("since", "until"):
            open_words |= {" ".join(p.casefold().split()) for p in table.get(kind, [])}
        ranges |= {" ".join(word.casefold().split()) for word in table.get("ranges", [])}
        for kind, offset in RELATIVE_YEARS.items():
            offsets.update({" ".join(phrase.casefold().split()): offset for phrase in table.get(kind, [])})
    preps = alternatives(open_words)
    pattern = re.compile(
        rf"(?<!\w)(?:(?P<prep>{preps})\s+)?(?:(?P<quarter>{alternatives(quarters)})|(?P<month>{alternatives(months)})"
        rf"|(?P<year>{_YEAR}))(?!\w)", re.IGNORECASE)
    between = re.compile(rf"(?<!\w)(?:{alternatives(ranges) or '(?!)'})(?!\w)", re.IGNORECASE)
    relative = re.compile(rf"(?<!\w)(?:{alternatives(offsets) or '(?!)'})(?!\w)", re.IGNORECASE)
    return _Words(pattern, months, quarters, between, relative, offsets)


def _month(word: str, words: _Words) -> int | None:
    for number, rule in words.months[word.casefold()]:
        if rule == "any" or (rule == "lower" and word == word.lower()) or (rule == "capital" and word[:1].isupper()):
            return number
    return None


def times_in(text: str, prompts_dir: Path | None = None, year: int | None = None) -> Times:
    """The years, quarters and months `text` names (in any of the word lists' languages); with `year`, the year
    it was written in, also the years it names relative to that ("vorig jaar" in a 2026 article: 2025)."""
    words = _words(Path(prompts_dir or prompts_dir_in_use()))
    found = Times(open_ended=bool(words.ranges.search(text)))
    if year is not None:
        for match in words.relative.finditer(text):
            named = year + words.offsets[" ".join(match[0].casefold().split())]
            found.years.setdefault(named, f"{' '.join(match[0].split())} ({named})")
    for match in words.pattern.finditer(text):
        if match["prep"]:
            found.open_ended = True
        if match["year"]:
            found.years.setdefault(int(match["year"]), match["year"])
        elif match["quarter"]:
            found.quarters.setdefault(words.quarters[" ".join(match["quarter"].casefold().split())],
                                      " ".join(match["quarter"].split()))
        elif (month := _month(match["month"], words)) is not None:
            found.months.setdefault(month, match["month"])
            found.quarters.setdefault((month - 1) // 3 + 1, match["month"])
    return found


def other_time(question: str, evidence: str, prompts_dir: Path | None = None, year: int | None = None) -> str:
    """Why the evidence sentence is about another time than the question asks ("" when it is not, or when
    either names no time of the same kind). `year`: the year the sentence's article was written in, if known."""
    asked = times_in(question, prompts_dir)
    if asked.open_ended or not evidence:
        return ""
    named = times_in(evidence, prompts_dir, year)
    for kind, wanted in asked.kinds():
        said = dict(named.kinds())[kind]
        if wanted and said and not wanted.keys() & said.keys():
            return (f"abstained: the question asks about {', '.join(wanted.values())}; the evidence sentence "
                    f"names {', '.join(said.values())} (another {kind})")
    return ""
