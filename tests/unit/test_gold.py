"""The gold question set: well-formed, quoting the articles exactly, and covering what the issue asks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from rag.evaluation import answer_correct, load_gold

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GOLD = SEEDS / "gold.jsonl"


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD)


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def article_lang(articles) -> dict[str, str]:
    return {doc: ("de" if doc.startswith("002_") else "nl") for doc in articles}


def test_loads_and_ids_are_unique(gold):
    ids = [q.id for q in gold]
    assert len(ids) == len(set(ids))
    assert len(gold) >= 64


def test_corpus_loader_agrees_on_article_languages(article_lang):
    from rag.corpus import load_corpus

    assert {d.id: d.language for d in load_corpus(SEEDS)} == article_lang


def test_every_evidence_is_an_exact_quote(gold, articles):
    for q in gold:
        if not q.answerable:
            continue
        assert q.doc in q.docs and len(q.docs) == len(q.evidence_all)
        for doc, evidence in zip(q.docs, q.evidence_all):
            assert doc in articles, q.id
            assert evidence in articles[doc], f"{q.id}: evidence not in {doc}"
        assert q.evidence in articles[q.doc], q.id


def test_an_answer_occurs_near_the_evidence(gold, articles):
    """Holds for cross-lingual questions too: each lists a variant in the article's language."""
    for q in gold:
        if not q.answerable:
            continue
        text = articles[q.doc]
        at = text.index(q.evidence)
        window = text[max(0, at - 300): at + len(q.evidence) + 300]
        assert answer_correct(window, q.answers), f"{q.id}: none of {q.answers} near the evidence"


def test_unanswerable_questions_are_marked_consistently(gold):
    unanswerable = [q for q in gold if not q.answerable]
    assert len(unanswerable) >= 10
    for q in unanswerable:
        assert q.doc is None and q.evidence is None and not q.docs and not q.answers, q.id


def test_unanswerable_key_facts_are_absent(articles):
    """Spot checks that the named facts really are missing from every article."""
    corpus = " ".join(articles.values()).lower()
    for absent in ("helsing", "amodei", "parameter", "mistral ai is", "twitter voor", "werknemers"):
        assert absent not in corpus


def test_languages_are_balanced_and_a_third_is_cross_lingual(gold, article_lang):
    langs = Counter(q.lang for q in gold)
    assert set(langs) == {"nl", "de", "en"}
    for lang, count in langs.items():
        assert 0.25 <= count / len(gold) <= 0.42, (lang, count)
    cross = [q for q in gold if q.answerable and q.lang != article_lang[q.doc]]
    assert len(cross) >= len(gold) / 3
    # both directions: non-Dutch questions about Dutch articles, non-German ones about the German article
    assert any(article_lang[q.doc] == "de" for q in cross)
    assert any(article_lang[q.doc] == "nl" and q.lang == "de" for q in cross)
    assert any(article_lang[q.doc] == "nl" and q.lang == "en" for q in cross)


def test_every_article_is_covered_roughly_by_length(gold, articles):
    per_doc = Counter(q.doc for q in gold if q.answerable)
    assert set(per_doc) == set(articles)
    total_q = sum(per_doc.values())
    total_chars = sum(len(t) for t in articles.values())
    for doc, text in articles.items():
        share_q, share_chars = per_doc[doc] / total_q, len(text) / total_chars
        assert 0.5 <= share_q / share_chars <= 2.0, (doc, per_doc[doc])
    longest = max(articles, key=lambda d: len(articles[d]))
    assert per_doc[longest] == max(per_doc.values())


def test_question_kinds_and_two_article_questions(gold):
    tags = Counter(t for q in gold for t in q.tags)
    for kind in ("number", "name", "date", "reason"):
        assert tags[kind] >= 4, kind
    multi = [q for q in gold if "multi" in q.tags]
    assert 3 <= len(multi) <= 4
    assert all(len(set(q.docs)) == 2 for q in multi)


def test_echoing_the_question_is_not_a_correct_answer(gold):
    for q in gold:
        assert not answer_correct(q.question, q.answers), q.id
