"""The one number parser, shared by verification (rag.verification) and evaluation (rag.evaluation.normalize):
numbers as Dutch, German and English write them.

- Thousands: a separator after one to three digits and before exactly three, the same one throughout:
  "9.000" and "9,000" are 9000, "1.250" is 1250 (as Dutch and German write it).
- Decimals: any other last separator: "8,2" and "8.2" are 8.2; with both kinds the last one is the decimal
  point and the others group thousands: "1.234,5" (nl, de) and "1,234.5" (en) are both 1234.5.
- Spelled-out numbers of the word lists ("elf", "eleven", "zwölf") are numbers; a scale word after a number
  multiplies it ("2,7 miljard" is 2.7e9, "500 billion" 5e11); currency and percent signs change nothing
  ("€ 1.500" is 1500, "15%" is 15).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.wordlists import word_lists

DECIMAL_COMMA = ("nl", "de")  # languages that write "8,2"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # digits with separators, as written
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # what float() reads of a canonical number
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")  # 9.000, 1,234,567: thousands only
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)*|[^\W\d_]+)(?=\s*([^\W\d_]+))?")  # a number or number word; the next word


def canonical(written: str) -> str:
    """One spelling per number: digits, and '.' before the decimals ("1.234,5" -> "1234.5", "9,000" -> "9000")."""
    if _GROUPED.fullmatch(written):
        return re.sub(r"[.,]", "", written)
    *whole, last = re.split(r"[.,]", written)
    return "".join(whole) + "." + last if whole else last


def in_language(digits: str, language: str) -> str:
    """A canonical number as a language writes its decimals: "8.2" -> "8,2" in Dutch and German."""
    return digits.replace(".", ",") if language in DECIMAL_COMMA else digits


def value(written: str) -> float:
    """The number's value: "1.234,5" -> 1234.5."""
    return float(canonical(written))


def number_word(word: str) -> str | None:
    """The digits of a spelled-out number ("elf" -> "11"), None for any other word."""
    return word_lists().number_words.get(word.lower())


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, canonical: "8,2 miljard, vier banen" -> {"8.2", "4"}."""
    spelled = {number_word(w) for w in re.findall(r"\w+", text.lower())}
    return {canonical(raw) for raw in NUMBER.findall(text)} | (spelled - {None})


def units_after(text: str) -> dict[str, str]:
    """Each number of the text (canonical) with the word written right after it, lower case ("" for none):
    "100 kW" -> {"100": "kw"}."""
    return {canonical(m.group(1)): (m.group(2) or "").lower()
            for m in _AMOUNT.finditer(text) if m.group(1)[0].isdigit()}


def _stated(text: str) -> Iterator[tuple[re.Match, str, int]]:
    """Each number or number word of the text: its match, its digits and the power of the scale word after it."""
    for match in _AMOUNT.finditer(text):
        first, following = match.group(1), match.group(2) or ""
        digits = number_word(first) if first[0].isalpha() else canonical(first)
        if digits is not None and _DIGITS.fullmatch(digits):  # not "½" or "²", which \w also matches
            yield match, digits, word_lists().scales.get(following.lower(), 0)


def amounts(text: str) -> list[float]:
    """The values a text states, a scale word applied: "2,7 miljard en € 1.500" -> [2.7e9, 1500.0]."""
    return [float(digits) * 10 ** power for _, digits, power in _stated(text)]


def amount_spans(text: str) -> list[tuple[int, int, float]]:
    """Where the text states a value, and the value, a scale word applied: (start, end of the number, value).
    "een" or "a" is a number only before a scale word ("een miljoen"), not as an article."""
    one = word_lists().one_before_scale
    return [(m.start(1), m.end(1), float(digits) * 10 ** power) for m, digits, power in _stated(text)
            if power or not (m.group(1)[0].isalpha() and m.group(1).lower() in one)]
