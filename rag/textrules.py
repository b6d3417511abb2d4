"""Text rules shared by verification, language checks, evaluation and the chat: citation markers,
sentences, numbers in any notation, scale words and proper names.

Pure functions over strings, so every rule is unit-tested without a model. The word lists they use are
data, like the prompts: `prompts/<lang>/words.toml` per language and `prompts/words.toml` for words
that several languages share.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.config import PROJECT_DIR

WORDS_DIR = PROJECT_DIR / "prompts"
LANGUAGES = ("nl", "de", "en")  # languages with a words.toml (and prompt templates)

# -- citation markers -------------------------------------------------------------------------------
CITE = re.compile(r"\[(\d{1,2})\]")  # one [n], as Bron's grammar writes them
CITE_GROUP = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")  # also [1, 2], as other models write them
_CITE_AFTER_STOP = re.compile(r"(?<=[^\s\[\]])([.!?])((?:\s*\[\d{1,2}\])+)(?=\s|$)")


def citation_numbers(text: str) -> list[int]:
    """The [n] numbers in order of first appearance, each once."""
    seen: list[int] = []
    for match in CITE.finditer(text or ""):
        n = int(match.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def citation_marks(text: str) -> list[int]:
    """Every number in every marker ([1], [1, 2]) in order, with repeats: what a reader sees cited."""
    return [int(n) for group in CITE_GROUP.findall(text or "") for n in re.split(r"\s*[,;]\s*", group)]


def strip_citations(text: str) -> str:
    return re.sub(r"\s*\[\d{1,2}\]", "", text).strip()


def remove_invalid_citations(text: str, valid: set[int]) -> str:
    return CITE.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", text)


def cite_before_full_stop(text: str) -> str:
    """'… werden. [1]' -> '… werden [1].': the citation belongs to the sentence it follows."""
    return _CITE_AFTER_STOP.sub(r"\2\1", text)


# -- sentences and words ------------------------------------------------------------------------------
_SENTENCE = re.compile(r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)(?<!\s[A-Z]\.)\s+|\n+")  # not after J.D. or A.
_WORD = re.compile(r"\w+", re.UNICODE)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def words(text: str) -> set[str]:
    """Lower-cased words of three or more letters, and numbers."""
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2 or w.isdigit()}


# -- word lists (data files) --------------------------------------------------------------------------
@dataclass(frozen=True)
class WordLists:
    """Everything the rules read from the words.toml files."""

    function_words: dict[str, frozenset[str]]  # language -> short words that identify it
    number_words: dict[str, str]  # spelled-out number -> digits
    scales: dict[str, int]  # scale word (lower case) -> power of ten
    scale_language: dict[str, str]  # scale word -> the one language it belongs to (absent: shared)
    write_scale: dict[tuple[str, int], str]  # (language, power of ten) -> how that language writes it
    unit_words: frozenset[str]
    not_name_start: frozenset[str]
    not_names: frozenset[str]
    not_subjects: frozenset[str]  # generic acronyms and country adjectives: not what a question asks about
    aliases: dict[str, frozenset[str]]  # word or name -> every form of it (itself included), from aliases.toml


def _read_toml(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    shared = _read_toml(WORDS_DIR / "words.toml")
    function_words, number_words, write_scale = {}, {}, {}
    scales = {w.lower(): int(p) for w, p in shared.get("scale_words", {}).items()}
    scale_language: dict[str, str] = {}
    for language in LANGUAGES:
        data = _read_toml(WORDS_DIR / language / "words.toml")
        function_words[language] = frozenset(data.get("function_words", []))
        for digits, spelled in data.get("number_words", {}).items():
            number_words.update(dict.fromkeys(spelled, digits))
        for word, power in data.get("scale_words", {}).items():
            scales[word.lower()] = int(power)
            scale_language[word.lower()] = language
        write_scale.update({(language, int(p)): w for p, w in data.get("write_scale", {}).items()})
    aliases: dict[str, frozenset[str]] = {}
    for group in _read_toml(WORDS_DIR / "aliases.toml").get("groups", []):
        forms = frozenset(form.lower() for form in group)
        for form in forms:
            aliases[form] = aliases.get(form, frozenset()) | forms
    return WordLists(function_words, number_words, scales, scale_language, write_scale,
                     frozenset(shared.get("unit_words", [])), frozenset(shared.get("not_name_start", [])),
                     frozenset(shared.get("not_names", [])), frozenset(shared.get("not_subjects", [])), aliases)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Articles, pronouns and other short words of the three languages (lower case)."""
    lists = word_lists()
    return frozenset().union(*lists.function_words.values()) | lists.not_name_start


# -- numbers -----------------------------------------------------------------------------------------
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> set[str]:
    """Numbers in a canonical form: 8,2 / 8.2 -> 8.2; 9.000 / 9,000 -> 9000; vier / four -> 4."""
    spelled = word_lists().number_words
    found = {spelled[w] for w in re.findall(r"\w+", text.lower()) if w in spelled}
    for raw in _NUMBER.findall(text):
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw):
            found.add(re.sub(r"[.,]", "", raw))
        else:
            found.add(raw.replace(",", "."))
    return found


# -- scale words -------------------------------------------------------------------------------------
SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(?:US-?\s?)?([A-Za-zÄÖÜäöü]+)")  # "8,2 Milliarden", "9 US-Dollar"


def scale_power(word: str) -> int | None:
    """10^n for a scale word ("miljard" -> 9), None for any other word."""
    return word_lists().scales.get(word.lower())


def scale_word(language: str, power: int) -> str:
    """How `language` writes 10^power (English for a language without its own word)."""
    table = word_lists().write_scale
    return table.get((language, power), table[("en", power)])


def scale_is_foreign(word: str, language: str, power: int) -> bool:
    """The scale word belongs to another language than `language`, which has its own word for 10^power."""
    lists = word_lists()
    return lists.scale_language.get(word.lower(), language) != language and (language, power) in lists.write_scale


def scale_of(text: str) -> dict[str, int]:
    """Number -> scale exponent for every `<number> <scale word>` in the text."""
    found = {}
    for number, word in SCALED.findall(text):
        power = scale_power(word)
        if power is not None:
            found[next(iter(numbers_in(number)), number)] = power
    return found


def is_unit_or_scale(word: str) -> bool:
    """Scale and currency words carry no language ("50 billion euros" is a number, not English)."""
    return scale_power(word) is not None or word.lower() in word_lists().unit_words


# -- proper names ------------------------------------------------------------------------------------
_NAME = re.compile(
    r"\b[A-ZÄÖÜ][\w-]*[a-zäöüß](?:\s+[A-ZÄÖÜ][\w-]*[a-zäöüß])+\b"  # Jensen Huang, Ursula Von
    r"|\b[A-Za-z]*[a-z][A-Z][\w-]*\b"  # OpenAI, xAI, SpaceX
    r"|\b[A-Z]{2,}\b")  # CERN, EU


def names_in(text: str) -> set[str]:
    """Proper names a text states: multi-word names, camel-case names and acronyms (lower case).

    Single capitalised words are left out: German capitalises every noun, and a translated noun
    ("Dienstag" for "dinsdag") is not a made-up name. A capitalised article or preposition at the
    start of a sentence is not part of the name ("Die Kearney Boulevard" is "Kearney Boulevard")."""
    skip = function_words()
    names = set()
    for match in _NAME.finditer(text):
        parts = match.group(0).split()
        while len(parts) > 1 and parts[0].lower() in skip:
            parts = parts[1:]
        if all(is_unit_or_scale(part) for part in parts):  # "Milliarden Euro" is an amount, not a name
            continue
        if len(parts) > 1 or _NAME.fullmatch(parts[0]):
            names.add(" ".join(parts).lower())
    return names


def name_in(name: str, lowered_text: str) -> bool:
    """The name occurs in the text, allowing inflected endings ("Japanisches Meer" ~ "Japanischen Meer") and
    the other languages' forms of prompts/aliases.toml ("Tuesday" ~ "Dienstag", "United States" ~ "VS")."""
    forms = word_lists().aliases.get(name, frozenset((name,)))
    return any(_form_in(form, lowered_text) for form in forms)


def _form_in(name: str, lowered_text: str) -> bool:
    if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", lowered_text) or (len(name) > 3 and name in lowered_text):
        return True
    text_words = _WORD.findall(lowered_text)
    stems = [w[: max(4, len(w) - 2)] for w in name.split()]
    return all(any(t.startswith(stem) for t in text_words) for stem in stems)


_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÄÖÜÉ][^\W\d_]*[a-zäöüßéèëïóç][\w'-]*")
COMMON_ZIPF = 2.0  # wordfreq's Zipf scale: 2 = once per 100 million words
COMMON_GAP = 1.0  # a common word is at least 10x more frequent in its own language than in the others


def common_word(word: str, language: str) -> bool:
    """A word of `language` ("Dienstag", "Ongeveer", "Because"), not a name ("Canberra", "Trump", "Alibaba").

    German capitalises every noun and every language the first word of a sentence, so capitals cannot tell.
    Word frequencies can: a name is about as frequent in Dutch, German and English text, while a common word
    is frequent in its own language only (wordfreq: "tuesday" en 4.6 vs nl 2.8; "canberra" en 3.6 vs de 2.7).
    A German word wordfreq does not know is a compound noun when it is long ("Rechenzentrumsbetreiber")."""
    if language not in LANGUAGES:
        return False
    from wordfreq import zipf_frequency

    lowered = word.lower()
    own = zipf_frequency(lowered, language)
    if own == 0:
        return language == "de" and len(word) >= 12 and word[1:].islower()
    others = max(zipf_frequency(lowered, other) for other in LANGUAGES if other != language)
    return own >= COMMON_ZIPF and own - others >= COMMON_GAP


def single_names_in(text: str, language: str) -> set[str]:
    """Capitalised single words that name something (lower case): "Canberra", "Trump", "Alibaba".

    Inside a Dutch or English sentence a capital marks a name; at the start of a sentence, and in German,
    only a word that is not a common word of the language counts. Articles, scale and currency words never do."""
    skip = function_words()
    found = set()
    for sentence in split_sentences(CITE.sub(" ", text)):
        for match in _CAPITALISED.finditer(sentence):
            word = match.group(0).strip("'-")
            lowered = word.lower()
            if lowered in skip or lowered in word_lists().not_names or is_unit_or_scale(word) or len(word) < 2:
                continue
            initial = not re.search(r"\w", sentence[:match.start()])
            if (initial or language == "de") and common_word(word, language):
                continue
            found.add(lowered)
    return found


def all_names_in(text: str, language: str) -> set[str]:
    """Every name a text states: multi-word names, camel-case names, acronyms and single-word names."""
    return names_in(text) | single_names_in(text, language)


def subject_words(question: str, language: str) -> set[str]:
    """The name words a question asks about ("Wie hoch ist der Umsatz von DeepSeek?" -> deepseek): the words
    of its names, without possessive endings, common words, generic acronyms and country adjectives."""
    skip = word_lists().not_subjects
    found = set()
    # A compound's name part counts too: "Alibaba-Konzern" is about Alibaba (the last part is the noun).
    compounds = {part.lower() for compound in re.findall(r"\b[A-Z]\w*(?:-\w+)+", question)
                 for part in compound.split("-")[:-1] if part[:1].isupper()}
    for name in all_names_in(question, language) | compounds:
        for word in re.split(r"[\s-]+", re.sub(r"['’]s\b", "", name)):
            if len(word) >= 2 and word not in skip and not common_word(word, language) and not _dutch_and_german(word):
                found.add(word)
    return found


def _dutch_and_german(word: str) -> bool:
    """A common noun of both Dutch and German ("Geld", "Artikel"): frequent in both, rare in English. A name is
    about as frequent in all three ("Peking", "China"), so `common_word`'s one-language test misses these."""
    from wordfreq import zipf_frequency

    nl, de, en = (zipf_frequency(word.lower(), code) for code in ("nl", "de", "en"))
    return min(nl, de) >= 3.0 and en < 2.5
