"""Per-question metrics as pure functions of texts and ids (no records, no I/O), plus the two statistics
the aggregation uses. Each returns None where the metric does not apply rather than a made-up 0."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from rag.evaluation.normalize import articles, canonical_tokens, cited_numbers, light, strip_markers, tokens

# -- answers -------------------------------------------------------------------------------------


def _token_matches(gold: str, token: str) -> bool:
    """Exact, or a prefix for words of 3+ letters so inflections still match (Konkurrent/Konkurrenten);
    numbers, canonical tokens and short words must match exactly (50 must not match 500)."""
    if gold == token:
        return True
    if len(gold) < 3 or gold in canonical_tokens() or any(c.isdigit() for c in gold):
        return False
    return token.startswith(gold)


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    if n == 0:
        return False
    for i in range(len(haystack) - n + 1):
        if all(_token_matches(g, t) for g, t in zip(needle, haystack[i:i + n])):
            return True
    return False


def answer_correct(answer_text: str, answers: Iterable[str]) -> bool:
    """True when the normalised answer contains any normalised gold answer as a token sequence."""
    have = tokens(strip_markers(answer_text))
    return any(_contains(have, tokens(gold)) for gold in answers)


def token_f1(answer_text: str, answers: Iterable[str]) -> float:
    """SQuAD-style token F1 (articles dropped), the best over the gold answers; 0.0 without gold answers."""
    skip = articles()
    have = [t for t in tokens(strip_markers(answer_text)) if t not in skip]
    best = 0.0
    for gold in answers:
        want = [t for t in tokens(gold) if t not in skip]
        if not want or not have:
            best = max(best, float(want == have))
            continue
        common = sum((Counter(have) & Counter(want)).values())
        if common:
            precision, recall = common / len(have), common / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


# -- retrieval -----------------------------------------------------------------------------------


def doc_hit(retrieved_docs: Sequence[str], gold_docs: Iterable[str], k: int) -> bool:
    """A passage from a gold article is among the first k."""
    gold = set(gold_docs)
    return any(doc in gold for doc in retrieved_docs[:k])


def reciprocal_rank(retrieved_docs: Sequence[str], gold_docs: Iterable[str]) -> float:
    """1/rank of the first passage from a gold article, 0.0 when none was retrieved."""
    gold = set(gold_docs)
    for rank, doc in enumerate(retrieved_docs, 1):
        if doc in gold:
            return 1.0 / rank
    return 0.0


def gold_rank(retrieved_docs: Sequence[str], gold_docs: Iterable[str]) -> int | None:
    rr = reciprocal_rank(retrieved_docs, gold_docs)
    return round(1 / rr) if rr else None


def evidence_in_passage(evidence: str, passage: str, min_evidence: float = 0.5,
                        min_passage: float = 0.6) -> bool:
    """Whether a passage holds the evidence, allowing for chunk boundaries that cut it.

    After case-folding and collapsing whitespace: the passage contains the evidence, or their longest
    common substring covers >= 50% of the evidence (the chunk cut it) or >= 60% of the passage (a short
    passage lying inside a long evidence)."""
    e, p = light(evidence), light(passage)
    if not e or not p:
        return False
    if e in p:
        return True
    size = SequenceMatcher(None, e, p, autojunk=False).find_longest_match(0, len(e), 0, len(p)).size
    return size >= min_evidence * len(e) or size >= min_passage * len(p)


def evidence_hit(passage_texts: Sequence[str], evidences: Iterable[str], k: int) -> bool:
    """Any of the first k passages holds any of the evidence strings."""
    evidences = [e for e in evidences if e]
    return any(evidence_in_passage(e, p) for p in passage_texts[:k] for e in evidences)


# -- citations -----------------------------------------------------------------------------------


def citation_precision(cited_docs: Sequence[str], gold_docs: Iterable[str]) -> float | None:
    """Share of citations that point into a gold article; None when nothing is cited."""
    if not cited_docs:
        return None
    gold = set(gold_docs)
    return sum(doc in gold for doc in cited_docs) / len(cited_docs)


def invalid_citations(text: str, valid_numbers: Iterable[int]) -> list[int]:
    """[n] markers in the text that match no citation (each bad number once, in order)."""
    valid = set(valid_numbers)
    seen: list[int] = []
    for n in cited_numbers(text):
        if n not in valid and n not in seen:
            seen.append(n)
    return seen


# -- statistics ----------------------------------------------------------------------------------


def percentile(values: Iterable[float | None], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, ignoring None; None for no values."""
    data = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    data = [float(v) for v in values if v is not None]
    return sum(data) / len(data) if data else None

