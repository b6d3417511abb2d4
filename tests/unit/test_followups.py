"""Follow-ups: when a question leans on the history, the rewrite's checks, and the Conversation object.

The model is a scripted stand-in here (unit tests of the logic around it); tests/integration/test_answers.py
asks follow-ups of the real model."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from rag.answering import Assistant, Conversation
from rag.config import PROJECT_DIR, Settings
from rag.errors import InputError
from rag.followups import (
    REJECTED_NOTE,
    Turn,
    as_turns,
    asks_nothing,
    clean_rewrite,
    refers_back,
    rewrite_problem,
    rewrite_question,
    substitute,
)
from rag.llm import Generator
from rag.results import Answer, Citation, Found, Passage

PROMPTS = PROJECT_DIR / "prompts"
ALTMAN = [("Wie leidt OpenAI?", "Sam Altman leidt OpenAI [1].")]
# Two new names in the answer: the rules cannot tell whom "hij" means, so the model chooses between the two
# questions they write; where it writes no number (NO_CHOICE), it rewrites the follow-up itself.
FOUNDERS = [("Wie leidt OpenAI?", "Sam Altman leidt OpenAI, met Greg Brockman [1].")]
NO_CHOICE = ""


class Scripted(Generator):
    """Answers with the next scripted text and keeps the messages it was sent."""

    model_name = "scripted"

    def __init__(self, *texts: str):
        self.texts, self.calls = list(texts), []

    def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        self.calls.append((messages, grammar))
        text = self.texts.pop(0)
        if record is not None:
            record.text = text
        yield text


@pytest.mark.parametrize("question, language", [
    ("Hoe oud is hij?", "nl"), ("Wie betaalt dat?", "nl"), ("En in Duitsland?", "nl"),
    ("Wanneer is het bedrijf opgericht?", "nl"), ("Hoeveel daarvan gaat naar Frankrijk?", "nl"),
    ("Wie alt ist er?", "de"), ("Und wer finanziert das?", "de"), ("Was ist mit Google?", "de"),
    ("Wie viel Geld hat es 2025 verbrannt?", "de"), ("Who leads it?", "en"), ("What about China?", "en"),
    ("How old is she now?", "en"), ("Why?", "en"), ("In what year?", "en"), ("Und insgesamt?", "de"),
    ("En in China?", "en"),  # an opening counts in any language: detection is unsure of three words
    ("Hoeveel geld moet erin vloeien?", "nl"), ("Wie steht es mit Alibaba im nächsten Jahr?", "de"),
    ("xAI, by comparison?", "en"), ("Google dan weer?", "nl"),  # a name and words that change nothing
])
def test_questions_that_lean_on_the_history(question, language):
    assert refers_back(question, language, PROMPTS)


@pytest.mark.parametrize("question, language", [
    ("Wie leidt OpenAI?", "nl"), ("Hoeveel Starlink-satellieten zijn er in de ruimte?", "nl"),
    ("Wat zijn de plannen van de Europese Commissie voor AI?", "nl"),  # "zijn" is the verb here
    ("Gibt es Pläne für KI-Gigafabriken in Europa?", "de"), ("Wer ist Sam Altman?", "de"),
    ("How much money will flow into Stargate?", "en"), ("Who leads OpenAI?", "en"),
    # a possessive that a name of the question's own owns points at nothing earlier
    ("Wofür will Alibaba seinen neuen KI-Chip nutzen?", "de"),
    ("Met welke instelling vergelijkt Von der Leyen haar plannen voor AI?", "nl"),
    ("By how much did Tesla's revenue fall in its first-ever decline?", "en"),
])
def test_questions_that_stand_alone(question, language):
    assert not refers_back(question, language, PROMPTS)


@pytest.mark.parametrize("question, language", [
    ("Wie viel Geld stellt dessen Fonds bereit?", "de"),  # "Geld" is a common noun, not an owner
    ("Wat moet AI volgens haar persbericht zijn?", "nl"),  # "AI" is generic
    ("Wie viel Geld will ihre Kommission insgesamt für KI mobilisieren?", "de"),
])
def test_a_possessive_after_no_name_of_the_questions_own_still_points_back(question, language):
    assert refers_back(question, language, PROMPTS)


def test_history_turns_come_from_answers_or_pairs_without_citation_marks():
    passage = Passage(1, "a", "t", None, "a#0", "Sam Altman leidt OpenAI.", 0, 24, 1.0)
    answered = Answer("Wie leidt het?", "Sam Altman [1].", "nl", False, [Citation.from_passage(passage)],
                      searched_for="Wie leidt OpenAI?")
    abstained = Answer("Hoe oud is zijn hond?", "Dat staat niet in de bronnen.", "nl", True)
    turns = as_turns([("Q1", "A1 [2]."), answered, abstained], max_turns=3)
    assert turns == [Turn("Q1", "A1."), Turn("Wie leidt OpenAI?", "Sam Altman."),
                     Turn("Hoe oud is zijn hond?", "")]
    assert as_turns(turns, max_turns=1) == turns[-1:] and as_turns(turns, max_turns=0) == []
    with pytest.raises(InputError, match="history turn"):
        as_turns(["just a string"], 1)


def test_a_question_that_stands_alone_is_not_sent_to_the_model():
    model = Scripted()
    for history in ([], ALTMAN):
        rewrite = rewrite_question(model, PROMPTS, "Hoeveel geld gaat naar Stargate?", history, "nl")
        assert (rewrite.question, rewrite.method) == ("Hoeveel geld gaat naar Stargate?", "alone")
    assert model.calls == []


def test_a_follow_up_is_rewritten_from_the_last_turn_in_its_language():
    model = Scripted(NO_CHOICE, "Hoe oud is Sam Altman")
    rewrite = rewrite_question(model, PROMPTS, "Hoe oud is hij?", FOUNDERS, "nl")
    assert (rewrite.question, rewrite.method, rewrite.note) == ("Hoe oud is Sam Altman?", "rewritten", "")
    _, (messages, grammar) = model.calls
    assert messages[0]["role"] == "system" and grammar.startswith("root ::=")
    assert messages[-1]["content"].splitlines() == [
        "Earlier question: Wie leidt OpenAI?", "Earlier answer: Sam Altman leidt OpenAI, met Greg Brockman.",
        "Follow-up in Dutch: Hoe oud is hij?"]


def test_where_the_rules_write_several_questions_the_model_chooses_one_by_its_number():
    model = Scripted("2")
    rewrite = rewrite_question(model, PROMPTS, "Hoe oud is hij?", FOUNDERS, "nl")
    assert (rewrite.question, rewrite.method) == ("Hoe oud is Greg Brockman?", "chosen")
    (messages, grammar), = model.calls
    assert grammar == 'root ::= "1" | "2" | "3"'
    assert messages[-1]["content"].splitlines()[-4:] == [
        "Follow-up: Hoe oud is hij?", "1. Hoe oud is Sam Altman?", "2. Hoe oud is Greg Brockman?", "3. None of these"]


def test_when_the_model_chooses_none_of_the_rules_questions_it_rewrites_the_follow_up():
    model = Scripted("3", "Hoe oud is Sam Altman")
    rewrite = rewrite_question(model, PROMPTS, "Hoe oud is hij?", FOUNDERS, "nl")
    assert (rewrite.question, rewrite.method) == ("Hoe oud is Sam Altman?", "rewritten") and len(model.calls) == 2


@pytest.mark.parametrize("question, history, choices", [
    ("Und Google?", [("Wann haben SoftBank und OpenAI ihren Fonds angekündigt?", "Am Dienstag.")],
     ["Wann haben Google und OpenAI ihren Fonds angekündigt?",
      "Wann haben SoftBank und Google ihren Fonds angekündigt?"]),
    ("En van Google?", [("Wie is volgens de krant van Apple de baas van Meta?", "x")],  # after the same preposition
     ["Wie is volgens de krant van Google de baas van Meta?", "Wie is volgens de krant van Apple de baas van Google?"]),
    ("How old is he?", [("Who leads OpenAI?", "Sam Altman, with Greg Brockman.")],
     ["How old is Sam Altman?", "How old is Greg Brockman?"]),
    ("Hoe oud is hij?", ALTMAN, []),  # the rules are sure: nothing to choose
    ("Hoeveel daarvan gaat naar chips?", ALTMAN, []),  # "daarvan" points at no name: the model rewrites
])
def test_the_questions_the_rules_offer_when_unsure(question, history, choices):
    from rag.followups import options

    language = "de" if question.startswith("Und") else "en" if question.startswith("How") else "nl"
    assert options(question, as_turns(history, 2), language, PROMPTS) == choices


def test_a_name_the_follow_up_repeats_from_the_last_question_takes_another_names_place():
    """"And Trump?" after a question that names Trump as an owner asks about Trump instead of its subject."""
    rewrite = rewrite_question(Scripted(), PROMPTS, "And Trump?",
                               [("How old is Altman in Trump's article?", "39.")], "en")
    assert (rewrite.question, rewrite.method) == ("How old is Trump in Trump's article?", "substituted")


@pytest.mark.parametrize("question, history, language, standalone", [
    # one pronoun, one new name in the last answer: the name takes its place
    ("Hoe oud is hij?", ALTMAN, "nl", "Hoe oud is Sam Altman?"),
    ("Wat deed hij voor de campagne van Trump?", [("Wie adviseert de regering?", "David Sacks, voor Trump.")], "nl",
     "Wat deed David Sacks voor de campagne van Trump?"),  # Trump is in the follow-up: not the new name
    ("Wie viel Geld hat es 2025 verbrannt?", [("Welche Firma gründete Musk?", "Musk gründete xAI.")], "de",
     "Wie viel Geld hat xAI 2025 verbrannt?"),
    ("Wie hoch war ihre Bruttomarge?", [("Welche Firma ist am meisten wert?", "Nvidia [2].")], "de",
     "Wie hoch war Nvidias Bruttomarge?"),
    ("How many gigafactories will it build?", [("Hoe heet het AI-plan?", "Het plan heet InvestAI.")], "en",
     "How many gigafactories will InvestAI build?"),  # the answer's names read in the answer's language
    # "zijn" after a plural verb is a possessive, as after a singular one ("Wat is zijn rol?")
    ("Wie zijn zijn klanten?", [("Welk bedrijf bouwt raketten?", "SpaceX [1].")], "nl", "Wie zijn SpaceX' klanten?"),
    ("Wat waren zijn plannen?", ALTMAN, "nl", "Wat waren Sam Altman's plannen?"),
    # an elliptic name: it takes the place of the one name of the last question (after the same preposition)
    ("En xAI?", [("In welk jaar is SpaceX opgericht?", "In 2002.")], "nl", "In welk jaar is xAI opgericht?"),
    ("Und David Sacks?", [("Wie alt ist Sam Altman?", "39.")], "de", "Wie alt ist David Sacks?"),
    ("En in China?", [("Hoeveel procent van de AI-medewerkers werkt in de VS?", "32,6%.")], "nl",
     "Hoeveel procent van de AI-medewerkers werkt in China?"),
    # a bare name, without an opening, and one with words after it that change nothing
    ("OpenAI?", [("Wer leitet Nvidia?", "Jensen Huang.")], "de", "Wer leitet OpenAI?"),
    ("ByteDance's?", [("What is Alibaba's AI model line called?", "Qwen.")], "en",
     "What is ByteDance's AI model line called?"),
    ("xAI, by comparison?", [("When was SpaceX founded?", "2002.")], "en", "When was xAI founded?"),
    ("Und Tesla selbst?", [("Wie viel hat SpaceX in xAI investiert?", "2 Milliarden.")], "de",
     "Wie viel hat Tesla in xAI investiert?"),
])
def test_rules_make_the_standalone_question_without_the_model(question, history, language, standalone):
    model = Scripted()
    rewrite = rewrite_question(model, PROMPTS, question, history, language)
    assert (rewrite.question, rewrite.method) == (standalone, "substituted")
    assert model.calls == []


@pytest.mark.parametrize("question, history", [
    ("Hoe oud is hij?", FOUNDERS),  # two new names: which one?
    ("Hoe oud is hij?", [("Wie leidt OpenAI?", "")]),  # Bron abstained: no name to put in
    ("Hoeveel daarvan gaat naar chips?", ALTMAN),  # "daarvan" points at a thing, not at a name
    ("Gibt es dort Rechenzentren?", [("Wo baut Microsoft?", "In Texas.")]),  # "es" of "gibt es", and "dort"
    ("And Stargate?", [("When did SoftBank and OpenAI announce their fund?", "On Tuesday.")]),  # two old names
    ("Und bis Jahresende?", [("How large was China's capacity in June?", "x")]),  # not a name
    ("En OpenAI?", [("Wie leidt OpenAI?", "Sam Altman.")]),  # the name is already there
    ("An welchem Tag hat er das verkündet?", [("Wie viel will Stargate investieren?", "100 Milliarden US-Dollar.")]),
    ("Per Starship?", [("Hoeveel vracht lanceerde SpaceX in 2025?", "x")]),  # a phrase (rag.fragments), no name
    ("Und die EU?", [("Wie viel wollen die Mitgliedstaaten investieren?", "x")]),  # no name to replace, no place
])
def test_rules_leave_what_they_cannot_be_sure_of_to_the_model(question, history):
    assert substitute(question, as_turns(history, 1), "nl", PROMPTS) is None


def test_a_pronoun_looks_one_turn_back_when_the_last_turn_stayed_on_the_topic():
    stargate = [("Wer hat die Gründung von Stargate verkündet?", "Donald Trump [1]."),
                ("Wie viel will Stargate zunächst investieren?", "100 Milliarden US-Dollar [1].")]
    rewrite = rewrite_question(Scripted(), PROMPTS, "An welchem Wochentag hat er das verkündet?", stargate, "de")
    assert (rewrite.question, rewrite.method) == ("An welchem Wochentag hat Donald Trump das verkündet?",
                                                  "substituted")
    new_topic = [stargate[0], ("Wie viel investiert Nvidia in Rechenzentren?", "5 Milliarden Euro.")]
    # Nvidia is a new topic: "es" stays on it, while "er" still finds the person the "wer" question found
    assert substitute("Wann wurde es gegründet?", as_turns(new_topic, 2), "de", PROMPTS) == \
        "Wann wurde Nvidia gegründet?"
    assert substitute("Wie alt ist er?", as_turns(new_topic, 2), "de", PROMPTS) == "Wie alt ist Donald Trump?"


@pytest.mark.parametrize("question, history", [
    # "Elon Musk" extends the "Musk" the question named: not a new name for "es" to stand for
    ("Wie viel Geld hat es verbrannt?", [("Über welches Netzwerk hat Musk den Chatbot gestartet?", "Elon Musk [1].")]),
    ("Hoe oud is hij?", [("Wie leidt OpenAI?", "Sam Altman."), ("Wat kost Stargate?", "500 miljard.")]),
])
def test_the_rules_find_no_new_name(question, history):
    assert substitute(question, as_turns(history, 2), "de", PROMPTS) is None


@pytest.mark.parametrize("rewrite, problem", [
    ("Hoe oud is Elon Musk?", "elon musk"),  # a name nobody mentioned
    ("How old is Sam Altman?", "in en"),  # another language
    ("", "empty"),
])
def test_an_untrustworthy_rewrite_is_not_used_and_the_follow_up_is_searched_as_asked(rewrite, problem):
    result = rewrite_question(Scripted(NO_CHOICE, rewrite), PROMPTS, "Hoe oud is hij?", FOUNDERS, "nl")
    assert result.method == "rejected" and result.question == "Hoe oud is hij?"
    assert result.note.startswith(REJECTED_NOTE) and problem in result.note.lower()


STARGATE_TURN = [Turn("Wie viel Geld soll in Stargate fließen?", "500 Milliarden US-Dollar")]


@pytest.mark.parametrize("rewrite, question, problem", [
    ("Wer finanziert das Stargate Projekt?", "Und wer finanziert das?", None),  # "Projekt" is a common word
    ("Wer finanziert Stargate mit Microsoft?", "Und wer?", "microsoft"),
    ("Wer " * 60 + "?", "Und wer?", "longer"),
    ("Und David Sacks?", "Und David Sacks?", "repeated the follow-up"),
    ("Wie viel Geld soll in Stargate fließen?", "Und bis 2029?", "repeated the earlier question"),
    ("Wie viel Geld hat Stargate eingesammelt?", "Und zu welcher Bewertung?", "left out bewertung"),
    ("Wie viel Geld soll bis Jahresende in Stargate fließen?", "Und bis Jahresende?", None),
    ("Wer liefert ihm Batterien?", "Und wer liefert ihm Batterien?", "still has the follow-up's pronouns"),
    ("Wer liefert Stargate Batterien?", "Und wer liefert ihm Batterien?", None),
    ("Wer finanziert Stargate?", "Und wer finanziert dieses Unternehmen?", None),
    ("Wer finanziert dieses Unternehmen?", "Und wer finanziert dieses Unternehmen?", "still has the follow-up's"),
], ids=["common-word", "new-name", "too-long", "repeats-follow-up", "repeats-earlier", "drops-word", "kept",
        "keeps-the-pronoun", "resolves-the-pronoun", "resolves-a-demonstrative-phrase", "keeps-the-phrase"])
def test_rewrite_checks(rewrite, question, problem):
    found = rewrite_problem(rewrite, question, STARGATE_TURN, "de")
    assert found is None if problem is None else problem in found


@pytest.mark.parametrize("rewrite, problem", [
    ("Wie levert die batterijen voor die datacenters von xAI?", "left out optimus, robotaxi"),
    ("Wie levert de software voor de Robotaxi en Optimus van xAI?", None),
], ids=["drops-the-names", "keeps-the-names"])
def test_a_rewrite_in_the_last_questions_language_keeps_the_follow_ups_names(rewrite, problem):
    # the content-word check cannot read a rewrite in another language; names are not translated
    turns = [Turn("Wie levert de batterijen voor de datacenters van xAI?", "Tesla")]
    found = rewrite_problem(rewrite, "Und die Software für den Robotaxi und Optimus?", turns, "de")
    assert found is None if problem is None else problem in found


def test_a_question_word_typed_together_with_its_verb_is_not_a_word_to_keep():
    turns = [Turn("Welche KI-Firma hat Musk 2023 gegründet?", "xAI [1].")]
    assert rewrite_problem("What is the name of xAI's chatbot?", "whats the name of its chatbot", turns, "en") is None
    assert "left out chatbot" in rewrite_problem("What is xAI's name?", "whats the name of its chatbot", turns, "en")


@pytest.mark.parametrize("text, question", [
    ('Standalone question: "Wie alt ist er?"\nmore', "Wie alt ist er?"),
    ("Vraag: Hoe oud is Sam Altman?", "Hoe oud is Sam Altman?"),
    ("„Wer leitet OpenAI?“", "Wer leitet OpenAI?"),
], ids=["label-en-and-quotes", "label-nl", "german-quotes"])
def test_a_copied_label_and_quotes_are_removed_from_the_rewrite(text, question):
    assert clean_rewrite(text) == question


def test_history_turns_zero_switches_rewriting_off():
    model = Scripted()
    assert rewrite_question(model, PROMPTS, "Hoe oud is hij?", ALTMAN, "nl", max_turns=0).method == "alone"
    assert model.calls == []


NO_ARTICLES = SimpleNamespace(documents={})  # the index data the search reads the articles' dates from


class FakeRetriever:
    def __init__(self):
        self.searched = []

    def search(self, question, k, filter_=None):
        self.searched.append(question)
        return [Passage(1, "a", "OpenAI", None, "a#0", "OpenAI-baas Sam Altman (39) antwoordde.", 0, 40, 1.0, 0.9,
                        "nl")]


def test_the_assistant_searches_for_and_answers_the_standalone_question(tmp_path: Path):
    model = Scripted(NO_CHOICE, "Hoe oud is Sam Altman", "39 jaar [1].")
    retriever = FakeRetriever()  # the retriever, index and model are stand-ins: nothing is loaded
    assistant = Assistant(Settings(cache_dir=tmp_path), generator=model, retriever=retriever, data=NO_ARTICLES)
    items = list(assistant.stream("Hoe oud is hij?", history=FOUNDERS))
    found, answer = items[0], items[-1]
    assert isinstance(found, Found) and found.searched_for == "Hoe oud is Sam Altman?" and len(found.passages) == 1
    assert retriever.searched == ["Hoe oud is Sam Altman?"]
    assert answer.question == "Hoe oud is hij?" and answer.searched_for == "Hoe oud is Sam Altman?"
    assert answer.text == "39 jaar [1]." and not answer.abstained and answer.timings["rewrite_ms"] > 0
    assert answer.rewrite_method == "rewritten"
    assert "Hoe oud is Sam Altman?" in model.calls[2][0][-1]["content"]  # the answer prompt has the rewrite


def test_a_conversation_passes_its_answers_as_history_and_starts_over_when_cleared():
    seen = []

    class Recorder:
        def answer(self, question, top_k=None, history=None):
            seen.append(list(history))
            return Answer(question, f"answer to {question}", "nl", False,
                          searched_for="Hoe oud is Sam Altman?" if "hij" in question else "")

    conv = Conversation(Recorder())
    first = conv.ask("Wie leidt OpenAI?")
    conv.ask("Hoe oud is hij?")
    assert seen == [[], [first]] and len(conv) == 2
    assert "(searched for: Hoe oud is Sam Altman?)" in repr(conv) and repr(conv).startswith("Conversation(2 turns)")
    conv.clear()
    conv.ask("Wie leidt Nvidia?")
    assert seen[-1] == []


DUTCH_TURN = [Answer("In welk jaar is SpaceX opgericht?", "In 2002 [1].", "nl", False)]


@pytest.mark.parametrize("question, detected, history, language", [
    ("En xAI?", "fr", DUTCH_TURN, "nl"),  # "En" is Dutch, whatever detection says
    ("Und David Sacks?", "de", DUTCH_TURN, "de"),  # the reader switched to German
    ("xAI?", "fr", DUTCH_TURN, "nl"),  # unsupported guess: the conversation's
    ("In what year?", "en", DUTCH_TURN, "en"),  # a detected language stays
    ("En xAI?", "fr", [], "fr"),  # no conversation: nothing to go on
], ids=["opening-nl", "opening-de", "conversation", "detected", "no-history"])
def test_a_short_follow_up_is_answered_in_the_language_its_opening_or_the_conversation_names(
        question, detected, history, language):
    from rag.followups import followup_language

    assert followup_language(question, detected, history, PROMPTS) == language


def test_a_follow_up_that_names_nothing_and_cannot_be_resolved_is_not_answered(tmp_path: Path):
    """Searched as asked, "Hoe oud is hij?" finds somebody's age; not knowing whom it means, Bron abstains."""
    model = Scripted(NO_CHOICE, "Hoe oud is hij")  # the model only repeats the follow-up: rejected
    assistant = Assistant(Settings(cache_dir=tmp_path), generator=model, retriever=FakeRetriever(), data=NO_ARTICLES)
    answer = assistant.answer("Hoe oud is hij?", history=FOUNDERS)
    assert answer.abstained and answer.abstain_reason == "unresolved" and answer.rewrite_method == "rejected"
    assert any("ask it again as a full question with the name" in note for note in answer.notes)
    assert len(model.calls) == 2  # the choice and the rewrite only: no answer is written


@pytest.mark.parametrize("question, language, nothing", [
    ("And Stargate?", "en", True), ("En Sam Altman?", "nl", True), ("Hoe oud is hij?", "nl", True),
    ("Und zu welcher Bewertung?", "de", False), ("And how much does Stargate cost?", "en", False)])
def test_a_follow_up_of_names_and_openings_alone_asks_nothing(question, language, nothing):
    assert asks_nothing(question, language, PROMPTS) is nothing


def test_a_rejected_follow_up_of_a_name_alone_is_not_answered(tmp_path: Path):
    """"And Stargate?" searched as asked finds some fact about Stargate: an answer to a question nobody asked."""
    model = Scripted(NO_CHOICE, "And Stargate")  # the model only repeats the follow-up: rejected
    assistant = Assistant(Settings(cache_dir=tmp_path), generator=model, retriever=FakeRetriever(), data=NO_ARTICLES)
    answer = assistant.answer("And Stargate?", history=[("When did SoftBank and OpenAI announce their fund?",
                                                         "On Tuesday [1].")])
    assert answer.abstained and answer.abstain_reason == "unresolved" and len(model.calls) == 2


@pytest.mark.parametrize("rewrite, accepted", [
    ("Wie viel Geld hat Anthropic eingesammelt?", True),  # the earlier question's language: searched as well
    ("How much money did Anthropic raise?", True),  # the follow-up's language
    ("Hoeveel geld heeft Anthropic opgehaald?", False),  # neither
], ids=["earlier-question-language", "follow-up-language", "a-third-language"])
def test_a_rewrite_may_keep_the_earlier_questions_language(rewrite, accepted):
    turns = [Turn("Wie viel Geld hat OpenAI eingesammelt?", "40 Milliarden Dollar.")]
    problem = rewrite_problem(rewrite, "And how much did Anthropic raise?", turns, "en")
    assert (problem is None) is accepted



COMMISSION_TURN = [Turn("Wie viel Geld soll über vier Jahre in Stargate fließen?", "500 Milliarden US-Dollar")]


@pytest.mark.parametrize("rewrite, question, turns, language, problem", [
    # the ellipsis asks what the last question asked; the model's yes/no question asks something else
    ("Und bei der Europäischen Kommission soll über vier Jahre in Stargate fließen?",
     "Und bei der Europäischen Kommission?", COMMISSION_TURN, "de", "no longer asks for an amount of money"),
    ("Wie viel Geld soll über vier Jahre bei der Europäischen Kommission fließen?",
     "Und bei der Europäischen Kommission?", COMMISSION_TURN, "de", None),
    # the follow-up's own question word counts, not the last question's
    ("Wann wurde Stargate angekündigt?", "Und wann wurde es angekündigt?", COMMISSION_TURN, "de", None),
    ("Wer hat Stargate angekündigt?", "Wann wurde es angekündigt?", COMMISSION_TURN, "de",
     "no longer asks for a date (it asks for a person or organisation)"),
    # a number of another unit is the same ask ("how much" money, "how many" a count)
    ("How many dollars will flow into Stargate?", "How much will flow into it?",
     [Turn("What is Stargate?", "A project.")], "en", None),
    # "Wat ..." asks nothing clear: no kind to keep, nothing checked
    ("Wat verdient Sam Altman?", "En wat verdient hij?", [Turn("Hoe oud is Sam Altman?", "39")], "nl", None),
    # a yes/no follow-up stays one
    ("Ist Sam Altman auch Chef von Tesla?", "Ist er auch Chef von Tesla?", [Turn("Wer leitet OpenAI?", "Altman")],
     "de", None),
    # a Dutch fragment in a German question's frame: its "Wie viel" is German, not the Dutch "wie" (who)
    ("Wie viel will Stargate over vier jaar in totaal investieren?", "en over vier jaar in totaal?",
     [Turn("Wie viel will Stargate zunächst investieren?", "100 Milliarden US-Dollar")], "nl", None),
], ids=["ellipsis-made-yes-no", "ellipsis-kept", "own-question-word", "date-to-name", "money-as-count",
        "wat-unclear", "yes-no-stays", "frame-of-another-language"])
def test_a_rewrite_keeps_the_kind_of_answer_asked_for(rewrite, question, turns, language, problem):
    from rag.followups import kind_problem

    found = kind_problem(rewrite, question, turns, language)
    assert found is None if problem is None else problem in found


SPACEX_TURN = [("Hoeveel heeft SpaceX vorig jaar in xAI geïnvesteerd?", "2 miljard dollar [1].")]


@pytest.mark.parametrize("translate", [True, False])
def test_a_standalone_follow_up_in_another_language_is_read_translated_but_searched_as_written(tmp_path, translate):
    german = "Wie viel hat Tesla letztes Jahr in xAI investiert?"
    model = Scripted(german, "2 Milliarden Dollar [1].") if translate else Scripted("2 Milliarden Dollar [1].")
    retriever = FakeRetriever()
    assistant = Assistant(Settings(cache_dir=tmp_path, translate_followups=translate), generator=model,
                          retriever=retriever, data=NO_ARTICLES)
    answer = assistant.answer("Und Tesla?", history=SPACEX_TURN)
    dutch = "Hoeveel heeft Tesla vorig jaar in xAI geïnvesteerd?"
    assert retriever.searched == [dutch] and answer.rewrite_method == "substituted"  # by the rules, no model
    assert answer.searched_for == (german if translate else dutch)
    assert (german if translate else dutch) in model.calls[-1][0][-1]["content"]  # what the model answers
    assert any(dutch in note and "read in de" in note for note in answer.notes) is translate
    assert len(model.calls) == (2 if translate else 1)
