"""A fragment follow-up answered with the last answer's facts answers the earlier question (rag.checking.repeats,
AbstainReason.REPEATED). No model: the check reads the answer texts."""
import pytest

from rag.checking import after_model, repeats
from rag.config import Settings
from rag.pipeline import Question, _fragment
from rag.results import AbstainReason, Passage

LAST = ("Hoe groot was de AI-capaciteit van China in juni?", "246 exaflops.")
ASKED = "Hoe groot was de AI-capaciteit van China tegen het einde van het jaar?"
ABSTAIN = "Dat staat niet in de bronnen."
TEXT = "China had in juni 246 exaflops; tegen het einde van het jaar kan dat 300 exaflops zijn."
PASSAGES = [Passage(1, "d", "Titel", "2025-01", "d#1", TEXT, 0, len(TEXT), 0.5, 0.8, "nl")]


@pytest.mark.parametrize("answer, same", [
    ("246 exaflops.", True), ("246 exaflops [1].", True),
    ("300 exaflops.", False),  # the fragment's own answer
    ("246 exaflops in juni, 300 tegen het einde van het jaar.", False),  # more than the last answer
    ("Ja.", False),  # no fact to compare
])
def test_an_answer_with_only_the_last_answers_facts_repeats_it(answer, same):
    assert repeats(answer, ASKED, "nl", *LAST) is same


@pytest.mark.parametrize("answer, same", [
    ("100 gigawatt [1].", False),  # the same number in another unit: the fragment's own answer
    ("100 kW [1].", True), ("100 kw.", True),
    ("100 [1].", True),  # no unit written: the number alone decides
    ("100 kilowatts [1].", True), ("100 Kilowatt.", True),  # the unit's other spellings (canonical_units)
    ("100 gigawatts [1].", False),
])
def test_a_number_repeats_only_in_the_same_unit(answer, same):
    last = ("Wie viel Rechenleistung entspricht laut Musk eine Tonne Satellitenausrüstung?", "100 kW [1].")
    assert repeats(answer, "Wie viel Rechenleistung entspricht eine Million Tonnen im Jahr?", "de", *last) is same


def test_a_names_answer_repeated_is_caught_too():
    assert repeats("Airbus, Siemens.", "Welke technologiebedrijven doen mee?", "nl",
                   "Welke industriële groepen doen mee?", "Airbus, Siemens.")


def test_the_check_abstains_only_with_the_earlier_turn_given():
    repeated = after_model(Settings(), ASKED, "nl", "246 exaflops [1].", PASSAGES, ABSTAIN, earlier=[LAST])
    assert repeated.reason == AbstainReason.REPEATED and repeated.text == ABSTAIN
    assert any("answers the earlier question" in note for note in repeated.notes)
    assert not after_model(Settings(), ASKED, "nl", "300 exaflops [1].", PASSAGES, ABSTAIN, earlier=[LAST]).abstained
    assert not after_model(Settings(), ASKED, "nl", "246 exaflops [1].", PASSAGES, ABSTAIN).abstained


def _question(asked, method, history):
    return Question(asked, history=history, language="nl", question=ASKED, rewrite_method=method)


def test_only_a_fragment_made_standalone_carries_its_frame():
    history = [(LAST[0], "246 exaflops [1].")]
    assert _fragment(_question("En tegen het einde van het jaar?", "substituted", history), Settings())[1] == [LAST]
    assert _fragment(_question("Hoe oud is hij?", "substituted", history), Settings())[1] == []  # a pronoun
    assert _fragment(_question("En tegen het einde van het jaar?", "rejected", history), Settings())[1] == []
    abstained = [(LAST[0], "")]  # nothing to repeat
    assert _fragment(_question("En tegen het einde van het jaar?", "substituted", abstained), Settings())[1] == []


def test_only_a_fragment_made_standalone_has_its_own_names_checked():
    history = [(LAST[0], "")]  # also after an abstained turn: "And Oracle?" still names what it asks about
    assert _fragment(_question("En tegen het einde van het jaar?", "substituted", history), Settings())[0]
    assert not _fragment(_question("Hoe oud is hij?", "substituted", history), Settings())[0]
    assert not _fragment(_question("En tegen het einde van het jaar?", "rejected", history), Settings())[0]


def test_a_fragment_asked_in_full_has_its_names_checked_as_a_standalone_questions():
    """ "and the weaker version made for China?" -> "What is the weaker version made for China?" (rag.own_topics)
    names nothing of the last question: its evidence sentence need not name China, but its answer must still
    differ from the last one."""
    history = [(LAST[0], "246 exaflops [1].")]
    asked_in_full = Question("en de omzet van Philips?", history=history, language="nl",
                             question="Wat is de omzet van Philips?", rewrite_method="substituted")
    assert _fragment(asked_in_full, Settings()) == (False, [LAST])


def test_a_model_rewrite_of_such_a_fragment_still_has_its_own_names_checked():
    """The model's rewrite may carry the last question's names: the fragment check stays."""
    history = [(LAST[0], "246 exaflops [1].")]
    rewritten = Question("en de omzet van Philips?", history=history, language="nl",
                         question="Hoe groot was de omzet van Philips in juni?", rewrite_method="rewritten")
    assert _fragment(rewritten, Settings())[0]


def test_a_scale_word_in_another_language_is_the_same_unit():
    """blind25 fv-29: "200 miljard euro" to "en voor de gigafabrieken?" after "200 Milliarden Euro"."""
    last = ("Wie viel Geld will die EU-Kommission für KI mobilisieren?", "200 Milliarden Euro [1].")
    asked = "Wie viel Geld will die EU-Kommission voor de gigafabrieken mobilisieren?"
    assert repeats("200 miljard euro [1].", asked, "nl", *last)
    assert repeats("200 billion euros [1].", asked, "en", *last)
    assert not repeats("200 miljoen euro [1].", asked, "nl", *last)
    assert not repeats("20 miljard euro [1].", asked, "nl", *last)


@pytest.mark.parametrize("answer, same", [
    ("500 Milliarden US-Dollar [2].", True),  # blind32 fb32-02: German capitalises the scale and the currency
    ("500 Milliarden Dollar [2].", True),
    ("100 Milliarden US-Dollar [2].", False),  # the fragment's own answer
])
def test_a_german_amount_is_no_name_that_makes_the_answer_new(answer, same):
    last = ("How much money is supposed to flow into Stargate over four years?", "At least 500 billion dollars [1].")
    assert repeats(answer, "How much money is supposed to flow into Stargate initially?", "de", *last) is same


def test_a_fragment_after_a_side_question_carries_the_turn_before_it_too():
    """blind27 fb27-22: "en voor het nieuwe fonds voor gigafabrieken?" after "Wat is InvestAI?" continues the
    question before it; "200 miljard euro" again answers that one."""
    history = [("Hoeveel euro wil de Europese Commissie mobiliseren voor AI?", "200 miljard euro [1]."),
               ("Wat is InvestAI?", "Een fonds voor gigafabrieken [1].")]
    fragment, earlier = _fragment(_question("En voor het nieuwe fonds voor gigafabrieken?", "substituted", history),
                                  Settings())
    assert fragment and len(earlier) == 2
    verdict = after_model(Settings(), "Hoeveel euro wil de Europese Commissie mobiliseren voor het nieuwe fonds?",
                          "nl", "200 miljard euro [1].", PASSAGES_FUND, ABSTAIN, earlier=earlier)
    assert verdict.reason == AbstainReason.REPEATED


FUND = "De EU wil 200 miljard euro mobiliseren, waarvan 20 miljard euro voor een nieuw fonds voor gigafabrieken."
PASSAGES_FUND = [Passage(1, "d", "Titel", "2025-02", "d#1", FUND, 0, len(FUND), 0.5, 0.8, "nl")]


def test_a_name_typed_in_lower_case_still_makes_a_fragment():
    """blind24 fw-18: "what about china" (the articles write "China") answered with the last answer's 57%."""
    history = [("Welk percentage van alle AI-medewerkers wereldwijd zit in de VS?", "57% [1].")]
    question = Question("what about china", history=history, language="en", question="What share is in China?",
                        rewrite_method="substituted", written="what about China")
    assert _fragment(question, Settings())[0]
