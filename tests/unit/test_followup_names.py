"""A follow-up's own names must be in a cited passage (rag.checking._off_subject with `asked`): its rewrite also
names the last question's, so an answer from a passage on those alone answers the last question. No model: the
check reads the answer and passage texts."""
from rag.checking import after_model
from rag.config import Settings
from rag.results import AbstainReason, Passage

ABSTAIN = "The sources do not contain the answer."
REWRITE = "How much did Musk claim Softbank had secured for Oracle?"
SOFTBANK = "Musk claimed that Softbank had secured well under ten billion dollars for the project."
ORACLE = "Oracle secured 7 billion dollars for the project, Musk claimed, as Softbank did."


def _passage(text: str) -> list[Passage]:
    return [Passage(1, "d", "Title", "2025-01", "d#1", text, 0, len(text), 0.5, 0.8, "en")]


def test_an_answer_from_a_passage_without_the_follow_ups_name_abstains():
    verdict = after_model(Settings(), REWRITE, "en", "Well under ten billion dollars [1].", _passage(SOFTBANK),
                          ABSTAIN, asked="And Oracle?")
    assert verdict.reason == AbstainReason.OFF_SUBJECT and verdict.text == ABSTAIN
    assert any("which the follow-up asks about" in note for note in verdict.notes)


def test_an_answer_from_a_passage_with_the_follow_ups_name_stands():
    verdict = after_model(Settings(), REWRITE, "en", "7 billion dollars [1].", _passage(ORACLE), ABSTAIN,
                          asked="And Oracle?")
    assert not verdict.abstained


def test_without_the_follow_up_the_rewrite_alone_is_checked():
    verdict = after_model(Settings(), REWRITE, "en", "Well under ten billion dollars [1].", _passage(SOFTBANK),
                          ABSTAIN)
    assert not verdict.abstained


SPONSORS = ("The main sponsors are OpenAI, Softbank and Oracle. Trump announced the project on Tuesday. "
            "At least 500 billion dollars is to flow into Stargate over four years.")
PLEDGE = ("The main sponsors are OpenAI, Softbank and Oracle. Oracle is the oldest of them. "
          "The company pledged 7 billion dollars to Stargate.")
ORACLE_REWRITE = "How much did Oracle secure for Stargate?"


def _named(sentence: int, text: str):
    from rag.evidence import Located, sentence_table

    table = sentence_table(_passage(text))
    return Located({1: table[(1, sentence)]}, labels=((1, sentence),))


def test_an_evidence_sentence_without_the_follow_ups_name_abstains_though_its_passage_names_it():
    verdict = after_model(Settings(), ORACLE_REWRITE, "en", "500 billion dollars [1].", _passage(SPONSORS),
                          ABSTAIN, evidence=_named(3, SPONSORS), asked="And Oracle?")
    assert verdict.reason == AbstainReason.OFF_SUBJECT
    assert any("the evidence sentence does not mention oracle" in note for note in verdict.notes)


def test_the_follow_ups_name_in_the_sentence_before_the_evidence_is_enough():
    verdict = after_model(Settings(), ORACLE_REWRITE, "en", "7 billion dollars [1].", _passage(PLEDGE), ABSTAIN,
                          evidence=_named(3, PLEDGE), asked="And Oracle?")
    assert not verdict.abstained


MARGIN = "De winstcijfers van Nvidia over het tweede kwartaal tonen een brutomarge van 72%."


def test_a_german_noun_of_the_follow_up_need_not_be_in_a_dutch_passage():
    """blind27 fb27-35: "und die Bruttomarge im zweiten Quartal" after a question on Nvidia; the Dutch passage
    writes "brutomarge". A noun is no name the rewrite could have lost."""
    verdict = after_model(Settings(), "Wie hoch ist die Bruttomarge im zweiten Quartal von Nvidia?", "de",
                          "72% [1].", _passage(MARGIN), ABSTAIN, asked="und die Bruttomarge im zweiten Quartal")
    assert not verdict.abstained, verdict.notes


def test_a_name_of_the_follow_up_still_must_be_in_the_passage():
    verdict = after_model(Settings(), "Wie hoch ist die Bruttomarge von Alibaba im zweiten Quartal?", "de",
                          "72% [1].", _passage(MARGIN), ABSTAIN, asked="und die Bruttomarge von Alibaba?")
    assert verdict.reason == AbstainReason.OFF_SUBJECT
