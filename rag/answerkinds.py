"""The kind of answer a question asks for ("wanneer" a date, "wie viele" a count, "how much did X invest"
money), and whether a text (the answer, or the sentence it rests on) holds that kind.

A true answer on the right subject can answer another question ("39 years" to what Sam Altman earns): no rule
on names or numbers sees that; the question word does. The check is conservative: it rejects only a text that clearly
holds another kind (a number with another unit, only a name, only a date) and nothing of the kind asked.
When the question word says nothing clear ("Wat ...", "Wie heißt ..."), or the text is unclear, it accepts.
The question side is rag.askedkinds; word lists rag.kindlists, numbers rag.numbers, names rag.textrules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.askedkinds import asked_kind, asks_for_a_name, asks_open
from rag.kindlists import DESCRIBE, NUMBER_KINDS, Kind, Unit, kind_lists
from rag.numbers import number_word, numbers_in
from rag.textrules import all_names_in, find_words, split_sentences, split_words, strip_citations
from rag.wordlists import word_lists

_NUMERIC = frozenset(Unit) - {Unit.DATE}
# The units that hold each numeric kind; a text with numbers of other units only is of another kind.
HOLDS: dict[Kind, frozenset[Unit]] = {
    Kind.DATE: frozenset({Unit.DATE, Unit.BARE}),
    Kind.AGE: frozenset({Unit.AGE, Unit.DURATION, Unit.DATE, Unit.BARE}),  # "geboren in 1985"
    Kind.DURATION: frozenset({Unit.DURATION, Unit.AGE, Unit.DATE, Unit.MEASURE, Unit.BARE}),  # "hoe lang": length too
    Kind.MONEY: frozenset({Unit.MONEY, Unit.SCALED, Unit.PERCENT, Unit.BARE}),  # "how much did revenue grow": 8%
    Kind.SUM: frozenset({Unit.MONEY, Unit.SCALED, Unit.BARE}),
    Kind.PERCENT: frozenset({Unit.PERCENT, Unit.BARE}),
    Kind.COUNT: frozenset({Unit.COUNT, Unit.SCALED, Unit.BARE}),
    Kind.AMOUNT: _NUMERIC,
}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%$€£¥°²]")
_JOINED = re.compile(r"[\s\-–]*|\.\s*")  # what may stand between a number and its unit ("Mrd. Euro", "39-jarige")
INFLECTIONS = ("'s", "’s", "es", "en", "er", "em", "e", "s", "n")  # endings a name question's word may take
MIN_STEM = 3  # letters left after an ending is cut ("Xi" keeps its "i")
_ORDINAL = frozenset({"st", "nd", "rd", "th", "e", "ste", "de", "ten", "sten"})
YEAR = r"(?:18|19|20)\d{2}"  # a number that can be a year


# -- what a text holds ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shows:
    """What a text shows: the units of its numbers, date words, names, quantity words."""

    units: frozenset[Unit]
    strong_date: bool  # a month, weekday or written date ("1 januari", "Q3", "2025-01-01")
    weak_date: bool  # a word that can answer "when" without being a date ("vorig jaar", "toen")
    names: bool
    only_names: bool  # nothing but names ("SpaceX", "Sam Altman en Elon Musk")
    only_numbers: bool  # nothing but numbers ("39", "2025")
    quantity: bool  # "honderden", "de helft": an amount without digits
    currency: bool  # a currency word or sign
    time: bool  # a unit of time ("een paar jaar")


def shows(text: str, language: str) -> Shows:
    lists = kind_lists()
    plain = strip_citations(text)
    masked = lists.patterns.sub(lambda m: " " * len(m.group(0)), plain)  # written dates are no numbers
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(masked)]
    lowered = {t.lower() for t, _, _ in tokens}
    nouns_capitalised = bool(lists.questions.get(language, {}).get("capitalised_nouns"))
    units = frozenset(unit for i in range(len(tokens))
                      if (unit := _unit_of(tokens, i, masked, nouns_capitalised)) is not None)
    months = {t for t, _, _ in tokens if _is_month(t)}
    strong = bool(lists.patterns.search(plain) or months or lowered & lists.strong)
    date_words = {m.lower() for m in months} | lists.strong | lists.abbreviations
    names = [n for n in all_names_in(plain, language)  # "US-Dollar" is a currency, not the US
             if split_words(n)[-1].lower() not in lists.units["currency"]]
    name_words = {w.lower() for name in names for w in split_words(name)} - date_words \
        - lists.units["currency"] - lists.units["measure"]
    content = {w.lower() for w in split_words(plain, "letters") if len(w) > 1} - word_lists().stop_words
    return Shows(units, strong, bool(lists.weak.search(plain)), bool(name_words),
                 bool(content) and content <= name_words, bool(units) and not content, bool(lowered & lists.quantities),
                 bool(lowered & (lists.units["currency"] | set(lists.units["currency_signs"]))),
                 bool(lowered & lists.units["time"]))


def _is_month(token: str) -> bool:
    capital_only = kind_lists().months.get(token.lower())
    return capital_only is not None and (not capital_only or token[:1].isupper())


def _unit_of(tokens: list[tuple[str, int, int]], i: int, text: str, nouns_capitalised: bool = False) -> Unit | None:
    """What the number at token i counts (None: the token is no number). `nouns_capitalised` (German): a year
    before a lower-case word counts nothing ("bevor OpenAI 2019 gewinnorientiert wurde"); a count's noun would be
    capitalised ("2019 Mitarbeiter")."""
    units, scales, token = kind_lists().units, word_lists().scales, tokens[i][0]
    spelled = None if token[0].isdigit() else number_word(token)
    if not token[0].isdigit() and spelled is None:
        return None
    if spelled is None and i and tokens[i - 1][2] == tokens[i][1] and tokens[i - 1][0].isalpha():
        return None  # "H20", "GPT4": part of a name
    following = _following(tokens, i, text)
    scale_words = scales.keys() | units["thousands"]
    scaled = bool(following) and following[0].lower() in scale_words
    while following and following[0].lower() in scale_words:
        following = following[1:]
    following = following[1:] if following[:1] in (["US"], ["us"]) else following
    low = [w.lower() for w in following]
    if spelled == "1" and not scaled and not (low and _is_unit(low[0])):
        return None  # "een", "ein", "one", "a": an article far more often than a number
    before = tokens[i - 1][0] if i and _joined(text, tokens[i - 1][2], tokens[i][1]) else ""
    if before.lower() in units["currency"] or before in units["currency_signs"] or (
            set(low[:2]) & units["currency"] and " ".join(low[:2]) not in units["percent"]):  # not "per cent"
        return Unit.MONEY
    unit = _unit_after(following, before, token, scaled)
    if unit is Unit.COUNT and nouns_capitalised and following[0][:1].islower() and re.fullmatch(YEAR, token):
        return Unit.BARE
    return unit


def _unit_after(following: list[str], before: str, token: str, scaled: bool) -> Unit:
    """The unit from the words after the number (and the one before it, for dates)."""
    lists = kind_lists()
    units, low, prior = lists.units, [w.lower() for w in following], before.lower()
    first, second = (low + ["", ""])[:2]
    if first in units["percent"] or f"{first} {second}" in units["percent"]:
        return Unit.PERCENT
    if first in units["age"] or (first in units["time"] and second in units["age_after"]):
        return Unit.AGE
    if first in units["clock"]:
        return Unit.DATE
    if first in units["time"]:
        return Unit.DATE if prior in units["relative_before"] or second in units["relative_after"] else Unit.DURATION
    if (following and _is_month(following[0])) or _is_month(before) or first in lists.abbreviations \
            or prior in lists.abbreviations:
        return Unit.DATE
    if re.fullmatch(YEAR, token) and (prior in lists.year_before
                                                   or prior.endswith(lists.year_word_endings)):
        return Unit.DATE
    if first in units["measure"]:
        return Unit.MEASURE
    if scaled:
        return Unit.SCALED
    if first and first not in word_lists().stop_words and first[0].isalpha() and number_word(first) is None:
        return Unit.COUNT
    return Unit.BARE


def _following(tokens: list[tuple[str, int, int]], i: int, text: str) -> list[str]:
    """The words joined to the number at i, as written ("20 billion dollars", "39-jarige", "5GW", "1st")."""
    found = []
    for j in range(i + 1, min(i + 5, len(tokens))):
        if not _joined(text, tokens[j - 1][2], tokens[j][1]):
            break
        if j == i + 1 and tokens[j][1] == tokens[i][2] and tokens[j][0].lower() in _ORDINAL:
            continue
        found.append(tokens[j][0])
    return found


def _joined(text: str, end: int, start: int) -> bool:
    return _JOINED.fullmatch(text[end:start]) is not None


def _is_unit(word: str) -> bool:
    units = kind_lists().units
    return any(word in units[name] for name in ("currency", "percent", "time", "measure", "age"))


def holds(text: str, kind: Kind, language: str) -> bool:
    """Does the text hold the kind asked for? False only when it clearly holds another kind and nothing of
    this one: numbers of other units, or only a name, or (for a number or a name) only a date; for a place
    or a person, no name and an amount, a date or nothing but a number."""
    seen = shows(text, language)
    if kind in (Kind.PLACE, Kind.PERSON_OR_ORG):
        clear = seen.units - {Unit.COUNT, Unit.BARE} or seen.strong_date or seen.only_numbers
        return seen.names or not clear
    if seen.units & HOLDS[kind] or (kind is Kind.DATE and (seen.strong_date or seen.weak_date)):
        return True
    if kind is Kind.DURATION and (seen.time or seen.weak_date):
        return True
    if kind in (Kind.MONEY, Kind.SUM, Kind.COUNT, Kind.AMOUNT, Kind.PERCENT) and seen.quantity:
        return True
    if kind in (Kind.MONEY, Kind.SUM) and seen.currency:
        return True
    return not (seen.units or seen.only_names or (seen.strong_date and kind is not Kind.DATE))


def what_it_gives(text: str, language: str) -> str:
    """The kind a text shows, for the note ("an amount of money", "only a name")."""
    seen = shows(text, language)
    for unit in Unit:
        if unit in seen.units:
            return unit.value
    if seen.strong_date:
        return Unit.DATE.value
    return "only a name" if seen.only_names else "something else"


def _first_sentence(text: str) -> str:
    """The answer's first sentence; "Am 15. Januar 2025" is one sentence (a German ordinal ends in a dot)."""
    sentences = split_sentences(text) or [""]
    first = sentences[0]
    for following in sentences[1:]:
        if not re.search(r"\b\d{1,2}\.$", first):
            break
        first += " " + following
    return first


def gives_number(text: str, language: str) -> bool:
    """Does the text state a number in any form: digits, a spelled-out number or scale ("vier", "een biljoen"),
    a quantity word ("honderden", "de helft"), a currency or a percent word?"""
    seen = shows(text, language)
    if seen.units or seen.quantity or seen.currency or numbers_in(text) or kind_lists().spelled.search(text):
        return True
    lowered = {w.lower() for w in split_words(text)}
    return bool(lowered & (set(word_lists().scales) | kind_lists().units["percent"]))


def names_nothing_new(text: str, question: str) -> bool:
    """Does the text name nothing the question does not? A name here is any word with a capital or a digit
    ("Grok", "T-head", "H20-chip", "xAI"), compared with the question's words without their endings
    ("Deutsches" is the question's "deutsche"); "Huawei heeft zijn eigen AI-chip" to "Hoe heet de AI-chip van
    Huawei?" names nothing new, so it answers no question for a name."""
    lists = word_lists()
    asked = {_stem(part) for word in split_words(question, "'-") for part in [word, *word.split("-")]}
    asked |= lists.inside_names  # a generic acronym names nothing: "AI-chip" to a question on Huawei's chip
    for run in _name_runs(text, lists.stop_words):
        if len(run) > 1 and lists.inside_names & {w.lower() for w in run}:  # "Invest AI": one name, as written
            if " ".join(run).lower() not in question.lower():
                return False
            continue
        if any(_stem(w) not in asked and not all(_stem(part) in asked for part in w.split("-")) for w in run):
            return False
    return True


def _name_runs(text: str, stop: frozenset[str]) -> list[list[str]]:
    """The text's words with a capital or a digit (not stop words), in runs of words one space apart."""
    runs: list[list[str]] = []
    last_end = -2
    for match in find_words(text, "'-"):
        word = match.group(0)
        if word.lower() in stop or not any(c.isupper() or c.isdigit() for c in word):
            last_end = -2
            continue
        if runs and text[last_end:match.start()] == " ":
            runs[-1].append(word)
        else:
            runs.append([word])
        last_end = match.end()
    return runs


def _stem(word: str) -> str:
    """A word without an inflection ending ("deutsches", "deutsche" -> "deutsch"; "Huawei's" -> "huawei")."""
    lowered = word.lower()
    for ending in INFLECTIONS:
        if lowered.endswith(ending) and len(lowered) - len(ending) >= MIN_STEM:
            return lowered[:-len(ending)]
    return lowered


def says_yes_or_no(text: str) -> bool:
    """Does the text open with yes or no in any language ("Ja [2].", "No, they will not ..."; not "No one ...")?"""
    match = re.match(r"\W*([^\W\d_]+)(?!\s*[^\W\d_])", text)
    return bool(match) and match.group(1).lower() in {
        word for table in kind_lists().questions.values() for word in table.get("yes_no", [])}


def wrong_kind(question: str, answer: str, language: str, evidence: str = "") -> str:
    """Why the answer (its first sentence), or the evidence sentence it rests on, is not the kind of answer
    the question asks for; "" when it is, or when the question asks for no clear kind. An answer for a number
    must state one ("Techmilliardäre" to "Wie viel Geld ...?" does not); its evidence sentence need not."""
    first = _first_sentence(strip_citations(answer))
    if says_yes_or_no(first) and asks_open(question, language):
        return "abstained: the question asks what, which or how, the answer is a yes or no"
    if first.strip() and asks_for_a_name(question) and names_nothing_new(first, question):
        return "abstained: the question asks for a name, the answer names nothing the question does not"
    kind = asked_kind(question, language)
    if kind is None:
        return ""
    if kind in NUMBER_KINDS and first.strip() and not gives_number(first, language):
        return f"abstained: the question asks for {DESCRIBE[kind]}, the answer gives no number"
    for label, text in (("answer", first), ("evidence sentence", evidence)):
        if text.strip() and not holds(text, kind, language):
            gives = what_it_gives(text, language)
            return f"abstained: the question asks for {DESCRIBE[kind]}, the {label} gives {gives}"
    return ""


__all__ = ["DESCRIBE", "Kind", "Unit", "asked_kind", "gives_number", "holds", "names_nothing_new", "says_yes_or_no",
           "shows", "what_it_gives", "wrong_kind"]
