"""A follow-up that is only a question phrase takes the place of the last question's (rag.question_phrases)."""
import pytest

from rag.followups import _marks, refers_back, rewrite_question
from rag.question_phrases import fragment_phrase, in_place, phrase_end
from tests.unit.test_followups import PROMPTS, Scripted

MARKS = _marks(None)


@pytest.mark.parametrize("question, language, phrase", [
    ("Wie viel Geld hat xAI im Januar eingesammelt?", "de", "Wie viel Geld"),
    ("Wie viele Tonnen Fracht soll jedes Starship mitnehmen?", "de", "Wie viele Tonnen Fracht"),
    ("Hoeveel geld haalde xAI begin januari op?", "nl", "Hoeveel geld"),
    ("Hoeveel investeerde SpaceX vorig jaar in xAI?", "nl", "Hoeveel"),
    ("In hoeveel toekomstige gigafabrieken gaat het InvestAI-fonds investeren?", "nl",
     "In hoeveel toekomstige gigafabrieken"),
    ("Op welke top kondigde Von der Leyen het plan aan?", "nl", "Op welke top"),
    ("How much money did xAI raise in early January?", "en", "How much money"),
    ("Which Chinese company launched the Hanguang 800 chip?", "en", "Which Chinese company"),
    ("Wanneer wil SpaceX naar de beurs?", "nl", "Wanneer"),
])
def test_the_question_phrase_ends_at_the_finite_verb(question, language, phrase):
    tokens = question.rstrip("?").split()
    assert " ".join(tokens[:phrase_end(tokens, language, MARKS)]) == phrase


@pytest.mark.parametrize("question, language", [
    ("Welke afdeling van Alibaba ontwerpt de chips?", "nl"),  # the phrase goes on after its noun
    ("War Musk nicht Mitgründer von OpenAI?", "de"),  # no question word first
])
def test_a_phrase_whose_end_is_not_sure_has_none(question, language):
    assert phrase_end(question.rstrip("?").split(), language, MARKS) is None


@pytest.mark.parametrize("question, phrase", [
    ("Und zu welcher Bewertung?", "zu welcher Bewertung"),
    ("En hoe vaak dan?", "hoe vaak"),
    ("In what year?", "In what year"),
    ("und mit wie viel zusätzlichem Kapital?", "mit wie viel zusätzlichem Kapital"),
])
def test_a_follow_up_of_a_question_phrase_alone(question, phrase):
    assert fragment_phrase(question, "de", MARKS) == phrase


@pytest.mark.parametrize("question", [
    "Und wie oft soll eins starten?",  # a verb: a question of its own
    "wie heißt es denn?",  # a pronoun: it points back
    "Und wie viel davon?",
    "What about the valuation?",  # a noun phrase after "what about"
    "und mit welcher Warnung an die EU?",  # more than a question phrase
    "En xAI?",  # no question word
])
def test_what_is_not_a_question_phrase_alone(question):
    assert fragment_phrase(question, "de", MARKS) == ""


@pytest.mark.parametrize("question, last, language, last_language, standalone", [
    ("Und zu welcher Bewertung?", "Wie viel Geld hat xAI im Januar eingesammelt?", "de", "de",
     "Zu welcher Bewertung hat xAI im Januar eingesammelt?"),
    ("En in welke landen?", "In hoeveel toekomstige gigafabrieken gaat het InvestAI-fonds investeren?", "nl", "nl",
     "In welke landen gaat het InvestAI-fonds investeren?"),
    ("at what valuation?", "How much money did xAI raise in early January?", "en", "en",
     "At what valuation did xAI raise in early January?"),
    ("En welke technologiebedrijven?", "Welke industriële groepen maken deel uit van het EU AI Champions Initiative?",
     "nl", "nl", "Welke technologiebedrijven maken deel uit van het EU AI Champions Initiative?"),
])
def test_the_follow_ups_phrase_takes_the_place_of_the_last_questions(question, last, language, last_language,
                                                                       standalone):
    assert in_place(question, last, language, last_language, MARKS) == standalone


def test_a_question_word_that_is_the_subject_keeps_its_place():
    assert in_place("tegen welke waardering?", "Wat wordt bedoeld met de 'Muskonomy'?", "nl", "nl", MARKS) is None


def test_the_rule_writes_the_standalone_question_without_the_model():
    model = Scripted()
    history = [("Hoeveel geld haalde xAI begin januari op?", "20 miljard dollar [1].")]
    rewrite = rewrite_question(model, PROMPTS, "En tegen welke waardering?", history, "nl")
    assert (rewrite.question, rewrite.method) == ("Tegen welke waardering haalde xAI begin januari op?", "substituted")
    assert model.calls == []


def test_a_question_word_for_the_subject_with_words_after_it_is_a_clause():
    assert fragment_phrase("and who runs the starlink network?", "en", MARKS) == ""


def test_a_follow_up_that_names_something_is_no_question_phrase_alone():
    assert fragment_phrase("In welchem Jahr gründete Musk xAI?", "de", MARKS) == ""


def test_a_question_phrase_in_another_language_than_the_last_question_is_left_to_the_model():
    assert in_place("And by whom?", "Wann wurde xAI gegründet?", "en", "de", MARKS) is None


@pytest.mark.parametrize("question, last, language, standalone", [
    ("en hoeveel dan?", "Heeft SpaceX vorig jaar geld in xAI gestoken?", "nl",
     "Hoeveel heeft SpaceX vorig jaar geld in xAI gestoken?"),
    ("Und wann?", "Hat Tesla in xAI investiert?", "de", "Wann hat Tesla in xAI investiert?"),
    ("and how much?", "Did SpaceX invest in xAI last year?", "en", "How much did SpaceX invest in xAI last year?"),
], ids=["nl", "de", "en"])
def test_a_yes_no_question_takes_the_phrase_in_front(question, last, language, standalone):
    """blind20 fy-23: the model wrote "En hoeveel dan geld SpaceX in xAI gestoken?" and the answer was wrong."""
    assert in_place(question, last, language, language, MARKS) == standalone


def test_a_yes_no_question_does_not_take_a_question_word_for_the_subject():
    assert in_place("and who?", "Did anyone invest in xAI?", "en", "en", MARKS) is None


def test_a_yes_no_question_with_to_be_first_does_not_take_the_phrase():
    """fn-24: "Zu welcher Bewertung?" after "War Musk nicht auch Mitgründer von OpenAI?" meant an earlier turn."""
    assert in_place("und zu welcher Bewertung?", "War Musk nicht auch Mitgründer von OpenAI?", "de", "de",
                    MARKS) is None


@pytest.mark.parametrize("question, language", [
    ("Welk Amerikaans AI-bedrijf verbiedt bedrijven met een Chinese meerderheidsaandeelhouder om zijn producten te "
     "gebruiken?", "nl"),
    ("Which company sells its chips to China?", "en"),
], ids=["nl", "en"])
def test_a_possessive_after_the_questions_own_subject_and_verb_is_its_own(question, language):
    """blind20 fy-45: a topic switch searched with "Musk's producten"."""
    assert not refers_back(question, language, PROMPTS)


@pytest.mark.parametrize("question, language", [
    ("Welk bedrijf is zijn grootste concurrent?", "nl"),
    ("Which chips does his company sell?", "en"),
    ("Welches Unternehmen verkauft seine Chips an China?", "de"),
], ids=["to-be", "do-support", "de-right-after-the-verb"])
def test_a_possessive_that_may_be_the_subjects_or_an_earlier_names_still_leans_on_the_conversation(question,
                                                                                                    language):
    assert refers_back(question, language, PROMPTS)


@pytest.mark.parametrize("question, language", [
    ("At which summit did Xi Jinping reject what he called Cold War thinking?", "en"),
    ("Wie alt war Musk, als er Tesla kaufte?", "de"),
    ("Wat zei Altman toen hij werd ontslagen?", "nl"),
], ids=["en", "de", "nl"])
def test_a_subject_pronoun_opening_a_clause_after_the_questions_own_name_is_that_name(question, language):
    """blind27 fb27-34: a topic switch searched as "what China called Cold War thinking"."""
    assert not refers_back(question, language, PROMPTS)


@pytest.mark.parametrize("question, language", [
    ("Wie viel Geld hat er in Trumps Wahlkampf gesteckt?", "de"),  # after a verb, not a clause opener
    ("What did Trump say when he met him?", "en"),  # "him" still points back
    ("What did the company say when he left?", "en"),  # no name of its own before the clause
], ids=["after-a-verb", "another-pronoun", "no-own-name"])
def test_a_pronoun_not_bound_in_the_question_still_leans_on_the_conversation(question, language):
    assert refers_back(question, language, PROMPTS)


def test_the_bound_pronoun_is_not_replaced_when_another_one_is():
    from rag.pronouns import pronoun_hits

    hits = pronoun_hits("What did Trump say when he met him?", MARKS["en"], "en")
    assert [m.group(0) for m, _ in hits] == ["him"]


@pytest.mark.parametrize("question", ["what's Starlink?", "Wat is InvestAI?", "Wer ist Howard Lutnick?"])
def test_a_question_that_only_asks_what_or_who_a_name_is_stands_alone(question):
    """blind27 fb27-40: "what's Starlink?" (two words) after "when is SpaceX going public?" was searched as "When is
    Starlink going public?"."""
    assert not refers_back(question, "en", PROMPTS)


def test_a_contraction_typed_without_its_apostrophe_still_asks_what_a_name_is():
    """blind29 fb29-31: after "whats a gigawatt anyway", "and the first ai gigafactories on earth?" went into the
    side question ("What is the first ai gigafactories on earth?")."""
    from rag import ellipses

    assert ellipses.an_aside("whats a gigawatt anyway", "en", MARKS)
    assert ellipses.an_aside("whos Howard Lutnick?", "en", MARKS)


def test_het_before_ter_is_a_pronoun():
    """blind29 fb29-16: "hoeveel geld stelt het ter beschikking" was searched as asked ("ter" is a preposition)."""
    assert refers_back("hoeveel geld stelt het ter beschikking", "nl", PROMPTS)
