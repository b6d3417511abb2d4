"""rag.searching.trim: which ranked passages the model reads, and in which order, with and without a language
bonus (constructed passages: the logic around the retriever)."""

from rag.config import Settings
from rag.results import Passage
from rag.searching import trim


def passage(n: int, cosine: float, bonus: float = 0.0, chars: int = 100, language: str = "nl") -> Passage:
    return Passage(n=n, doc_id=f"d{n}", title="t", date=None, chunk_id=f"c{n}", text="x" * chars, start=0,
                   end=chars, score=1.0 / n, dense_score=cosine, language=language, language_bonus=bonus)


SETTINGS = Settings(score_gap=0.03, context_chars=1500)


def test_without_a_bonus_the_list_ends_at_the_first_passage_outside_the_gap():
    kept = trim([passage(1, 0.90), passage(2, 0.88), passage(3, 0.86), passage(4, 0.89)], SETTINGS)
    assert [p.chunk_id for p in kept] == ["c1", "c2"]


def test_the_budget_of_characters_ends_the_list():
    kept = trim([passage(1, 0.90, chars=900), passage(2, 0.89, chars=700), passage(3, 0.89)], SETTINGS)
    assert [p.chunk_id for p in kept] == ["c1"]


def test_a_promoted_passage_joins_but_the_cosines_decide_the_order():
    """"Wie leidt OpenAI?": two German passages promoted above the Dutch one that answers; the Dutch one stays,
    first, and the passages are numbered anew."""
    ranked = [passage(1, 0.872, 0.04, language="de"), passage(2, 0.845, 0.04, language="de"),
              passage(3, 0.875), passage(4, 0.875 - 0.0005)]
    kept = trim(ranked, SETTINGS)
    assert [p.chunk_id for p in kept] == ["c3", "c4", "c1", "c2"]
    assert [p.n for p in kept] == [1, 2, 3, 4]


def test_a_passage_within_the_gap_by_neither_score_is_skipped_not_the_rest():
    ranked = [passage(1, 0.85, 0.04, language="de"), passage(2, 0.80), passage(3, 0.84, 0.04, language="de"),
              passage(4, 0.86)]
    assert [p.chunk_id for p in trim(ranked, SETTINGS)] == ["c4", "c1", "c3"]


def test_the_bonus_brings_in_a_passage_the_cosine_alone_would_leave_out():
    ranked = [passage(1, 0.88), passage(2, 0.845, 0.04, language="de"), passage(3, 0.83)]
    kept = trim(ranked, SETTINGS)
    assert [p.chunk_id for p in kept] == ["c1", "c2"]
    assert trim([passage(1, 0.88), passage(2, 0.845, language="de")], SETTINGS)[1:] == []


def test_no_passages():
    assert trim([], SETTINGS) == []
