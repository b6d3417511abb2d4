"""benchmarks.abstention_cv: thresholds chosen on training folds, scored on held-out ones."""

from benchmarks import abstention_cv as cv


def record(answerable, yes, correct=True, abstained=False, notes=()):
    return {"answerable": answerable, "correct": correct if answerable else None, "abstained": abstained,
            "abstain_probability": 0.0, "stated_probability": yes, "notes": list(notes)}


def test_a_signal_that_separates_is_found_and_holds_on_held_out_folds():
    records = [record(True, 0.9) for _ in range(20)] + [record(False, 0.1) for _ in range(20)]
    (abstention, false, correct), best = cv.cross_validate(records, "second (P(yes) < b)", repeats=3)
    assert abstention == 1.0 and false == 0.0 and correct == 1.0 and 0.1 < best[1] <= 0.9


def test_no_rule_keeps_the_recorded_decisions():
    records = [record(True, 0.5), record(False, 0.5, abstained=True), record(False, 0.5)]
    assert cv.score(records, None, None) == (0.5, 0.0, 1.0)


def test_an_abstention_made_by_a_threshold_alone_is_undone_and_one_made_by_a_rule_is_kept():
    by_threshold = record(False, 0.2, abstained=True, notes=["abstained: ... (second_reading_min 0.50)"])
    by_rule = record(False, 0.2, abstained=True, notes=["abstained: the cited passages do not contain '39'"])
    assert not cv.abstains(by_threshold, None, None) and cv.abstains(by_rule, None, None)


def test_an_abstention_made_by_the_probe_threshold_alone_is_undone_too():
    by_probe = record(False, 0.2, abstained=True,
                      notes=["abstained: the model's own state says ... (probe 0.05 < probe_min 0.12)"])
    assert not cv.abstains(by_probe, None, None)
