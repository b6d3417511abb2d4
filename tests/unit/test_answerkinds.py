"""The kind of answer a question asks for (rag.answerkinds), and the check after the model that abstains when the
answer is clearly of another kind (rag.checking, AbstainReason.WRONG_KIND). No model: pure rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answerkinds import Kind, asked_kind, holds, names_nothing_new, wrong_kind
from rag.askedkinds import asks_for_a_name
from rag.checking import after_model
from rag.config import Settings
from rag.results import AbstainReason, Passage

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize("question, language, kind", [
    # dates
    ("Wanneer werd Twitter omgedoopt tot X?", "nl", Kind.DATE),
    ("In welk jaar richtte Musk xAI op?", "nl", Kind.DATE),
    ("Op welke datum maakte Tesla de omzetdaling bekend?", "nl", Kind.DATE),
    ("Wann soll das erste Rechenzentrum in Betrieb gehen?", "de", Kind.DATE),
    ("In welchem Jahr wurde SpaceX gegründet?", "de", Kind.DATE),
    ("An welchem Wochentag verkündete Trump Stargate?", "de", Kind.DATE),
    ("When was ChatGPT first released?", "en", Kind.DATE),
    ("What year did OpenAI become a for-profit company?", "en", Kind.DATE),
    ("On which day is the SpaceX IPO planned?", "en", Kind.DATE),
    # money
    ("Hoeveel geld haalde xAI op?", "nl", Kind.SUM),
    ("Hoeveel verdient Sam Altman per jaar?", "nl", Kind.MONEY),
    ("Hoeveel heeft Huawei geïnvesteerd in zijn AI-chip?", "nl", Kind.MONEY),
    ("Wie viel kostet ein Starship-Start?", "de", Kind.MONEY),
    ("Wie viel hat Nvidia in xAI investiert?", "de", Kind.MONEY),
    ("Wie hoch ist der Umsatz von DeepSeek?", "de", Kind.MONEY),
    ("How much did Microsoft invest in OpenAI?", "en", Kind.MONEY),
    ("How much does Sam Altman earn?", "en", Kind.MONEY),
    # counts
    ("Hoeveel werknemers heeft SpaceX?", "nl", Kind.COUNT),
    ("Wie viele Satelliten hat SpaceX gestartet?", "de", Kind.COUNT),
    ("How many employees does Mistral AI have?", "en", Kind.COUNT),
    ("Hoeveel beloven de bedrijven te investeren?", "nl", Kind.MONEY),  # a verb before its subject, not a noun
    # percentages, ages, durations
    ("Hoeveel procent van de medewerkers werkt in China?", "nl", Kind.PERCENT),
    ("Welchen Anteil der KI-Beschäftigten stellen die USA?", "de", Kind.PERCENT),
    ("What share of the world's AI workers is in the US?", "en", Kind.PERCENT),
    ("Wie hoch war die Bruttomarge von Nvidia?", "de", Kind.PERCENT),  # a margin is a percentage
    ("Hoe hoog was de brutomarge van Nvidia?", "nl", Kind.PERCENT),
    ("What gross margin did Nvidia report?", "en", Kind.PERCENT),
    ("Wie hoch war der Umsatz von Nvidia?", "de", Kind.MONEY),
    ("Welchen neuen KI-Fonds hat China geschaffen?", "de", Kind.PERSON_OR_ORG),  # a fund is named, not counted
    ("Wie viel Geld hat xAI verbrannt?", "de", Kind.SUM),  # money named: a percentage does not answer
    ("How much money does the fund provide?", "en", Kind.SUM),
    ("How much did Nvidia's revenue grow?", "en", Kind.MONEY),  # a growth may be a percentage
    ("Welk project kondigde Trump aan?", "nl", Kind.PERSON_OR_ORG),
    ("Which fund did China set up?", "en", Kind.PERSON_OR_ORG),
    ("Hoe oud is David Sacks?", "nl", Kind.AGE),
    ("Wie alt ist Ursula von der Leyen?", "de", Kind.AGE),
    ("How old was Sam Altman when he replied to Musk?", "en", Kind.AGE),  # "when" in the middle asks nothing
    ("Hoe lang duurt de bouw?", "nl", Kind.DURATION),
    ("Wie lange dauert der Bau?", "de", Kind.DURATION),
    ("How many years will the project run?", "en", Kind.DURATION),
    # places, persons and organisations
    ("Waar staat het hoofdkantoor van Oracle?", "nl", Kind.PLACE),
    ("In welke stad heeft Oracle zijn hoofdkantoor?", "nl", Kind.PLACE),
    ("In welchem Land hat Mistral seinen Sitz?", "de", Kind.PLACE),
    ("Where did Musk publish his memo?", "en", Kind.PLACE),
    ("Wie is de CEO van Anthropic?", "nl", Kind.PERSON_OR_ORG),
    ("Welk Japans bedrijf sponsort Stargate?", "nl", Kind.PERSON_OR_ORG),
    ("Wer hat Alibaba gegründet?", "de", Kind.PERSON_OR_ORG),
    ("Welches KI-Unternehmen hat Musk gegründet?", "de", Kind.PERSON_OR_ORG),
    ("Who founded Oracle?", "en", Kind.PERSON_OR_ORG),
    ("Which company develops the Qwen models?", "en", Kind.PERSON_OR_ORG),
    # openings and clauses
    ("En wanneer werd xAI opgericht?", "nl", Kind.DATE),
    ("Laut dem Artikel, wie viele Roboter will Tesla bauen?", "de", Kind.COUNT),
    # another language's phrase of two words: a German question spliced with a Dutch fragment, answered in Dutch
    ("Wie viel will Stargate over vier jaar in totaal investieren?", "nl", Kind.MONEY),
    ("Wie alt ist Sam Altman?", "nl", Kind.AGE),
], ids=lambda value: value if isinstance(value, str) and len(value) < 4 else None)
def test_the_question_word_names_the_kind_of_answer(question, language, kind):
    assert asked_kind(question, language) == kind


@pytest.mark.parametrize("question, language", [
    ("Wat maakt het Duitse bedrijf?", "nl"),  # "wat" asks for anything
    ("Wat voor miljardair is David Sacks?", "nl"),  # what kind, not which one
    ("Wie heißt der CEO von Nvidia?", "de"),  # German "wie" is "how"
    ("Wie heißt der CEO von Nvidia?", "en"),  # one Dutch word ("wie", who) does not read it as Dutch
    ("Wann und wo fand der Gipfel statt?", "de"),  # two kinds at once
    ("Wie groß ist ein Satellit oft?", "de"),  # a size: a number or a comparison
    ("Why did Musk sue OpenAI?", "en"),
    ("What did the company announce?", "en"),  # "what" before a verb names no noun
    ("How many kilograms does a satellite weigh?", "en"),  # a measure: not checked
    ("What capacity should the gigafactories reach?", "en"),  # English has no compounds: "capacity" no "city"
    ("Sam Altman replied when?", "en"),  # no question word at the start
])
def test_a_question_word_that_says_nothing_clear_asks_for_no_kind(question, language):
    assert asked_kind(question, language) is None


@pytest.mark.parametrize("text, kind, language", [
    ("2025 [1].", Kind.DATE, "en"),
    ("1 januari [3].", Kind.DATE, "nl"),
    ("Am 15. Januar 2025 [1].", Kind.DATE, "de"),
    ("In Q3 [2].", Kind.DATE, "en"),
    ("Over vier jaar [1].", Kind.DATE, "nl"),  # a duration from now is a date
    ("Vorig jaar [1].", Kind.DATE, "nl"),
    ("20 miljard dollar [1].", Kind.MONEY, "nl"),
    ("10 Mrd. Euro [2].", Kind.MONEY, "de"),
    ("$20 billion [1].", Kind.MONEY, "en"),
    ("Ruim onder de tien miljard [1].", Kind.MONEY, "nl"),  # the currency left out: still an amount
    ("39 [1].", Kind.MONEY, "en"),  # a bare number may be an amount
    ("12.000 medewerkers [1].", Kind.COUNT, "nl"),
    ("Hunderte [1].", Kind.COUNT, "de"),
    ("Drei Satelliten [1].", Kind.COUNT, "de"),
    ("24,4% [1].", Kind.PERCENT, "nl"),
    ("24.4 per cent [1].", Kind.PERCENT, "en"),  # British English: not cents
    ("4 Bio [1].", Kind.MONEY, "de"),  # "Bio" for Billionen, as "Mrd" for Milliarden: no count of "Bio"
    ("Die Hälfte [1].", Kind.PERCENT, "de"),
    ("39 jaar [1].", Kind.AGE, "nl"),
    ("Sam Altman (39) antwoordde Musk [1].", Kind.AGE, "nl"),
    ("39-year-old [1].", Kind.AGE, "en"),
    ("Vier Jahre [1].", Kind.DURATION, "de"),
    ("Oracle zit in Austin [1].", Kind.PLACE, "nl"),
    ("In der Wüste [1].", Kind.PLACE, "de"),  # no name, but nothing of another kind either
    ("Masayoshi Son [1].", Kind.PERSON_OR_ORG, "en"),
    ("De Chinese overheid [1].", Kind.PERSON_OR_ORG, "nl"),
    ("Techmiljardair [1].", Kind.PERSON_OR_ORG, "nl"),
])
def test_a_text_of_the_kind_asked_holds_it(text, kind, language):
    assert holds(text, kind, language)


@pytest.mark.parametrize("text, kind, language", [
    ("20 miljard dollar [1].", Kind.COUNT, "nl"),  # an amount of money for a headcount
    ("4 Billionen Dollar [2].", Kind.COUNT, "de"),
    ("20 billion dollars [1].", Kind.COUNT, "en"),
    ("500 kg [1].", Kind.COUNT, "en"),  # a weight for a number of satellites
    ("3.000 Tonnen Fracht [1].", Kind.COUNT, "de"),
    ("39 jaar [1].", Kind.MONEY, "nl"),  # an age for a salary
    ("39 years old [1].", Kind.MONEY, "en"),
    ("3 jaar [1].", Kind.DATE, "nl"),  # a duration for a date
    ("Drei Jahre [1].", Kind.DATE, "de"),
    ("3 years [1].", Kind.DATE, "en"),
    ("SpaceX [1].", Kind.COUNT, "nl"),  # only a name for a number
    ("Elon Musk [1].", Kind.DATE, "de"),
    ("15 januari 2025 [1].", Kind.PLACE, "nl"),  # the article's date for a place
    ("Am 1. Januar [1].", Kind.PLACE, "de"),
    ("500 billion dollars [2].", Kind.PERSON_OR_ORG, "en"),
    ("8,2 Milliarden US-Dollar [1].", Kind.PERSON_OR_ORG, "de"),  # "US-Dollar" is a currency, not the US
    ("57% van de AI-medewerkers wereldwijd [2].", Kind.SUM, "nl"),  # "hoeveel geld": a share is no money
    ("20 Milliarden Dollar [1].", Kind.PERCENT, "de"),
    ("50 cents [1].", Kind.PERCENT, "en"),  # cents stay money
    ("In January [1].", Kind.AGE, "en"),
])
def test_a_text_clearly_of_another_kind_does_not_hold_it(text, kind, language):
    assert not holds(text, kind, language)


def _passage(text: str) -> Passage:
    return Passage(1, "d", "Titel", "2025-01", "d#1", text, 0, len(text), 0.5, 0.8, "nl")


ABSTAIN = "Dat staat niet in de bronnen."


@pytest.mark.parametrize(("question", "language"), [
    ("Welke initiatieven steunt de EU?", "nl"), ("Uit welke programma's komt het geld?", "nl"),
    ("Welche Initiativen unterstützt die EU?", "de"), ("Aus welchen Programmen kommt das Geld?", "de"),
    ("Which initiatives does the EU back?", "en"), ("From which programmes does the money come?", "en"),
    ("Which projects did Stargate announce?", "en"), ("Welke projecten kondigde Stargate aan?", "nl"),
])
def test_which_initiatives_or_programmes_ask_for_names(question, language):
    """Plurals like the singulars: "Welche Initiativen ...?" answered "8,2 Milliarden US-Dollar" (blind33) passed
    the kind check, the plural being in no list."""
    assert asked_kind(question, language) == Kind.PERSON_OR_ORG
    assert wrong_kind(question, "8,2 miljard dollar [1].", language)


@pytest.mark.parametrize("question, answer, passage, language", [
    ("Hoeveel werknemers heeft SpaceX?", "20 miljard dollar [1].", "SpaceX haalde 20 miljard dollar op.", "nl"),
    ("Wie viele Satelliten hat SpaceX gestartet?", "500 kg [1].", "SpaceX bringt 500 kg ins All.", "de"),
    ("When will the first data centre open?", "Four years [1].", "Stargate runs for four years.", "en"),
])
def test_an_answer_of_another_kind_abstains_with_wrong_kind(question, answer, passage, language):
    verdict = after_model(Settings(), question, language, answer, [_passage(passage)], ABSTAIN)
    assert verdict.reason == AbstainReason.WRONG_KIND and verdict.text == ABSTAIN
    assert any(note.startswith("abstained: the question asks for") for note in verdict.notes), verdict.notes
    assert f"the model's rejected answer: {answer}" in verdict.notes


@pytest.mark.parametrize("question, answer, passage, language", [
    ("Hoeveel werknemers heeft SpaceX?", "12.000 medewerkers [1].", "SpaceX heeft 12.000 medewerkers.", "nl"),
    ("Wie viel Geld hat Softbank gesichert?", "Zehn Milliarden Dollar [1].",
     "Softbank sicherte zehn Milliarden Dollar.", "de"),
    ("When was Stargate announced?", "On Tuesday [1].", "Trump announced Stargate on Tuesday.", "en"),
])
def test_an_answer_of_the_kind_asked_is_kept(question, answer, passage, language):
    verdict = after_model(Settings(), question, language, answer, [_passage(passage)], ABSTAIN)
    assert not verdict.abstained, verdict.notes


@pytest.mark.parametrize("question, answer, passage, language", [
    ("Wie viel Geld hat David Sacks gespendet?", "Techmilliardäre [1].", "Sacks warb bei Techmilliardären.", "de"),
    ("Hoeveel heeft Tesla in xAI geïnvesteerd?", "Tesla levert batterijen voor xAI [1].",
     "Tesla levert batterijen voor xAI.", "nl"),
    ("How old is Elon Musk?", "Elon Musk founded xAI [1].", "Elon Musk founded xAI.", "en"),
])
def test_an_answer_for_a_number_that_states_none_abstains(question, answer, passage, language):
    verdict = after_model(Settings(), question, language, answer, [_passage(passage)], ABSTAIN)
    assert verdict.reason == AbstainReason.WRONG_KIND
    assert any(note.endswith("the answer gives no number") for note in verdict.notes), verdict.notes


@pytest.mark.parametrize("question, answer, language", [
    ("Hoeveel heeft Tesla in xAI geïnvesteerd?", "Evenveel als SpaceX [1].", "nl"),  # an amount by another
    ("How much did Tesla invest in xAI?", "The same as SpaceX [1].", "en"),
    ("Hoe oud is Elon Musk?", "Drieënvijftig [1].", "nl"),  # spelled out inside one word
    ("Wie viele Satelliten sind im All?", "Neuntausend [1].", "de"),
    ("How much money is at stake?", "A trillion dollars [1].", "en"),  # a scale word
    ("Hoeveel procent werkt in Europa?", "Een klein procent [1].", "nl"),  # a percent word
    ("Wie viele Unternehmen machen mit?", "Dutzende [1].", "de"),  # a quantity word
    ("Wanneer gaat SpaceX naar de beurs?", "Rond de zomer [1].", "nl"),  # a date may be words: not held to it
])
def test_an_answer_with_a_number_in_any_form_is_not_held_to_digits(question, answer, language):
    assert "no number" not in wrong_kind(question, answer, language)


def test_the_kind_check_can_be_switched_off():
    verdict = after_model(Settings(check_answer_kind=False), "Hoeveel werknemers heeft SpaceX?", "nl",
                          "20 miljard dollar [1].", [_passage("SpaceX haalde 20 miljard dollar op.")], ABSTAIN)
    assert not verdict.abstained


def test_the_note_says_which_kind_was_asked_and_what_the_answer_gave():
    note = wrong_kind("How many employees does SpaceX have?", "20 billion dollars [1].", "en")
    assert note == "abstained: the question asks for a count, the answer gives an amount of money"


def test_an_evidence_sentence_of_another_kind_is_named():
    note = wrong_kind("Wanneer opent het datacenter?", "Binnenkort [1].", "nl", evidence="Het kost 20 miljard dollar.")
    assert note.endswith("the evidence sentence gives an amount of money")


def _answerable_gold() -> list[tuple[str, str, str, str]]:
    cases = []
    for path in sorted(SEEDS.glob("gold*.jsonl")):  # every gold file, the follow-up sets' standalone questions too
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("answerable") and record.get("answers"):
                question = record.get("standalone") or record["question"]
                cases += [(record["id"], question, record["lang"], answer) for answer in record["answers"]]
    return cases


def test_no_gold_answer_is_rejected_with_its_own_question():
    """A gold answer is by definition the kind its question asks for: the check must never reject one."""
    cases = _answerable_gold()
    assert len(cases) > 2500
    rejected = [(id_, question, answer) for id_, question, language, answer in cases
                if wrong_kind(question, answer, language)]
    assert rejected == []


def test_the_question_words_come_from_the_prompts_folder_in_use(tmp_path):
    import shutil

    from rag.wordlists import DEFAULT_PROMPTS_DIR, prompts_dir_in_use, use_prompts_dir

    folder = tmp_path / "prompts"
    shutil.copytree(DEFAULT_PROMPTS_DIR, folder)
    kinds = folder / "kinds.toml"
    kinds.write_text(kinds.read_text(encoding="utf-8").replace('date = ["wanneer", ', 'date = ["wanneer", "hoezo", '),
                     encoding="utf-8")
    before = prompts_dir_in_use()
    try:
        assert asked_kind("Hoezo begon het?", "nl") is None
        use_prompts_dir(folder)
        assert asked_kind("Hoezo begon het?", "nl") == Kind.DATE
    finally:
        use_prompts_dir(before)


# -- a question for a name ---------------------------------------------------------------------------------
@pytest.mark.parametrize("question", ["Hoe heet de chatbot van xAI?", "en hoe heette dat bedrijf eerst?",
                                      "Wie heißt die KI-Modellreihe von ByteDance?", "Wie hieß X früher?",
                                      "What is the name of xAI's chatbot?", "What is ByteDance's AI model called?",
                                      "Hoe wordt de nieuwe chip genoemd?"])
def test_a_question_for_a_name(question):
    assert asks_for_a_name(question)


@pytest.mark.parametrize("question", ["Wie is de CEO van Nvidia?", "Wer leitet OpenAI?", "What did he call it?",
                                      "Hoe heeft Musk dat genoemd?", "What is the China factor?"])
def test_not_a_question_for_a_name(question):
    assert not asks_for_a_name(question)


@pytest.mark.parametrize(("answer", "question"), [
    ("T-head", "Hoe heet de halfgeleiderontwerpafdeling van Alibaba?"),
    ("H20-chip", "Wie heißt die abgeschwächte Chip-Version, die Nvidia für China entwickelte?"),
    ("InvestAI", "What is the name of the initiative through which the EU will invest in AI gigafactories?"),
    ("De Hanguang 800-chip", "Wie heißt die KI-Modellreihe von Alibaba?"),
    ("xAI", "What is the name of Elon Musk's own AI company?"),
    ("Invest AI", "What is the name of the initiative through which the EU will invest in AI gigafactories?"),
])
def test_an_answer_that_names_something_new(answer, question):
    assert not names_nothing_new(answer, question)


@pytest.mark.parametrize(("answer", "question"), [
    ("Huawei heeft zijn eigen AI-chip", "Hoe heet de AI-chip van Huawei?"),
    ("Deutsches Unternehmen", "Wie heißt das deutsche Unternehmen, das KI-gesteuerte Drohnen herstellt?"),
    ("X", "Wie hieß die Plattform X früher?"),
    ("Het nieuwe fonds", "Hoe heet het nieuwe fonds van China?"),
])
def test_an_answer_that_names_nothing_new(answer, question):
    assert names_nothing_new(answer, question)


def test_a_name_question_answered_with_only_its_own_names_is_the_wrong_kind():
    note = wrong_kind("Hoe heet Huawei's chip eigenlijk", "Huawei heeft zijn eigen AI-chip [1].", "nl")
    assert note == "abstained: the question asks for a name, the answer names nothing the question does not"


def test_a_name_question_answered_with_a_name_is_not_the_wrong_kind():
    assert wrong_kind("Hoe heet de chatbot van xAI?", "Grok [1].", "nl") == ""


@pytest.mark.parametrize("question, answer, language", [
    ("In welchem Zeitraum von 2025 hat xAI 9 Milliarden Dollar verbrannt?", "In den ersten neun Monaten [1].", "de"),
    ("In welchem Zeitraum hat xAI 9 Milliarden Dollar verbrannt?", "2025 [1].", "de"),
    ("In welke periode verbrandde xAI 9 miljard dollar?", "De eerste negen maanden van 2025 [1].", "nl"),
    ("In what period did xAI burn 9 billion dollars?", "The first nine months [1].", "en"),
])
def test_a_question_for_a_period_takes_a_span_or_its_dates(question, answer, language):
    """ "Zeitraum", "periode", "period": a span ("neun Monate") answers it as well as the dates it runs between."""
    assert wrong_kind(question, answer, language) == ""


@pytest.mark.parametrize("question, answer, language", [
    ("In welchem Zeitraum hat xAI 9 Milliarden Dollar verbrannt?", "20 Milliarden Dollar [1].", "de"),
    ("In what period did xAI burn 9 billion dollars?", "20 billion dollars [1].", "en"),
])
def test_an_amount_of_money_does_not_answer_a_question_for_a_period(question, answer, language):
    assert "asks for a duration" in wrong_kind(question, answer, language)


@pytest.mark.parametrize("evidence, language", [
    ("Zelfs in het topjaar 2025 lanceerde SpaceX ongeveer 3.000 ton aan vracht de ruimte in.", "nl"),
    ("Im Rekordjahr 2024 verkaufte Tesla fast 2 Millionen Autos.", "de"),
])
def test_a_year_after_a_compound_of_a_year_word_is_a_date(evidence, language):
    """ "topjaar 2025" is a date, not a count of "lanceerde": the evidence sentence holds the year asked for."""
    assert wrong_kind("In which year did SpaceX launch 3,000 tonnes?", "2025 [1].", "en", evidence) == ""


def test_a_german_year_before_a_lower_case_word_counts_nothing():
    """A count's noun is capitalised in German: "2019 gewinnorientiert" is a year in a clause, "2019 Mitarbeiter" a
    count."""
    assert wrong_kind("Wann hat Elon Musk OpenAI verlassen?", "Kurz bevor OpenAI 2019 gewinnorientiert wurde.", "de") \
        == ""
    assert "gives a count" in wrong_kind("Wann hat Tesla Leute entlassen?", "2000 Mitarbeiter [1].", "de")
