"""A follow-up's "there" written as the last question's place (rag.places)."""
import pytest

from rag.followups import _marks, rewrite_question
from rag.places import in_place, place_phrase
from rag.wordlists import prompts_dir_in_use

MARKS = _marks(None)
PREPOSITIONS = {p for words in MARKS.values() for p in words.get("there_prepositions", [])}


@pytest.mark.parametrize(("question", "language", "place"), [
    ("Who spoke at the AI summit in Paris?", "en", "at the AI summit in Paris"),
    ("Welke president sprak op de top van Sjanghai over AI?", "nl", "op de top van Sjanghai"),
    ("Welcher Minister hat auf der Messe in Hannover gesprochen?", "de", "auf der Messe in Hannover"),
])
def test_the_place_phrase_of_a_question(question, language, place):
    assert place_phrase(question, MARKS, PREPOSITIONS, language) == place


@pytest.mark.parametrize(("question", "language"), [
    ("Wie viel verdiente Nvidia im zweiten Quartal?", "de"),  # a time, no place
    ("How much did xAI raise?", "en"),  # no phrase at all
    ("Who spoke at the summit in Paris and on the fair in Hannover?", "en"),  # two places: not sure
])
def test_no_single_place_no_phrase(question, language):
    assert place_phrase(question, MARKS, PREPOSITIONS, language) is None


def test_there_takes_the_place_of_the_last_questions_place():
    made = in_place("What did JD Vance say there?", "and what did he say there?",
                    "Who spoke at the AI summit in Paris?", MARKS, "en")
    assert made == "What did JD Vance say at the AI summit in Paris?"


def test_an_existential_there_stays():
    rewrite = "How many AI workers are there according to the IFF?"
    assert in_place(rewrite, "how many ai workers are there according to them?", "Who spoke at the summit in Paris?",
                    MARKS, "en") == rewrite


class Silent:
    def stream(self, *args, **kwargs):
        return iter(())


@pytest.mark.parametrize(("question", "history", "language", "made"), [
    ("and what did he say there?", ("Who spoke at the AI summit in Paris?", "Emmanuel Macron [1]."), "en",
     "What did Emmanuel Macron say at the AI summit in Paris?"),
    ("und was hat er dort gesagt?", ("Wer sprach auf der Messe in Hannover?", "Olaf Scholz [1]."), "de",
     "Was hat Olaf Scholz auf der Messe in Hannover gesagt?"),
    ("en wat zei hij daar?", ("Wie sprak op de AI-top in Parijs?", "Emmanuel Macron [1]."), "nl",
     "Wat zei Emmanuel Macron op de AI-top in Parijs?"),
])
def test_a_conversation_searches_the_place(question, history, language, made):
    """ "dort" and "daar" are pronouns the rules gave up on; with a place in the last question they are that place."""
    rewrite = rewrite_question(Silent(), prompts_dir_in_use(), question, [history], language)
    assert rewrite.method == "substituted"
    assert rewrite.question == made


def test_without_a_place_dort_still_goes_to_the_model():
    rewrite = rewrite_question(Silent(), prompts_dir_in_use(), "und wann ist er dort ausgestiegen?",
                               [("Wer hat OpenAI mitgegründet?", "Elon Musk [1].")], "de")
    assert rewrite.method == "rejected"


