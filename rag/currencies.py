"""An answer's currency as its evidence states it: "20 Milliarden Euro", not "20 Milliarden US-Dollar".

The small model writes a German amount in "US-Dollar" whatever its source says, and once wrote "600 billion
euros" for "600 miljard dollar". Nothing checked a currency (it is no name and no number), and "US-Dollar" was
read as a name no Dutch passage has, so a right amount in dollars was abstained on (3 recorded answers) and one
in the wrong currency was given. As with scale words (rag.verification.repair_scales), the currency after a
number is written as the evidence gives it for that value, in the answer's language ("Dollar", "dollars",
"euro"), with a note: only when the evidence states that value in one currency.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.numbers import amount_spans
from rag.textrules import blank_citations
from rag.wordlists import LANGUAGES, prompts_dir_in_use, read_words, word_lists

SIGNS = {"$": "usd", "€": "eur"}
_AFTER = re.compile(r"\s+([^\W\d][\w-]*)(?:\s+([^\W\d][\w-]*))?")  # the one or two words after a number


@dataclass(frozen=True)
class _Lists:
    codes: dict[str, str]  # currency word (lower case) -> its token ("us-dollar" -> "usd")
    written: dict[tuple[str, str], str]  # (language, token) -> how an answer in that language writes it


@lru_cache(maxsize=4)
def _lists(prompts_dir: Path) -> _Lists:
    units = read_words("words.toml", prompts_dir).get("canonical_units", {})
    written = {}
    for language in LANGUAGES:
        own = read_words(f"{language}/words.toml", prompts_dir).get("currencies", {})
        written.update({(language, token): word for token, word in own.items()})
    codes = {form: token for token in {t for _, t in written} for form in units.get(token, [])}
    return _Lists(codes, written)


def _currency_after(text: str, end: int, lists: _Lists) -> tuple[int, int, str] | None:
    """The currency word right after the number ending at `end` (a scale word between allowed): its span and token."""
    match = _AFTER.match(text, end)
    if not match:
        return None
    first, second = match.group(1), match.group(2)
    if first.lower() in lists.codes:
        return match.start(1), match.end(1), lists.codes[first.lower()]
    if second and first.lower() in word_lists().scales and second.lower() in lists.codes:
        return match.start(2), match.end(2), lists.codes[second.lower()]
    return None


def _currency_of(text: str, start: int, end: int, lists: _Lists) -> tuple[int, int, str] | None:
    """The currency of the number at start:end: a sign right before it ("$4") or a word after it."""
    before = text[:start].rstrip()
    if before[-1:] in SIGNS:
        return len(before) - 1, len(before), SIGNS[before[-1]]
    return _currency_after(text, end, lists)


def repair_currency(answer: str, evidence: str, language: str) -> tuple[str, list[str]]:
    """The answer with each amount's currency as the evidence states it for that value, and a note per change."""
    lists = _lists(prompts_dir_in_use())
    unmarked = blank_citations(answer)
    stated = [(value, found[2]) for start, end, value in amount_spans(evidence)
              if (found := _currency_of(evidence, start, end, lists))]
    edits, notes = [], []
    for start, end, value in amount_spans(unmarked):
        have = _currency_of(unmarked, start, end, lists)
        sources = {token for v, token in stated if math.isclose(v, value)}
        if not have or len(sources) != 1:
            continue
        token, (at, until, own) = sources.pop(), have
        word = answer[at:until]
        foreign_form = "-" in word and word.lower() not in evidence.lower()  # "US-Dollar" where it says "dollar"
        if own == token and not foreign_form:
            continue
        sign = next((s for s, t in SIGNS.items() if t == token), None)
        right = sign if word in SIGNS else lists.written.get((language, token))
        if right and right != word:
            edits.append((at, until, right))
            notes.append(f"currency '{word}' written '{right}' as its evidence states the amount")
    for at, until, right in sorted(edits, reverse=True):
        answer = answer[:at] + right + answer[until:]
    return answer, notes
