"""The kind of answer a question asks for, from its opening question word: "wanneer" a date, "wie viele" a
count, "how much did X invest" money, "Wat ..." or "Wie heißt ..." nothing clear (None). Word lists:
prompts/kinds.toml (rag.kindlists)."""

from __future__ import annotations

import re

from rag.kindlists import Kind, kind_lists
from rag.textrules import find_words
from rag.wordlists import word_lists

COMPOUND_NOUN = 4  # "KI-Unternehmen" ends in "unternehmen": a noun this long counts at a compound's end
WHICH_REACH = 3  # "Welk Japans bedrijf": the noun of "which" within this many words
FOREIGN_PHRASE_WORDS = 2  # another language's question phrase this long ("wie viel") reads the question
_CLAUSE_BREAK = re.compile(r"[,:;]")
_PHRASES = ("date", "age", "duration", "place", "person_or_org", "money", "percent", "amount", "much", "many",
            "which")


def asked_kind(question: str, language: str) -> Kind | None:
    """The kind of answer the question's opening word asks for, None when it says nothing clear.

    Only a question word at the start of a clause counts ("How old was he when ..." asks an age), and a
    question that asks two things at once ("Wann und wo ...") asks for no one kind. Another language's phrase
    of two words or more reads it ("Wie viel will Stargate over vier jaar ...?" asks an amount, not Dutch "who")."""
    tables = kind_lists().questions
    if language not in tables:
        return None
    reach = {code: _opening(question, table) for code, table in tables.items()}  # German "Wie heißt": no "wie"
    reading = max(tables, key=lambda code: (reach[code] * (code == language or reach[code] >= FOREIGN_PHRASE_WORDS),
                                            code == language))
    table, language = tables[reading], reading
    words, starts = _clause_starts(question, table)
    for start in starts:
        found = _phrase_at(words, start, table)
        if found is None:
            continue
        group, end = found
        if end < len(words) and words[end] in table.get("conjunctions", []) and _phrase_at(words, end + 1, table):
            return None
        return _resolve(group, words, end, table, language)
    return None


def asks_open(question: str, language: str) -> bool:
    """Does the question open with a question word ("Was hat SpaceX gesenkt?", "Hoe noemt ...", "Which ..."),
    so that yes or no cannot answer it? Only the question's own language: Dutch "Was het ...?" asks yes or no."""
    table = kind_lists().questions.get(language)
    if table is None:
        return False
    words, starts = _clause_starts(question, table)
    return bool(starts) and _phrase_at(words, starts[0], table, (*_PHRASES, "open")) is not None


def asks_for_a_name(question: str) -> bool:
    """Does the question ask for a name ("Hoe heet ...", "Wie heißt ...", "What is ... called?")? Any language's
    phrases count: a follow-up's standalone question can be in another language than the answer."""
    for table in kind_lists().questions.values():
        words, starts = _clause_starts(question, table)
        if not starts:
            continue
        if _phrase_at(words, starts[0], table, ("name",)) is not None:
            return True
        for opening, closing in table.get("name_around", []):
            if words[starts[0]:starts[0] + len(opening.split())] == opening.split() and words[-1:] == [closing]:
                return True
    return False


def _opening(question: str, table: dict) -> int:
    """How many words of the question's first clause the table's longest question phrase covers (0: none)."""
    words, starts = _clause_starts(question, table)
    found = _phrase_at(words, starts[0], table) if starts else None
    return found[1] - starts[0] if found else 0


def _clause_starts(question: str, table: dict) -> tuple[list[str], list[int]]:
    """The question's words (lower case) and where a question word may stand: each clause's first word
    after an opening ("En", "Und so", "Tell me")."""
    matches = find_words(question, "'-")
    words = [m.group(0).lower() for m in matches]
    starts = []
    for i, match in enumerate(matches):
        if i == 0 or _CLAUSE_BREAK.search(question[matches[i - 1].end():match.start()]):
            while True:
                opening = _phrase_at(words, i, table, ("openings",))
                if opening is None:
                    break
                i = opening[1]
            starts.append(i)
    return words, starts


def _phrase_at(words: list[str], i: int, table: dict, groups: tuple[str, ...] = _PHRASES) -> tuple[str, int] | None:
    """The longest phrase of the table's lists that starts at word i: (its list's name, the word after it)."""
    best: tuple[str, int] | None = None
    for group in groups:
        for phrase in table.get(group, []):
            parts = phrase.split()
            if words[i:i + len(parts)] == parts and (best is None or i + len(parts) > best[1]):
                best = (group, i + len(parts))
    return best


def _resolve(group: str, words: list[str], end: int, table: dict, language: str) -> Kind | None:
    """The kind a matched question phrase asks for; "hoeveel", "how many" and "which" look at what follows."""
    if group == "which":  # English writes no closed compounds: "capacity" is no kind of "city"
        return _which_kind(words[end:end + WHICH_REACH], table, language != "en")
    if group in ("much", "many"):
        return _quantity_kind(group, words[end:], table, language)
    return Kind(group)


def _which_kind(after: list[str], table: dict, compounds: bool = True) -> Kind | None:
    """"Welk Japans bedrijf", "In welcher Stadt", "Which company": the noun decides; a verb or article first
    ("Welke van de ...", "What did ...") asks nothing clear."""
    stop = word_lists().stop_words
    for word in after:
        for kind, nouns in table.get("which_nouns", {}).items():
            if word in nouns or compounds and any(len(n) >= COMPOUND_NOUN and word.endswith(n) and
                                                  len(word) > len(n) + 2 for n in nouns):
                return Kind(kind)
        if word in stop:
            return None
    return None


def _quantity_kind(group: str, after: list[str], table: dict, language: str) -> Kind | None:
    """"Hoeveel geld" money, "wie viele Mitarbeiter" a count, "how much did X invest" money, "hoeveel procent"
    a percentage, "wie viele Jahre" a duration, "how many kilograms" nothing checked."""
    units = kind_lists().units
    first = after[0] if after else ""
    if first in units["percent"]:
        return Kind.PERCENT
    if first in units["currency"] or first in table.get("money_nouns", []):
        return Kind.SUM  # "hoeveel geld", "how many dollars"
    if first in units["time"]:
        return Kind.DURATION
    if first in units["measure"]:
        return None
    if word_lists().scales.get(first) is not None:
        return Kind.MONEY if set(after[1:3]) & units["currency"] else Kind.AMOUNT
    if group == "many":
        return Kind.COUNT
    if first in table.get("share_of", []):  # "how much of the revenue": a part, of any unit
        return Kind.AMOUNT
    if _is_money_word(first, table):
        return Kind.MONEY
    verb = first in table.get("verbs_after_much", []) or set(after[1:2]) & set(table.get("subjects_after_verb", []))
    if language == "nl" and first and not verb and first not in word_lists().stop_words \
            and re.search(r"(en|s|'s|’s)$", first):
        return Kind.COUNT  # "hoeveel werknemers": a plural noun (not a verb before its subject: "hoeveel beloven de")
    if any(_is_listed(word, table.get("percent_words", [])) for word in after):
        return Kind.PERCENT  # "Wie hoch war die Bruttomarge?": a margin is a percentage
    if any(_is_money_word(word, table) for word in after):
        return Kind.MONEY
    return Kind.AMOUNT


def _is_money_word(word: str, table: dict) -> bool:
    return _is_listed(word, table.get("money_words", []))


def _is_listed(word: str, listed: list[str]) -> bool:
    """Is `word` one of `listed`, where "brutomarge*" stands for every word that starts so?"""
    return any(word == w or (w.endswith("*") and word.startswith(w[:-1])) for w in listed)

