"""Offline language detection (lingua), restricted to the languages Bron writes prompts for and
their close neighbours, so that short questions are classified reliably."""

from __future__ import annotations

from functools import lru_cache

from rag.textrules import CITE, is_unit_or_scale, split_words
from rag.wordlists import LANGUAGES, word_lists

SUPPORTED = LANGUAGES  # languages with prompt templates and word lists in prompts/<lang>/
_CANDIDATES = ("nl", "de", "en", "fr", "es", "it", "pt", "pl")  # Latin-script languages told apart by lingua
# Letters of other scripts name their language outright (lingua is asked only about Latin-script text).
_SCRIPTS = (("zh", "\u4e00-\u9fff\u3400-\u4dbf"), ("ja", "\u3040-\u30ff"), ("ko", "\uac00-\ud7af\u1100-\u11ff"),
            ("ru", "\u0400-\u04ff"), ("el", "\u0370-\u03ff"), ("ar", "\u0600-\u06ff"), ("he", "\u0590-\u05ff"),
            ("hi", "\u0900-\u097f"), ("th", "\u0e00-\u0e7f"))


SHORT_TEXT_CHARS = 80  # below this, lingua often errs on a question, and the markers decide when they clearly can:
MIN_MARKERS = 2  # at least two marker words of one language ...
MARKER_LEAD = 2  # ... and twice as many as the next language's
SURE_DETECTION = 0.6  # below this lingua confidence, a lead in markers decides instead
MIN_LANGUAGE_WORDS = 2  # `has_language`: fewer ordinary words than this are names and numbers, no language


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in _CANDIDATES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect(text: str, default: str = "en", *, by_frequency: bool = False) -> str:
    """ISO 639-1 code of `text`'s language, or `default` when it cannot be told. `by_frequency`: when lingua is
    unsure and no marker word decides, the words' frequencies do (`_most_frequent_in`); for answers only, since a
    question's names sway them ("who is ursula von der leyen anyway" would be German)."""
    text = (text or "").strip()
    if not text:
        return default
    script = _script_language(text)
    if script:
        return script
    votes = _marker_votes(text)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if len(text) < SHORT_TEXT_CHARS and ranked[0][1] >= MIN_MARKERS and ranked[0][1] >= MARKER_LEAD * ranked[1][1]:
        return ranked[0][0]
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return default
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if best.value < SURE_DETECTION and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    if best.value < SURE_DETECTION and by_frequency:
        return _most_frequent_in(text)
    return code


def _most_frequent_in(text: str) -> str:
    """The supported language whose words these are most often, for a short text lingua is unsure of and no
    marker word decides: "Alibaba's strategie is slim" is Dutch ("slim" is common only there; lingua said German
    at 0.39), "100 kilowatts per ton" English. Word frequencies (wordfreq, Zipf scale) summed over the words.
    Of the answers recorded in every evaluation run, it changes these two, both to the right language."""
    from wordfreq import zipf_frequency

    tokens = [t for t in split_words(CITE.sub(" ", text).lower(), "letters") if len(t) > 1]
    totals = {code: sum(zipf_frequency(t, code) for t in tokens) for code in SUPPORTED}
    return max(totals, key=totals.get)


def _script_language(text: str) -> str | None:
    """The language of a text written mostly in a non-Latin script ("Stargate项目…" is Chinese), else None."""
    import re

    letters = re.findall(r"[^\W\d_]", text)
    if not letters:
        return None
    counts = {code: sum(bool(re.match(f"[{chars}]", c)) for c in letters) for code, chars in _SCRIPTS}
    if counts["ja"]:  # Japanese mixes kana with Chinese characters
        counts["ja"] += counts["zh"]
    code, count = max(counts.items(), key=lambda kv: kv[1])
    return code if count >= max(1, len(letters) // 3) else None


_NAMES = {"nl": "Dutch", "de": "German", "en": "English", "fr": "French", "es": "Spanish", "it": "Italian",
          "pt": "Portuguese", "pl": "Polish", "zh": "Chinese", "ja": "Japanese", "ko": "Korean"}


def name_of(code: str) -> str:
    """The English name of a language code, for notes ("de" -> "German"); the code itself when not known."""
    return _NAMES.get(code, code)


def supported(code: str) -> bool:
    """Bron writes prompts and answers in this language."""
    return code in SUPPORTED


def _marker_votes(text: str) -> dict[str, int]:
    """Per language, how many of the text's words are its language markers (words.toml)."""
    tokens = split_words(text.lower(), "letters")
    return {code: sum(t in markers for t in tokens) for code, markers in word_lists().language_markers.items()}


def confidences(text: str, languages: tuple[str, ...] = SUPPORTED) -> dict[str, float]:
    """Confidence per language, for checking that an answer is written in the expected one."""
    values = {v.language.iso_code_639_1.name.lower(): v.value
              for v in _detector().compute_language_confidence_values(text)}
    return {code: values.get(code, 0.0) for code in languages}


def prompt_language(code: str) -> str:
    """The template language for a detected language (English for unsupported ones)."""
    return code if code in SUPPORTED else "en"


def has_language(text: str) -> bool:
    """Whether `text` has a language to tell: at least two ordinary (lower-case) words.

    "Jensen Huang [2]", "8,2 [1]" or "Blackwell-serie" are names and numbers, the same in every language.
    Scale and currency words do not count either: "50 billion euros" is a number (a language detector
    calls it French), and a scale word in the wrong language is rewritten by verification."""
    import re

    text = CITE.sub(" ", text)
    found = re.findall(r"(?<![\w-])[a-zäöüßàéèëïóç][^\W\d_]{2,}", text)
    return len([w for w in found if not is_unit_or_scale(w)]) >= MIN_LANGUAGE_WORDS


def answer_language_ok(answer: str, expected: str) -> bool:
    """False only when an answer is long enough to tell and is clearly in another language."""
    if not has_language(answer):
        return True  # numbers and names only: no language to check
    return detect(CITE.sub(" ", answer), default=expected, by_frequency=True) == expected
