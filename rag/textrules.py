"""Text rules shared by verification, language checks, evaluation and the chat: citation markers,
sentences and words, scale words, proper names and whether a name occurs in a text.

Pure functions over strings, so every rule is unit-tested without a model. The word lists they use are
data, like the prompts, read by rag.wordlists; numbers are read by rag.numbers.
"""

from __future__ import annotations

import re

from rag.numbers import canonical
from rag.wordlists import LANGUAGES, word_lists

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


def blank_citations(text: str) -> str:
    """The text with each [n] (also [1, 2]) blanked to spaces of its length: its numbers are no facts of the text,
    and positions in it are positions in the text."""
    return CITE_GROUP.sub(lambda m: " " * len(m.group(0)), text)


def remove_invalid_citations(text: str, valid: set[int]) -> str:
    return CITE.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", text)


def cite_before_full_stop(text: str) -> str:
    """'… werden. [1]' -> '… werden [1].': the citation belongs to the sentence it follows."""
    return _CITE_AFTER_STOP.sub(r"\2\1", text)


# -- sentences and words ------------------------------------------------------------------------------
_SENTENCE = re.compile(r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)(?<!\s[A-Z]\.)\s+|\n+")  # not after J.D. or A.
_SPLITTERS = {
    "": re.compile(r"\w+"),  # runs of letters and digits: "AI-Konzern" is two words
    "'-": re.compile(r"[\w'’-]+"),  # with apostrophes and hyphens inside: "Altman's", "AI-Konzern" stay one word
    "letters": re.compile(r"[^\W\d_]+"),  # letters only: what tells a language
}
MIN_WORD_LETTERS = 3  # `words`: shorter words ("de", "of", "in") say little about what a text is about


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def split_words(text: str, keep: str = "") -> list[str]:
    """The one word splitter: the words of `text` in order, as written. `keep="'-"` keeps apostrophes and
    hyphens inside a word (how the follow-up rules read names); `keep="letters"` drops digits."""
    return _SPLITTERS[keep].findall(text)


def find_words(text: str, keep: str = "") -> list[re.Match]:
    """`split_words` with where each word stands (`match.start()`, `match.end()`)."""
    return list(_SPLITTERS[keep].finditer(text))


def words(text: str) -> set[str]:
    """Lower-cased words of three or more letters, and numbers."""
    return {w.lower() for w in split_words(text) if len(w) >= MIN_WORD_LETTERS or w.isdigit()}


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
            found[canonical(number)] = power
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
    skip = word_lists().not_name_words
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


INFLECTION_LETTERS = 2  # an inflected form may change a word's last two letters ("Japanisches" ~ "Japanischen")
MIN_STEM = 4  # ... keeping at least four: a shorter stem starts unrelated words
MIN_INSIDE = 4  # a name of four letters or more counts inside a longer word ("openai" in "openai-baas")
MIN_PART = 3  # with any_word, one word of a name counts alone when it has three letters or more ("musk")
LONG_NAME_PARTS = 3  # ... in a name of three such words or more, half of them must be there


def name_in(name: str, lowered_text: str, *, inflected: bool = True, any_word: bool = False) -> bool:
    """The one name matcher: does `name` (lower case) occur in the lower-cased text?

    Inflected (verification, the follow-up rewrite's check): also with other endings ("Japanisches Meer" ~
    "Japanischen Meer"), inside a longer word, and in the other languages' forms of prompts/aliases.toml
    ("Tuesday" ~ "Dienstag", "United States" ~ "VS"). Not inflected (the follow-up rules, which must not
    mistake one name for another): as a whole word only; `any_word`: or one of its words ("Musk" of "Elon Musk")."""
    if not inflected:
        if _whole_word(name.lower(), lowered_text):
            return True
        parts = [w.lower() for w in split_words(name, "'-") if len(w) >= MIN_PART] if any_word else []
        found = sum(_whole_word(part, lowered_text) for part in parts)
        # a long name needs half its words: "fund" and "AI" of "What is the name of China's new AI fund?" do not
        # make "National AI Industry Investment Fund" a name the question had
        return found > 0 and (len(parts) < LONG_NAME_PARTS or 2 * found >= len(parts))
    forms = word_lists().aliases.get(name, frozenset((name,)))
    return any(_form_in(form, lowered_text) for form in forms)


COGNATE_MIN_LETTERS = 7  # a shorter word folded to its cognate spelling starts unrelated words
_COGNATE_LETTERS = str.maketrans({"ä": "e", "ö": "o", "ü": "u", "ß": "s", "c": "k"})


def cognate_in(word: str, lowered_text: str) -> bool:
    """Does a long word occur in the text in a neighbour language's spelling? German and Dutch write the same
    noun with a doubled or a single letter, an umlaut or none, a k or a c ("Bruttomarge" ~ "brutomarge",
    "Präsident" ~ "president", "Kommission" ~ "commissie"): both are folded so, and compared as `name_in` does
    inflected forms. For the question's subject only (is a passage about it?), not for an answer's facts."""
    if len(word) < COGNATE_MIN_LETTERS:
        return False
    folded = _cognate_fold(word)
    stem = folded[: max(MIN_STEM, len(folded) - INFLECTION_LETTERS)]
    return any(_cognate_fold(text_word).startswith(stem) for text_word in split_words(lowered_text))


def _cognate_fold(word: str) -> str:
    return re.sub(r"(\w)\1+", r"\1", word.lower().translate(_COGNATE_LETTERS))


def _whole_word(word: str, lowered_text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", lowered_text) is not None


def _form_in(name: str, lowered_text: str) -> bool:
    if _whole_word(name, lowered_text) or (len(name) >= MIN_INSIDE and name in lowered_text):
        return True
    text_words = split_words(lowered_text)
    stems = [w[: max(MIN_STEM, len(w) - INFLECTION_LETTERS)] for w in name.split()]
    return all(any(t.startswith(stem) for t in text_words) for stem in stems)


def one_letter_apart(a: str, b: str) -> bool:
    """Two spellings one letter apart: one added, dropped or changed ("antropic", "anthropic")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def initials(name: str) -> str:
    """The acronym of a name of two or more words, lower case ("Verenigde Arabische Emiraten" -> "vae"); "" for
    one word. Articles and particles count only when capitalised ("International Finance Forum" -> "iff")."""
    parts = [w for w in re.split(r"[\s-]+", name) if w]
    return "".join(w[0] for w in parts).lower() if len(parts) > 1 else ""


_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÄÖÜÉ][^\W\d_]*[a-zäöüßéèëïóç][\w'-]*")
COMMON_ZIPF = 2.0  # wordfreq's Zipf scale: 2 = once per 100 million words
COMMON_GAP = 1.0  # a common word is at least 10x more frequent in its own language than in the others
COMPOUND_LETTERS = 12  # a German word wordfreq does not know, this long and lower case after its capital, is a noun
NL_DE_COMMON_ZIPF = 3.0  # `_dutch_and_german`: once per million words in both Dutch and German ...
NL_DE_RARE_IN_EN_ZIPF = 2.5  # ... and rarer than about three per billion in English: a shared noun, not a name


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
        return language == "de" and len(word) >= COMPOUND_LETTERS and word[1:].islower()
    others = max(zipf_frequency(lowered, other) for other in LANGUAGES if other != language)
    return own >= COMMON_ZIPF and own - others >= COMMON_GAP


def single_names_in(text: str, language: str) -> set[str]:
    """Capitalised single words that name something (lower case): "Canberra", "Trump", "Alibaba".

    Inside a Dutch or English sentence a capital marks a name; at the start of a sentence, and in German,
    only a word that is not a common word of the language counts. Articles, scale and currency words never do."""
    lists = word_lists()
    found = set()
    for sentence in split_sentences(CITE.sub(" ", text)):
        for match in _CAPITALISED.finditer(sentence):
            word = match.group(0).strip("'-")
            lowered = word.lower()
            if lowered in lists.not_name_words or lowered in lists.not_names or is_unit_or_scale(word) or len(word) < 2:
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
    return min(nl, de) >= NL_DE_COMMON_ZIPF and en < NL_DE_RARE_IN_EN_ZIPF
