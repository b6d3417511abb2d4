"""The follow-up gold file and its metrics (no model: records are made here)."""
import json

import pytest

from rag.config import PROJECT_DIR
from rag.errors import InputError
from rag.evaluation.followup import FollowUpResult, leaked, load_followups

LINE = {"id": "fu-x", "lang": "nl", "kind": "pronoun", "history": ["Wie leidt OpenAI?"], "question": "Hoe oud is hij?",
        "standalone": "Hoe oud is Sam Altman?", "answers": ["39"], "doc": "000_fb622f302fa41b5f",
        "evidence": "Sam Altman (39)", "answerable": True, "not_in_search": []}


@pytest.mark.parametrize("name", ["gold_followup.jsonl", "gold_followup_blind.jsonl"], ids=["own", "blind"])
def test_the_project_gold_file_loads_with_enough_conversations_of_each_kind(name):
    items = load_followups(PROJECT_DIR / "seeds" / name)
    kinds = {k: sum(i.kind == k for i in items) for k in ("pronoun", "ellipsis", "switch")}
    assert len(items) >= 30 and min(kinds.values()) >= 8, kinds
    assert {i.lang for i in items} == {"nl", "de", "en"}
    assert all(i.standalone == i.question for i in items if i.kind == "switch")


FOLLOWUP_FILES = sorted(p.name for p in (PROJECT_DIR / "seeds").glob("gold_followup*.jsonl"))


@pytest.mark.parametrize("name", FOLLOWUP_FILES, ids=FOLLOWUP_FILES)
def test_every_follow_up_gold_file_loads_in_three_languages(name):
    items = load_followups(PROJECT_DIR / "seeds" / name)
    assert {i.lang for i in items} == {"nl", "de", "en"}
    assert {i.kind for i in items} == {"pronoun", "ellipsis", "switch"}


@pytest.mark.parametrize("change, message", [
    ({"kind": "other"}, "'kind' must be one of"),
    ({"history": []}, "at least one earlier question"),
    ({"kind": "switch"}, "must equal 'question'"),
    ({"answers": []}, "at least one entry in 'answers'"),
    ({"extra": 1}, "unknown field(s) extra"),
])
def test_a_broken_line_names_the_line_and_the_problem(tmp_path, change, message):
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(LINE) + "\n" + json.dumps({**LINE, "id": "fu-y", **change}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_followups(path)
    assert "line 2" in err.value.message and message in err.value.message


def test_leaks_are_history_names_searched_for_but_not_asked():
    assert leaked("Wie is de CEO van Nvidia en OpenAI?", "Wie is de CEO van Nvidia?", ["OpenAI", "Nvidia"]) == \
        ["OpenAI"]
    assert leaked("Wie is de CEO van Nvidia?", "Wie is de CEO van Nvidia?", ["OpenAI"]) == []


def test_a_subject_the_search_carried_along_is_a_leak_without_a_gold_list():
    frame = "welche us-firma hat unternehmen mit chinesischem mehrheitsaktionär verboten, {} produkte zu nutzen"
    asked, searched = frame.format("ihre"), frame.format("Elon Musks")
    assert leaked(searched, asked, [], "de") == ["elon", "musks"]


def test_a_search_that_only_writes_the_question_s_own_names_properly_leaks_nothing():
    assert leaked("Wann wurde SpaceX gegründet?", "wann wurde spacex gegründet?", [], "de") == []


def _record(kind, followup_ok, alone_ok, ttft_follow, ttft_alone, leak=(), method="rewritten"):
    return {"id": kind, "lang": "nl", "kind": kind, "question": "q", "standalone": "s", "answerable": True,
            "error": None,
            "leaked": list(leak), "method": method, "rewrite_ms": 900.0, "searched_for": "s",
            "followup": {"answerable": True, "correct": followup_ok, "abstained": False,
                         "first_token_ms": ttft_follow},
            "alone": {"answerable": True, "correct": alone_ok, "abstained": False, "first_token_ms": ttft_alone}}


def test_metrics_compare_follow_ups_with_the_same_questions_asked_alone():
    result = FollowUpResult([_record("pronoun", True, True, 3000, 2000), _record("ellipsis", False, True, 4000, 2000),
                             _record("switch", True, True, 2000, 2000, method="alone"),
                             _record("switch", True, True, 2100, 2000, leak=["OpenAI"], method="rejected")])
    m = result.metrics()
    assert m["followup_accuracy"] == 0.75 and m["standalone_accuracy"] == 1.0 and m["accuracy_gap"] == 0.25
    assert m["switch_clean"] == 0.5 and m["switch_searched_alone"] == 0.5 and m["rewritten"] == 1.0
    assert m["extra_ttft_ms_p50_followups"] == 1500
    table = result.summary_markdown()
    assert "| all | 4 | 75.0% | 100.0% | +25.0 pt |" in table and "leaked: OpenAI" in table


@pytest.mark.parametrize("searched, other", [
    ("Wie viel Geld hat Musk verbrannt?", ["musk"]),  # resolved to the wrong name: another question
    ("Wie viel Geld hat xAI verbrannt?", []),
    ("How much money did xAI burn?", []),  # another language, the same subject
], ids=["wrong-name", "right-name", "right-name-other-language"])
def test_an_answer_to_another_subject_is_counted(searched, other):
    from rag.evaluation.followup import other_subject

    record = {**_record("pronoun", False, True, 3000, 2000), "lang": "de", "searched_for": searched,
              "question": "Wie viel Geld hat es verbrannt?", "standalone": "Wie viel Geld hat xAI verbrannt?"}
    assert other_subject(record) == other
    assert FollowUpResult([record]).metrics()["other_subject"] == len(other)
    abstained = {**record, "followup": {**record["followup"], "abstained": True}}
    assert other_subject(abstained) == []  # an abstention answers nothing


def test_a_rerun_reuses_what_the_rules_cannot_change(tmp_path):
    """--reuse: the standalone answer and the first turn come from the earlier run; only the follow-up is asked."""
    from rag.answering import Conversation
    from rag.evaluation.followup import evaluate_followups
    from rag.results import Answer

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    earlier = tmp_path / "before"
    earlier.mkdir()
    alone = {"answerable": True, "correct": True, "abstained": False, "first_token_ms": 2000}
    (earlier / "followup.jsonl").write_text(json.dumps(
        {**_record("pronoun", True, True, 3000, 2000), "id": "fu-x", "alone": alone,
         "history_answers": ["Dat staat niet in de bronnen."]}) + "\n", encoding="utf-8")
    asked, histories = [], []

    class Asker:
        settings = __import__("rag.config", fromlist=["Settings"]).Settings()

        def conversation(self):
            return Conversation(self)

        def answer(self, question, top_k=None, history=None, **filters):
            asked.append(question)
            histories.append(list(history or []))
            return Answer(question, "39 [1].", "nl", False, searched_for="Hoe oud is Sam Altman?")

    record, = evaluate_followups(gold, Asker(), progress=False, reuse=earlier).records
    assert asked == ["Hoe oud is hij?"] and record["alone"] == alone and record["reused"]
    first, = histories[0]
    assert first.question == "Wie leidt OpenAI?" and first.abstained  # the abstention is kept as one
    with pytest.raises(InputError, match="No earlier follow-up run"):
        evaluate_followups(gold, Asker(), progress=False, reuse=tmp_path / "missing")
