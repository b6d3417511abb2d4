"""Finding the passages for a question: dense search (multilingual e5 + FAISS), optionally fused by
reciprocal rank with lexical BM25 search (bm25s).

Dense-only is the default: on the gold set (mostly cross-lingual questions over five articles),
adding BM25 at any weight lowered the share of questions whose evidence reaches the prompt from 0.93
to 0.72-0.85. BM25 stays available (`hybrid = true`) for large same-language collections, where
exact names and numbers matter more.

A SearchFilter (rag.filters) restricts both halves to the passages of matching articles before ranking:
the dense half searches those rows exactly (articles are few; a filtered HNSW or IVF search would miss
rows), the BM25 half ranks only them, so a filter never leaves fewer than k passages while more exist.

A passage in another language than the question gets `other_language_bonus` (0 by default) added to its cosine
before ranking (`Passage.language_bonus`; `dense_score` stays the cosine): the embedder's language bias otherwise
keeps the other language's evidence out of the prompt. rag.searching.trim then lets the bonus decide which passages
the model reads, not their order (README, "Cross-lingual retrieval")."""

from __future__ import annotations

import re

import numpy as np

from rag.filters import SearchFilter
from rag.index import IndexData
from rag.results import Passage
from rag.textrules import split_words

RRF_K = 60  # reciprocal rank fusion's constant: 60 is the value of the original paper (Cormack et al., 2009)


def lexical_tokens(text: str) -> list[str]:
    """Lower-cased word tokens; numbers lose their thousands separators (9.000 -> 9000)."""
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text.lower())
    return [t for t in split_words(text) if len(t) > 1 or t.isdigit()]


class Retriever:
    """Top-k passages for a question over one loaded index."""

    def __init__(self, data: IndexData, embedder, hybrid: bool = True, candidates: int = 20,
                 bm25_weight: float = 0.3, other_language_bonus: float = 0.0):
        self.data = data
        self.bm25_weight = bm25_weight
        self.other_language_bonus = other_language_bonus
        self.embedder = embedder
        self.hybrid = hybrid and len(data.chunks) > 0
        self.candidates = candidates
        self._bm25 = self._build_bm25() if self.hybrid else None
        self._allowed: dict[SearchFilter, np.ndarray] = {}

    def allowed_rows(self, filter_: SearchFilter) -> np.ndarray:
        """The chunk rows of the articles the filter lets through, ascending (cached per filter)."""
        rows = self._allowed.get(filter_)
        if rows is None:
            docs = {doc_id for doc_id, doc in self.data.documents.items() if filter_.matches(doc)}
            rows = np.array([i for i, c in enumerate(self.data.chunks) if c.doc_id in docs], dtype=np.int64)
            if len(self._allowed) > 64:
                self._allowed.clear()
            self._allowed[filter_] = rows
        return rows

    def _build_bm25(self):
        import bm25s

        model = bm25s.BM25()
        model.index([lexical_tokens(c.text) for c in self.data.chunks], show_progress=False)
        return model

    def _bm25_ranks(self, question: str, k: int, allowed: np.ndarray | None = None) -> list[int]:
        tokens = lexical_tokens(question)
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in tokens if t in vocab]
        if not ids:
            return []
        scores = self._bm25.get_scores(ids)
        if allowed is not None:
            kept = np.zeros_like(scores)
            kept[allowed] = scores[allowed]
            scores = kept
        top = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in top if scores[i] > 0]

    def _dense(self, query: np.ndarray, n: int, allowed: np.ndarray | None) -> tuple[list[int], dict[int, float]]:
        """The n best rows by cosine, from the store, or among the allowed rows exactly."""
        if allowed is None:
            scores, rows = self.data.store.search(query, n)
            pairs = [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
        else:
            sims = np.asarray(self.data.vectors[allowed], dtype=np.float32) @ query[0]
            top = np.argsort(-sims, kind="stable")[:n]
            pairs = [(int(allowed[i]), float(sims[i])) for i in top]
        return [r for r, _ in pairs], dict(pairs)

    def search(self, question: str, k: int, filter_: SearchFilter | None = None) -> list[Passage]:
        """The k best passages for the question; with a filter, the k best among the matching articles'."""
        if not self.data.chunks:
            return []
        allowed = None
        if filter_:
            allowed = self.allowed_rows(filter_)
            if not len(allowed):
                return []
            if len(allowed) == len(self.data.chunks):
                allowed = None  # the filter keeps everything: the store's own search
        pool = len(self.data.chunks) if allowed is None else len(allowed)
        query = self.embedder.encode_queries([question])
        n = min(max(self.candidates, k), pool)
        dense_rank, dense_score = self._dense(query, n, allowed)
        bonus = self._language_bonus(question) or (lambda row: 0.0)
        ranking = {row: score + bonus(row) for row, score in dense_score.items()}  # the cosine, corrected
        dense_rank = sorted(dense_rank, key=lambda row: -ranking[row])
        fused: dict[int, float] = {}
        for rank, row in enumerate(dense_rank):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        if self._bm25 is not None:
            for rank, row in enumerate(self._bm25_ranks(question, n, allowed)):
                fused[row] = fused.get(row, 0.0) + self.bm25_weight / (RRF_K + rank + 1)
        missing = [r for r in fused if r not in dense_score]
        if missing:  # exact cosine for BM25-only hits, so every passage has a comparable dense score
            vectors = self.data.vectors[missing]
            for row, value in zip(missing, vectors @ query[0]):
                dense_score[row] = float(value)
                ranking[row] = float(value) + bonus(row)
        ranked = sorted(fused, key=lambda r: (-fused[r], -ranking[r]))[:k]
        return [self._passage(i + 1, row, fused[row], dense_score[row], bonus(row)) for i, row in enumerate(ranked)]

    def _language_bonus(self, question: str):
        """`other_language_bonus` for a row whose article is in another language than the question, as a function
        of the row (None: no bonus). The multilingual embedder scores a passage in the question's own language
        higher than one saying the same in another (its language bias): on 329 answerable gold questions a German
        question's top passages came from the German article while the Dutch one held the evidence."""
        if not self.other_language_bonus:
            return None
        from rag import language

        asked = language.detect(question, default="")
        if not language.supported(asked):
            return None
        documents, chunks, bonus = self.data.documents, self.data.chunks, self.other_language_bonus

        def of(row: int) -> float:
            doc = documents.get(chunks[row].doc_id)
            return bonus if doc is not None and language.supported(doc.language) and doc.language != asked else 0.0
        return of

    def _passage(self, n: int, row: int, score: float, dense: float, bonus: float = 0.0) -> Passage:
        chunk = self.data.chunks[row]
        doc = self.data.documents.get(chunk.doc_id)
        return Passage(n=n, doc_id=chunk.doc_id, title=doc.title if doc else chunk.doc_id,
                       date=doc.date if doc else None, chunk_id=chunk.id, text=chunk.text,
                       start=chunk.start, end=chunk.end, score=round(score, 6), dense_score=round(dense, 6),
                       language=doc.language if doc else "", source=doc.source if doc else None,
                       page=doc.page_at(chunk.start) if doc else None, language_bonus=bonus)
