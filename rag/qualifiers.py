"""An answer's number as exact as its evidence says it: "meer dan 4 biljoen dollar", not "4 biljoen dollar".

The small model copies a number and drops the words before it that say how exact it is ("meer dan",
"mindestens", "at least"), or the other end of a range ("twee tot drie jaar" -> "2 jaar"). The answer then
states more than its source: "500 miljard dollar" where the article says at least that much. On the follow-up
files, helpers who never read Bron's rules wrote such a qualifier into their gold answers in four sets, and
the model dropped it each time. The rule puts the evidence's qualifier (or the range's other end) back at the
answer's number, in the answer's language, only when every place the evidence states that value says the
same and the answer has no qualifier or range there of its own. A year is never made a range ("2024" of "van
2024 tot 2026" may be asked as the start).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.numbers import amount_spans, canonical, in_language, number_word
from rag.textrules import blank_citations
from rag.wordlists import LANGUAGES, prompts_dir_in_use, read_words

_SYMBOL_BEFORE = re.compile(r"[$€£]\s?$")  # "$4 trillion": the qualifier goes before the currency sign
_DASHES = {"-", "–", "—"}
YEARS = (1900, 2100)  # a whole number in this span, without a scale word, is read as a year
Span = tuple[int, int, float]  # start, end of a number in a text, and its value (rag.numbers.amount_spans)


@dataclass(frozen=True)
class _Lists:
    """The qualifier and range words of the three languages (<lang>/words.toml)."""

    meaning: dict[str, str]  # phrase (lower case, any language; longest first) -> its meaning ("more_than")
    languages: dict[str, frozenset[str]]  # phrase -> the languages that write it
    written: dict[tuple[str, str], str]  # (language, meaning) -> how an answer in that language writes it
    range_words: frozenset[str]  # between the two numbers of a range, any language ("tot", "bis", "to")
    range_word: dict[str, str]  # language -> how an answer in that language writes a range


@lru_cache(maxsize=4)
def _lists(prompts_dir: Path) -> _Lists:
    meaning: dict[str, str] = {}
    languages: dict[str, frozenset[str]] = {}
    written, range_words, range_word = {}, set(), {}
    for language in LANGUAGES:
        data = read_words(f"{language}/words.toml", prompts_dir)
        for sense, phrases in data.get("qualifiers", {}).items():
            for phrase in phrases:
                meaning[phrase.lower()] = sense
                languages[phrase.lower()] = languages.get(phrase.lower(), frozenset()) | {language}
            written[(language, sense)] = phrases[0]
        words = data.get("ranges", {}).get("words", [])
        range_words.update(word.lower() for word in words)
        range_word.update({language: words[0]} if words else {})
    longest_first = dict(sorted(meaning.items(), key=lambda item: -len(item[0])))  # "rond de" before "rond"
    return _Lists(longest_first, languages, written, frozenset(range_words), range_word)


def qualify(answer: str, evidence: str, language: str) -> tuple[str, list[str]]:
    """The answer with each number given the qualifier or range its evidence states it with, and a note per change."""
    lists = _lists(prompts_dir_in_use())
    unmarked = blank_citations(answer)  # "[3]" is no number of the answer
    source, have = amount_spans(evidence), amount_spans(unmarked)
    edits: list[tuple[int, str]] = []  # (position in the answer, text to insert there)
    notes = []
    for k, (start, end, value) in enumerate(have):
        if _qualifier_before(unmarked, start, lists) or _partner(unmarked, have, k, lists):
            continue
        same = [i for i, span in enumerate(source) if math.isclose(span[2], value)]
        phrases = {_qualifier_before(evidence, source[i][0], lists) for i in same}
        partners = {_partner(evidence, source, i, lists, language) for i in same}
        at = _before_symbol(answer, start)
        if len(phrases) == 1 and (phrase := phrases.pop()):
            own = language in lists.languages[phrase]
            word = phrase if own else lists.written.get((language, lists.meaning[phrase]))
            if word:
                edits.append((at, (word[0].upper() + word[1:] if not answer[:at].strip() else word) + " "))
                notes.append(f"'{answer[start:end]}' written '{word} {answer[start:end]}' as its evidence states it")
        elif len(partners) == 1 and (partner := partners.pop()) and not _is_year(value):
            side, other = partner
            joined = lists.range_word.get(language, "-")
            edits.append((end, f" {joined} {other}") if side == "after" else (at, f"{other} {joined} "))
            notes.append(f"'{answer[start:end]}' written as the range its evidence states")
    for at, text in sorted(edits, reverse=True):
        answer = answer[:at] + text + answer[at:]
    return answer, notes


def _qualifier_before(text: str, start: int, lists: _Lists) -> str | None:
    """The qualifier phrase (lower case) that ends right before position `start`, a currency sign between them
    allowed, or None."""
    before = _SYMBOL_BEFORE.sub("", text[:start]).rstrip().lower().replace("’", "'")
    for phrase in lists.meaning:
        if before.endswith(phrase) and (len(before) == len(phrase) or not before[-len(phrase) - 1].isalnum()):
            return phrase
    return None


def _partner(text: str, spans: list[Span], i: int, lists: _Lists, language: str = "en") -> tuple[str, str] | None:
    """The range the i-th number is one end of: ("after", "3") for the "twee" of "twee tot drie", ("before",
    "2") for its "drie"; the other end written in digits. None when the number is not in a range."""
    start, end, value = spans[i]
    if i + 1 < len(spans) and _joins(text[end:spans[i + 1][0]], lists) and spans[i + 1][2] > value:
        return "after", _digits(text[spans[i + 1][0]:spans[i + 1][1]], language)
    if i > 0 and _joins(text[spans[i - 1][1]:start], lists) and spans[i - 1][2] < value:
        return "before", _digits(text[spans[i - 1][0]:spans[i - 1][1]], language)
    return None


def _joins(between: str, lists: _Lists) -> bool:
    """What lies between two numbers makes them a range: a dash or a range word alone."""
    between = between.strip().lower()
    return between in _DASHES or between in lists.range_words


def _digits(written: str, language: str) -> str:
    """A number as digits, as the answer's language writes decimals: "drie" -> "3", "2.5" -> "2,5" (nl, de)."""
    return in_language(number_word(written) if written[0].isalpha() else canonical(written), language)


def _before_symbol(text: str, start: int) -> int:
    """Where the number at `start` begins, with a currency sign right before it ("$4")."""
    match = _SYMBOL_BEFORE.search(text[:start])
    return match.start() if match else start


def _is_year(value: float) -> bool:
    return value.is_integer() and YEARS[0] <= value <= YEARS[1]
