"""Evaluation metrics on hand-computed cases, and evaluate()/compare() around a fake assistant.

The fake returns canned Answers: this tests the bookkeeping around the model, not the model."""

from __future__ import annotations

import json

import pytest

from rag import evaluation as ev
from rag.errors import ConfigError, InputError
from rag.results import Answer, Citation, Passage

# -- normalisation ------------------------------------------------------------------------------


def test_normalize_text_case_whitespace_and_edge_punctuation():
    assert ev.normalize_text("  Hello,\n  WORLD!  ") == "hello world"
    assert ev.normalize_text("»KI-Zars« (Trump's)") == "ki zars trump's"
    assert ev.normalize_text("Geïntegreerd in xAI.") == "geintegreerd in xai"


@pytest.mark.parametrize(("raw", "want"), [
    ("8,2", "8.2"), ("8.2", "8.2"), ("9.000", "9000"), ("9,000", "9000"), ("1.250", "1250"),
    ("1.000.000", "1000000"), ("1.234,5", "1234.5"), ("1,234.5", "1234.5"), ("2019", "2019"), ("32,6", "32.6"),
])
def test_normalize_number(raw, want):
    assert ev.normalize_number(raw) == want


def test_scale_currency_and_percent_words_are_canonical():
    assert ev.tokens("500 miljard dollar") == ev.tokens("500 Milliarden US-Dollar") == ["500", "bn", "usd"]
    assert ev.tokens("$500 billion") == ["500", "bn", "usd"]
    assert ev.tokens("€200 billion") == ev.tokens("200 miljard euro") == ["200", "bn", "eur"]
    assert ev.tokens("4 biljoen") == ev.tokens("4 Billionen") == ev.tokens("4 trillion") == ["4", "tn"]
    assert ev.tokens("57%") == ev.tokens("57 procent") == ev.tokens("57 Prozent") == ["57", "pct"]
    assert ev.tokens("een miljoen") == ev.tokens("eine Million") == ev.tokens("one million") == ["1", "mn"]
    assert ev.tokens("vier Jahre") == ["4", "jahre"]
    assert ev.tokens("100kW") == ["100", "kw"]


def test_citation_markers():
    assert ev.strip_markers("Ja [1], zeker [2, 3].") == "Ja, zeker."
    assert ev.cited_numbers("a [1] b [2, 3] c [1]") == [1, 2, 3, 1]
    assert ev.invalid_citations("x [1] y [3] z [3] [4]", [1, 2]) == [3, 4]
    assert ev.invalid_citations("no markers", []) == []


# -- answer correctness and F1 ------------------------------------------------------------------


def test_answer_correct_containment_across_formats_and_languages():
    assert ev.answer_correct("Er moet 500 miljard dollar vloeien [1].", ["500 billion"])
    assert ev.answer_correct("It is $500 billion [1].", ["500 Milliarden US-Dollar"])
    assert ev.answer_correct("Es sind 9.000 Satelliten.", ["9,000"])
    assert ev.answer_correct("Der Fonds hat 8.2 Milliarden.", ["8,2 miljard"])
    assert ev.answer_correct("Ein direkter Konkurrenten.", ["Konkurrent"])  # inflection: prefix of a word
    assert ev.answer_correct("de grote modellen S en X", ["S en X"])


def test_answer_correct_rejects_near_misses():
    assert not ev.answer_correct("Het kost 500 miljard.", ["50 miljard"])  # numbers match exactly
    assert not ev.answer_correct("Het kost 50 miljoen.", ["50 miljard"])
    assert not ev.answer_correct("Sony en Xbox", ["S en X"])  # short words match exactly
    assert not ev.answer_correct("anything", [])
    assert not ev.answer_correct("", ["2019"])


def test_token_f1_exact_values():
    # answer tokens: kost 500 bn usd ("het" is an article) -> P = 3/4, R = 3/3, F1 = 6/7
    assert ev.token_f1("Het kost 500 miljard dollar [1].", ["500 miljard dollar"]) == pytest.approx(6 / 7)
    # best over gold answers: "500 miljard" -> P = 2/4, R = 1, F1 = 2/3
    assert ev.token_f1("Het kost 500 miljard dollar.", ["foo", "500 miljard"]) == pytest.approx(2 / 3)
    assert ev.token_f1("Grok", ["Grok"]) == 1.0
    assert ev.token_f1("Grok", ["ChatGPT"]) == 0.0
    assert ev.token_f1("Grok", []) == 0.0


# -- retrieval ------------------------------------------------------------------------------------


def test_hit_at_k_and_mrr():
    docs = ["a", "b", "c", "a"]
    assert not ev.doc_hit(docs, ["c"], 1)
    assert ev.doc_hit(docs, ["c"], 3)
    assert ev.doc_hit(docs, ["x", "b"], 2)
    assert ev.reciprocal_rank(docs, ["c"]) == pytest.approx(1 / 3)
    assert ev.reciprocal_rank(docs, ["a"]) == 1.0
    assert ev.reciprocal_rank(docs, ["z"]) == 0.0
    assert ev.gold_rank(docs, ["c"]) == 3 and ev.gold_rank(docs, ["z"]) is None


def test_evidence_in_passage_allows_for_chunk_boundaries():
    evidence = "Met slechts 9.000 Starlink-satellieten momenteel in de ruimte en de vele lanceringen"
    assert ev.evidence_in_passage(evidence, "Intro.  MET slechts 9.000 Starlink-satellieten momenteel\n in de "
                                  "ruimte en de vele lanceringen. Verder.")
    cut = evidence[: int(len(evidence) * 0.6)]  # the chunk ends inside the evidence: 60% of it is present
    assert ev.evidence_in_passage(evidence, "Andere tekst. " + cut)
    long_passage = "Andere tekst over iets heel anders, lang genoeg om niet mee te tellen. " + evidence[:25]
    assert not ev.evidence_in_passage(evidence, long_passage)  # under 50% of the evidence, 60% of the passage
    assert ev.evidence_in_passage(evidence, evidence[10:40])  # a short passage inside the evidence
    assert not ev.evidence_in_passage(evidence, "Iets heel anders over Tesla en robots.")
    assert not ev.evidence_in_passage("", "text")
    assert ev.evidence_hit(["x", "y " + evidence], [evidence], 2)
    assert not ev.evidence_hit(["x", "y " + evidence], [evidence], 1)


# -- citations, aggregation helpers --------------------------------------------------------------


def test_citation_precision():
    assert ev.citation_precision(["a", "b", "a", "c"], ["a"]) == 0.5
    assert ev.citation_precision(["a"], ["a", "b"]) == 1.0
    assert ev.citation_precision([], ["a"]) is None


def test_percentile_and_mean():
    assert ev.percentile([1, 2, 3, 4], 50) == 2.5
    assert ev.percentile([4, 1, 3, 2], 90) == pytest.approx(3.7)
    assert ev.percentile([5], 90) == 5
    assert ev.percentile([None, 2, None, 4], 50) == 3
    assert ev.percentile([None], 50) is None
    assert ev.mean([True, False, None, True, False]) == 0.5
    assert ev.mean([None]) is None


# -- gold loading ---------------------------------------------------------------------------------

GOOD = {"id": "q1", "question": "Wie?", "lang": "nl", "answers": ["Sacks"], "doc": "002_x",
        "evidence": "David Sacks", "answerable": True}


def _write(tmp_path, *items) -> object:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(i if isinstance(i, str) else json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


def test_load_gold_reads_and_fills_docs(tmp_path):
    unanswerable = {**GOOD, "id": "q2", "answers": [], "doc": None, "evidence": None, "answerable": False}
    two = {**GOOD, "id": "q3", "docs": ["002_x", "000_y"], "evidence_all": ["David Sacks", "Trump"],
           "tags": ["multi"]}
    questions = ev.load_gold(_write(tmp_path, GOOD, "", unanswerable, two))
    assert [q.id for q in questions] == ["q1", "q2", "q3"]
    assert questions[0].docs == ("002_x",) and questions[0].evidence_all == ("David Sacks",)
    assert questions[1].docs == () and not questions[1].answerable
    assert questions[2].docs == ("002_x", "000_y") and questions[2].tags == ("multi",)


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "line 2: not valid JSON"),
    ({k: v for k, v in GOOD.items() if k != "answers"}, "line 2: missing field(s): answers"),
    ({**GOOD, "anwsers": []}, "unknown field(s): anwsers"),
    ({**GOOD, "lang": "Dutch"}, "two-letter language code"),
    ({**GOOD, "answers": []}, "needs at least one entry in 'answers'"),
    ({**GOOD, "evidence": None}, "needs 'evidence'"),
    ({**GOOD, "answerable": False}, "needs \"doc\": null"),
    ({**GOOD, "answerable": "yes"}, "'answerable' must be true or false"),
    ({**GOOD, "docs": ["002_x"]}, "'docs' and 'evidence_all' go together"),
    ({**GOOD, "docs": ["a"], "evidence_all": ["b"]}, "'docs' must include 'doc'"),
    (GOOD, "line 2: id 'q1' already used on line 1"),
])
def test_load_gold_names_the_line_and_the_problem(tmp_path, line, message):
    with pytest.raises(InputError) as info:
        ev.load_gold(_write(tmp_path, GOOD, line))
    assert message in info.value.message
    assert info.value.remedy


def test_load_gold_missing_file_and_articles_check(tmp_path):
    with pytest.raises(InputError, match="not found"):
        ev.load_gold(tmp_path / "nope.jsonl")
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "002_x.txt").write_text(" date 2025-01 Der Berater David Sacks.", encoding="utf-8")
    path = _write(tmp_path, GOOD, {**GOOD, "id": "q2", "evidence": "Elon Musk"})
    with pytest.raises(InputError, match="q2: evidence is not an exact quote"):
        ev.load_gold(path, articles=tmp_path / "arts")


# -- evaluate() with a fake assistant -------------------------------------------------------------

EV_A = "moet 500 miljard dollar vloeien"
EV_B = "Zuständig für KI ist David Sacks"


def _passage(n, doc, text, language):
    return Passage(n, doc, f"title {doc}", "2025-01", f"{doc}#{n}", text, 0, len(text), 1.0 / n, 0.9, language)


PA1 = _passage(1, "A", f"In Stargate {EV_A} over vier jaar.", "nl")
PA2 = _passage(2, "A", "Musk twijfelt aan de financiering.", "nl")
PB1 = _passage(3, "B", f"{EV_B}, der Techmilliardär.", "de")

GOLD = [
    ev.GoldQuestion("q1", "Hoeveel geld moet er in Stargate vloeien?", "nl", ("500 miljard", "500 billion"), "A",
                    EV_A, True, ("A",), (EV_A,)),
    ev.GoldQuestion("q2", "Who is Trump's AI adviser?", "en", ("David Sacks", "Sacks"), "B", EV_B, True, ("B",),
                    (EV_B,)),
    ev.GoldQuestion("q3", "Wie hoch ist die Bewertung von Mistral AI?", "de", (), None, None, False),
]


def _answers_a():
    return {
        "q1": Answer(GOLD[0].question, "Er moet 500 miljard dollar in Stargate vloeien [1].", "nl", False,
                     [Citation.from_passage(PA1, EV_A)], [PA1, PB1],
                     {"retrieve_ms": 10, "first_token_ms": 100, "total_ms": 1100, "completion_tokens": 50}),
        "q2": Answer(GOLD[1].question, "The AI adviser of the president is Elon Musk [2] [5].", "en", False,
                     [Citation.from_passage(PA2)], [PA1, PA2, PB1],
                     {"retrieve_ms": 20, "first_token_ms": 200, "total_ms": 2200, "completion_tokens": 100}),
        "q3": Answer(GOLD[2].question, "Die Quellen enthalten dazu leider keine Antwort.", "de", True, [], [],
                     {"retrieve_ms": 12, "total_ms": 15}),
    }


class FakeAssistant:
    def __init__(self, answers, fail=()):
        self.by_question = {GOLD[i].question: a for i, a in enumerate(answers.values())}
        self.fail = set(fail)
        self.asked = []

    def answer(self, question):
        self.asked.append(question)
        if question in self.fail:
            raise RuntimeError("model crashed")
        return self.by_question[question]


LANGS = {"A": "nl", "B": "de"}


@pytest.fixture(scope="module")
def result():
    return ev.evaluate(GOLD, assistant=FakeAssistant(_answers_a()), progress=False, doc_languages=LANGS)


def test_evaluate_records(result):
    r1, r2, r3 = result.records
    assert [r["id"] for r in result.records] == ["q1", "q2", "q3"]
    assert r1["correct"] and r1["hit@1"] and r1["rr"] == 1.0 and r1["evidence_hit@1"]
    assert r1["f1"] == pytest.approx(0.4)  # er moet 500 bn usd in stargate vloeien vs 500 bn: P 2/8, R 1
    assert r1["crosslingual"] is False and r1["article_lang"] == "nl" and r1["failures"] == []
    assert r1["tokens_per_s"] == pytest.approx(50.0)
    assert not r2["correct"] and r2["gold_rank"] == 3 and not r2["hit@1"] and r2["hit@3"]
    assert r2["citation_precision"] == 0.0 and r2["evidence_supported"] is False
    assert r2["invalid_citations"] == [5] and r2["crosslingual"] is True
    assert "answer does not contain a gold answer" in r2["failures"]
    assert r3["abstained"] and r3["correct"] is None and r3["crosslingual"] is None and r3["failures"] == []


def test_evaluate_metrics_hand_computed(result):
    m = result.metrics["overall"]
    assert (m["n"], m["n_answerable"], m["n_unanswerable"]) == (3, 2, 1)
    assert m["accuracy"] == pytest.approx(2 / 3)  # q1 correct, q3 abstained
    assert m["answer_correct"] == 0.5
    assert m["token_f1"] == pytest.approx(0.2)  # (0.4 + 0.0) / 2
    assert (m["hit@1"], m["hit@3"], m["hit@5"]) == (0.5, 1.0, 1.0)
    assert m["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert m["evidence_hit@1"] == 0.5 and m["evidence_hit@3"] == 1.0
    assert m["cite_rate"] == 1.0 and m["citation_precision"] == 0.5 and m["evidence_support"] == 0.5
    assert m["invalid_citation_rate"] == pytest.approx(1 / 3) and m["invalid_citations"] == 1
    assert m["abstention_accuracy"] == 1.0 and m["false_abstention"] == 0.0
    assert m["language_match"] == 1.0
    assert m["first_token_ms_p50"] == 150 and m["total_ms_p50"] == 1100 and m["retrieve_ms_p50"] == 12
    assert m["tokens_per_s"] == pytest.approx(50.0)  # 150 tokens / 3 s of decoding
    assert m["errors"] == 0
    by_lang, by_cross = result.metrics["by_language"], result.metrics["by_crosslingual"]
    assert set(by_lang) == {"nl", "en", "de"}
    assert by_lang["nl"]["answer_correct"] == 1.0 and by_lang["en"]["answer_correct"] == 0.0
    assert by_lang["de"]["abstention_accuracy"] == 1.0 and by_lang["de"]["answer_correct"] is None
    assert by_cross["same"]["n"] == 1 and by_cross["same"]["answer_correct"] == 1.0
    assert by_cross["cross"]["n"] == 1 and by_cross["cross"]["hit@1"] == 0.0


def test_evaluate_reports_errors_and_rejects_overrides_with_an_assistant():
    fake = FakeAssistant(_answers_a(), fail={GOLD[0].question})
    res = ev.evaluate(GOLD, assistant=fake, progress=False, doc_languages=LANGS)
    r1 = res.records[0]
    assert r1["error"] == "RuntimeError: model crashed" and r1["failures"] == ["error: RuntimeError: model crashed"]
    assert res.metrics["overall"]["errors"] == 1 and res.metrics["overall"]["answer_correct"] == 0.0
    with pytest.raises(ConfigError):
        ev.evaluate(GOLD, assistant=fake, progress=False, top_k=3)


def test_evaluate_from_a_file_with_limit_and_passage_languages(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(q.to_dict()) + "\n" for q in GOLD), encoding="utf-8")
    fake = FakeAssistant(_answers_a())
    res = ev.evaluate(path, assistant=fake, limit=2, progress=False)
    assert [r["id"] for r in res.records] == ["q1", "q2"] and res.gold_path == str(path)
    assert res.records[1]["article_lang"] == "de"  # not in the seeds corpus: taken from the passages
    assert ev._spread(list(range(10)), 3) == [0, 3, 6] and ev._spread([1, 2], 5) == [1, 2]


def test_result_dataframe_rendering_and_save(result, tmp_path):
    df = result.to_dataframe()
    assert list(df.index) == ["q1", "q2", "q3"]
    assert {"correct", "hit@3", "f1", "total_ms", "failures"} <= set(df.columns)
    assert df.loc["q2", "invalid_citations"] == 1
    assert "accuracy" in result._repr_markdown_() and "<table" in result._repr_html_()
    out = result.save(tmp_path / "report")
    for name in ("report.json", "report.md", "metrics_by_language.png", "latency.png"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "metrics_by_language.png").read_bytes()[:4] == b"\x89PNG"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.index("## Summary") < report.index("## By question language") < report.index("## Failures (1)")
    assert "Who is Trump's AI adviser?" in report and EV_B in report and "[2] `A`" in report
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["metrics"]["overall"]["n"] == 3 and len(data["records"]) == 3


def test_compare_lists_questions_whose_outcome_changed(result, tmp_path):
    answers = _answers_a()
    answers["q2"] = Answer(GOLD[1].question, "Trump's AI adviser is David Sacks [1].", "en", False,
                           [Citation.from_passage(PB1)], [PB1], {"first_token_ms": 90, "total_ms": 900})
    comparison = ev.compare(result, FakeAssistant(answers), gold=GOLD, labels=("base", "new"), progress=False,
                            doc_languages=LANGS)
    assert comparison.metrics["all"]["answer_correct"] == {"a": 0.5, "b": 1.0, "delta": 0.5}
    diffs = comparison.differences
    assert [d["id"] for d in diffs] == ["q2"]
    assert (diffs[0]["correct_a"], diffs[0]["correct_b"]) == (False, True)
    assert (diffs[0]["abstained_a"], diffs[0]["abstained_b"]) == (False, False)
    out = comparison.save(tmp_path / "cmp")
    text = (out / "comparison.md").read_text(encoding="utf-8")
    assert "+50.0 pt" in text and "| q2 |" in text
    assert json.loads((out / "comparison.json").read_text(encoding="utf-8"))["differences"][0]["id"] == "q2"
    for label in ("base", "new"):  # each side's full report, failures included
        records = json.loads((out / label / "report.json").read_text(encoding="utf-8"))["records"]
        assert [r["id"] for r in records] == [q.id for q in GOLD]
