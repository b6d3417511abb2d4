"""Offline language detection (lingua), restricted to the languages Bron writes prompts for and
their close neighbours, so that short questions are classified reliably."""

from __future__ import annotations

from functools import lru_cache

SUPPORTED = ("nl", "de", "en")  # languages with prompt templates in prompts/<lang>/
_CANDIDATES = ("nl", "de", "en", "fr", "es", "it")
# Function words that tell the three prompt languages apart in short questions, where statistical
# detectors hesitate ("Wat zei Altman?").
_FUNCTION_WORDS = {
    "nl": {"wat", "hoeveel", "welke", "waarom", "wanneer", "waar", "hoe", "het", "een", "van", "zijn", "heeft",
           "hebben", "zei", "voor", "met", "niet", "ook", "dat", "wordt", "worden", "volgens", "moet", "bij",
           "naar", "door", "uit", "over", "wil", "kan", "welk", "wie", "er", "deze", "dit", "zal", "hij", "ze"},
    "de": {"was", "wie", "viel", "viele", "welche", "welcher", "welches", "warum", "wann", "wo", "der", "die",
           "das", "ein", "eine", "ist", "hat", "haben", "sagte", "für", "mit", "nicht", "auch", "und", "wird",
           "werden", "laut", "muss", "bei", "nach", "durch", "aus", "über", "will", "kann", "wer", "sich", "dem",
           "den", "des", "soll", "im"},
    "en": {"what", "how", "many", "much", "which", "why", "when", "where", "who", "the", "a", "an", "of", "is",
           "are", "has", "have", "did", "does", "said", "for", "with", "not", "also", "and", "will", "according",
           "must", "by", "to", "from", "about", "can", "was", "were", "this", "that", "its", "in"},
}


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Articles, pronouns and other short words of the three prompt languages (lower case)."""
    return frozenset().union(*_FUNCTION_WORDS.values()) | {"de", "op", "von"}


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in _CANDIDATES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect(text: str, default: str = "en") -> str:
    """ISO 639-1 code of `text`'s language, or `default` when it cannot be told."""
    text = (text or "").strip()
    if not text:
        return default
    votes = _function_word_votes(text)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if len(text) < 80 and ranked[0][1] >= 2 and ranked[0][1] >= 2 * ranked[1][1]:
        return ranked[0][0]
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return default
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if best.value < 0.6 and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return code


def _function_word_votes(text: str) -> dict[str, int]:
    import re

    tokens = re.findall(r"[^\W\d_]+", text.lower())
    return {code: sum(t in vocabulary for t in tokens) for code, vocabulary in _FUNCTION_WORDS.items()}


def confidences(text: str, languages: tuple[str, ...] = SUPPORTED) -> dict[str, float]:
    """Confidence per language, for checking that an answer is written in the expected one."""
    values = {v.language.iso_code_639_1.name.lower(): v.value
              for v in _detector().compute_language_confidence_values(text)}
    return {code: values.get(code, 0.0) for code in languages}


def prompt_language(code: str) -> str:
    """The template language for a detected language (English for unsupported ones)."""
    return code if code in SUPPORTED else "en"


# Currency words that read the same in Dutch, German and English answers.
_UNIT_WORDS = {"euro", "euros", "dollar", "dollars", "yuan", "dollar's"}


def has_language(text: str) -> bool:
    """Whether `text` has a language to tell: at least two ordinary (lower-case) words.

    "Jensen Huang [2]", "8,2 [1]" or "Blackwell-serie" are names and numbers, the same in every language.
    Scale and currency words do not count either: "50 billion euros" is a number (a language detector
    calls it French), and a scale word in the wrong language is rewritten by verification."""
    import re

    from rag.verification import SCALES

    text = re.sub(r"\[\d+\]", " ", text)
    found = re.findall(r"(?<![\w-])[a-zäöüßàéèëïóç][^\W\d_]{2,}", text)
    return len([w for w in found if w.lower() not in SCALES and w.lower() not in _UNIT_WORDS]) >= 2


def answer_language_ok(answer: str, expected: str) -> bool:
    """False only when an answer is long enough to tell and is clearly in another language."""
    import re

    if not has_language(answer):
        return True  # numbers and names only: no language to check
    return detect(re.sub(r"\[\d+\]", " ", answer), default=expected) == expected
