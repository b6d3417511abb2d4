"""The result of an evaluation run and its renderings: Markdown report, notebook views, DataFrame, and
the report folder (report.json, report.md and the plots)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.evaluation.aggregate import compute_metrics, group_columns
from rag.evaluation.catalogue import METRICS, TABLE, format_value
from rag.evaluation.plots import plot_groups, plot_latency, plot_tradeoff
from rag.evaluation.tradeoff import tradeoff_markdown


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; a "|" inside a cell is escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def md_quote(text: str) -> str:
    """The text as a Markdown block quote, line by line (an empty text stays one quoted line)."""
    return "\n".join("> " + line for line in (text or "").splitlines() or [""])


@dataclass
class EvalResult:
    """Per-question records plus metrics; renders in notebooks and saves a report folder."""

    metrics: dict[str, Any]
    records: list[dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)
    gold_path: str | None = None
    started: str = ""
    duration_s: float = 0.0

    @classmethod
    def from_records(cls, records: list[dict[str, Any]], **kwargs: Any) -> EvalResult:
        return cls(compute_metrics(records), records, **kwargs)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["failures"]]

    def to_dataframe(self):
        """One row per question (lists become comma-separated text; quotes and passages are left out)."""
        import pandas as pd

        rows = []
        for r in self.records:
            row = {k: v for k, v in r.items() if k not in {"citations", "passages", "evidence_all"}}
            for key in ("docs", "tags", "gold_answers", "retrieved_docs", "cited_docs", "failures"):
                row[key] = ", ".join(str(v) for v in r[key])
            row["invalid_citations"] = len(r["invalid_citations"])
            rows.append(row)
        return pd.DataFrame.from_records(rows).set_index("id") if rows else pd.DataFrame()

    def summary_markdown(self) -> str:
        overall = self.metrics["overall"]
        return md_table(["metric", "value", "meaning"],
                         [(m, format_value(m, overall.get(m)), METRICS.get(m, "")) for m in TABLE])

    def groups_markdown(self) -> str:
        cols = group_columns(self.metrics)
        return md_table(["metric"] + [name for name, _ in cols],
                         [[m] + [format_value(m, g.get(m)) for _, g in cols] for m in TABLE])

    def to_markdown(self) -> str:
        """The full report: summary, per-language table, then every failure with its evidence."""
        s = self.settings
        head = [f"# Bron evaluation — {self.metrics['overall']['n']} questions", ""]
        meta = [f"started {self.started}" if self.started else "",
                f"{self.duration_s:.0f} s" if self.duration_s else "",
                f"gold `{self.gold_path}`" if self.gold_path else ""]
        if s:
            meta += [f"{k}: `{s[k]}`" for k in ("llm", "embedder", "index", "top_k", "hybrid", "chunk_size") if k in s]
        head += [" · ".join(m for m in meta if m), ""]
        parts = head + ["## Summary", "", self.summary_markdown(), "",
                        "## By question language and same/cross-language", "", self.groups_markdown(), "",
                        ("Same-language: the question is in the gold article's language; cross-language: it is "
                         "not (unanswerable questions have no article and count in neither)."), "",
                        "![metrics by language](metrics_by_language.png)", "", "![latency](latency.png)", "",
                        "## Strictness", "",
                        ("What the abstention threshold (setting `strictness`) trades: a question abstains when the "
                         "model's probability of writing the abstention is at least the threshold, or for another "
                         "reason (the model abstained, verification rejected the answer)."), "",
                        tradeoff_markdown(self.records), "", "![strictness](strictness.png)", "",
                        f"## Failures ({len(self.failures)})", ""]
        for r in self.failures:
            arrow = f"{r['lang']} → {r['article_lang']} article" if r["article_lang"] else f"{r['lang']}, unanswerable"
            parts += [f"### {r['id']} ({arrow}): {r['question']}", "",
                      "- **Why:** " + "; ".join(r["failures"]),
                      "- **Gold answers:** " + (", ".join(r["gold_answers"]) or "– (should abstain)"),
                      f"- **Retrieved:** {', '.join(r['retrieved_docs']) or '–'}"
                      + (f" (gold rank {r['gold_rank']})" if r["gold_rank"] else ""),
                      "", "**Answer:**", "", md_quote(r["answer"] or "(empty)"), ""]
            if r.get("notes"):
                parts += ["**Verification:** " + "; ".join(r["notes"]), ""]
            if r["citations"]:
                parts += ["**Citations:**", ""]
                parts += [f"- [{c['n']}] `{c['doc_id']}`: “{c['quote']}”" for c in r["citations"]]
                parts.append("")
            for doc, evidence in zip(r["docs"], r["evidence_all"]):
                parts += [f"**Gold evidence** (`{doc}`):", "", md_quote(evidence), ""]
        return "\n".join(parts).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return (f"**Bron evaluation — {self.metrics['overall']['n']} questions, {len(self.failures)} failures**"
                f"\n\n{self.groups_markdown()}\n")

    def _repr_html_(self) -> str:
        import html

        cols = group_columns(self.metrics)
        head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in cols)
        body = "".join(
            f"<tr><td title='{html.escape(METRICS.get(m, ''))}'>{html.escape(m)}</td>"
            + "".join(f"<td>{html.escape(format_value(m, g.get(m)))}</td>" for _, g in cols) + "</tr>"
            for m in TABLE)
        return (f"<div><b>Bron evaluation — {self.metrics['overall']['n']} questions, {len(self.failures)} "
                f"failures</b><table><tr><th>metric</th>{head}</tr>{body}</table></div>")

    def to_json(self) -> dict[str, Any]:
        return {"metrics": self.metrics, "settings": self.settings, "gold_path": self.gold_path,
                "started": self.started, "duration_s": self.duration_s, "records": self.records}

    def save(self, out_dir: str | Path) -> Path:
        """Write report.json, report.md, metrics_by_language.png and latency.png; returns the folder."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1, default=str),
                                         encoding="utf-8")
        (out / "report.md").write_text(self.to_markdown(), encoding="utf-8")
        plot_groups(self.metrics, out / "metrics_by_language.png")
        plot_latency(self.records, out / "latency.png")
        plot_tradeoff(self.records, out / "strictness.png")
        return out

