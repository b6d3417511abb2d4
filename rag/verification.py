"""Checking an answer against the passages it cites: valid numbers, supporting quotes, numbers that
appear in the cited text. Pure functions, so the rules are unit-tested without a model."""

from __future__ import annotations

import re

from rag.results import Citation, Passage

CITE = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def numbers_in(text: str) -> set[str]:
    """Numbers in a canonical form: 8,2 / 8.2 -> 8.2; 9.000 / 9,000 -> 9000."""
    found = set()
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


_NAME = re.compile(r"\b[A-ZÄÖÜ][\w-]*[A-Za-zÄÖÜäöüß]\b|\b[A-Z]{2,}\b")


def names_in(text: str) -> set[str]:
    """Capitalised words and acronyms, lower-cased: the names an answer introduces."""
    return {m.group(0).lower() for m in _NAME.finditer(text)}


def facts_in(sentence: str, question: str) -> tuple[set[str], set[str]]:
    """Numbers and names that the sentence states beyond what the question already says."""
    plain = strip_citations(sentence)
    first = plain.split(" ", 1)[0].lower() if plain else ""
    asked = names_in(question) | words(question)
    names = {n for n in names_in(plain) if n not in asked and n != first} | (
        {first} if first in names_in(plain) and first not in asked and len(plain.split()) <= 2 else set())
    return numbers_in(plain) - numbers_in(question), names


def supports(passage_text: str, numbers: set[str], names: set[str]) -> float:
    """Share of the facts (numbers count double) that the passage contains."""
    if not numbers and not names:
        return 1.0
    lowered = passage_text.lower()
    found = 2 * len(numbers & numbers_in(passage_text)) + sum(1 for n in names if n in lowered)
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
