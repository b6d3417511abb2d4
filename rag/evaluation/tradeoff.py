"""The strictness trade-off: how abstention on unanswerable questions and false abstention on answerable
ones move with the threshold on the model's probability of abstaining.

Every answer records that probability and why it abstained, so one run gives the whole curve: at a
threshold t a question abstains when it abstained for another reason (the model wrote the abstention,
verification rejected the answer) or when its probability of abstaining is at least t."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rag.results import AbstainReason

THRESHOLDS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.01)
THRESHOLD_REASON = AbstainReason.UNCERTAIN  # the threshold alone made Bron abstain


def abstains_at(record: Mapping[str, Any], threshold: float) -> bool:
    """Whether the question would abstain with this threshold (1.01: never for uncertainty alone)."""
    reason = record.get("abstain_reason") or ""
    if record.get("abstained") and reason != THRESHOLD_REASON:
        return True
    probability = record.get("abstain_probability")
    return probability is not None and probability >= threshold


def tradeoff(records: Sequence[Mapping[str, Any]], thresholds: Sequence[float] = THRESHOLDS) -> list[dict[str, Any]]:
    """Per threshold: abstention on unanswerable questions, false abstention and accuracy on answerable ones."""
    usable = [r for r in records if not r.get("error")]
    answerable = [r for r in usable if r["answerable"]]
    unanswerable = [r for r in usable if not r["answerable"]]
    rows = []
    for t in thresholds:
        abstained = sum(abstains_at(r, t) for r in unanswerable)
        false = sum(abstains_at(r, t) for r in answerable)
        correct = sum(bool(r["correct"]) and not abstains_at(r, t) for r in answerable)
        rows.append({"threshold": t,
                     "abstention_accuracy": abstained / len(unanswerable) if unanswerable else None,
                     "false_abstention": false / len(answerable) if answerable else None,
                     "answer_correct": correct / len(answerable) if answerable else None,
                     "accuracy": (abstained + correct) / len(usable) if usable else None})
    return rows


def tradeoff_markdown(records: Sequence[Mapping[str, Any]]) -> str:
    rows = tradeoff(records)
    if not any(r.get("abstain_probability") is not None for r in records):
        return "No answer recorded the model's probability of abstaining (a server without log-probabilities)."
    lines = ["| threshold | abstention (unanswerable) | false abstention | answer correct | accuracy |",
             "|---|---|---|---|---|"]
    for row in rows:
        cells = ["never" if row["threshold"] > 1 else f"{row['threshold']:.2f}"]
        cells += ["–" if row[k] is None else f"{100 * row[k]:.1f}%"
                  for k in ("abstention_accuracy", "false_abstention", "answer_correct", "accuracy")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
