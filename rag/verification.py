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
