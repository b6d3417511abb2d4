"""A fragment with a preposition in place of the last question's nearest phrase (rag.fragments), with a stand-in
encoder: which phrase is nearest is the real embedder's job (tests/integration/test_fragments.py)."""
import numpy as np
import pytest

from rag.followups import _marks, rewrite_question
from rag.fragments import fragment_kind, is_fragment, noun_phrases, opens_with_preposition, phrases, splice
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


def test_a_noun_phrase_without_a_counterpart_is_left_to_the_model():
    assert splice("Und die Bewertung dabei?", "Wie viel Geld hat xAI Anfang Januar eingesammelt?", MARKS, "de",
                  by_time) is None


def test_a_noun_phrase_takes_the_place_of_the_article_phrase():
    made = splice("Und die Bruttomarge?", "Wie hoch ist die Marktkapitalisierung von Nvidia?", MARKS, "de", by_time)
    assert made == "Wie hoch ist die Bruttomarge von Nvidia?"


def test_an_article_after_a_preposition_opens_no_noun_phrase():
    words = "How much did xAI burn in the first nine months".split()
    assert noun_phrases(words, MARKS, "en") == []


def test_a_time_without_a_preposition_takes_the_place_of_the_last_time():
    made = splice("En eind dit jaar?", "Hoe groot was de AI-capaciteit van China in juni?", MARKS, "nl", by_time)
    assert made == "Hoe groot was de AI-capaciteit van China eind dit jaar?"


def test_a_time_takes_the_place_of_a_relative_date():
    made = splice("En dit jaar?", "Hoeveel investeerde SpaceX vorig jaar in xAI?", MARKS, "nl", by_time)
    assert made == "Hoeveel investeerde SpaceX dit jaar in xAI?"


def test_a_time_with_a_preposition_takes_the_place_of_a_relative_date_too():
    made = splice("En over vier jaar?", "Hoeveel wil Stargate aanvankelijk in de VS investeren?", MARKS, "nl",
                  by_time)
    assert made == "Hoeveel wil Stargate over vier jaar in de VS investeren?"


def test_a_time_is_added_to_a_question_without_one():
    assert splice("and last year?", "How much did xAI raise?", MARKS, "en", by_time) == \
        "How much did xAI raise last year?"


@pytest.mark.parametrize(("question", "kind"), [
    ("Und bis Jahresende?", "phrase"), ("and the next quarter?", "time"), ("Und Ende des Jahres?", "time"),
    ("und die bruttomarge im zweiten quartal?", "noun"), ("En Tesla vorig jaar?", ""), ("En hoe oud is hij?", "")])
def test_the_kind_of_fragment(question, kind):
    assert fragment_kind(question, MARKS) == kind


def test_a_time_alone_borrows_the_last_questions_frame():
    assert is_fragment("en eind dit jaar", "nl", MARKS)


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


def test_a_time_without_a_preposition_is_substituted_in_a_conversation():
    history = [("Hoe groot was de AI-capaciteit van China in juni?", "246 exaflops [1].")]
    placed = rewrite_question(Silent(), prompts_dir_in_use(), "en eind dit jaar", history, "nl", embed=by_time)
    assert placed.method == "substituted"
    assert placed.question == "Hoe groot was de AI-capaciteit van China eind dit jaar?"


def test_a_time_goes_on_from_the_last_question_with_a_time():
    """A side question without a time ("Who founded xAI?") is not the frame of "and last year?": its name would
    be replaced by the time."""
    from rag.fragments import frame
    from rag.referents import Turn

    turns = [Turn("How much did xAI raise in 2024?", ""), Turn("Who founded xAI?", "")]
    assert frame("and last year?", turns, "en", MARKS) == "How much did xAI raise in 2024?"
    assert frame("and by the end of the year?", turns, "en", MARKS) == "How much did xAI raise in 2024?"
    assert frame("and Tesla?", turns, "en", MARKS) == "Who founded xAI?"  # a name: the last question still
    timed = [turns[0], Turn("How many people did xAI employ in 2023?", "")]
    assert frame("and last year?", timed, "en", MARKS) == timed[1].question


def test_a_time_after_a_side_question_is_substituted_in_the_question_before():
    history = [("How much did xAI raise in 2024?", "20 billion dollars [1]."), ("Who founded xAI?", "Elon Musk [1].")]
    placed = rewrite_question(Silent(), prompts_dir_in_use(), "and by the end of the year?", history, "en",
                              embed=by_time)
    assert placed.method == "substituted"  # the kind check reads the question it goes on from (an amount)
    assert placed.question == "How much did xAI raise by the end of the year?"
