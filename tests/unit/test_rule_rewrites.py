"""The offline measure of the follow-up rules (rag.evaluation.rule_rewrites): no model, the rules themselves."""
import json

import pytest

from rag.evaluation.rule_rewrites import build_history, ideal_answer, measure, rule_rewrite, score, table

LINE = {"id": "fu-x", "lang": "nl", "kind": "pronoun", "history": ["Wie leidt OpenAI?"], "question": "Hoe oud is hij?",
        "standalone": "Hoe oud is Sam Altman?", "answers": ["39"], "doc": "000_fb622f302fa41b5f",
        "evidence": "Sam Altman (39)", "answerable": True, "not_in_search": []}


def _measure(tmp_path, lines, answers=None, ideal=False):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({**LINE, **line}) + "\n" for line in lines), encoding="utf-8")
    folders = []
    if answers:
        (tmp_path / "run").mkdir()
        (tmp_path / "run" / "followup.jsonl").write_text("".join(
            json.dumps({"id": key, "history_answers": value, "error": None}) + "\n" for key, value in answers.items()),
            encoding="utf-8")
        folders = [tmp_path / "run"]
    return measure(gold, folders, ideal)


def test_a_pronoun_resolved_from_the_recorded_answer_is_right(tmp_path):
    row, = _measure(tmp_path, [{}], {"fu-x": ["Sam Altman [1]."]})
    assert row["rewrite"] == "Hoe oud is Sam Altman?" and row["outcome"] == "right" and row["answers_known"]


def test_without_a_recorded_answer_the_name_is_not_in_the_conversation(tmp_path):
    row, = _measure(tmp_path, [{}])
    assert row["method"] == "rejected" and row["outcome"] == "not in the conversation"


def test_the_ideal_variant_answers_the_question_for_a_name_right(tmp_path):
    row, = _measure(tmp_path, [{}], ideal=True)
    assert row["outcome"] == "right"


def test_a_pronoun_resolved_to_another_name_is_counted_as_another_subject(tmp_path):
    row, = _measure(tmp_path, [{}], {"fu-x": ["Elon Musk [1]."]})
    assert row["outcome"] == "wrong subject" and row["other"] == ["elon", "musk"]


def test_a_switch_searched_as_asked_is_clean(tmp_path):
    row, = _measure(tmp_path, [{"kind": "switch", "question": "Wie is de CEO van Nvidia?",
                                "standalone": "Wie is de CEO van Nvidia?", "not_in_search": ["OpenAI"]}])
    assert row["outcome"] == "searched as asked"


def test_the_abstention_text_of_a_record_is_an_abstained_turn():
    turn, = build_history(["Wie leidt OpenAI?"], ["Dat staat niet in de bronnen."])
    assert turn.abstained
    assert rule_rewrite("Hoe oud is hij?", [turn]).method == "rejected"


def test_an_earlier_question_that_leans_on_the_one_before_is_made_standalone_first():
    first, second = build_history(["Wie leidt OpenAI?", "Hoe oud is hij?"], ["Sam Altman [1].", "39 [1]."])
    assert second.searched_for == "Hoe oud is Sam Altman?" and not second.abstained


@pytest.mark.parametrize("question, expected", [("Wie leidt OpenAI?", "Sam Altman."), ("Hoeveel kost het?", None)])
def test_an_ideal_answer_only_for_a_question_for_a_name(question, expected):
    assert ideal_answer(question, "Hoe oud is Sam Altman?", f"{question} Hoe oud is hij?", "nl") == expected


def test_score_asks_only_for_what_the_conversation_said(tmp_path):
    from rag.evaluation.followup import load_followups
    from rag.followups import Rewrite

    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({**LINE, "kind": "ellipsis", "question": "En xAI?",
                                "history": ["In welk jaar is SpaceX opgericht?"],
                                "standalone": "In welk jaar is xAI opgericht door Elon Musk?"}) + "\n")
    item, = load_followups(gold)
    history = build_history(item.history, ["2002 [1]."])
    assert score(item, Rewrite("In welk jaar is xAI opgericht?", "substituted"), history)[0] == "right"


def test_the_table_counts_outcomes_by_kind_and_language(tmp_path):
    rows = _measure(tmp_path, [{}, {"id": "fu-y", "lang": "de", "question": "Wie alt ist er?",
                                    "history": ["Wer leitet OpenAI?"], "standalone": "Wie alt ist Sam Altman?"}],
                    {"fu-x": ["Sam Altman [1]."], "fu-y": ["Sam Altman [1]."]})
    text = table(rows)
    assert "| all | 2 | 2 |" in text and "| lang de | 1 | 1 |" in text and "| switch" not in text
