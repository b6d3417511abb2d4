"""rag/descriptions.py: what an unanswered question asked for, as a noun phrase; "" when it has no clear shape."""
import pytest

from rag.config import PROJECT_DIR
from rag.descriptions import asks_for_role_holder, describe
from rag.wordlists import read_words

MARKS = read_words("followup.toml", PROJECT_DIR / "prompts")

DESCRIBED = [
    ("who-is-and-a-noun-phrase", "Wie is de baas van Tesla?", "nl", "de baas van Tesla"),
    ("who-is-and-an-owner", "Who is Trump's AI czar?", "en", "Trump's AI czar"),
    ("german-finite-verb-to-the-end", "Welches Land hat am Montag einen Fonds geschaffen?", "de",
     "das Land, das am Montag einen Fonds geschaffen hat"),
    ("german-adjective-before-the-noun", "Welches deutsche Unternehmen baut Drohnen?", "de",
     "das deutsche Unternehmen, das Drohnen baut"),
    ("the-questions-own-language-decides", "Welche Chips darf Nvidia verkaufen?", "en",
     "die Chips, die Nvidia verkaufen darf"),
    ("german-separable-verb-joins-its-particle",
     "Welches E-Commerce-Unternehmen führt Chinas Streben nach Selbstständigkeit an?", "de",
     "das E-Commerce-Unternehmen, das Chinas Streben nach Selbstständigkeit anführt"),
    ("dutch-separable-verb-joins-its-particle", "Welk land kondigde het fonds aan?", "nl",
     "het land dat het fonds aankondigde"),
    ("dutch-adjective-stays-apart", "Welk land stelt 8 miljard beschikbaar?", "nl",
     "het land dat 8 miljard beschikbaar stelt"),
    ("dutch-het-word", "Welk bedrijf werd in 2019 commercieel?", "nl", "het bedrijf dat in 2019 commercieel werd"),
    ("dutch-plural-and-adjective", "Welke Amerikaanse AI-bedrijven bouwen chips?", "nl",
     "de Amerikaanse AI-bedrijven die chips bouwen"),
    ("english-verb-stays-in-place", "Which AI company has banned Chinese firms?", "en",
     "the AI company that has banned Chinese firms"),
    ("english-irregular-verb-after-one-noun", "Which company became a for-profit company?", "en",
     "the company that became a for-profit company"),
]


@pytest.mark.parametrize("question, language, phrase", [c[1:] for c in DESCRIBED], ids=[c[0] for c in DESCRIBED])
def test_an_unanswered_question_describes_what_it_asked_for(question, language, phrase):
    assert describe(question, language, MARKS) == phrase


@pytest.mark.parametrize("question, language", [
    ("Wer ist Howard Lutnick?", "de"),  # a name: the rules already know who "he" is
    ("Which company did Musk found in 2023?", "en"),  # "did": the clause would need the verb rewritten
    ("What is Stargate?", "en"),
    ("Via welk netwerk is Grok te gebruiken?", "nl"),
    ("Welk?", "nl"),
    ("Wer hat xAI gegründet?", "de"),  # "wer", "wie", "who" are not described (module docstring)
    ("Welches Beispiel für KI nennt der Artikel?", "de"),  # a preposition after the noun: the phrase goes on
])
def test_no_clear_shape_is_no_description(question, language):
    assert describe(question, language, MARKS) == ""


@pytest.mark.parametrize("question, language", [
    ("Hoe heet de baas van OpenAI?", "nl"), ("What is the name of OpenAI's CEO?", "en"),
    ("Wie heißt der Chef von Nvidia?", "de"), ("Welke topman leidt Nvidia?", "nl"),
    ("Which founder left OpenAI?", "en"),
])
def test_a_question_for_the_name_of_a_role_asks_for_a_person(question, language):
    assert asks_for_role_holder(question, language, MARKS)


@pytest.mark.parametrize("question, language", [
    ("Hoe heet de chatbot van xAI?", "nl"), ("Welk bedrijf leidt de oprichter?", "nl"),
    ("Which company did the founder start?", "en"), ("Wie alt ist der Chef von Nvidia?", "de"),
])
def test_a_question_for_another_name_or_for_no_name_does_not(question, language):
    assert not asks_for_role_holder(question, language, MARKS)
