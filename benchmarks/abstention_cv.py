"""Thresholds on the model's abstention signals, chosen by repeated k-fold cross-validation over eval records.

    .venv/bin/python -m benchmarks.abstention_cv /work/reports/ev2 [more report dirs or report.json files]

Signals recorded by `bron eval` for every answer: `abstain_probability` (the first reading's probability of the
abstention: "Evidence: none" in the evidence-first layout) and `stated_probability` (the second reading's
P(yes), rag.second_reading). Rules: abstain when P(none) >= a; when P(yes) < b; or either. On each training fold
the threshold(s) with the best Youden's J (abstention on unanswerable minus false abstention on answerable) are
chosen and scored on the held-out fold; the table gives held-out means. A question that abstained for another
reason stays abstained; one that abstained only for a threshold is counted as answered before the rule.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from itertools import product
from pathlib import Path

GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
THRESHOLD_NOTES = ("(strictness ", "(second_reading_min ", " < probe_min ")  # abstentions a threshold alone decided


def load(paths: list[str]) -> list[dict]:
    records = []
    for path in paths:
        file = Path(path) / "report.json" if Path(path).is_dir() else Path(path)
        records += [r for r in json.loads(file.read_text())["records"] if not r.get("error")]
    return records


def abstains(r: dict, a: float | None, b: float | None) -> bool:
    by_threshold = any(mark in note for note in r.get("notes", []) for mark in THRESHOLD_NOTES)
    if r["abstained"] and not by_threshold:
        return True
    none, yes = r.get("abstain_probability"), r.get("stated_probability")
    return (a is not None and none is not None and none >= a) or (b is not None and yes is not None and yes < b)


def score(records: list[dict], a, b) -> tuple[float, float, float]:
    """(abstention on unanswerable, false abstention, answer correct) under the rule."""
    un = [r for r in records if not r["answerable"]]
    ans = [r for r in records if r["answerable"]]
    abst = sum(abstains(r, a, b) for r in un) / len(un) if un else 0.0
    false = sum(abstains(r, a, b) for r in ans) / len(ans) if ans else 0.0
    correct = sum(bool(r["correct"]) and not abstains(r, a, b) for r in ans) / len(ans) if ans else 0.0
    return abst, false, correct


def candidates(rule: str):
    if rule == "none":
        return [(None, None)]
    if rule == "first (P(none) >= a)":
        return [(a, None) for a in GRID]
    if rule == "second (P(yes) < b)":
        return [(None, b) for b in GRID]
    return list(product(GRID, GRID))


def cross_validate(records: list[dict], rule: str, folds: int = 5, repeats: int = 20, seed: int = 0):
    rng = random.Random(seed)
    held: list[tuple[float, float, float]] = []
    chosen = []
    for _ in range(repeats):
        order = records[:]
        rng.shuffle(order)
        for k in range(folds):
            test = order[k::folds]
            train = [r for i, r in enumerate(order) if i % folds != k]

            def youden(ab, train=train):
                abst, false, _ = score(train, *ab)
                return abst - false
            best = max(candidates(rule), key=youden)
            chosen.append(best)
            held.append(score(test, *best))
    means = tuple(statistics.mean(h[i] for h in held) for i in range(3))
    return means, max(set(chosen), key=chosen.count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    records = load(args.reports)
    n_un = sum(not r["answerable"] for r in records)
    print(f"{len(records)} records ({len(records) - n_un} answerable, {n_un} unanswerable); "
          f"{args.repeats}x {args.folds}-fold, held-out means\n")
    print("| rule | abstention (unanswerable) | false abstention | answer correct | threshold chosen most |")
    print("|---|---|---|---|---|")
    for rule in ("none", "first (P(none) >= a)", "second (P(yes) < b)", "either"):
        (abst, false, correct), best = cross_validate(records, rule, args.folds, args.repeats)
        print(f"| {rule} | {100 * abst:.1f}% | {100 * false:.1f}% | {100 * correct:.1f}% | {best} |")


if __name__ == "__main__":
    main()
