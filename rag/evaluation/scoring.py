"""Scoring one answer: a flat record per question with every per-question metric, and why it failed.

Records are plain dicts so that report.json, the DataFrame and the A/B comparison all read the same data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rag.evaluation.gold import GoldQuestion
from rag.evaluation.metrics import (
    answer_correct,
    citation_precision,
    doc_hit,
    evidence_hit,
    gold_rank,
    invalid_citations,
    reciprocal_rank,
    token_f1,
)
from rag.evaluation.normalize import strip_markers
from rag.results import Timing
from rag.verification import unsupported_facts


def _detect_language(text: str) -> str | None:
    """The answer's language, or None when it has none to tell (numbers and names, e.g. "Jensen Huang").

    Short Dutch sentences are often detected as a neighbour (Swedish, Afrikaans); when lingua's pick is
    not a supported language but a supported one has confidence >= 0.25, that one is taken instead."""
    from rag.language import SUPPORTED, confidences, detect, has_language

    clean = strip_markers(text)
    if not has_language(clean):
        return None
    found = detect(clean, default="", by_frequency=True) or None
    if found and found not in SUPPORTED:
        best, value = max(confidences(clean).items(), key=lambda kv: kv[1])
        if value >= 0.25:
            return best
    return found


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _timing_fields(timings: Mapping[str, float], elapsed_ms: float | None) -> dict[str, Any]:
    """The record's timings; no first token (None or 0) means nothing was generated (an abstention before the
    model ran)."""
    first, total = timings.get(Timing.FIRST_TOKEN_MS) or None, timings.get(Timing.TOTAL_MS, elapsed_ms)
    completion = timings.get(Timing.COMPLETION_TOKENS)
    decode_ms = (total - first) if total is not None and first is not None else None
    return {
        "retrieve_ms": timings.get(Timing.RETRIEVE_MS),
        "first_token_ms": first,
        "total_ms": total,
        "prompt_tokens": timings.get(Timing.PROMPT_TOKENS),
        "completion_tokens": completion,
        "tokens_per_s": (completion / (decode_ms / 1000) if completion and decode_ms and decode_ms > 0 else None),
    }


def _question_fields(question: GoldQuestion, article_language: str | None) -> dict[str, Any]:
    """The record's copy of the gold question."""
    return {
        "id": question.id,
        "question": question.question,
        "lang": question.lang,
        "doc": question.doc,
        "docs": list(question.docs),
        "article_lang": article_language,
        "crosslingual": (question.lang != article_language) if article_language else None,
        "answerable": question.answerable,
        "tags": list(question.tags),
        "gold_answers": list(question.answers),
        "evidence": question.evidence,
        "evidence_all": list(question.evidence_all),
    }


def score_answer(question: GoldQuestion, answer: Any, article_language: str | None = None,
                 elapsed_ms: float | None = None) -> dict[str, Any]:
    """One flat record: the question, what the assistant returned, and every per-question metric."""
    passages = list(getattr(answer, "passages", []) or [])
    citations = list(getattr(answer, "citations", []) or [])
    timings = dict(getattr(answer, "timings", {}) or {})
    text = getattr(answer, "text", "") or ""
    abstained = bool(getattr(answer, "abstained", False))
    retrieved = [p.doc_id for p in passages]
    texts = [p.text for p in passages]
    cited_docs = [c.doc_id for c in citations]
    answerable = question.answerable
    correct = (not abstained and answer_correct(text, question.answers)) if answerable else None
    f1 = (0.0 if abstained else token_f1(text, question.answers)) if answerable else None
    answer_lang = _detect_language(text)
    invalid = invalid_citations(text, [c.n for c in citations])
    unsupported = [] if abstained or not text else unsupported_facts(
        text, question.question, [c.text for c in citations], getattr(answer, "language", "") or question.lang)
    record: dict[str, Any] = {
        **_question_fields(question, article_language),
        "answer": text,
        "notes": list(getattr(answer, "notes", []) or []),  # what verification changed, or why it abstained
        "confidence": getattr(answer, "confidence", None),  # the model's mean token probability
        "answer_lang": answer_lang,
        "abstained": abstained,
        "correct": correct,
        "f1": f1,
        "language_match": (answer_lang == question.lang) if answer_lang else None,
        "retrieved_docs": retrieved,
        "gold_rank": gold_rank(retrieved, question.docs) if answerable else None,
        "rr": reciprocal_rank(retrieved, question.docs) if answerable else None,
        "cited_docs": cited_docs,
        "cites": bool(citations),
        "citation_precision": citation_precision(cited_docs, question.docs) if answerable else None,
        "evidence_supported": (evidence_hit([c.text for c in citations], question.evidence_all, len(citations))
                               if answerable and citations else None),
        # the quote shown with the citation (the named sentence in the evidence-first layout) holds the gold evidence
        "quote_supported": (evidence_hit([c.quote for c in citations if c.quote], question.evidence_all, len(citations))
                            if answerable and citations else None),
        "invalid_citations": invalid,
        "unsupported_facts": unsupported,  # names and numbers stated that no cited passage contains
        "abstain_probability": getattr(answer, "abstain_probability", None),
        "stated_probability": getattr(answer, "stated_probability", None),  # the second reading's P(yes)
        "probe_probability": getattr(answer, "probe_probability", None),  # the probe's P(stated) (rag.probe)
        "abstain_reason": str(getattr(answer, "abstain_reason", "") or "") if abstained else "",
        "citations": [{"n": c.n, "doc_id": c.doc_id, "quote": _excerpt(c.quote or c.text)} for c in citations],
        "passages": [{"n": p.n, "doc_id": p.doc_id, "score": round(float(p.score), 4),
                      "text": _excerpt(p.text, 160)} for p in passages],
        **_timing_fields(timings, elapsed_ms),
        "error": None,
    }
    for k in (1, 3, 5):
        record[f"hit@{k}"] = doc_hit(retrieved, question.docs, k) if answerable else None
        record[f"evidence_hit@{k}"] = evidence_hit(texts, question.evidence_all, k) if answerable else None
    record["failures"] = failure_reasons(record)
    return record


def failure_reasons(record: Mapping[str, Any]) -> list[str]:
    """Why a record counts as a failure in the report (empty: it passed)."""
    if record.get("error"):
        return [f"error: {record['error']}"]
    reasons = []
    if record["answerable"]:
        if record["abstained"]:
            reasons.append("abstained on an answerable question")
        elif not record["correct"]:
            reasons.append("answer does not contain a gold answer")
        elif not record["cites"]:
            reasons.append("correct but cites nothing")
    elif not record["abstained"]:
        reasons.append("answered an unanswerable question")
    if record["language_match"] is False:
        reasons.append(f"answered in {record['answer_lang']}, asked in {record['lang']}")
    if record.get("unsupported_facts"):
        reasons.append("states what no cited passage contains: " + ", ".join(record["unsupported_facts"]))
    if record["invalid_citations"]:
        reasons.append("invalid citation number(s): " + ", ".join(f"[{n}]" for n in record["invalid_citations"]))
    return reasons


def error_record(question: GoldQuestion, article_language: str | None, error: BaseException) -> dict[str, Any]:
    """A record for a question whose answer raised: counted wrong, shown in the report's failures."""
    from rag.results import Answer

    record = score_answer(question, Answer(question.question, "", question.lang, False), article_language)
    record["error"] = f"{type(error).__name__}: {error}"
    record["language_match"] = None
    record["failures"] = failure_reasons(record)
    return record
