"""Text normalisation for answer matching: one spelling per number, scale, currency and unit word, so
Dutch, German and English answers compare equal ("500 miljard dollar" = "$500 billion")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rag.textrules import CITE_GROUP, citation_marks

_NUMBER = re.compile(r"\d+(?:[.,]\d+)+")
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)([^\W\d_]+)")
_CURRENCY_FIRST = re.compile(r"([$€])\s?(\d+(?:[.,]\d+)*)(\s?(?:billion|million|trillion|bn|mn)\b)?")
_SYMBOLS = {"$": "usd", "€": "eur"}  # "$500 billion" is read as "500 billion usd", like "500 miljard dollar"
_SPLIT = re.compile(r"[-‐‑–—/]+")

# Words mapped to one canonical token so that Dutch, German and English answers compare equal.
# German "Billion" (10^12) collides with English "billion" (10^9); English wins, "Billionen" is 10^12.
_CANONICAL = {
    **dict.fromkeys(["miljard", "miljarden", "milliarde", "milliarden", "mrd", "billion", "billions", "bn",
                     "bln"], "bn"),
    **dict.fromkeys(["miljoen", "miljoenen", "million", "millionen", "millions", "mio", "mln"], "mn"),
    **dict.fromkeys(["biljoen", "biljoenen", "billionen", "trillion", "trillions", "tn"], "tn"),
    **dict.fromkeys(["dollar", "dollars", "usd"], "usd"),
    **dict.fromkeys(["euro", "euros", "eur"], "eur"),
    **dict.fromkeys(["procent", "prozent", "percent", "pct"], "pct"),
    **dict.fromkeys(["kilowatt", "kw"], "kw"),
    **dict.fromkeys(["gigawatt", "gw"], "gw"),
    **dict.fromkeys(["ton", "tons", "tonne", "tonnes", "tonnen"], "ton"),
    **dict.fromkeys(["twee", "zwei", "two"], "2"),
    **dict.fromkeys(["drie", "drei", "three"], "3"),
    **dict.fromkeys(["vier", "four"], "4"),
    **dict.fromkeys(["vijf", "funf", "five"], "5"),
    **dict.fromkeys(["zes", "sechs", "six"], "6"),
    **dict.fromkeys(["zeven", "sieben", "seven"], "7"),
    **dict.fromkeys(["acht", "eight"], "8"),
    **dict.fromkeys(["negen", "neun", "nine"], "9"),
    **dict.fromkeys(["tien", "zehn", "ten"], "10"),
    **dict.fromkeys(["elf", "eleven"], "11"),
    **dict.fromkeys(["twaalf", "zwolf", "twelve"], "12"),
}
_ONE = {"een", "ein", "eine", "one", "a"}  # "een miljoen" = "eine Million" = "one million" = "1 mn"
_SCALES = {"bn", "mn", "tn"}
CANONICAL_TOKENS = set(_CANONICAL.values())  # matched exactly, never as a prefix
# Articles carry no answer: token F1 leaves them out.
ARTICLES = {"de", "het", "een", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem",
            "einer", "eines", "the", "a", "an"}


@lru_cache(maxsize=1)
def _edge_punct() -> str:
    """Punctuation and symbol characters (Unicode P*/S*) stripped from token edges; built on first use."""
    return "".join(chr(c) for c in range(0x2FFF) if unicodedata.category(chr(c))[0] in "PS")


def strip_markers(text: str) -> str:
    """The text without [n] citation markers, which are not part of the answer's wording."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", CITE_GROUP.sub(" ", text or ""))


cited_numbers = citation_marks  # every number cited as [n] (also [1, 2]) in order of appearance, with repeats


def normalize_number(token: str) -> str:
    """One spelling per number: 9.000 / 9,000 -> 9000, 8,2 -> 8.2, 1.234,5 -> 1234.5.

    A separator followed by exactly three digits is a thousands separator (so 1.250 is 1250, as written
    in Dutch and German); any other single separator is a decimal point."""
    parts = re.split(r"[.,]", token)
    seps = re.findall(r"[.,]", token)
    if len(parts) == 1:
        return token
    if all(len(p) == 3 for p in parts[1:]) and len(set(seps)) == 1:
        return "".join(parts)
    if len(set(seps)) == 1 and len(seps) == 1:
        return f"{parts[0]}.{parts[1]}"
    return "".join(parts[:-1]) + "." + parts[-1]  # mixed: the last separator is the decimal one


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
    edge = _edge_punct()
    out: list[str] = []
    for raw in text.split():
        raw = raw.strip(edge)
        for part in _SPLIT.split(raw):
            part = part.strip(edge)
            if not part:
                continue
            part = _CANONICAL.get(part, part)
            if part == "usd" and out and out[-1] == "us":  # "US-Dollar", "US dollar"
                out.pop()
            if part in _SCALES and out and out[-1] in _ONE:
                out[-1] = "1"
            out.append(part)
    return out


def normalize_text(text: str) -> str:
    """Lower-cased, whitespace-collapsed text without edge punctuation and with canonical numbers."""
    return " ".join(tokens(text))


def light(text: str) -> str:
    """Case-folded text with collapsed whitespace: enough to find a quote, keeps the wording."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
