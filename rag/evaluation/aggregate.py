"""Aggregation: the metrics of a group of records, and the groups every report shows (overall, per
question language, same- versus cross-language)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rag.evaluation.metrics import mean, percentile


def summarize(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """All metrics for one group of records; None where a metric has no questions to count."""
    ans = [r for r in records if r["answerable"]]
    unans = [r for r in records if not r["answerable"]]
    attempted = [r for r in ans if not r["abstained"] and not r["error"]]
    citing = [r for r in ans if r["cites"]]
    decode_s = sum((r["total_ms"] - r["first_token_ms"]) / 1000 for r in records
                   if r["completion_tokens"] and r["total_ms"] is not None and r["first_token_ms"] is not None)
    completion = sum(r["completion_tokens"] or 0 for r in records
                     if r["total_ms"] is not None and r["first_token_ms"] is not None)
    return {
        "n": len(records),
        "n_answerable": len(ans),
        "n_unanswerable": len(unans),
        "accuracy": mean([r["correct"] for r in ans] + [r["abstained"] and not r["error"] for r in unans]),
        "answer_correct": mean(r["correct"] for r in ans),
        "token_f1": mean(r["f1"] for r in ans),
        **{f"{hit}@{k}": mean(r[f"{hit}@{k}"] for r in ans) for hit in ("hit", "evidence_hit") for k in (1, 3, 5)},
        "mrr": mean(r["rr"] for r in ans),
        "cite_rate": mean(r["cites"] for r in attempted),
        "citation_precision": mean(r["citation_precision"] for r in citing),
        "evidence_support": mean(r["evidence_supported"] for r in citing),
        "quote_support": mean(r.get("quote_supported") for r in citing),
        "invalid_citation_rate": mean(bool(r["invalid_citations"]) for r in records if not r["error"]),
        "invalid_citations": sum(len(r["invalid_citations"]) for r in records),
        "unsupported_facts": sum(bool(r.get("unsupported_facts")) for r in records if not r["error"]),
        "abstention_accuracy": mean(r["abstained"] for r in unans if not r["error"]),
        "false_abstention": mean(r["abstained"] for r in ans if not r["error"]),
        "language_match": mean(r["language_match"] for r in records),
        "first_token_ms_p50": percentile((r["first_token_ms"] for r in records), 50),
        "first_token_ms_p90": percentile((r["first_token_ms"] for r in records), 90),
        "total_ms_p50": percentile((r["total_ms"] for r in records), 50),
        "total_ms_p90": percentile((r["total_ms"] for r in records), 90),
        "retrieve_ms_p50": percentile((r["retrieve_ms"] for r in records), 50),
        "tokens_per_s": completion / decode_s if completion and decode_s > 0 else None,
        "errors": sum(bool(r["error"]) for r in records),
    }


def compute_metrics(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overall, per question language, and same- vs cross-language (unanswerable ones have no article)."""
    langs = sorted({r["lang"] for r in records})
    groups = {"same": [r for r in records if r["crosslingual"] is False],
              "cross": [r for r in records if r["crosslingual"] is True]}
    return {
        "overall": summarize(records),
        "by_language": {lang: summarize([r for r in records if r["lang"] == lang]) for lang in langs},
        "by_crosslingual": {name: summarize(group) for name, group in groups.items() if group},
    }


def group_columns(metrics: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(column name, metrics) for every group of compute_metrics(), in report order."""
    cols = [("all", metrics["overall"])]
    cols += [(f"q={lang}", m) for lang, m in metrics["by_language"].items()]
    names = {"same": "same-language", "cross": "cross-language"}
    cols += [(names[k], m) for k, m in metrics["by_crosslingual"].items()]
    return cols
