"""benchmarks.probe: labels from gold files, thresholds from training files only, a probe that is written."""
import json
import pickle
import random

from benchmarks import probe as bench
from rag.probe import load_probe


def make_captures(folder, files=3, per_file=16, seed=0):
    """Gold files with right answers (state leaning +) and unanswerable questions (state leaning -)."""
    rng = random.Random(seed)
    for f in range(files):
        gold, captured = [], []
        for i in range(per_file):
            answerable = i % 2 == 0
            question = f"question {f}-{i}?"
            gold.append({"id": f"{f}-{i}", "question": question, "answerable": answerable,
                         "answers": ["39"] if answerable else []})
            lean = 1.0 if answerable else -1.0
            noise = [rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1)]
            # the final state carries the signal weakly, layer 1 strongly, layer 0 not at all
            captured.append({"question": question, "sentence": "s", "answer": "39 [1]." if answerable else "12 [1].",
                             "yes": 0.5, "hidden": [lean + rng.gauss(0, 0.5), *noise[:2]],
                             "layers": {0: noise, 1: [3 * lean + noise[0], *noise[1:]]}})
        wrong = {"question": f"question {f}-0?", "sentence": "s", "answer": "40 [1].", "yes": 0.5,
                 "hidden": [0.0, 0.0, 0.0]}
        path = folder / f"gold_{f}.jsonl"
        path.write_text("\n".join(json.dumps(g) for g in gold))
        records = [{"question": g["question"], "abstained": False, "abstain_reason": ""} for g in gold]
        with open(folder / f"gold_{f}.pkl", "wb") as fh:
            pickle.dump({"captured": captured + [wrong], "records": records, "gold": str(path)}, fh)


def test_rows_are_labelled_right_unanswerable_or_wrong(tmp_path):
    make_captures(tmp_path, files=1)
    labels = [r["label"] for r in bench.rows(tmp_path)]
    assert labels.count(1) == 8 and labels.count(0) == 8 and labels.count(-1) == 1


def test_the_threshold_rejects_at_most_five_percent_of_right_answers():
    scores = [i / 40 for i in range(40)]
    cut = bench._threshold(scores)
    assert sum(s < cut for s in scores) == 2  # floor(0.05 * 40)


def test_a_separable_signal_is_found_on_held_out_files_and_fitted(tmp_path):
    make_captures(tmp_path)
    table = bench.cross_validate(tmp_path)
    pooled = next(line for line in table.splitlines() if line.startswith("| **pooled**"))
    assert float(pooled.split("**")[3]) > 0.9  # the probe's held-out AUC
    message = bench.fit(tmp_path, tmp_path / "probe.json")
    probe = load_probe(tmp_path / "probe.json")
    assert probe.examples == 48 and "48 examples" in message
    assert probe.probability([1.5, 0, 0]) > 0.5 > probe.probability([-1.5, 0, 0])


def test_a_layer_is_chosen_by_its_held_out_auc_and_the_probe_names_it(tmp_path):
    make_captures(tmp_path)
    table = dict(line.strip("|").replace(" ", "").split("|") for line in bench.sweep(tmp_path).splitlines()[2:])
    assert float(table["1"]) > float(table["final"]) > float(table["0"])  # the sweep ranks the layers
    assert [r["hidden"][0] for r in bench.rows(tmp_path, 1)][:2] != [r["hidden"][0] for r in bench.rows(tmp_path)][:2]
    assert "layer 1" in bench.fit(tmp_path, tmp_path / "probe.json", layer=1)
    assert load_probe(tmp_path / "probe.json").layer == 1


def test_a_replayed_probe_changes_only_what_a_probe_decides():
    rows = [
        dict(answerable=True, hidden=[0], abstained=False, by_probe=False, right=True),  # answered right, score low
        dict(answerable=True, hidden=[0], abstained=True, by_probe=True, right=True),  # probe abstained, score high
        dict(answerable=True, hidden=[0], abstained=True, by_probe=False, right=True),  # another check abstained
        dict(answerable=False, hidden=[0], abstained=False, by_probe=False, right=False),  # unanswerable, answered
        dict(answerable=False, hidden=None, abstained=False, by_probe=False, right=False),  # never read again
    ]
    out = bench._outcome(rows, [0.1, 0.9, 0.9, 0.1, 0.0], [0.5] * 5)
    assert out["n_ans"] == 3 and out["n_un"] == 2
    assert out["correct"] == 1 / 3  # the second answer is back; the first now abstains; the third stays abstained
    assert out["false_abstention"] == 2 / 3 and out["wrong"] == 0
    assert out["abstention"] == 1 / 2  # the answered unanswerable one now abstains; the unread one stays answered
