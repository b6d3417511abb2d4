"""Evidence first (rag.evidence): the numbered sentences, the grammar, reading the model's first line, hiding
it from the stream, and the checks against the named sentence (rag.checking)."""

import re
from pathlib import Path

import pytest

from rag import evidence
from rag.checking import after_model
from rag.config import Settings
from rag.prompting import load_prompts
from rag.results import AbstainReason, Passage
from rag.verification import holds_facts, scales_missing

ABSTAIN = "Dat staat niet in de bronnen."
TEXT = ("Stargate krijgt 500 miljard dollar. Het project begint in Texas. "
        "Sam Altman (39) is de baas van OpenAI.")
PASSAGES = [Passage(1, "a", "Stargate", None, "a#0", TEXT, 0, len(TEXT), 0.1, 0.8, "nl"),
            Passage(2, "b", "Chips", None, "b#0", "Nvidia verkoopt chips aan China.", 0, 32, 0.1, 0.8, "nl")]
TABLE = evidence.sentence_table(PASSAGES)
PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def test_each_sentence_gets_its_own_numbered_line():
    assert evidence.numbered(3, TEXT) == ("[3.1] Stargate krijgt 500 miljard dollar.\n[3.2] Het project begint in "
                                          "Texas.\n[3.3] Sam Altman (39) is de baas van OpenAI.")


def test_the_table_holds_every_sentence_by_passage_and_number():
    assert TABLE[(1, 2)] == "Het project begint in Texas." and TABLE[(2, 1)] == "Nvidia verkoopt chips aan China."
    assert len(TABLE) == 4


def test_the_grammar_offers_none_and_exactly_the_existing_labels():
    text = evidence.grammar(TABLE)
    assert text.startswith('root   ::= "Evidence: " ("none" | label')
    assert re.findall(r'"\[(\d+\.\d+)\]"', text) == ["1.1", "1.2", "1.3", "2.1"]


@pytest.mark.parametrize("raw, labels, answer, cited", [
    ("Evidence: [1.1]\n500 miljard dollar.", ((1, 1),), "500 miljard dollar.", "500 miljard dollar [1]."),
    ("Evidence: [1.1] [2.1]\nChips en geld", ((1, 1), (2, 1)), "Chips en geld", "Chips en geld [1] [2]."),
    ("Evidence: [1.3] [1.1]\nAltman", ((1, 3), (1, 1)), "Altman", "Altman [1]."),
    ("Evidence: none", (), "", ABSTAIN),
    ("Evidence: [1.2]\n", ((1, 2),), "", ABSTAIN),
], ids=["one", "two-passages", "two-sentences-one-passage", "none", "no-answer"])
def test_the_first_line_is_read_and_the_answer_cites_the_named_passages(raw, labels, answer, cited):
    found = evidence.parse(raw)
    assert found.named and found.labels == labels and found.answer == answer
    assert found.cited_text(ABSTAIN) == cited


def test_text_without_the_evidence_line_is_kept_as_it_is():
    found = evidence.parse("500 miljard dollar [1].")
    assert not found.named and found.cited_text(ABSTAIN) == "500 miljard dollar [1]."


@pytest.mark.parametrize("deltas, shown", [
    (["Evid", "ence: [1", ".1]\n500 mil", "jard."], ["500 mil", "jard."]),
    (["Evidence: none"], []),
    (["500", " miljard [1]."], ["500", " miljard [1]."]),
], ids=["evidence-line", "none", "other-layout"])
def test_the_stream_hides_the_evidence_line(deltas, shown):
    hide = evidence.HideFirstLine()
    assert [text for delta in deltas for text in hide.feed(delta)] == shown


def holds_for(answer, question="Hoeveel?"):
    return lambda sentence: holds_facts(answer, question, "nl", sentence)


def test_a_named_sentence_that_holds_the_facts_is_kept():
    located = evidence.locate(evidence.parse("Evidence: [1.1]\n500 miljard dollar."), TABLE,
                              holds_for("500 miljard dollar [1]."))
    assert located.sentences == {1: TABLE[(1, 1)]} and not located.moved


def test_a_named_sentence_one_off_is_replaced_by_the_neighbour_that_holds_the_facts():
    located = evidence.locate(evidence.parse("Evidence: [1.2]\n39 jaar."), TABLE, holds_for("39 jaar [1]."))
    assert located.sentences == {1: TABLE[(1, 3)]} and not located.moved


def test_facts_found_further_away_are_taken_but_marked_moved():
    located = evidence.locate(evidence.parse("Evidence: [2.1]\n500 miljard dollar."), TABLE,
                              holds_for("500 miljard dollar [2]."))
    assert located.sentences == {1: TABLE[(1, 1)]} and located.moved and located.labels == ((1, 1),)


def test_facts_in_no_sentence_leave_the_named_one_for_the_check_to_reject():
    located = evidence.locate(evidence.parse("Evidence: [1.2]\n77 dollar."), TABLE, holds_for("77 dollar [1]."))
    assert located.sentences == {1: TABLE[(1, 2)]} and not located.moved


def test_two_named_sentences_may_hold_the_facts_together():
    located = evidence.locate(evidence.parse("Evidence: [1.1] [2.1]\nx"), TABLE,
                              holds_for("500 miljard dollar, Nvidia [1] [2]."))
    assert located.sentences == {1: TABLE[(1, 1)], 2: TABLE[(2, 1)]} and not located.moved


def check(text, named, stated=None, moved=False):
    located = evidence.Located(named, moved) if named else None
    return after_model(Settings(), "Hoeveel geld krijgt Stargate?", "nl", text, PASSAGES, ABSTAIN, None, None, located,
                       stated)


def test_an_answer_rests_on_its_named_sentence_which_becomes_the_quote():
    verdict = check("500 miljard dollar [1].", {1: TABLE[(1, 1)]})
    assert verdict.reason is None and verdict.citations[0].quote == TABLE[(1, 1)]


def test_a_fact_that_is_in_the_passage_but_not_in_the_named_sentence_abstains():
    verdict = check("500 miljard dollar [1].", {1: TABLE[(1, 2)]})
    assert verdict.reason == AbstainReason.UNSUPPORTED


@pytest.mark.parametrize("stated, reason", [(None, AbstainReason.NOT_STATED), (0.3, AbstainReason.NOT_STATED),
                                            (0.8, None)], ids=["no-second-reading", "second-reading-no", "yes"])
def test_evidence_found_away_from_the_pointer_needs_the_second_readings_yes(stated, reason):
    verdict = check("500 miljard dollar [2].", {1: TABLE[(1, 1)]}, stated, moved=True)
    assert verdict.reason == reason
    if reason is None:
        assert verdict.text == "500 miljard dollar [1]." and verdict.citations[0].quote == TABLE[(1, 1)]


@pytest.mark.parametrize("named", ["4.", "1.", "(2)"])
def test_a_named_sentence_that_is_a_list_mark_or_a_number_alone_states_nothing(named):
    verdict = check("4 [1].", {1: named})
    assert verdict.reason == AbstainReason.NOT_STATED and verdict.text == ABSTAIN
    assert any("states nothing" in note for note in verdict.notes), verdict.notes


def test_without_a_named_sentence_the_whole_passage_is_checked_as_before():
    verdict = check("500 miljard dollar [1].", None)
    assert verdict.reason is None and verdict.citations[0].quote == TABLE[(1, 1)]


@pytest.mark.parametrize("answer, source, missing", [
    ("39 miljard euro [1].", "Sam Altman (39) antwoordde", ["39 miljard"]),
    ("3.4 billion euros [1].", "will 3,4 Milliarden Euro investieren", []),
    ("1,2 miljoen mensen [1].", "er werken 1.200.000 mensen", []),
    ("500 Milliarden US-Dollar [1].", "sogar 500 Milliarden US-Dollar.", []),
], ids=["scale-made-up", "scale-other-language", "written-out", "same"])
def test_a_scale_word_must_be_in_the_source_with_its_number(answer, source, missing):
    assert scales_missing(answer, source) == missing


def test_a_made_up_scale_abstains():
    verdict = after_model(Settings(), "Hoeveel verdient Altman?", "nl", "39 miljard euro [1].", PASSAGES, ABSTAIN,
                          None, None, evidence.Located({1: TABLE[(1, 3)]}))
    assert verdict.reason == AbstainReason.UNSUPPORTED
    assert any("'39 miljard'" in note for note in verdict.notes)


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_every_language_has_the_evidence_layout_with_valid_examples(language):
    prompts = load_prompts(PROMPTS, language, True)
    assert prompts.evidence and "[1.2]" in prompts.system and "Evidence: none" in prompts.system
    answers = [content for role, content in prompts.examples if role == "assistant"]
    passages = prompts.examples[0][1]
    for answer in answers:
        found = evidence.parse(answer)
        assert found.named
        for n, i in found.labels:
            assert f"[{n}.{i}] " in passages
    assert {evidence.parse(a).none for a in answers} == {True, False}


def test_the_evidence_layout_numbers_the_passages_sentences_and_the_other_does_not():
    numbered = load_prompts(PROMPTS, "nl", True).messages("Hoeveel?", PASSAGES)[-1]["content"]
    plain = load_prompts(PROMPTS, "nl").messages("Hoeveel?", PASSAGES)[-1]["content"]
    assert "[1.3] Sam Altman (39)" in numbered and "[1.1]" not in plain and TEXT in plain
