"""A linear probe on the model's own state (issue 24, direction 4; arXiv 2509.22449).

The second reading (rag.second_reading) leaves the model's state at the last token of its prompt (question,
named sentence, proposed answer): a middle layer's output (`Probe.layer`; rag.llm.layer_reader) or the final
hidden state. A logistic regression on that vector, trained on the gold files'
right answers against answers to unanswerable questions, gives P(the sentence states what is asked): a third
signal beside the first reading's P("none") and the second reading's P(yes). The weights are data
(`prompts/second_reading/probe.json`), tied to the model file they were trained on: with another model the
probe is not used. How it was trained and what it measured: benchmarks/probe.py and the README.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.errors import ConfigError

FILE = "second_reading/probe.json"


@dataclass(frozen=True)
class Probe:
    """Standardise, then a logistic regression: P = sigmoid(coef . (h - mean) / scale + intercept)."""

    model_sha256: str
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    examples: int = 0  # how many (state, label) pairs it was trained on
    trained_on: list[str] = field(default_factory=list)  # the gold files
    layer: int | None = None  # the layer whose output it reads (None: the final, normalised state)

    def probability(self, state: Sequence[float]) -> float:
        """P(the sentence states what is asked) for one hidden state."""
        if len(state) != len(self.coef):
            raise ConfigError(f"The probe expects a state of {len(self.coef)} numbers, got {len(state)}.",
                              "Retrain it (python -m benchmarks.probe fit), or delete the file to run without it.")
        z = self.intercept + sum(c * (h - m) / s for c, h, m, s in zip(self.coef, state, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), separators=(",", ":")) + "\n", encoding="utf-8")


def load_probe(path: Path) -> Probe:
    """The probe in `path`; a clear error when it is missing or damaged."""
    try:
        return Probe(**json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise ConfigError(f"The probe's weights are missing: {path}",
                          "Restore prompts/ from git; without the file Bron runs without the probe.") from exc
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"The probe's weights in {path} cannot be read: {exc}",
                          "Restore the file from git, or delete it to run without the probe.") from exc


def fit_probe(states: Sequence[Sequence[float]], labels: Sequence[int], model_sha256: str, c: float,
              trained_on: Sequence[str] = (), layer: int | None = None) -> Probe:
    """Train on states labelled 1 (a right answer) and 0 (an answer to an unanswerable question); classes
    weighted equally. scikit-learn is needed here only (it comes with sentence-transformers)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x, y = np.asarray(states, dtype=np.float64), np.asarray(labels)
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return Probe(model_sha256, scaler.mean_.tolist(), scale.tolist(), model.coef_[0].tolist(),
                 float(model.intercept_[0]), len(y), list(trained_on), layer)


_loaded: dict[Path, Probe | None] = {}


def probe_for(settings) -> Probe | None:
    """The probe for the configured model, or None: off (`probe_min` 0 records it only, so it is still read),
    another model than the one it was trained on, or a server backend (no hidden states)."""
    from rag.models import DEFAULT_LLM, GGUF_SHA256

    if settings.llm_url or settings.llm != DEFAULT_LLM:
        return None
    path = Path(settings.prompts_dir) / FILE
    if path not in _loaded:
        probe = load_probe(path) if path.exists() else None
        _loaded[path] = probe if probe is not None and probe.model_sha256 == GGUF_SHA256 else None
    return _loaded[path]
