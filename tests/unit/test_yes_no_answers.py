"""A question that asks what, which, how or why is not answered by yes or no ("Was hat SpaceX durch
wiederverwendbare Raketen drastisch gesenkt?" "Ja [2]."): rag.answerkinds.wrong_kind abstains (WRONG_KIND).
No model: the check reads the texts."""

from __future__ import annotations

import pytest

from rag.answerkinds import says_yes_or_no, wrong_kind
from rag.askedkinds import asks_open
from rag.checking import after_model
from rag.config import Settings
from rag.results import AbstainReason, Passage

ABSTAIN = "Dat staat niet in de bronnen."
TEXT = "SpaceX heeft de kosten van ruimtevaart drastisch verlaagd met herbruikbare raketten."


def _passage(text: str) -> Passage:
    return Passage(1, "d", "Titel", "2025-01", "d#1", text, 0, len(text), 0.5, 0.8, "nl")


@pytest.mark.parametrize("question, answer, language", [
    ("Was hat SpaceX durch wiederverwendbare Raketen drastisch gesenkt?", "Ja [1].", "de"),
    ("und was macht SpaceX umgekehrt", "Ja, die Kosten [1].", "de"),
    ("Wat heeft SpaceX drastisch verlaagd?", "Ja [1].", "nl"),
    ("Hoe noemt SpaceX die kosten?", "Nee [1].", "nl"),
    ("What did SpaceX cut with reusable rockets?", "Yes [1].", "en"),
    ("Which company cut the cost of space travel?", "No [1].", "en"),
])
def test_yes_or_no_to_an_open_question_abstains_as_the_wrong_kind(question, answer, language):
    verdict = after_model(Settings(), question, language, answer, [_passage(TEXT)], ABSTAIN)
    assert verdict.reason == AbstainReason.WRONG_KIND and verdict.text == ABSTAIN
    assert any("the answer is a yes or no" in note for note in verdict.notes), verdict.notes


@pytest.mark.parametrize("question, language", [
    ("Has Trump already delivered on his promise to deregulate AI?", "en"),
    ("Is Alibaba going to sell its new chip to other companies?", "en"),
    ("Was het Musk die OpenAI mede oprichtte?", "nl"),  # Dutch "was": a verb, not German "what"
    ("Hat Trump, wie versprochen, die KI-Branche dereguliert?", "de"),  # "wie" after a comma: "as"
])
def test_a_yes_or_no_question_may_be_answered_yes_or_no(question, language):
    assert not asks_open(question, language)
    assert wrong_kind(question, "Ja [1].", language) == ""


@pytest.mark.parametrize("answer, yes_or_no", [
    ("Ja [2].", True), ("Nein.", True), ("No, they will not [1].", True), ("Yes", True),
    ("No one knows [1].", False),  # "no" before a word opens a noun phrase
    ("Nvidia [1].", False), ("Jahre später [1].", False),
])
def test_yes_or_no_is_read_only_as_the_answers_first_word_on_its_own(answer, yes_or_no):
    assert says_yes_or_no(answer) is yes_or_no
