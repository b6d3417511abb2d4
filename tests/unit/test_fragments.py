"""A fragment with a preposition in place of the last question's nearest phrase (rag.fragments), with a stand-in
encoder: which phrase is nearest is the real embedder's job (tests/integration/test_fragments.py)."""
import numpy as np
import pytest

from rag.followups import _marks, rewrite_question
from rag.fragments import opens_with_preposition, phrases, splice
from rag.wordlists import prompts_dir_in_use

MARKS = _marks(None)
TIME_WORDS = ("jahr", "juni", "januar", "quarter", "year", "jaar", "juni", "first", "ende")


def by_time(texts):
    """Near when both speak of a time, else apart: enough to tell which phrase a rule put the fragment in."""
    vectors = [[1.0, 0.1] if any(w in t.lower() for w in TIME_WORDS) else [0.1, 1.0] for t in texts]
    return np.asarray(vectors) / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("question", ["Und bis Jahresende?", "And over the next four years?",
                                      "En tegen het einde van het jaar?", "What about in 2024?", "Tegen eind dit jaar?",
                                      "Bis Ende 2026?"])
def test_an_opening_and_a_preposition_is_such_a_fragment(question):
    assert opens_with_preposition(question, MARKS)


@pytest.mark.parametrize("question", ["Und die EU selbst?", "And the gross margin?", "Und wie alt ist er?",
                                      "En in welk jaar?", "In welchem Jahr?", "Und?",
                                      "In which city did the summit take place?"])
def test_a_subject_a_question_word_or_no_opening_is_not(question):
    assert not opens_with_preposition(question, MARKS)


def test_a_german_question_keeps_its_final_verb_out_of_the_last_phrase():
    words = "Wie viel Geld hat SpaceX im vergangenen Jahr in xAI investiert".split()
    found = {" ".join(words[a:b]) for a, b in phrases(words, MARKS, "de")}
    assert found == {"im vergangenen Jahr", "in xAI"}


def test_an_of_phrase_joins_the_phrase_before_it():
    words = "How much did xAI burn in the first nine months of 2025".split()
    found = [" ".join(words[a:b]) for a, b in phrases(words, MARKS, "en")]
    assert found == ["in the first nine months", "of 2025", "in the first nine months of 2025"]


def test_an_english_question_ends_with_its_noun():
    words = "What was the margin in the first quarter".split()
    assert [" ".join(words[a:b]) for a, b in phrases(words, MARKS, "en")] == ["in the first quarter"]


def test_the_phrase_nearest_in_meaning_is_replaced():
    made = splice("Und bis Jahresende?", "Wie viel Geld hat SpaceX im vergangenen Jahr in xAI investiert?", MARKS,
                  "de", by_time)
    assert made == "Wie viel Geld hat SpaceX bis Jahresende in xAI investiert?"


def test_without_a_phrase_the_fragment_is_added():
    made = splice("And over the next four years?", "How much will Stargate invest?", MARKS, "en", by_time)
    assert made == "How much will Stargate invest over the next four years?"


def test_a_short_phrase_without_an_opening_continues_the_last_question_too():
    made = splice("Bis Ende des Jahres?", "Wie viel Rechenleistung hatte China im Juni?", MARKS, "de", by_time)
    assert made == "Wie viel Rechenleistung hatte China bis Ende des Jahres?"


def test_a_fragment_without_a_preposition_is_left_to_the_model():
    assert splice("Und die EU selbst?", "Wie viel Geld versprechen die Firmen für KI?", MARKS, "de", by_time) is None


class Silent:
    def stream(self, *args, **kwargs):
        return iter(())


def test_the_follow_up_rules_use_it_only_with_an_encoder():
    history = [("Hoe groot was de AI-capaciteit van China in juni?", "246 exaflops [1].")]
    placed = rewrite_question(Silent(), prompts_dir_in_use(), "En tegen het einde van het jaar?", history, "nl",
                              embed=by_time)
    assert placed.method == "substituted"
    assert placed.question == "Hoe groot was de AI-capaciteit van China tegen het einde van het jaar?"
    alone = rewrite_question(Silent(), prompts_dir_in_use(), "En tegen het einde van het jaar?", history, "nl")
    assert alone.method == "rejected"
