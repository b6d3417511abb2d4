from collections import Counter

from benchmarks.language_id import accuracy, blind_questions


def test_blind_language_set_has_every_language_and_kind():
    counts = Counter((lang, kind) for _q, lang, kind in blind_questions())
    assert set(counts) == {(lang, kind) for lang in ("nl", "de", "en") for kind in ("full", "short", "fragment")}
    assert sum(counts.values()) == 360


def test_accuracy_counts_a_miss_per_language_and_kind():
    right, total, misses = accuracy([("Wer ist der CEO von Nvidia?", "de", "short"),
                                     ("Who is the CEO of Nvidia?", "nl", "short")])
    assert right == Counter({("de", "short"): 1}) and total[("nl", "short")] == 1
    assert misses == [("nl", "en", "Who is the CEO of Nvidia?")]
