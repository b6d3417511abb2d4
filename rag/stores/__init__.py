"""Vector stores behind one `VectorStore` interface, chosen by the `vector_store` setting.

Only "faiss" today. A store's module is imported when it is first used (FAISS is not loaded by
`import rag`); another store subclasses VectorStore and joins `STORES`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from rag.stores.base import VectorStore

if TYPE_CHECKING:
    import numpy as np

STORES: dict[str, str] = {"faiss": "rag.stores.faiss:FaissStore"}  # vector_store setting -> module:class


def store_class(name: str) -> type[VectorStore]:
    """The VectorStore class for a `vector_store` name (ValueError for an unknown one)."""
    if name not in STORES:
        raise ValueError(f"unknown vector store {name!r} (known: {', '.join(sorted(STORES))})")
    module, cls = STORES[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_store(name: str, vectors: np.ndarray, kind: str) -> VectorStore:
    """A new store of type `name` holding `vectors`."""
    return store_class(name).build(vectors, kind)


def load_store(name: str, folder: Path, kind: str) -> VectorStore:
    """The store of type `name` saved in an index version folder."""
    return store_class(name).load(folder, kind)


__all__ = ["STORES", "VectorStore", "load_store", "make_store", "store_class"]
