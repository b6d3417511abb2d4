"""Text normalisation for answer matching: one spelling per number, scale, currency and unit word, so
Dutch, German and English answers compare equal ("500 miljard dollar" = "$500 billion"). The words are those
of the word lists (rag.wordlists), the numbers read by rag.numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.numbers import canonical
from rag.textrules import CITE_GROUP, citation_marks
from rag.wordlists import load_word_lists, prompts_dir_in_use

_NUMBER = re.compile(r"\d+(?:[.,]\d+)+")
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)([^\W\d_]+)")
_CURRENCY_FIRST = re.compile(r"([$€])\s?(\d+(?:[.,]\d+)*)(\s?(?:billion|million|trillion|bn|mn)\b)?")
_SYMBOLS = {"$": "usd", "€": "eur"}  # "$500 billion" is read as "500 billion usd", like "500 miljard dollar"
_SPLIT = re.compile(r"[-‐‑–—/]+")
_SCALE_TOKENS = {6: "mn", 9: "bn", 12: "tn"}  # one token per power of ten


@dataclass(frozen=True)
class _Canonical:
    words: dict[str, str]  # scale, unit and number word (accents removed) -> one token
    one: frozenset[str]  # words that are 1 before a scale word ("een miljoen" = "one million" = "1 mn")
    tokens: frozenset[str]  # the canonical tokens, matched exactly, never as a prefix
    articles: frozenset[str]  # carry no answer: token F1 leaves them out


@lru_cache(maxsize=4)
def _canonical(prompts_dir: Path) -> _Canonical:
    """The word lists (rag.wordlists) as one token per meaning, so that Dutch, German and English answers compare
    equal. German "Billion" (10^12) collides with English "billion" (10^9): the lists' English reading wins."""
    lists = load_word_lists(prompts_dir)
    words = {_strip_accents(w): digits for w, digits in lists.number_words.items() if digits != "1"}
    words.update({_strip_accents(w): _SCALE_TOKENS[p] for w, p in lists.scales.items() if p in _SCALE_TOKENS})
    words.update(lists.canonical_units)
    one = frozenset(_strip_accents(w) for w in lists.one_before_scale)
    return _Canonical(words, one, frozenset(words.values()), lists.articles)


def articles() -> frozenset[str]:
    """Articles of the three languages (words.toml): they carry no answer, so token F1 leaves them out."""
    return _canonical(prompts_dir_in_use()).articles


def canonical_tokens() -> frozenset[str]:
    """Tokens that stand for a scale, unit or number: matched exactly, never as a prefix (rag.evaluation.metrics)."""
    return _canonical(prompts_dir_in_use()).tokens


@lru_cache(maxsize=1)
def _edge_punct() -> str:
    """Punctuation and symbol characters (Unicode P*/S*) stripped from token edges; built on first use."""
    return "".join(chr(c) for c in range(0x2FFF) if unicodedata.category(chr(c))[0] in "PS")


def strip_markers(text: str) -> str:
    """The text without [n] citation markers, which are not part of the answer's wording."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", CITE_GROUP.sub(" ", text or ""))


cited_numbers = citation_marks  # every number cited as [n] (also [1, 2]) in order of appearance, with repeats


normalize_number = canonical  # one spelling per number (rag.numbers): 9.000 / 9,000 -> 9000, 1.234,5 -> 1234.5


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Normalised tokens: case-folded, accents and edge punctuation removed, compounds split at hyphens,
    numbers in one format, and scale, currency, percent, unit and small number words made canonical."""
    text = _strip_accents(unicodedata.normalize("NFKC", text or "")).casefold()
    text = _CURRENCY_FIRST.sub(lambda m: f" {m.group(2)}{m.group(3) or ''} {_SYMBOLS[m.group(1)]} ", text)
    text = text.replace("$", " usd ").replace("€", " eur ").replace("%", " pct ")
    text = _NUMBER.sub(lambda m: normalize_number(m.group(0)), text)
    text = _NUMBER_UNIT.sub(r"\1 \2", text)  # 500bn -> 500 bn, 100kw -> 100 kw
    edge, canon = _edge_punct(), _canonical(prompts_dir_in_use())
    out: list[str] = []
    for raw in text.split():
        raw = raw.strip(edge)
        for part in _SPLIT.split(raw):
            part = part.strip(edge)
            if not part:
                continue
            part = canon.words.get(part, part)
            if part == "usd" and out and out[-1] == "us":  # "US-Dollar", "US dollar"
                out.pop()
            if part in _SCALE_TOKENS.values() and out and out[-1] in canon.one:
                out[-1] = "1"
            out.append(part)
    return out


def normalize_text(text: str) -> str:
    """Lower-cased, whitespace-collapsed text without edge punctuation and with canonical numbers."""
    return " ".join(tokens(text))


def light(text: str) -> str:
    """Case-folded text with collapsed whitespace: enough to find a quote, keeps the wording."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
