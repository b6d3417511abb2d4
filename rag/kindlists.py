"""The kinds of answer a question can ask for and the units a number in a text can count, with the word lists
both sides read (prompts/kinds.toml, months from prompts/dates.toml): rag.askedkinds reads a question, rag.
answerkinds a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from rag.wordlists import prompts_dir_in_use, read_words

KINDS_FILE = "kinds.toml"  # in the prompts folder (settings.prompts_dir)


class Kind(StrEnum):
    """The kinds of answer a question word can ask for."""

    DATE = "date"
    AGE = "age"
    DURATION = "duration"
    PLACE = "place"
    PERSON_OR_ORG = "person_or_org"
    MONEY = "money"  # "how much did X invest": money, or a share of it ("how much did revenue grow": 8%)
    SUM = "sum"  # "hoeveel geld", "how many dollars": the money named, so a percentage is no answer
    PERCENT = "percent"
    COUNT = "count"  # how many <things>
    AMOUNT = "amount"  # a number of any unit ("hoeveel" before a verb, "how high")


class Unit(StrEnum):
    """What one number in a text counts, read from the words around it."""

    MONEY = "an amount of money"
    PERCENT = "a percentage"
    AGE = "an age"
    DURATION = "a duration"
    MEASURE = "a measurement"
    DATE = "a date"
    SCALED = "an amount"
    COUNT = "a count of something"
    BARE = "a number"



NUMBER_KINDS = frozenset({Kind.AGE, Kind.MONEY, Kind.SUM, Kind.PERCENT, Kind.COUNT, Kind.AMOUNT})  # a date may be words
DESCRIBE = {Kind.DATE: "a date", Kind.AGE: "an age", Kind.DURATION: "a duration", Kind.PLACE: "a place",
            Kind.PERSON_OR_ORG: "a person or organisation", Kind.MONEY: "an amount of money",
            Kind.SUM: "an amount of money",
            Kind.PERCENT: "a percentage", Kind.COUNT: "a count", Kind.AMOUNT: "a number"}


@dataclass(frozen=True)
class KindLists:
    """prompts/kinds.toml, read once per prompts folder, with the months of dates.toml."""

    questions: dict[str, dict]  # language -> its table (phrases by kind, which_nouns, much/many words)
    units: dict[str, frozenset[str]]  # currency, percent, time, measure, age, ... -> words
    months: dict[str, bool]  # month spelling -> written with a capital only (English, German)
    abbreviations: frozenset[str]
    strong: frozenset[str]
    weak: re.Pattern
    patterns: re.Pattern
    year_before: frozenset[str]
    year_word_endings: tuple[str, ...]  # "topjaar 2025": a compound of a year word before a year
    quantities: frozenset[str]
    spelled: re.Pattern  # a number spelled out inside a word ("drieënvijftig")


@lru_cache(maxsize=4)
def _load(prompts_dir: Path) -> KindLists:
    data = read_words(KINDS_FILE, prompts_dir)
    months = {spelling: language != "nl" for language, table in read_words("dates.toml", prompts_dir).items()
              if language in data for month in table["months"] for spelling in month.split("|")}
    dates, amounts = data["dates"], data["quantities"]
    weak = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(dates["weak"], key=len, reverse=True))
    return KindLists({lang: data[lang] for lang in ("nl", "de", "en") if lang in data},
                     {name: frozenset(words) for name, words in data["units"].items()}, months,
                     frozenset(dates["abbreviations"]), frozenset(dates["strong"]),
                     re.compile(rf"(?<!\w)(?:{weak})(?!\w)", re.IGNORECASE),
                     re.compile("|".join(dates["patterns"])), frozenset(dates["year_before"]),
                     tuple(dates.get("year_word_endings", [])),
                     frozenset(amounts["shares"] + amounts["counts"] + amounts["relative"]),
                     re.compile("|".join(map(re.escape, amounts["spelled"])), re.IGNORECASE))


def kind_lists() -> KindLists:
    """The lists of the prompts folder in use, read once."""
    return _load(prompts_dir_in_use())
