"""A fragment that names its own topic asked in full (rag.own_topics)."""
import pytest

from rag.followups import _marks, rewrite_question
from rag.own_topics import as_question, topic_phrase
from rag.wordlists import prompts_dir_in_use

MARKS = _marks(None)


@pytest.mark.parametrize(("question", "frame", "language", "made"), [
    ("and Intel's market share?", "How much did AMD earn last year?", "en", "What is Intel's market share?"),
    ("and the number of Airbus planes in the air right now?", "How many ships does Maersk have?", "en",
     "What is the number of Airbus planes in the air right now?"),
    ("en de omzet van Philips?", "Hoeveel werknemers heeft ASML?", "nl", "Wat is de omzet van Philips?"),
    ("und der Marktanteil von Intel?", "Wie viele Mitarbeiter hat Siemens?", "de",
     "Was ist der Marktanteil von Intel?"),
    ("und Boschs Umsatz?", "Wie viele Mitarbeiter hat Siemens?", "de", "Was ist Boschs Umsatz?"),
    ("what about Intel's launch of the chip?", "When did AMD open its plant?", "en",
     "When is Intel's launch of the chip?"),  # the last question asked a date
])
def test_a_noun_phrase_with_a_name_of_its_own_is_asked_in_full(question, frame, language, made):
    assert as_question(question, frame, language, MARKS) == made


@pytest.mark.parametrize(("question", "language"), [
    ("en de omzet?", "nl"),  # names nothing: the last question's subject is meant
    ("and Intel's new fund?", "en"),  # an organisation: it stands for the last question's subject
    ("and the CEO of Intel?", "en"),  # a person
    ("en de Europese Commissie?", "nl"),  # a name, not a noun of its own
    ("and its market share?", "en"),  # a pronoun: rag.referents
    ("and in 2024?", "en"),  # a time: rag.fragments
    ("and Intel becoming a foundry?", "en"),  # no article and no owner: not a noun phrase
    ("Intel's market share?", "en"),  # no opening
    ("and the ECB itself?", "en"),  # a name with a tail: rag.ellipses
    ("en het gefuseerde Shell-BP?", "nl"),  # a name in camel or compound case
    ("und eine Million Autos pro Jahr?", "de"),  # an amount, not a noun phrase
    ("and the Germans with Airbus, over four years?", "en"),  # several parts: the model
])
def test_other_fragments_are_left_to_other_rules(question, language):
    assert topic_phrase(question, language, MARKS) is None


class Silent:
    def stream(self, *args, **kwargs):
        return iter(())


def test_the_follow_up_is_rewritten_without_the_model():
    history = [("Hoeveel werknemers heeft ASML?", "Ongeveer 40.000 [1].")]
    made = rewrite_question(Silent(), prompts_dir_in_use(), "en de omzet van Philips?", history, "nl")
    assert (made.question, made.method) == ("Wat is de omzet van Philips?", "substituted")
