"""The report's two plots. matplotlib is imported on first use, so importing rag.evaluation stays cheap."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rag.evaluation.aggregate import group_columns
from rag.evaluation.catalogue import PLOTTED


def _new_figure(width: float, height: float):
    """A figure on the Agg canvas, without pyplot, so nothing global (backend, open figures) changes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def plot_groups(metrics: Mapping[str, Any], path: Path) -> None:
    """Bars of the plotted metrics (%) for every group: overall, per language, same/cross-language."""
    cols = group_columns(metrics)
    fig = _new_figure(10, 4.2)
    ax = fig.add_subplot()
    width = 0.8 / len(cols)
    for i, (name, group) in enumerate(cols):
        values = [math.nan if group.get(m) is None else 100 * group[m] for m in PLOTTED]  # nan: no bar
        ax.bar([x + i * width for x in range(len(PLOTTED))], values, width, label=f"{name} (n={group['n']})")
    ax.set_xticks([x + width * (len(cols) - 1) / 2 for x in range(len(PLOTTED))], PLOTTED, rotation=20, ha="right")
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title("Metrics by question language and same/cross-language")
    fig.legend(fontsize="small", loc="outside right upper")
    fig.savefig(path)


def plot_latency(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Histogram of first-token and total time, and total time per question language."""
    fig = _new_figure(9, 4)
    ax_hist, ax_lang = fig.subplots(1, 2)
    series = {key: [r[key] / 1000 for r in records if r[key] is not None] for key in ("first_token_ms", "total_ms")}
    everything = [v for values in series.values() for v in values]
    if everything:
        count = min(20, max(5, len(everything) // 6))
        low, high = min(everything), max(everything) or 1.0
        edges = [low + (high - low) * i / count for i in range(count + 1)] if high > low else count
        for key, values in series.items():
            if values:
                ax_hist.hist(values, bins=edges, alpha=0.6, label=key.replace("_ms", ""))
    ax_hist.set_xlabel("seconds")
    ax_hist.set_ylabel("questions")
    ax_hist.set_title("Latency per question")
    if ax_hist.has_data():
        ax_hist.legend()
    langs = sorted({r["lang"] for r in records})
    data = [[r["total_ms"] / 1000 for r in records if r["lang"] == lang and r["total_ms"] is not None]
            for lang in langs]
    if any(data):
        ax_lang.boxplot([d or [0.0] for d in data], tick_labels=langs)
    ax_lang.set_title("Total time by question language")
    ax_lang.set_ylabel("seconds")
    fig.savefig(path)


def plot_tradeoff(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Abstention on unanswerable questions against false abstention, one point per strictness threshold."""
    from rag.evaluation.tradeoff import tradeoff

    rows = [r for r in tradeoff(records) if r["abstention_accuracy"] is not None and r["false_abstention"] is not None]
    fig = _new_figure(5.5, 4.2)
    ax = fig.add_subplot()
    if rows:
        ax.plot([100 * r["false_abstention"] for r in rows], [100 * r["abstention_accuracy"] for r in rows],
                marker="o")
        for r in rows:
            label = "never" if r["threshold"] > 1 else f"{r['threshold']:.2f}"
            ax.annotate(label, (100 * r["false_abstention"], 100 * r["abstention_accuracy"]), fontsize=7,
                        xytext=(3, -9), textcoords="offset points")
    ax.set_xlabel("false abstention on answerable questions (%)")
    ax.set_ylabel("abstention on unanswerable questions (%)")
    ax.set_title("Strictness: abstention threshold trade-off")
    ax.set_xlim(left=0)
    ax.set_ylim(0, 105)
    fig.savefig(path)
