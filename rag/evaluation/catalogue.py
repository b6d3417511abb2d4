"""The metrics the reports show: one ordered catalogue with each metric's meaning and format.

The report tables, the plot and the A/B comparison all read it, so a metric is added, reordered or
reformatted in one place (summarize() computes a few more, such as n_answerable, for report.json only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RATE = "rate"  # a share of questions, shown as a percentage; differences in percentage points
SCORE = "score"  # a 0-1 score that is not a share (MRR, F1), shown with three decimals
MS = "ms"  # milliseconds, rounded
NUMBER = "number"  # a count or a plain number


@dataclass(frozen=True)
class Metric:
    """One metric: its key in summarize()'s output, how it is shown, what it means and where it appears."""

    name: str
    kind: str
    meaning: str
    table: bool = True  # a row of the report's summary and per-group tables
    compared: bool = True  # a row of the A/B comparison
    plotted: bool = False  # a bar in metrics_by_language.png
    headline: bool = False  # a row of the comparison's per-group table

    def format(self, value: Any) -> str:
        if value is None:
            return "–"
        if self.kind == RATE:
            return f"{100 * value:.1f}%"
        if self.kind == SCORE:
            return f"{value:.3f}"
        if self.kind == MS:
            return f"{value:.0f}"
        if isinstance(value, float):
            return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"
        return str(value)

    def format_delta(self, delta: float | None) -> str:
        if delta is None:
            return "–"
        return f"{100 * delta:+.1f} pt" if self.kind == RATE else f"{delta:+.1f}"


CATALOGUE: tuple[Metric, ...] = (
    Metric("n", NUMBER, "questions"),
    Metric("accuracy", RATE, "answerable answered correctly or unanswerable abstained", plotted=True,
           headline=True),
    Metric("answer_correct", RATE, "answerable: answer contains a gold answer (normalised)", plotted=True,
           headline=True),
    Metric("token_f1", SCORE, "answerable: SQuAD token F1 against the best gold answer"),
    Metric("hit@1", RATE, "answerable: a gold-article passage ranked first"),
    Metric("hit@3", RATE, "answerable: a gold-article passage in the top 3", plotted=True, headline=True),
    Metric("hit@5", RATE, "answerable: a gold-article passage in the top 5", compared=False),
    Metric("evidence_hit@3", RATE, "answerable: a top-3 passage holds the gold evidence", plotted=True),
    Metric("evidence_hit@5", RATE, "answerable: a top-5 passage holds the gold evidence", table=False,
           compared=False),
    Metric("mrr", SCORE, "answerable: mean reciprocal rank of the first gold-article passage"),
    Metric("cite_rate", RATE, "answerable, not abstained: the answer cites at least one passage"),
    Metric("citation_precision", RATE, "citing answers: share of citations from a gold article", plotted=True),
    Metric("evidence_support", RATE, "citing answers: a cited passage holds the gold evidence"),
    Metric("quote_support", RATE, "citing answers: a citation's quote (the sentence shown) holds the gold evidence"),
    Metric("invalid_citation_rate", RATE, "answers with a [n] that matches no citation"),
    Metric("unsupported_facts", NUMBER, "answers stating a name or number that no cited passage contains "
           "(single words included); the goal is 0", headline=True),
    Metric("abstention_accuracy", RATE, "unanswerable: the assistant abstained", plotted=True),
    Metric("false_abstention", RATE, "answerable: the assistant abstained"),
    Metric("language_match", RATE, "answer written in the question's language (detectable answers)",
           plotted=True, headline=True),
    Metric("first_token_ms_p50", MS, "time to first token, median (ms)"),
    Metric("first_token_ms_p90", MS, "time to first token, 90th percentile (ms)", compared=False),
    Metric("total_ms_p50", MS, "total answer time, median (ms)"),
    Metric("total_ms_p90", MS, "total answer time, 90th percentile (ms)"),
    Metric("retrieve_ms_p50", MS, "retrieval time, median (ms)", table=False, compared=False),
    Metric("tokens_per_s", NUMBER, "completion tokens per second of generation after the first token"),
    Metric("errors", NUMBER, "questions whose answer raised an error"),
)

BY_NAME: dict[str, Metric] = {m.name: m for m in CATALOGUE}
METRICS: dict[str, str] = {m.name: m.meaning for m in CATALOGUE}  # name -> meaning, in report order
TABLE = tuple(m.name for m in CATALOGUE if m.table)
COMPARED = tuple(m.name for m in CATALOGUE if m.compared)
PLOTTED = tuple(m.name for m in CATALOGUE if m.plotted)
HEADLINE = tuple(m.name for m in CATALOGUE if m.headline)


def format_value(name: str, value: Any) -> str:
    """A metric's value as the reports show it ("–" for None); unknown names are shown as plain numbers."""
    return BY_NAME.get(name, Metric(name, NUMBER, "")).format(value)


def format_delta(name: str, delta: float | None) -> str:
    """A difference between two runs: percentage points for rates, else the plain difference."""
    return BY_NAME.get(name, Metric(name, NUMBER, "")).format_delta(delta)
