"""rag/descriptions.py: what an unanswered question asked for, as a noun phrase; "" when it has no clear shape."""
import pytest

from rag.config import PROJECT_DIR
from rag.descriptions import describe
from rag.wordlists import read_words

MARKS = read_words("followup.toml", PROJECT_DIR / "prompts")


def test_a_who_is_question_describes_its_noun_phrase():
    assert describe("Wie is de baas van Tesla?", "nl", MARKS) == "de baas van Tesla"


def test_a_who_is_question_with_an_owner_describes_it():
    assert describe("Who is Trump's AI czar?", "en", MARKS) == "Trump's AI czar"


def test_a_who_is_question_about_a_name_is_no_description():
    assert describe("Wer ist Howard Lutnick?", "de", MARKS) == ""


def test_german_moves_the_finite_verb_to_the_end():
    assert describe("Welches Land hat am Montag einen Fonds geschaffen?", "de", MARKS) == \
        "das Land, das am Montag einen Fonds geschaffen hat"


def test_german_keeps_the_adjective_before_the_noun():
    assert describe("Welches deutsche Unternehmen baut Drohnen?", "de", MARKS) == \
        "das deutsche Unternehmen, das Drohnen baut"


def test_the_questions_own_language_decides_the_word_order():
    assert describe("Welche Chips darf Nvidia verkaufen?", "en", MARKS) == "die Chips, die Nvidia verkaufen darf"


def test_dutch_het_word():
    assert describe("Welk bedrijf werd in 2019 commercieel?", "nl", MARKS) == "het bedrijf dat in 2019 commercieel werd"


def test_dutch_plural_and_adjective():
    assert describe("Welke Amerikaanse AI-bedrijven bouwen chips?", "nl", MARKS) == \
        "de Amerikaanse AI-bedrijven die chips bouwen"


def test_english_keeps_the_verb_in_place():
    assert describe("Which AI company has banned Chinese firms?", "en", MARKS) == \
        "the AI company that has banned Chinese firms"


def test_english_irregular_verb_after_a_one_word_noun():
    assert describe("Which company became a for-profit company?", "en", MARKS) == \
        "the company that became a for-profit company"


@pytest.mark.parametrize("question, language", [
    ("Which company did Musk found in 2023?", "en"),  # "did": the clause would need the verb rewritten
    ("What is Stargate?", "en"),
    ("Via welk netwerk is Grok te gebruiken?", "nl"),
    ("Welk?", "nl"),
    ("Wer hat xAI gegründet?", "de"),  # "wer", "wie", "who" are not described (module docstring)
    ("Welches Beispiel für KI nennt der Artikel?", "de"),  # a preposition after the noun: the phrase goes on
])
def test_no_clear_shape_is_no_description(question, language):
    assert describe(question, language, MARKS) == ""
