"""The time a question asks about against the time its evidence sentence names (rag.timeframes), and the check
after the model that abstains with AbstainReason.OTHER_TIME (rag.checking). No model: pure rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.checking import after_model
from rag.config import Settings
from rag.evidence import Located, sentences_of
from rag.results import AbstainReason, Passage
from rag.timeframes import other_time, times_in

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ABSTAIN = "Dat staat niet in de bronnen."


@pytest.mark.parametrize("text, years, quarters, months", [
    ("Hoe hoog was de brutomarge in het eerste kwartaal van 2025?", {2025}, {1}, set()),
    ("Wie hoch war die Marge im zweiten Quartal?", set(), {2}, set()),
    ("What was the revenue in the third quarter?", set(), {3}, set()),
    ("Revenue rose in Q4.", set(), {4}, set()),
    ("In juni bedroeg de capaciteit 246 exaflops.", set(), {2}, {6}),
    ("Anfang Januar sammelte xAI Geld ein.", set(), {1}, {1}),
    ("Prices may fall in May.", set(), {2}, {5}),
    ("Troops march on; in March 2024 it began.", {2024}, {1}, {3}),
    ("Er werken 2.025 mensen, 20255 is geen jaar.", set(), set(), set()),
], ids=["nl-quarter-year", "de-quarter", "en-quarter", "q4", "nl-month", "de-month", "en-may", "en-march",
        "not-years"])
def test_the_times_a_text_names(text, years, quarters, months):
    found = times_in(text)
    assert (set(found.years), set(found.quarters), set(found.months)) == (years, quarters, months)


@pytest.mark.parametrize("question, sentence, kind", [
    ("Hoe hoog was de brutomarge van Nvidia in het eerste kwartaal?",
     "De winstcijfers van het bedrijf over het tweede kwartaal, met een brutomarge van 72%.", "quarter"),
    ("Wie hoch war die Bruttomarge von Nvidia im ersten Quartal?",
     "De winstcijfers over het tweede kwartaal, met een brutomarge van 72%.", "quarter"),
    ("Hoe groot was de AI-capaciteit van China in januari?", "In juni bedroeg de capaciteit 246 exaflops.", "month"),
    ("How much do the Big Five invest in AI data centres in 2025?",
     "De 'Big Five' plannen in 2026 al 600 miljard dollar te investeren.", "year"),
    ("Hoeveel geld verbrandde xAI in het vierde kwartaal?", "Begin januari haalde xAI 20 miljard dollar op.",
     "quarter"),
], ids=["nl-quarter", "de-nl-quarter", "month", "en-nl-year", "month-as-quarter"])
def test_evidence_about_another_time_than_asked_is_found(question, sentence, kind):
    assert other_time(question, sentence).endswith(f"(another {kind})")


@pytest.mark.parametrize("question, sentence", [
    ("Hoe hoog was de brutomarge in het tweede kwartaal?", "Over het tweede kwartaal was de brutomarge 72%."),
    ("Wie viel Fracht brachte SpaceX 2025 ins All?", "2025 brachte SpaceX 1.000 Tonnen ins All, 2024 nur 800."),
    ("How big was China's capacity in June?", "In juni bedroeg de capaciteit 246 exaflops."),
    ("Hoeveel haalde xAI op?", "Begin januari haalde xAI 20 miljard dollar op."),
    ("Hoeveel haalde xAI in 2025 op?", "xAI haalde 20 miljard dollar op."),
    ("Wie viele Mitarbeiter hat OpenAI seit 2020 eingestellt?", "2023 stellte OpenAI 1.000 Leute ein."),
    ("How much did xAI raise between 2023 and 2025?", "In 2024 xAI raised 6 billion dollars."),
    ("What happened in January?", "In the first quarter, revenue rose."),
], ids=["same-quarter", "asked-year-among-others", "cross-lingual-month", "no-time-asked", "no-time-stated",
        "since", "range", "month-inside-quarter"])
def test_evidence_about_the_time_asked_or_without_a_time_passes(question, sentence):
    assert other_time(question, sentence) == ""


@pytest.mark.parametrize("text, year, years", [
    ("SpaceX investeerde het afgelopen jaar 2 miljard in xAI.", 2026, {2025}),
    ("Dit jaar wil de EU 200 miljard mobiliseren, volgend jaar meer.", 2025, {2025, 2026}),
    ("China könnte bis Jahresende 300 Exaflops erreichen.", 2025, {2025}),
    ("Im vergangenen Jahr stieg der Umsatz.", 2025, {2024}),
    ("By the end of the year the chip ships; next year, another.", 2024, {2024, 2025}),
    ("SpaceX investeerde het afgelopen jaar 2 miljard in xAI.", None, set()),
], ids=["nl-last", "nl-this-next", "de-year-end", "de-last", "en-end-next", "no-date"])
def test_years_named_relative_to_the_articles_date(text, year, years):
    assert set(times_in(text, year=year).years) == years


@pytest.mark.parametrize("question, sentence, year, reason", [
    ("Hoeveel investeerde Tesla in 2024 in xAI?", "SpaceX investeerde het afgelopen jaar 2 miljard in xAI.", 2026,
     "names het afgelopen jaar (2025) (another year)"),
    ("What was China's total AI computing capacity at the end of 2024?",
     "In juni bedroeg de capaciteit 246 exaflops en zou tegen het einde van het jaar 300 exaflops bereiken.", 2025,
     "names einde van het jaar (2025) (another year)"),
    ("Hoeveel investeerde SpaceX in 2025 in xAI?", "SpaceX investeerde het afgelopen jaar 2 miljard in xAI.", 2026, ""),
    ("Hoeveel investeerde SpaceX in 2024 in xAI?", "SpaceX investeerde het afgelopen jaar 2 miljard in xAI.", None, ""),
    ("Welche Kapazität könnte China bis Ende 2027 erreichen?", "China könnte bis Jahresende 300 Exaflops erreichen.",
     2025, ""),
], ids=["last-year-is-2025", "year-end-is-2025", "last-year-asked", "no-date", "open-period-asked"])
def test_a_relative_year_in_the_evidence_is_read_against_its_articles_date(question, sentence, year, reason):
    found = other_time(question, sentence, year=year)
    assert found.endswith(reason) and bool(found) == bool(reason), found


def _passage(text: str, date: str | None = "2025-01") -> Passage:
    return Passage(1, "d", "Titel", date, "d#1", text, 0, len(text), 0.5, 0.8, "nl")


def test_the_check_after_the_model_reads_the_cited_articles_year():
    sentence = "Eerder investeerde SpaceX het afgelopen jaar 2 miljard in xAI."
    question = "Hoeveel investeerde SpaceX in 2024 in xAI?"
    dated = after_model(Settings(), question, "nl", "2 miljard [1].", [_passage(sentence, "2026-02-08")], ABSTAIN,
                        evidence=Located({1: sentence}))
    undated = after_model(Settings(), question, "nl", "2 miljard [1].", [_passage(sentence, None)], ABSTAIN,
                          evidence=Located({1: sentence}))
    assert dated.reason == AbstainReason.OTHER_TIME and not undated.abstained


def test_an_answer_from_a_sentence_about_another_quarter_abstains_with_other_time():
    sentence = "Over het tweede kwartaal boekte Nvidia een brutomarge van 72%."
    verdict = after_model(Settings(), "Hoe hoog was de brutomarge van Nvidia in het eerste kwartaal?", "nl",
                          "72% [1].", [_passage(sentence)], ABSTAIN, evidence=Located({1: sentence}))
    assert verdict.reason == AbstainReason.OTHER_TIME and verdict.text == ABSTAIN
    assert "abstained: the question asks about eerste kwartaal; the evidence sentence names tweede kwartaal " \
           "(another quarter)" in verdict.notes
    assert "the model's rejected answer: 72% [1]." in verdict.notes


def test_the_time_check_can_be_switched_off_and_needs_a_named_sentence():
    sentence = "Over het tweede kwartaal boekte Nvidia een brutomarge van 72%."
    question = "Hoe hoog was de brutomarge van Nvidia in het eerste kwartaal?"
    off = after_model(Settings(check_timeframe=False), question, "nl", "72% [1].", [_passage(sentence)], ABSTAIN,
                      evidence=Located({1: sentence}))
    whole_passage = after_model(Settings(), question, "nl", "72% [1].", [_passage(sentence)], ABSTAIN)
    assert not off.abstained and not whole_passage.abstained


def _answerable_gold_sentences() -> list[tuple[str, str, str, int | None]]:
    """(id, question, the article sentence holding the gold evidence, its article's year) for every answerable gold
    question."""
    from rag.corpus import load_corpus

    years = {doc.id: int(doc.date[:4]) if doc.date else None for doc in load_corpus(SEEDS)}
    cases, articles = [], {}
    for path in sorted(SEEDS.glob("gold*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            evidence, docs = record.get("evidence"), record.get("docs") or [record.get("doc")]
            if not record.get("answerable") or not evidence:
                continue
            for span in evidence if isinstance(evidence, list) else [evidence]:
                for doc in filter(None, docs):
                    if doc not in articles:
                        articles[doc] = sentences_of((SEEDS / f"{doc}.txt").read_text(encoding="utf-8"))
                    found = [s for s in articles[doc] if span[:40] in s]
                    if found:
                        cases.append((record["id"], record.get("standalone") or record["question"], found[0],
                                      years.get(doc)))
                        break
    return cases


def test_no_gold_question_is_refused_on_the_sentence_that_answers_it():
    """The sentence that states a gold answer is about the time its question asks for: never rejected."""
    cases = _answerable_gold_sentences()
    assert len(cases) > 200
    naming_a_time = [q for _, q, _, _ in cases if any(named for _, named in times_in(q).kinds())]
    assert len(naming_a_time) > 20  # the check is really tried: many gold questions name a time
    assert sum(bool(times_in(sentence, year=year).years) for _, _, sentence, year in cases) > \
        sum(bool(times_in(sentence).years) for _, _, sentence, _ in cases)  # relative years are read too
    assert [(id_, question) for id_, question, sentence, year in cases if other_time(question, sentence, year=year)] \
        == []
