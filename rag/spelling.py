"""Words typed in lower case, written as the collection writes them: "en oracle?" -> "en Oracle?".

The follow-up rules find names by their capitals (rag.mentions), and people type chat questions in lower case:
"en oracle?" after "Hoeveel heeft Softbank toegezegd?" named nothing the rules could put in Softbank's place, so
it went to the model's rewrite, which wrote it back unchanged, and Bron abstained. A word that the articles write
only with a capital inside a sentence and that is no common word of the article's language ("Oracle", "SpaceX",
"xAI", "China"; not German nouns such as "Umsatz": rag.textrules.common_word) is given that form. A word they also
write in lower case ("bedrijven") or never write is left as typed, as are words of one letter ("x" may be a sign);
the first word of a sentence in the articles says nothing about its case.

A name of several words is restored as a whole: the articles write "Elon Musk", "Jensen Huang", "J.D. Vance" and
"Von der Leyen" only together, so no word of them is a name alone, and "hoe oud is elon musk?" kept "elon" in lower
case beside "Musk" ("Hoe oud is elon Trump?" after "en trump?"). A run of two or more capitalised words (particles
such as "von der" between them, initials with or without their dots) of which none is a common word of the
article's language is restored when it is typed in full in lower case, and so is each run of its last words that
starts with a capital ("Champions Initiative" of "EU AI Champions Initiative").

The articles also say which names are people's: a name after a word for a person ("president Trump", "OpenAI baas
Sam Altman", "US-Präsident Donald Trump"; `person_nouns`) or with an age in brackets ("Elon Musk (53)"). The
follow-up rules ask it (`is_person`) before a group takes a name's place ("Und der chinesische Fonds?" after "An
welchem Wochentag gab Trump die Gründung von Stargate bekannt?": not the fund in Trump's place).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from rag.textrules import common_word

if TYPE_CHECKING:
    from rag.referents import Turn

MIN_LETTERS = 2  # one letter typed in lower case is too often not a name ("x", "a")
_WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")  # letters and digits with at least one letter: "H20", "xAI"
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]|[.!?:]\s*[\"“„»«'(])\s*[\"“„»«'(]?\s*$")
_APPOSITION_WORDS = 4  # a person's words this close before the comma of an apposition
_LOOK_BACK = 4  # characters before a word that say whether it starts a sentence
_INITIALS = r"(?:[A-Z]\.\s?){1,3}"  # "J.D.", "J. D."
MAX_INITIALS = 3  # a typed name may have its initials apart ("j. d. vance"): that many more words to look at
_KEY_TOKEN = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?\.?")  # a word, with the dot of an initial
MIN_COMPOUND_PERSON_NOUN = 7  # "Commissievoorzitter", "US-Präsident" end in a word for a person; "marktleider" not
_AGE = re.compile(r"\s*\((?:1[89]|[2-9]\d|10\d)\)")  # "Elon Musk (53)"
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ](?:[\w'’-]*\w)?"  # a capital first, no quote mark at the end


class Spellings:
    """The written form of every word the collection writes with a capital only (built once per index)."""

    def __init__(self, texts: Iterable[tuple[str, str]]) -> None:
        """`texts`: each article's text with its language."""
        forms: dict[str, Counter] = {}
        alone: set[str] = set()  # the forms written at least once without a capitalised word beside them
        names: dict[tuple[str, str], bool] = {}
        texts_seen: list[tuple[str, str]] = []
        for text, language in texts:
            texts_seen.append((text, language))
            found = list(_WORD.finditer(text))
            starts = [bool(_SENTENCE_START.search(text[max(0, m.start() - _LOOK_BACK):m.start()])) for m in found]
            capital = [not m.group(0).islower() and not start for m, start in zip(found, starts)]
            for i, match in enumerate(found):
                word = match.group(0)
                if word.islower():
                    forms.setdefault(word, Counter())[word] += 1
                elif capital[i] and names.setdefault((word, language), not common_word(word, language)):
                    forms.setdefault(word.lower(), Counter())[word] += 1
                    if not any(0 <= j < len(found) and capital[j] and _touching(text, found[min(i, j)],
                                                                                  found[max(i, j)])
                               for j in (i - 1, i + 1)):
                        alone.add(word)
        # A word written only inside longer names ("Fund" of "Big Fund", "Initiative") names nothing alone
        self._written = {key: form for key, counts in forms.items() for form in [counts.most_common(1)[0][0]]
                         if key not in counts and len(key) >= MIN_LETTERS and form in alone}
        self._phrases = _phrases(texts_seen)
        self._longest = max((len(key.split()) for key in self._phrases), default=0) + MAX_INITIALS
        self._people = _people(texts_seen)

    def written(self, word: str, language: str, after_article: bool = False) -> str:
        """How the collection writes `word` when it is typed in lower case; else `word` itself. Not a common word
        of the question's language, and after an article only a name no noun is written like ("de eu" -> "de
        EU", "xAI"): "the fund" is not the "Big Fund" a German article names."""
        form = self._written.get(word, word) if word.islower() else word
        if form == word or after_article and form == word.capitalize() or common_word(word, language):
            return word
        return form

    def restore(self, text: str, language: str, articles: Collection[str] = ()) -> str:
        """`text` (in `language`) with each lower-case word the collection writes only with a capital in that
        form; `articles` (lower case) are the words after which a capitalised noun would be read as a name."""
        text = self._restore_phrases(text)
        words = list(_WORD.finditer(text))
        out, at = [], 0
        for before, match in zip([None, *words], words):
            after_article = before is not None and before.group(0).lower() in articles and \
                not text[before.end():match.start()].strip()
            out += [text[at:match.start()], self.written(match.group(0), language, after_article)]
            at = match.end()
        return "".join(out) + text[at:]

    def is_person(self, name: str) -> bool:
        """Do the articles write `name` (or the surname it ends with) as a person's?"""
        lowered = " ".join(name.lower().split())
        return lowered in self._people or bool(lowered) and lowered.split()[-1] in self._people

    def _restore_phrases(self, text: str) -> str:
        """`text` with each name of several words typed in full in lower case written as the articles write it,
        longest first ("elon musk" -> "Elon Musk", "jd vance" -> "J.D. Vance"): a look-up per run of words, so
        the time does not grow with the number of names the collection has."""
        tokens = list(_KEY_TOKEN.finditer(text))
        out, at, i = [], 0, 0
        while i < len(tokens):
            for n in range(min(self._longest, len(tokens) - i), 1, -1):
                window = tokens[i:i + n]
                typed = text[window[0].start():window[-1].end()]
                form = self._phrases.get(_typed_key([t.group(0) for t in window]))
                if form and typed.islower() and all(not text[a.end():b.start()].strip()
                                                    for a, b in zip(window, window[1:])):
                    out += [text[at:window[0].start()], form]
                    at, i = window[-1].end(), i + n
                    break
            else:
                i += 1
        return "".join(out) + text[at:]

    def conversation(self, question: str, turns: list[Turn], language: str,
                     articles: Collection[str] = ()) -> tuple[str, list[Turn]]:
        """The follow-up and the earlier questions of `turns` restored (each question in its own language)."""
        from rag import language as lang
        from rag.referents import Turn

        return self.restore(question, language, articles), [Turn(
            self.restore(t.question, lang.detect(t.question, language), articles), t.answer) for t in turns]

    def __len__(self) -> int:
        return len(self._written)


_built: list[tuple[object, Spellings]] = []  # the last index's documents and their spellings


def for_documents(documents: dict) -> Spellings:
    """The spellings of a loaded index's articles (`IndexData.documents`), built at its first question (about
    0.4 s per MB of text here: 2 s for 5.4 MB) and kept while that index is loaded."""
    if _built and _built[0][0] is documents:
        return _built[0][1]
    made = Spellings((document.text, document.language) for document in documents.values())
    _built[:] = [(documents, made)]
    return made


def _phrases(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Names of several words the articles write (and the runs of their last words that start with a capital),
    by how they are typed (`_typed_key`): the most frequent form of each."""
    from rag.wordlists import read_words

    particles = read_words("followup.toml").get("names", {}).get("particles", [])
    joint = "|".join(re.escape(p) for p in particles)
    token = rf"(?:{_INITIALS}{_CAPITALISED}|{_INITIALS}|{_CAPITALISED})"
    run = re.compile(rf"(?<![\w.'’-]){token}(?:\s+(?:(?:{joint})\s+)*{token})+", flags=re.UNICODE)
    found: dict[str, Counter] = {}
    for text, language in texts:
        for match in run.finditer(text):
            words = match.group(0).split()
            if _SENTENCE_START.search(text[max(0, match.start() - _LOOK_BACK):match.start()]):
                words = words[1:]  # "De EU", "In de AI-sector": a sentence's first word says nothing
            while len(words) >= 2:
                if _a_name(words, particles, language):
                    phrase = " ".join(words)
                    found.setdefault(_typed_key(_KEY_TOKEN.findall(phrase)), Counter())[phrase] += 1
                words = words[1:]
                while words and not words[0][:1].isupper():  # a run starts at a capital: not "der Leyen"
                    words = words[1:]
    return {key: counts.most_common(1)[0][0] for key, counts in found.items()}


def _people(texts: Iterable[tuple[str, str]]) -> set[str]:
    """The names the articles write as people's, whole and by their last word (lower case): after a word for a
    person (or a compound ending in one), or with an age in brackets."""
    from rag.wordlists import read_words

    lists = read_words("followup.toml")
    nouns = {n for words in lists.values() if isinstance(words, dict) for n in words.get("person_nouns", [])}
    particles = lists.get("names", {}).get("particles", [])
    joint = "|".join(re.escape(p) for p in particles)
    token = rf"(?:{_INITIALS}{_CAPITALISED}|{_CAPITALISED})"
    run = re.compile(rf"(?<![\w.'’-]){token}(?:\s+(?:(?:{joint})\s+)*{token})*")

    def a_person_noun(word: str) -> bool:
        word = word.lower()
        return word in nouns or any(word.endswith("-" + n) or len(n) >= MIN_COMPOUND_PERSON_NOUN and word.endswith(n)
                                    for n in nouns)

    people: set[str] = set()
    for text, _ in texts:
        for match in run.finditer(text):
            words = match.group(0).split()
            before = re.findall(r"[\w-]+", text[max(0, match.start() - _LOOK_BACK * 10):match.start()])[-1:]
            titled = [i for i, word in enumerate(words[:-1]) if a_person_noun(word)]
            if titled:  # "Nvidia-CEO Jensen Huang", "Ook Commissievoorzitter Ursula ..."; not "CEO van Tesla"
                words = words[titled[-1] + 1:] if words[titled[-1] + 1][:1].isupper() else []
            elif not (before and a_person_noun(before[0]) or _AGE.match(text, match.end())
                      or _in_apposition(text, match.start(), words, a_person_noun)):
                continue
            if words:
                people.update({" ".join(words).lower(), words[-1].lower()})
    return people


def _in_apposition(text: str, start: int, words: list[str], a_person_noun: Callable[[str], bool]) -> bool:
    """A full name set after a comma beside the words for its person ("de Amerikaanse minister van Handel, Howard
    Lutnick"): a word for a person among the last `_APPOSITION_WORDS` before the comma; a single word after one
    ("CEO van Tesla, SpaceX en xAI") is a list, not a person."""
    if len(words) < 2 or not re.search(r",\s*$", text[max(0, start - 3):start]):
        return False
    before = re.findall(r"[\w-]+", text[max(0, start - _LOOK_BACK * 10):start])[-_APPOSITION_WORDS:]
    return any(a_person_noun(word) for word in before)


def _a_name(words: list[str], particles: Collection[str], language: str) -> bool:
    """Is a run of capitalised words (and particles) a name: its words capitalised, none a common word of the
    article's language ("Die Bundesregierung", "Milliarden Dollar" are not), no particle at its end, one at its
    start only with a capital ("Von der Leyen")?"""
    if not words[0][:1].isupper() or words[-1].lower() in particles:
        return False  # "Von der Leyen" starts with a particle written with its capital
    named = [w for w in words if w.lower() not in particles]
    return bool(named) and all(w[:1].isupper() and not common_word(w.strip(".'’"), language) for w in named)


def _typed_key(words: list[str]) -> str:
    """How a name is typed, whatever its case and dots: lower case, initials together ("J.D. Vance", "j. d. vance"
    and "jd vance" are all "jd vance")."""
    out: list[str] = []
    for word in (w.rstrip(".").lower() for w in words):
        if len(word) == 1 and out and len(out[-1]) == 1 and out[-1].isalpha():
            out[-1] += word  # "j" "d" -> "jd"
        else:
            out.append(word)
    return " ".join(out)


def _touching(text: str, first: re.Match, second: re.Match) -> bool:
    """Only a space or a hyphen between two words: with a capital each they are one name ("Big Fund")."""
    return not text[first.end():second.start()].strip(" -")
