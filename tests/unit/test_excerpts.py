"""rag.excerpts: each passage cut to its best sentences, in order, with a mark where text was left out."""

import numpy as np

from rag.excerpts import GAP, excerpt, join_kept
from rag.results import Passage


class WordEmbedder:
    """Vectors that count a few words: a sentence is close to the question when it shares them."""

    VOCAB = ("stargate", "trump", "dienstag", "oracle", "geld")

    def _vectors(self, texts):
        rows = np.array([[t.lower().count(w) for w in self.VOCAB] + [1] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    encode_queries = encode_passages = _vectors


def passage(n, text):
    return Passage(n, "doc", "Title", None, f"c{n}", text, 0, len(text), 1.0)


TEXT = ("Am Montag sprach China. Am Dienstag zogen die USA nach. Trump gab Stargate bekannt. "
        "Oracle ist dabei. Es geht um viel Geld.")


def test_each_passage_keeps_its_best_sentences_in_order_with_gap_marks():
    short = passage(2, "Stargate kostet Geld.")
    cut, same = excerpt("Wann gab Trump Stargate bekannt?", [passage(1, TEXT), short], WordEmbedder(), 1)
    assert cut.text == f"{GAP} Trump gab Stargate bekannt. {GAP}"
    assert "Am Montag sprach China." not in cut.text and len(cut.text) < len(TEXT)
    assert same == short  # no longer than the budget: untouched
    assert (cut.n, cut.doc_id, cut.start, cut.end) == (1, "doc", 0, len(TEXT))  # still the same passage


def test_zero_sentences_leaves_the_passages_whole():
    passages = [passage(1, TEXT)]
    assert excerpt("Wann?", passages, None, 0) is passages


def test_gap_marks():
    parts = ["A.", "B.", "C.", "D."]
    assert join_kept(parts, [0, 1]) == f"A. B. {GAP}"
    assert join_kept(parts, [1, 3]) == f"{GAP} B. {GAP} D."
    assert join_kept(parts, [0, 1, 2, 3]) == "A. B. C. D."


def test_kept_sentences_stay_in_the_passage_order():
    cut, = excerpt("Wann gab Trump Stargate am Dienstag bekannt?", [passage(1, TEXT)], WordEmbedder(), 2)
    assert cut.text == f"{GAP} Am Dienstag zogen die USA nach. Trump gab Stargate bekannt. {GAP}"
