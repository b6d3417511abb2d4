"""The FAISS vector store: exact (flat) search for small collections, HNSW or IVF-PQ for large ones."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from rag.stores.base import VectorStore


def choose_index_type(n_vectors: int, requested: str = "auto", exact_below: int = 50_000) -> str:
    """Exact search for small collections; HNSW graph search above `exact_below` vectors."""
    if requested != "auto":
        return requested
    return "flat" if n_vectors < exact_below else "hnsw"


class FaissStore(VectorStore):
    """Inner-product FAISS index over normalised vectors; positions are chunk row numbers."""

    name = "faiss"
    FILE = "faiss.index"
    HNSW_M = 32

    def __init__(self, index, kind: str):
        self.index = index
        self.kind = kind

    @classmethod
    def choose_kind(cls, n_vectors: int, requested: str = "auto", exact_below: int = 50_000) -> str:
        return choose_index_type(n_vectors, requested, exact_below)

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "flat", ef_search: int = 96, *, payloads=None,
              settings=None) -> FaissStore:
        dim = vectors.shape[1]
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, cls.HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = ef_search
        elif kind == "ivfpq":
            nlist = max(16, int(4 * np.sqrt(len(vectors))))
            index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, nlist, 48, 8, faiss.METRIC_INNER_PRODUCT)
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: 64 * nlist]]
            index.train(sample)
            index.nprobe = max(8, nlist // 16)
        else:
            raise ValueError(kind)
        store = cls(index, kind)
        store.add(vectors)
        return store

    @classmethod
    def load(cls, folder: Path, kind: str, settings=None) -> FaissStore:
        return cls(faiss.read_index(str(Path(folder) / cls.FILE)), kind)

    def save(self, folder: Path) -> None:
        faiss.write_index(self.index, str(Path(folder) / self.FILE))

    def add(self, vectors: np.ndarray, payloads=None) -> None:
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        if k <= 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def __len__(self) -> int:
        return int(self.index.ntotal)
