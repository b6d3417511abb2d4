"""The linear probe on the second reading's state (rag.probe, issue 24 direction 4): capture, cross-validate, fit.

    # 1. answer every question of some gold files with the defaults, keeping each second reading's
    #    (question, sentence, answer, P(yes), final hidden state); one model job, ~15 s a question here
    .venv/bin/python -m benchmarks.probe capture OUT seeds/gold_nearmiss.jsonl seeds/gold.jsonl ...
    #    (--layers: also every layer's output there, 28 more one-token reads a question)
    .venv/bin/python -m benchmarks.probe capture --layers OUT seeds/gold_nearmiss.jsonl seeds/gold.jsonl ...
    # 2. which layer: leave-one-file-out AUC of a probe on each layer's output (C fixed)
    .venv/bin/python -m benchmarks.probe sweep OUT
    # 3. leave-one-file-out: the probe against P(yes), and what each would abstain on at <= 5% lost right answers
    .venv/bin/python -m benchmarks.probe cv OUT --layer 18
    # 4. train on every captured file and write prompts/second_reading/probe.json
    .venv/bin/python -m benchmarks.probe fit OUT --layer 18

Labels: 1 = the answer drafted from the named sentence contains a gold answer; 0 = the question is unanswerable
(so any drafted answer is wrong); answerable questions answered wrongly are left out of training and shown apart.
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

CS = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
MAX_LOST = 0.05  # the threshold may reject at most this share of right answers (on training folds)


def capture(out: Path, golds: list[str], layers: bool = False) -> None:
    import rag.second_reading as second_reading
    from rag.answering import Assistant
    from rag.evaluation.runner import evaluate

    captured: list[dict] = []
    read = second_reading.read_again

    def read_and_keep(generator, prompts_dir, question, sentence, answer, probe=None):
        reading = read(generator, prompts_dir, question, sentence, answer, probe)
        every = range(generator.llm.n_layer()) if layers else ()
        captured.append(dict(question=question, sentence=sentence, answer=answer, yes=reading.yes,
                             hidden=generator.last_prompt_state(),
                             layers={n: generator.last_prompt_state(n) for n in every}))
        return reading

    second_reading.read_again = read_and_keep
    assistant = Assistant.from_settings().load()
    out.mkdir(parents=True, exist_ok=True)
    for gold in golds:
        captured.clear()
        result = evaluate(gold=gold, assistant=assistant)
        result.save(out / Path(gold).stem)
        with open(out / f"{Path(gold).stem}.pkl", "wb") as fh:
            pickle.dump(dict(captured=list(captured), records=result.records, gold=str(gold)), fh)
        print(f"{gold}: {len(captured)} second readings kept", flush=True)


def _state(captured: dict, layer: int | None) -> list[float] | None:
    """A kept reading's final state, or layer `layer`'s output (None when it was not captured)."""
    return captured["hidden"] if layer is None else (captured.get("layers") or {}).get(layer)


def rows(folder: Path, layer: int | None = None) -> list[dict]:
    """One row per kept second reading, labelled against its gold question; `hidden` is layer `layer`'s output
    (captured with --layers) or the final state."""
    from rag.evaluation.metrics import answer_correct

    found = []
    for pk in sorted(folder.glob("*.pkl")):
        data = pickle.load(open(pk, "rb"))
        gold_file = Path(data.get("gold") or f"seeds/{pk.stem}.jsonl")
        gold = {g["question"]: g for g in map(json.loads, gold_file.read_text(encoding="utf-8").splitlines())}
        records = {r["question"]: r for r in data["records"]}
        for c in data["captured"]:
            g = gold.get(c["question"])
            hidden = _state(c, layer)
            if g is None or hidden is None:
                continue
            label = (1 if answer_correct(c["answer"], g["answers"]) else -1) if g["answerable"] else 0
            record = records.get(c["question"], {})
            found.append(dict(file=pk.stem, id=g["id"], label=label, yes=c["yes"] or 0.0, hidden=hidden,
                              answered=record.get("abstained") is False, reason=record.get("abstain_reason")))
    return found


def _model(c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000, class_weight="balanced"))


def _threshold(right_scores, max_lost: float = MAX_LOST) -> float:
    """The highest threshold that rejects at most `max_lost` of these right answers' scores."""
    import numpy as np

    ordered = np.sort(right_scores)
    return float(ordered[int(np.floor(max_lost * len(ordered)))]) - 1e-9


def _out_of_fold(x, y, groups, c):
    """Scores of a probe that never saw the example: one file left out at a time (five stratified folds when
    there are fewer than three files)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    scores = np.zeros(len(y))
    folds = [(groups != g, groups == g) for g in sorted(set(groups))] if len(set(groups)) >= 3 else \
        [(np.isin(np.arange(len(y)), a), np.isin(np.arange(len(y)), b))
         for a, b in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y)]
    for train, test in folds:
        scores[test] = _model(c).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    return scores


def choose_c(x, y, groups) -> float:
    """C with the best pooled out-of-fold AUC, leaving one file out."""
    from sklearn.metrics import roc_auc_score

    return max(CS, key=lambda c: roc_auc_score(y, _out_of_fold(x, y, groups, c)))


def sweep(folder: Path, c: float = 0.03) -> str:
    """Leave-one-file-out AUC of a probe on each captured layer (C fixed: a first look, not a choice of C)."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    lines = ["| layer | pooled AUC (leave one file out) |", "|---|---|"]
    captured = sorted({n for pk in folder.glob("*.pkl") for c in pickle.load(open(pk, "rb"))["captured"]
                       for n in (c.get("layers") or {})})
    for layer in [*captured, None]:
        data = [r for r in rows(folder, layer) if r["label"] in (0, 1)]
        x = np.array([r["hidden"] for r in data], dtype=np.float64)
        y = np.array([r["label"] for r in data])
        auc = roc_auc_score(y, _out_of_fold(x, y, np.array([r["file"] for r in data]), c))
        lines.append(f"| {'final' if layer is None else layer} | {auc:.3f} |")
    return "\n".join(lines)


def cross_validate(folder: Path, layer: int | None = None) -> str:
    """Leave one gold file out: C and the threshold chosen on the other files only."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    data = [r for r in rows(folder, layer) if r["label"] in (0, 1)]
    x = np.array([r["hidden"] for r in data], dtype=np.float64)
    y = np.array([r["label"] for r in data])
    yes = np.array([r["yes"] for r in data])
    groups = np.array([r["file"] for r in data])
    answered = np.array([r["answered"] for r in data])
    probe_scores, probe_cut, yes_cut = np.zeros(len(y)), np.zeros(len(y)), np.zeros(len(y))
    lines = ["| held-out file | right | unanswerable | C | AUC probe | AUC P(yes) |", "|---|---|---|---|---|---|"]
    for held in sorted(set(groups)):
        train, test = groups != held, groups == held
        c = choose_c(x[train], y[train], groups[train])
        inner = _out_of_fold(x[train], y[train], groups[train], c)
        probe_cut[test] = _threshold(inner[y[train] == 1])
        yes_cut[test] = _threshold(yes[train][y[train] == 1])
        probe_scores[test] = _model(c).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
        both = len(set(y[test])) == 2
        lines.append(f"| {held} | {int(y[test].sum())} | {int((y[test] == 0).sum())} | {c} | "
                     f"{roc_auc_score(y[test], probe_scores[test]) if both else float('nan'):.3f} | "
                     f"{roc_auc_score(y[test], yes[test]) if both else float('nan'):.3f} |")
    lines.append(f"| **pooled** | {int(y.sum())} | {int((y == 0).sum())} | | "
                 f"**{roc_auc_score(y, probe_scores):.3f}** | **{roc_auc_score(y, yes):.3f}** |")
    lines += ["", f"At thresholds chosen on the training files (at most {MAX_LOST:.0%} of their right answers "
              "rejected), on the held-out files:", "",
              "| signal | rejects unanswerable | rejects right answers | of those Bron answered: unanswerable rejected "
              "| right answers rejected |", "|---|---|---|---|---|"]
    for name, scores, cut in (("probe", probe_scores, probe_cut), ("P(yes)", yes, yes_cut)):
        rejected = scores < cut
        lines.append(f"| {name} | {rejected[y == 0].sum()}/{(y == 0).sum()} ({rejected[y == 0].mean():.1%}) | "
                     f"{rejected[y == 1].sum()}/{(y == 1).sum()} ({rejected[y == 1].mean():.1%}) | "
                     f"{(rejected & (y == 0) & answered).sum()}/{((y == 0) & answered).sum()} | "
                     f"{(rejected & (y == 1) & answered).sum()}/{((y == 1) & answered).sum()} |")
    wrong = [r for r in rows(folder, layer) if r["label"] == -1]
    lines += ["", f"Answerable questions answered wrongly (left out of training): {len(wrong)}."]
    return "\n".join(lines)


def fit(folder: Path, out: Path, layer: int | None = None) -> str:
    import numpy as np

    from rag.models import GGUF_SHA256
    from rag.probe import fit_probe

    data = [r for r in rows(folder, layer) if r["label"] in (0, 1)]
    x = np.array([r["hidden"] for r in data], dtype=np.float64)
    y = np.array([r["label"] for r in data])
    groups = np.array([r["file"] for r in data])
    c = choose_c(x, y, groups)
    probe = fit_probe(x, y, GGUF_SHA256, c, sorted(set(groups)), layer)
    probe.save(out)
    threshold = _threshold(_out_of_fold(x, y, groups, c)[y == 1])
    return (f"wrote {out} (layer {'final' if layer is None else layer}): "
            f"{len(y)} examples ({int(y.sum())} right, {int((y == 0).sum())} unanswerable), C={c}; "
            f"out-of-fold threshold at <= {MAX_LOST:.0%} right answers lost: {threshold:.3f}")


def _last_readings(folder: Path, layer: int | None = None) -> list[dict]:
    """Every recorded question with the last second reading it got (None when it got none): what decided it, and
    the probe_min its run used (`cut`, from the run's report; today's default when there is none)."""
    from rag.config import Settings
    from rag.evaluation.metrics import answer_correct

    found = []
    for pk in sorted(folder.glob("*.pkl")):
        data = pickle.load(open(pk, "rb"))
        report = folder / pk.stem / "report.json"
        cut = json.loads(report.read_text(encoding="utf-8"))["settings"]["probe_min"] if report.exists() \
            else Settings().probe_min
        last = {c["question"]: c for c in data["captured"]}
        for r in data["records"]:
            c = last.get(r["question"])
            hidden = None if c is None else _state(c, layer)
            rejected = next((n.split(": ", 1)[1] for n in r["notes"] if n.startswith("the model's rejected answer")),
                            "")
            by_probe = any("the model's own state says" in n for n in r["notes"])
            draft = r["answer"] if not r["abstained"] else rejected
            found.append(dict(file=pk.stem, id=r["id"], answerable=r["answerable"], hidden=hidden,
                              abstained=r["abstained"], by_probe=by_probe, old=r.get("probe_probability"), cut=cut,
                              right=bool(r["answerable"] and draft and answer_correct(draft, r["gold_answers"]))))
    return found


def _outcome(rows_: list[dict], scores, cuts) -> dict:
    """Answer correct, false abstention and abstention on unanswerable if each reading's score were checked
    against its cut: a probe abstention whose new score passes is answered with its rejected draft; an answer
    whose score falls below abstains; every other outcome stays."""
    n_ans = sum(r["answerable"] for r in rows_)
    n_un = len(rows_) - n_ans
    right = wrong = abst_ans = abst_un = 0
    for r, s, t in zip(rows_, scores, cuts):
        if r["hidden"] is None or (r["abstained"] and not r["by_probe"]):
            abstained = r["abstained"]
        else:
            abstained = s < t
        if r["answerable"]:
            abst_ans += abstained
            right += (not abstained) and r["right"]
            wrong += (not abstained) and not r["right"]
        else:
            abst_un += abstained
    return _rates(dict(right=right, wrong=wrong, abst_ans=abst_ans, abst_un=abst_un, n_ans=n_ans, n_un=n_un))


def _rates(counts: dict) -> dict:
    """The counts with their rates: answer correct and false abstention of the answerable questions, abstention
    of the unanswerable ones."""
    n_ans, n_un = max(counts["n_ans"], 1), max(counts["n_un"], 1)
    return dict(counts, correct=counts["right"] / n_ans, false_abstention=counts["abst_ans"] / n_ans,
                abstention=counts["abst_un"] / n_un)


def replay(folder: Path, layer: int | None = None, with_wrong: bool = False) -> str:
    """Leave one file out, end to end on the recorded answers: the probe the runs used, at their probe_min,
    against a probe (and threshold) refit on the other files, scored on the held-out file's answers."""
    import numpy as np

    data = [r for r in rows(folder, layer) if r["label"] in ((0, 1, -1) if with_wrong else (0, 1))]
    x = np.array([r["hidden"] for r in data], dtype=np.float64)
    y = np.array([1 if r["label"] == 1 else 0 for r in data])
    right = np.array([r["label"] == 1 for r in data])
    groups = np.array([r["file"] for r in data])
    lines = ["| held-out file | probe | answer correct | false abstention | wrong answers | abstention (unanswer.) |",
             "|---|---|---|---|---|---|"]
    readings = _last_readings(folder, layer)
    totals: dict[str, list] = {"shipped": [], "refit": []}
    for held in sorted(set(groups)):
        train = groups != held
        c = choose_c(x[train], y[train], groups[train])
        inner = _out_of_fold(x[train], y[train], groups[train], c)
        cut = _threshold(inner[right[train]])
        model = _model(c).fit(x[train], y[train])
        test = [r for r in readings if r["file"] == held]
        new = [model.predict_proba(np.array([r["hidden"]], dtype=np.float64))[0, 1] if r["hidden"] is not None
               else 1.0 for r in test]
        old = [r["old"] if r["old"] is not None else 1.0 for r in test]
        for key, label, scores, cuts in (("shipped", "shipped", old, [r["cut"] for r in test]),
                                         ("refit", f"refit C={c} cut={cut:.3f}", new, [cut] * len(test))):
            o = _outcome(test, scores, cuts)
            totals[key].append(o)
            lines.append(f"| {held} | {label} | {o['correct']:.1%} | {o['false_abstention']:.1%} | {o['wrong']} | "
                         f"{o['abstention']:.1%} |")
    for key, outs in totals.items():
        o = _rates({k: sum(out[k] for out in outs) for k in ("right", "wrong", "abst_ans", "abst_un", "n_ans", "n_un")})
        lines.append(f"| **all** | {key} | {o['correct']:.1%} | {o['false_abstention']:.1%} | {o['wrong']} | "
                     f"{o['abstention']:.1%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("capture")
    c.add_argument("out", type=Path)
    c.add_argument("gold", nargs="+")
    c.add_argument("--layers", action="store_true", help="also keep every layer's output (slower)")
    w = sub.add_parser("sweep")
    w.add_argument("folder", type=Path)
    v = sub.add_parser("cv")
    v.add_argument("folder", type=Path)
    v.add_argument("--layer", type=int, help="the layer whose output the probe reads (default: the final state)")
    r = sub.add_parser("replay")
    r.add_argument("folder", type=Path)
    r.add_argument("--layer", type=int, help="the layer whose output the probe reads (default: the final state)")
    r.add_argument("--with-wrong", action="store_true", help="train on wrong answers too, as negatives")
    f = sub.add_parser("fit")
    f.add_argument("folder", type=Path)
    f.add_argument("--layer", type=int, help="the layer whose output the probe reads (default: the final state)")
    f.add_argument("--out", type=Path, default=Path("prompts/second_reading/probe.json"))
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.out, args.gold, args.layers)
    elif args.command == "sweep":
        print(sweep(args.folder))
    elif args.command == "replay":
        print(replay(args.folder, args.layer, args.with_wrong))
    elif args.command == "cv":
        print(cross_validate(args.folder, args.layer))
    else:
        print(fit(args.folder, args.out, args.layer))


if __name__ == "__main__":
    main()
