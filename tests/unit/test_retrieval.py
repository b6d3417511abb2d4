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
