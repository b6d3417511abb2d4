"""A follow-up searched as asked with a possessive no rule resolved ("dessen Bruttomarge") asks for someone's fact
without saying whose: Bron abstains before the model (rag.checking.before_model, AbstainReason.UNRESOLVED). No
model: the check reads the question."""
from pathlib import Path

import pytest

from rag.checking import before_model, owner_unknown
from rag.results import AbstainReason, Passage

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
TEXT = "De winstcijfers over het tweede kwartaal, ondanks een brutomarge van 72%, zorgden voor een daling."
PASSAGES = [Passage(1, "d", "Titel", "2025-01", "d#1", TEXT, 0, len(TEXT), 0.5, 0.8, "nl")]
ABSTAIN = "Das steht nicht in den Quellen."


@pytest.mark.parametrize("question, language, unknown", [
    ("Und wie hoch war dessen Bruttomarge im zweiten Quartal?", "de", True),  # blind30 fb30-05
    ("Wovor hat dessen CEO die US-Regierung wiederholt gewarnt?", "de", True),  # blind27 fb27-14: US owns nothing
    ("What is its market cap?", "en", True),
    ("Wie viel hat Musk dafür bezahlt?", "de", False),  # no possessive: Musk is named
    ("Wofür will Alibaba seinen neuen KI-Chip nutzen?", "de", False),  # the question's own name owns it
])
def test_a_possessive_left_unresolved_leaves_the_owner_unknown(question, language, unknown):
    assert owner_unknown(question, language, PROMPTS) is unknown


def test_a_rejected_rewrite_with_an_unknown_owner_abstains_before_the_model():
    verdict = before_model("Und wie hoch war dessen Bruttomarge im zweiten Quartal?", "de", "rejected", PASSAGES,
                           False, ABSTAIN, PROMPTS)
    assert verdict is not None and verdict.reason == AbstainReason.UNRESOLVED and verdict.text == ABSTAIN
    # the same question made standalone by the rules goes to the model
    assert before_model("Wie hoch war die Bruttomarge von Nvidia im zweiten Quartal?", "de", "substituted",
                        PASSAGES, False, ABSTAIN, PROMPTS) is None
