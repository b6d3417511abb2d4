"""A/B comparison: two configurations on the same gold questions, metrics side by side and the
questions whose outcome changed."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.evaluation.aggregate import group_columns
from rag.evaluation.catalogue import COMPARED, HEADLINE, format_delta, format_value
from rag.evaluation.gold import GoldQuestion
from rag.evaluation.report import EvalResult, md_table
from rag.evaluation.runner import evaluate


@dataclass
class Comparison:
    """Two evaluations of the same questions: metrics side by side and the questions whose outcome differs."""

    a: EvalResult
    b: EvalResult
    labels: tuple[str, str] = ("A", "B")

    @property
    def metrics(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{group: {metric: {"a": .., "b": .., "delta": b - a}}} for overall, each language, same/cross."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        groups_a = dict(group_columns(self.a.metrics))
        groups_b = dict(group_columns(self.b.metrics))
        for name in list(groups_a) + [g for g in groups_b if g not in groups_a]:
            ga, gb = groups_a.get(name, {}), groups_b.get(name, {})
            out[name] = {}
            for m in COMPARED:
                va, vb = ga.get(m), gb.get(m)
                delta = vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
                out[name][m] = {"a": va, "b": vb, "delta": delta}
        return out

    @property
    def differences(self) -> list[dict[str, Any]]:
        """Questions (in both runs) where correctness, abstention or pass/fail changed."""
        by_id = {r["id"]: r for r in self.b.records}
        diffs = []
        for ra in self.a.records:
            rb = by_id.get(ra["id"])
            if rb is None:
                continue
            keys = ("correct", "abstained")
            if any(ra[k] != rb[k] for k in keys) or bool(ra["failures"]) != bool(rb["failures"]):
                diffs.append({"id": ra["id"], "question": ra["question"], "lang": ra["lang"],
                              "answerable": ra["answerable"], "correct_a": ra["correct"], "correct_b": rb["correct"],
                              "abstained_a": ra["abstained"], "abstained_b": rb["abstained"],
                              "failed_a": bool(ra["failures"]), "failed_b": bool(rb["failures"]),
                              "answer_a": ra["answer"], "answer_b": rb["answer"]})
        return diffs

    def to_markdown(self) -> str:
        la, lb = self.labels
        metrics = self.metrics
        rows = [(m, format_value(m, v["a"]), format_value(m, v["b"]), format_delta(m, v["delta"]))
                for m, v in metrics["all"].items()]
        parts = [f"# Bron comparison: {la} vs {lb}", ""]
        for label, result in ((la, self.a), (lb, self.b)):
            changed = {k: v for k, v in result.settings.items()
                       if k in {"llm", "embedder", "index", "top_k", "hybrid", "chunk_size", "chunk_overlap",
                                "score_gap", "context_chars", "grammar", "verify", "index_type", "candidates"}}
            parts.append(f"- **{label}:** " + (", ".join(f"{k}=`{v}`" for k, v in changed.items()) or "–"))
        parts += ["", "## Metrics (all questions)", "", md_table(["metric", la, lb, "Δ"], rows), ""]
        groups = [g for g in metrics if g != "all"]
        if groups:
            header = ["metric"] + [f"{g} {la}/{lb}" for g in groups]
            body = [[m] + [f"{format_value(m, metrics[g][m]['a'])} / {format_value(m, metrics[g][m]['b'])}"
                           for g in groups] for m in HEADLINE]
            parts += ["## By group", "", md_table(header, body), ""]
        diffs = self.differences
        parts += [f"## Questions with a different outcome ({len(diffs)})", ""]
        if diffs:
            def yn(v):
                return "–" if v is None else ("yes" if v else "no")

            parts.append(md_table(["id", "lang", "question", f"correct {la}", f"correct {lb}", f"abstained {la}",
                                    f"abstained {lb}"],
                                   [(d["id"], d["lang"], d["question"], yn(d["correct_a"]), yn(d["correct_b"]),
                                     yn(d["abstained_a"]), yn(d["abstained_b"])) for d in diffs]))
        return "\n".join(parts).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def to_json(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "settings": {self.labels[0]: self.a.settings,
                                                          self.labels[1]: self.b.settings},
                "metrics": self.metrics, "differences": self.differences}

    def save(self, out_dir: str | Path) -> Path:
        """Write comparison.md and comparison.json, and each side's full report in a subfolder."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for label, result in zip(self.labels, (self.a, self.b)):
            result.save(out / re.sub(r"[^\w.-]+", "_", label))
        (out / "comparison.json").write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1, default=str),
                                             encoding="utf-8")
        (out / "comparison.md").write_text(self.to_markdown(), encoding="utf-8")
        return out


def compare(a: Any, b: Any, gold: str | Path | Sequence[GoldQuestion] | None = None, limit: int | None = None,
            labels: tuple[str, str] = ("A", "B"), progress: bool = True,
            doc_languages: Mapping[str, str] | None = None) -> Comparison:
    """Evaluate two configurations on the same questions. `a`/`b`: an EvalResult (reused), an assistant
    (has .answer), a Settings, a dict of setting overrides, or a bron.toml path."""

    def run(x: Any) -> EvalResult:
        if isinstance(x, EvalResult):
            return x
        if hasattr(x, "answer"):
            return evaluate(gold, assistant=x, limit=limit, progress=progress, doc_languages=doc_languages)
        return evaluate(gold, settings=x, limit=limit, progress=progress, doc_languages=doc_languages)

    return Comparison(run(a), run(b), labels)
