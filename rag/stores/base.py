"""What Bron needs from a vector store: inner-product search over normalised vectors whose positions are
chunk row numbers (row i of the index <-> vector i)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import numpy as np

    from rag.config import Settings


class VectorStore:
    """One index version's vectors, searchable. `kind` is the store's own variant (e.g. FAISS's flat or
    hnsw), recorded in the manifest; `name` is the `vector_store` setting that selects the class."""

    name: ClassVar[str] = ""
    kind: str = ""
    # True: build/add want one payload per vector (the chunk's row, ids, offsets, date, language), which a
    # store that keeps them (Qdrant) stores with the vector; FAISS does not.
    wants_payloads: ClassVar[bool] = False

    @classmethod
    def choose_kind(cls, n_vectors: int, requested: str = "auto", exact_below: int = 50_000) -> str:
        """The variant to build for `n_vectors` when the settings ask for `requested` (`index_type`)."""
        return requested

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str, *, payloads: list[dict] | None = None,
              settings: Settings | None = None) -> VectorStore:
        """A new store holding `vectors` (float32, one row per chunk); `settings` say where a store that
        lives outside the index folder (a server) puts its data."""
        raise NotImplementedError

    @classmethod
    def load(cls, folder: Path, kind: str, settings: Settings | None = None) -> VectorStore:
        """The store that `save(folder)` wrote into an index version folder."""
        raise NotImplementedError

    @classmethod
    def discard(cls, folder: Path) -> None:
        """Free what the store keeps outside `folder` (a server's collection) before the folder is deleted."""

    def save(self, folder: Path) -> None:
        """Write the store's files into `folder` (an index version folder being written)."""
        raise NotImplementedError

    def add(self, vectors: np.ndarray, payloads: list[dict] | None = None) -> None:
        """Append vectors: they get the next row numbers. A saved version is never changed in place."""
        raise NotImplementedError

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k best rows per query, best first; rows are -1 where fewer were found."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError
