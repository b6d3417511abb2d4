"""A number the source writes in brackets after another name ("Sam Altman (39)") does not answer a question about
someone else (rag.verification.number_of_another; the check after the model abstains off-subject). No model."""

import pytest

from rag import verification as v
from rag.checking import after_model
from rag.config import Settings
from rag.results import AbstainReason, Passage

SENTENCE = "OpenAI baas Sam Altman (39) antwoordde Musk onder de post: “Fout, zoals je vast wel weet.”"
ABSTAIN = "Das steht nicht in den Quellen."


def _passage(text: str) -> Passage:
    return Passage(1, "d", "Titel", "2025-01", "d#1", text, 0, len(text), 0.5, 0.8, "nl")


def test_the_number_after_another_name_is_that_names():
    assert v.number_of_another("39 Jahre [1].", "Wie alt ist Elon Musk?", [SENTENCE], "de") == ("39", "Sam Altman")


@pytest.mark.parametrize("question, language", [
    ("Hoe oud is Sam Altman?", "nl"),  # the name asked about
    ("How old is the OpenAI boss?", "en"),  # a role the words before the name give
    ("Wie alt ist der Chef von OpenAI?", "de"),
])
def test_the_number_of_the_name_asked_about_stands(question, language):
    assert v.number_of_another("39 [1].", question, [SENTENCE], language) is None


def test_a_number_also_written_after_the_name_asked_about_stands():
    texts = ["Donald Trump (78) en Elon Musk (78) waren er."]
    assert v.number_of_another("78 jaar [1].", "Hoe oud is Elon Musk?", texts, "nl") is None


def test_a_number_in_brackets_after_no_name_says_nothing():
    assert v.number_of_another("39 [1].", "Wie alt ist Elon Musk?", ["Er waren er (39) in totaal."], "de") is None


def test_the_check_after_the_model_abstains_off_subject():
    verdict = after_model(Settings(), "Wie alt ist Elon Musk?", "de", "39 Jahre [1].",
                          [_passage(SENTENCE)], ABSTAIN)
    assert verdict.reason == AbstainReason.OFF_SUBJECT and verdict.text == ABSTAIN
    assert any("39 for Sam Altman" in note for note in verdict.notes), verdict.notes
