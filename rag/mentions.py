"""What a text names, by kind: names of any length ("X", "EU", "J.D. Vance", "Ursula von der Leyen"), dates
("März 2025", "2024") and amounts ("9 Milliarden US-Dollar", "72%"). The follow-up rules (rag/referents.py)
put a new one of a kind in place of the old one of the same kind, and read which names a turn brought in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.wordlists import LANGUAGES, prompts_dir_in_use, read_words, word_lists

_YEAR = r"(?:1[89]|20)\d{2}"
_NUMBER = r"[$€£]?\d+(?:[.,]\d+)*"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "name", "date" or "amount"


def one_letter_names(text: str) -> list[tuple[int, int]]:
    """Single capital letters used as names ("X", "Plan B"); not "I", not an initial ("J. D."), not a
    sentence's article ("A new chip")."""
    found = []
    for m in re.finditer(r"(?<![\w.'’-])[A-Z](?![\w'’-]|\.\s?[A-Z]|\.\w)", text):
        following = text[m.end():m.end() + 3]
        if m.group(0) == "I" or re.match(r"\s+[a-z]", following) and m.group(0) == "A":
            continue
        found.append((m.start(), m.end()))
    return found


def _months() -> dict[str, list[tuple[str, int, bool]]]:
    from rag.dates import _words

    return _words(prompts_dir_in_use()).months  # prompts/dates.toml, as the question's period reads it


def _month_pattern() -> str:
    return "|".join(re.escape(m) for m in sorted(_months(), key=len, reverse=True))


def _particles() -> str:
    particles = read_words("followup.toml").get("names", {}).get("particles", [])
    return "|".join(re.escape(p) for p in particles)


def _with_particles(text: str, start: int, end: int) -> int:
    """Where a person's name ends once its particles are read: "Ursula von der Leyen", also written "Ursula Von
    der Leyen" (the name pattern then stops at "Ursula Von"). Two particles at least, counting one that ended the
    name: one alone is a preposition ("CEO van Nvidia")."""
    name = text[start:end]
    last = name.split()[-1] if name.split() else ""
    ends_in_particle = re.fullmatch(_particles(), last, flags=re.I) is not None
    follows = re.match(rf"(?:\s+(?:{_particles()}))+\s+[A-Z][a-z][\w-]*", text[end:], flags=re.I)
    if not follows or not name[:1].isupper() or not name.replace(" ", "").isalpha():
        return end
    count = len(re.findall(rf"(?<!\S)(?:{_particles()})(?!\S)", follows.group(0), flags=re.I))
    return end + follows.end() if count + ends_in_particle >= 2 else end


def _particles_before(text: str, start: int) -> int:
    """Where a surname with its particles starts when a particle written with a capital opens them inside the
    text ("Wat zei Von der Leyen?"): the capital says they are part of the name; in lower case they may be a
    preposition ("von der EU"), and at the text's start any word has one."""
    before = re.search(rf"(?<![\w.])((?:{_particles()})(?:\s+(?:{_particles()}))*)\s+$", text[:start], flags=re.I)
    if not before or not before.group(1)[:1].isupper() or not text[:before.start()].strip():
        return start
    return before.start()


def written(name: str) -> str:
    """A name as it is put into a question: its particles after the first word in lower case ("Ursula Von der
    Leyen" -> "Ursula von der Leyen"), as the articles and the searched names spell them."""
    words = name.split(" ")
    return " ".join([words[0]] + [w.lower() if re.fullmatch(_particles(), w, flags=re.I) else w for w in words[1:]])


def _english_month(word: str) -> bool:
    return all(language == "en" for language, _, _ in _months().get(word.split()[0].casefold(), []))


def spans(text: str, language: str) -> list[Span]:
    """What `text` names, in order: dates ("März 2024", "2025"), amounts ("9 Milliarden Dollar", "72%") and
    names ("OpenAI", "Sam Altman", "X"), not overlapping."""
    found: list[Span] = []

    def add(start: int, end: int, kind: str) -> None:
        if not any(start < s.end and s.start < end for s in found):
            found.append(Span(start, end, kind))

    for m in re.finditer(rf"(?<![\w.,])(?:(?:{_month_pattern()})(?:\s+{_YEAR})?|{_YEAR})(?![\w.,%])", text,
                         flags=re.IGNORECASE):
        word = m.group(0)
        if word.islower() and _english_month(word):  # "may", "march" are verbs; "mei", "maart" are months
            continue
        add(m.start(), m.end(), "date")
    units = sorted(set(word_lists().scales) | set(word_lists().unit_words), key=len, reverse=True)
    unit = "|".join(re.escape(u) for u in units) + r"|%|procent|prozent|percent|us-dollar"
    for m in re.finditer(rf"(?<![\w.,]){_NUMBER}(?:\s*(?:{unit})(?!\w))*", text, flags=re.IGNORECASE):
        add(m.start(), m.end(), "amount")
    for start, end in name_spans(text, language) + one_letter_names(text):
        start, end = _without_nouns(text, start, end)
        if start >= end:
            continue
        end = _with_particles(text, start, end)
        start = _particles_before(text, start)
        initials = re.search(r"(?<![\w.])(?:[A-Z]\.\s?){1,3}$", text[:start])  # "J.D. Vance", "J. D. Vance"
        add(initials.start() if initials else start, end, "name")
    return sorted(found, key=lambda s: s.start)


def name_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Where `text` names something (`textrules.all_names_in`), longest first, not overlapping, neither an
    amount nor the front of a compound ("AI" in "AI-medewerkers" names no one)."""
    from rag import textrules

    spans: list[tuple[int, int]] = []
    for name in sorted(textrules.all_names_in(text, language), key=len, reverse=True):
        if any(textrules.is_unit_or_scale(part) for part in re.split(r"[\s-]+", name)):
            continue  # "Milliarden US-Dollar" is an amount: "hat er" never means it
        for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text, flags=re.I):
            if not any(m.start() < end and start < m.end() for start, end in spans):
                spans.append((m.start(), m.end()))
    return _joined_through_acronyms(text, sorted(spans))


def _joined_through_acronyms(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names one space apart joined where one of them is a generic acronym (`inside_names`): "National AI Industry
    Investment Fund" is one name, not "National", "AI" and "Industry Investment Fund" (blind24 fw-44: "dessen" then
    took the last question's "China")."""
    inside = word_lists().inside_names
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and text[joined[-1][1]:start] == " " and (
                text[start:end].lower() in inside or text[joined[-1][0]:joined[-1][1]].split()[-1].lower() in inside):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _without_nouns(text: str, start: int, end: int) -> tuple[int, int]:
    """A name of several capitalised words without the German nouns at its ends: "Nvidias Bruttomarge" ->
    "Nvidias" (German capitalises nouns, so the name pattern runs on into them)."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 1 and not is_subject(words[-1].group(0), "de"):
        words.pop()
    while len(words) > 1 and (not is_subject(words[0].group(0), "de") or _title(words[0].group(0))):
        words.pop(0)
    return start + words[0].start(), start + words[-1].end()


def _title(word: str) -> bool:
    """ "Commissievoorzitter", "Handelsminister" before a person's name: a word Dutch or German alone knows (a first
    name is known in all three languages; an English-only word such as "Lutnick" is a name)."""
    return word.isalpha() and bool(_known_in(word)) and set(_known_in(word)) <= {"nl", "de"}


def generic_compound(name: str) -> bool:
    """ "AI-blok", "KI-Fonds": a common noun with a generic front, no referent of its own (inside a longer name it
    stays: "Chinas KI-Fonds")."""
    front, _, rest = name.partition("-")
    return bool(rest) and front.lower() in word_lists().not_subjects and all(
        part.islower() or not is_subject(part, "de") for part in rest.split("-"))


def is_subject(name: str, language: str) -> bool:
    """A name a question can be about: not "AI", "CEO" or a country's adjective (prompts/words.toml), and not a
    capitalised German noun ("Bruttomarge": wordfreq knows it in German alone, where a name such as "Starlink"
    or "Nvidia" is known in the other languages too; "Geld", "Artikel": common in Dutch and German alike)."""
    from rag.textrules import _dutch_and_german

    lowered = name.lower().removesuffix("'s").removesuffix("’s")
    if lowered in word_lists().not_subjects:
        return False
    if " " in lowered or not lowered.isalpha():
        return True
    if _dutch_and_german(lowered):  # "Wie viel Geld hat Oracle ...?": "Geld" is no name
        return False
    return _known_in(without_owner(lowered)) != ["de"]  # German capitalises nouns; names are known elsewhere too


def without_owner(name: str) -> str:
    """ "China's" -> "China", "Nvidias" -> "Nvidia": the name, not its possessive (a German genitive is a word
    wordfreq knows in German only, made of a name it knows in the other languages too)."""
    name = re.sub(r"['’]s$", "", name)
    if name.endswith("s") and name[:-1].isalpha() and _known_in(name) == ["de"] and _known_in(name[:-1]) != ["de"]:
        return name[:-1]
    return name


def _known_in(word: str) -> list[str]:
    from wordfreq import zipf_frequency

    return [code for code in LANGUAGES if zipf_frequency(word.lower(), code) > 0]


def known(name: str, lowered_text: str) -> bool:
    """Is `name` (or one of its words, "Musk" of "Elon Musk") already in the text, as a whole word or as an owner
    ("Nvidias Bruttomarge", "Nvidia's margin")? The name matcher of rag.textrules, never inflected otherwise."""
    from rag.textrules import name_in

    return any(name_in(form, lowered_text, inflected=False, any_word=True)
               for form in (name, f"{name}s", f"{name}'s", f"{name}’s", f"{name}'"))
