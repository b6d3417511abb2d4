"""Checking an answer against the passages it cites: valid numbers, supporting quotes, numbers that
appear in the cited text. Pure functions, so the rules are unit-tested without a model."""

from __future__ import annotations

import re

from rag.results import Citation, Passage

CITE = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)(?<!\s[A-Z]\.)\s+|\n+")  # not after J.D. or A.
_WORD = re.compile(r"\w+", re.UNICODE)
_CITE_AFTER_STOP = re.compile(r"(?<=[^\s\[\]])([.!?])((?:\s*\[\d{1,2}\])+)(?=\s|$)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


NUMBER_WORDS = {
    "1": ("een", "één", "one", "ein", "eine", "eins", "einen"), "2": ("twee", "two", "zwei"),
    "3": ("drie", "three", "drei"), "4": ("vier", "four"), "5": ("vijf", "five", "fünf"),
    "6": ("zes", "six", "sechs"), "7": ("zeven", "seven", "sieben"), "8": ("acht", "eight"),
    "9": ("negen", "nine", "neun"), "10": ("tien", "ten", "zehn"), "12": ("twaalf", "twelve", "zwölf"),
}
_NUMBER_WORD = {w: digit for digit, spelled in NUMBER_WORDS.items() for w in spelled}
# Scale words and their size; an answer must keep the passage's scale ("miljard" is not "million").
SCALES = {
    "miljoen": 6, "million": 6, "millionen": 6, "mio": 6, "millions": 6,
    "miljard": 9, "miljarden": 9, "billion": 9, "billions": 9, "milliarde": 9, "milliarden": 9, "mrd": 9,
    "biljoen": 12, "trillion": 12, "billionen": 12,
}
SCALE_WORD = {("en", 6): "million", ("en", 9): "billion", ("en", 12): "trillion",
              ("de", 6): "Millionen", ("de", 9): "Milliarden", ("de", 12): "Billionen",
              ("nl", 6): "miljoen", ("nl", 9): "miljard", ("nl", 12): "biljoen"}
_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(?:US-?\s?)?([A-Za-zÄÖÜäöü]+)")


def numbers_in(text: str) -> set[str]:
    """Numbers in a canonical form: 8,2 / 8.2 -> 8.2; 9.000 / 9,000 -> 9000; vier / four -> 4."""
    found = {_NUMBER_WORD[w] for w in re.findall(r"\w+", text.lower()) if w in _NUMBER_WORD}
    for raw in _NUMBER.findall(text):
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw):
            found.add(re.sub(r"[.,]", "", raw))
        else:
            found.add(raw.replace(",", "."))
    return found


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2 or w.isdigit()}


def cited_numbers(text: str) -> list[int]:
    """Citation numbers in order of first appearance."""
    seen: list[int] = []
    for match in CITE.finditer(text):
        n = int(match.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def strip_citations(text: str) -> str:
    return re.sub(r"\s*\[\d{1,2}\]", "", text).strip()


def best_quote(passage_text: str, claim: str) -> str:
    """The sentence of the passage that shares the most words and numbers with the claim."""
    sentences = split_sentences(passage_text) or [passage_text]
    claim_words, claim_numbers = words(claim), numbers_in(claim)

    def overlap(sentence: str) -> float:
        return len(words(sentence) & claim_words) + 3 * len(numbers_in(sentence) & claim_numbers)

    best = max(sentences, key=overlap)
    return best if overlap(best) > 0 else ""


def claims_by_citation(text: str) -> dict[int, str]:
    """For each cited number, the text of the sentences that cite it."""
    claims: dict[int, str] = {}
    for sentence in split_sentences(text):
        for n in cited_numbers(sentence):
            claims[n] = (claims.get(n, "") + " " + strip_citations(sentence)).strip()
    return claims


def build_citations(text: str, passages: list[Passage]) -> tuple[list[Citation], list[str]]:
    """Citations for the valid [n] in `text`, each with its supporting quote; notes on problems."""
    by_n = {p.n: p for p in passages}
    notes = []
    citations = []
    claims = claims_by_citation(text)
    for n in cited_numbers(text):
        passage = by_n.get(n)
        if passage is None:
            notes.append(f"removed citation [{n}]: there is no passage {n}")
            continue
        citations.append(Citation.from_passage(passage, best_quote(passage.text, claims.get(n, text))))
    return citations, notes


def remove_invalid_citations(text: str, valid: set[int]) -> str:
    return CITE.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", text)


def unsupported_numbers(text: str, citations: list[Citation]) -> set[str]:
    """Numbers in the answer that none of the cited passages contains (in any notation)."""
    cited = set()
    for c in citations:
        cited |= numbers_in(c.text)
    answer_numbers = numbers_in(strip_citations(text))
    return {n for n in answer_numbers if n not in cited}


_NAME = re.compile(
    r"\b[A-ZÄÖÜ][\w-]*[a-zäöüß](?:\s+[A-ZÄÖÜ][\w-]*[a-zäöüß])+\b"  # Jensen Huang, Ursula Von
    r"|\b[A-Za-z]*[a-z][A-Z][\w-]*\b"  # OpenAI, xAI, SpaceX
    r"|\b[A-Z]{2,}\b")  # CERN, EU


def names_in(text: str) -> set[str]:
    """Proper names an answer introduces: multi-word names, camel-case names and acronyms.

    Single capitalised words are left out: German capitalises every noun, and a translated noun
    ("Dienstag" for "dinsdag") is not a made-up name. A capitalised article or preposition at the
    start of a sentence is not part of the name ("Die Kearney Boulevard" is "Kearney Boulevard")."""
    from rag.language import function_words

    skip = function_words()
    names = set()
    for match in _NAME.finditer(text):
        parts = match.group(0).split()
        while len(parts) > 1 and parts[0].lower() in skip:
            parts = parts[1:]
        if len(parts) > 1 or _NAME.fullmatch(parts[0]):
            names.add(" ".join(parts).lower())
    return names


def cite_before_full_stop(text: str) -> str:
    """'… werden. [1]' -> '… werden [1].': the citation belongs to the sentence it follows."""
    return _CITE_AFTER_STOP.sub(r"\2\1", text)


def scale_of(text: str) -> dict[str, int]:
    """Number -> scale exponent for every `<number> <scale word>` in the text."""
    found = {}
    for number, word in _SCALED.findall(text):
        if word.lower() in SCALES:
            found[next(iter(numbers_in(number)), number)] = SCALES[word.lower()]
    return found


# Scale words that belong to one language only ("Million" is German too, "Billion" is German 10^12).
_SCALE_LANGUAGE = {"miljoen": "nl", "miljard": "nl", "miljarden": "nl", "biljoen": "nl",
                   "millionen": "de", "milliarde": "de", "milliarden": "de", "billionen": "de", "mrd": "de",
                   "millions": "en", "billion": "en", "billions": "en", "trillion": "en"}


def repair_scales(text: str, passages_text: str, language: str) -> tuple[str, list[str]]:
    """Give every `<number> <scale>` in the answer the passages' scale, in the answer's language.

    The small model copies "8,2 Milliarden" into a Dutch answer or turns "miljard" into "million";
    both are fixed here rather than left to the reader."""
    truth = scale_of(passages_text)
    notes = []

    def fix(match: re.Match) -> str:
        number, word = match.group(1), match.group(2)
        lowered = word.lower()
        if lowered not in SCALES:
            return match.group(0)
        key = next(iter(numbers_in(number)), number)
        scale = truth.get(key, SCALES[lowered])
        foreign = _SCALE_LANGUAGE.get(lowered, language) != language and (language, scale) in SCALE_WORD
        if scale == SCALES[lowered] and not foreign:
            return match.group(0)
        right = SCALE_WORD.get((language, scale), SCALE_WORD[("en", scale)])
        if scale != SCALES[lowered]:
            notes.append(f"scale corrected: '{number} {word}' -> '{number} {right}' as in the cited passage")
        else:
            notes.append(f"scale word '{word}' written in {language}: '{right}'")
        return match.group(0)[: match.start(2) - match.start(0)] + right

    text = _SCALED.sub(fix, text)
    return write_out_large_numbers(text, truth, language, notes)


_LONG_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}([.,\s])\d{3}(?:\1\d{3})+|\d{7,})(?![\w]|[.,]\d)")  # 9.000.000


def write_out_large_numbers(text: str, truth: dict[str, int], language: str,
                            notes: list[str]) -> tuple[str, list[str]]:
    """'9000000000' -> '9 billion' when the passages say '9 miljard': the reader, and the check that
    numbers appear in the cited passage, both need the passage's form."""
    values = {round(float(number) * 10 ** scale): (number, scale) for number, scale in truth.items()
              if re.fullmatch(r"\d+(?:\.\d+)?", number)}

    def fix(match: re.Match) -> str:
        value = int(re.sub(r"\D", "", match.group(0)))
        if value not in values:
            return match.group(0)
        number, scale = values[value]
        number = number.replace(".", ",") if language in ("nl", "de") else number
        written = f"{number} {SCALE_WORD.get((language, scale), SCALE_WORD[('en', scale)])}"
        notes.append(f"'{match.group(0)}' written as '{written}' as in the cited passage")
        return written

    return _LONG_NUMBER.sub(fix, text), notes


def facts_in(sentence: str, question: str) -> tuple[set[str], set[str]]:
    """Numbers and names that the sentence states beyond what the question already says."""
    plain = strip_citations(sentence)
    asked = names_in(question) | words(question)
    names = {n for n in names_in(plain) if n not in asked and not set(n.split()) <= words(question)}
    return numbers_in(plain) - numbers_in(question), names


def name_in(name: str, lowered_text: str) -> bool:
    """The name occurs in the text, allowing inflected endings ("Japanisches Meer" ~ "Japanischen Meer")."""
    if name in lowered_text:
        return True
    text_words = _WORD.findall(lowered_text)
    stems = [w[: max(4, len(w) - 2)] for w in name.split()]
    return all(any(t.startswith(stem) for t in text_words) for stem in stems)


def supports(passage_text: str, numbers: set[str], names: set[str]) -> float:
    """Share of the facts (numbers count double) that the passage contains."""
    if not numbers and not names:
        return 1.0
    lowered = passage_text.lower()
    found = 2 * len(numbers & numbers_in(passage_text)) + sum(1 for n in names if name_in(n, lowered))
    return found / (2 * len(numbers) + len(names))


def check_answer(text: str, question: str, passages: list[Passage]) -> tuple[str, bool, list[str]]:
    """Repair citation numbers and decide whether the answer rests on the passages at all.

    Each sentence's numbers and new names must appear in a cited passage; when they appear only in
    another passage, the citation is moved there. When the answer's facts appear in no passage, the
    answer is treated as made up: (text, abstain=True, notes).
    """
    by_n = {p.n: p for p in passages}
    notes: list[str] = []
    repaired = []
    total_facts = supported_facts = 0.0
    for sentence in split_sentences(text):
        numbers, names = facts_in(sentence, question)
        weight = 2 * len(numbers) + len(names)
        cited = [n for n in cited_numbers(sentence) if n in by_n]
        best_cited = max((supports(by_n[n].text, numbers, names) for n in cited), default=0.0)
        if not cited and passages:  # an uncited sentence gets the passage that best supports it
            claim = words(strip_citations(sentence))
            best = max(passages, key=lambda p: (supports(p.text, numbers, names), len(claim & words(p.text)), -p.n))
            sentence = sentence.rstrip().rstrip(".") + f" [{best.n}]" + ("." if sentence.rstrip().endswith(".") else "")
            notes.append(f"citation [{best.n}] added to an uncited sentence")
            best_cited = supports(best.text, numbers, names)
        elif weight and best_cited < 1.0:
            scores = {p.n: supports(p.text, numbers, names) for p in passages}
            best = max(scores, key=lambda n: (scores[n], -n))
            if scores[best] > best_cited:
                new = f"[{best}]"
                sentence = CITE.sub("", sentence).rstrip(" .") + f" {new}" + ("." if sentence.rstrip().endswith(".")
                                                                               else "")
                notes.append(f"citation moved to {new}: it contains the facts the sentence states")
                best_cited = scores[best]
        total_facts += weight
        supported_facts += weight * best_cited
        repaired.append(sentence)
    if total_facts and supported_facts / total_facts < 0.5:
        notes.append("abstained: the answer's numbers or names are not in the retrieved passages")
        return " ".join(repaired), True, notes
    return " ".join(repaired), False, notes
