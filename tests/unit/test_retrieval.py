"""Retrieval with the real embedder and FAISS over the seed articles."""

import pytest

from rag import index as ix
from rag.config import Settings
from rag.corpus import load_corpus
from rag.retrieval import Retriever, lexical_tokens


@pytest.fixture(scope="module")
def data(tmp_path_factory, seeds_copy, embedder):
    path = tmp_path_factory.mktemp("retrieval") / "idx"
    ix.sync(path, load_corpus(seeds_copy), embedder, Settings(chunk_size=450, chunk_overlap=80), progress=False)
    return ix.load(path)


@pytest.mark.parametrize("question, article", [
    ("In het project Stargate moet hoeveel geld vloeien?", "000_fb622f302fa41b5f"),
    ("How much will the European Commission mobilise for artificial intelligence?", "003_60b8193a02aa864f"),
    ("Wie hoch wird der Zusammenschluss von xAI und SpaceX bewertet?", "001_7cb9b078a8c546f5"),
    ("Wie viel Geld stellt Chinas National AI Industry Investment Fund bereit?", "002_9fe74c200e61e5f7"),
])
def test_cross_lingual_questions_find_the_article(data, embedder, question, article):
    passages = Retriever(data, embedder).search(question, 3)
    assert article in [p.doc_id for p in passages]
    assert [p.n for p in passages] == [1, 2, 3]
    assert passages[0].dense_score >= passages[-1].dense_score


def test_hybrid_fusion_returns_ranked_passages_with_dense_scores(data, embedder):
    retriever = Retriever(data, embedder, hybrid=True, bm25_weight=1.0)
    passages = retriever.search("National AI Industry Investment Fund 8,2 Milliarden", 5)
    assert passages[0].doc_id == "002_9fe74c200e61e5f7"
    assert all(0 < p.dense_score <= 1 for p in passages)
    assert len({p.chunk_id for p in passages}) == 5


def test_lexical_tokens_normalise_numbers():
    assert lexical_tokens("9.000 banen en 1,250 Miljard!") == ["9000", "banen", "en", "1250", "miljard"]


def test_empty_index(tmp_path, embedder):
    ix.sync(tmp_path / "empty", [], embedder, Settings(chunk_size=450, chunk_overlap=80), progress=False)
    assert Retriever(ix.load(tmp_path / "empty"), embedder).search("Wat is Stargate?", 3) == []


# -- the embedder's language bias (other_language_bonus) ------------------------------------------------
CHINA_CAPACITY = "Welche KI-Rechenleistung könnte China bis zum Jahresende erreichen?"  # gold 004-05: Dutch evidence


def test_a_passage_in_another_language_is_ranked_with_the_bonus_added_to_its_cosine(data, embedder):
    plain = {p.chunk_id: p for p in Retriever(data, embedder, hybrid=False).search(CHINA_CAPACITY, 20)}
    corrected = Retriever(data, embedder, hybrid=False, other_language_bonus=0.04).search(CHINA_CAPACITY, 20)
    for p in corrected:
        assert p.language_bonus == (0.04 if p.language != "de" else 0.0), p.chunk_id
        if p.chunk_id in plain:  # the cosine itself is unchanged
            assert p.dense_score == pytest.approx(plain[p.chunk_id].dense_score, abs=2e-6), p.chunk_id
    ranked = [p.dense_score + p.language_bonus for p in corrected]
    assert ranked == sorted(ranked, reverse=True)
    assert [p.dense_score for p in corrected] != sorted((p.dense_score for p in corrected), reverse=True)


def test_the_bonus_brings_the_other_languages_evidence_into_the_first_passages(data, embedder):
    def evidence_in_first(retriever) -> bool:
        return any("300 exaflops" in p.text for p in retriever.search(CHINA_CAPACITY, 4))

    assert not evidence_in_first(Retriever(data, embedder, hybrid=False))  # the German article's crowd it out
    assert evidence_in_first(Retriever(data, embedder, hybrid=False, other_language_bonus=0.04))


def test_a_question_in_a_language_bron_does_not_answer_in_gets_no_bonus(data, embedder):
    question = "Quelle puissance de calcul la Chine pourrait-elle atteindre d'ici la fin de l'année ?"
    plain = Retriever(data, embedder, hybrid=False).search(question, 5)
    corrected = Retriever(data, embedder, hybrid=False, other_language_bonus=0.04).search(question, 5)
    assert [(p.chunk_id, p.dense_score) for p in corrected] == [(p.chunk_id, p.dense_score) for p in plain]
    assert not any(p.language_bonus for p in corrected)
