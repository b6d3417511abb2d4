"""Vector stores behind one `VectorStore` interface, chosen by the `vector_store` setting.

"faiss" (the default) and "qdrant" (embedded or a server). A store's module is imported when it is
first used (neither FAISS nor qdrant-client is loaded by `import rag`); another store subclasses
VectorStore and joins `STORES`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from rag.config import VECTOR_STORES as STORES  # vector_store setting -> module:class
from rag.stores.base import VectorStore

if TYPE_CHECKING:
    import numpy as np

    from rag.config import Settings

# Files that mark a version folder whose store keeps data elsewhere (freed by `discard` before deleting it).
POINTERS: dict[str, str] = {"qdrant.json": "qdrant"}


def store_class(name: str) -> type[VectorStore]:
    """The VectorStore class for a `vector_store` name (ValueError for an unknown one)."""
    if name not in STORES:
        raise ValueError(f"unknown vector store {name!r} (known: {', '.join(sorted(STORES))})")
    module, cls = STORES[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_store(name: str, vectors: np.ndarray, kind: str, *, payloads: list[dict] | None = None,
               settings: Settings | None = None) -> VectorStore:
    """A new store of type `name` holding `vectors` (`payloads`: one per vector, for stores that want them)."""
    return store_class(name).build(vectors, kind, payloads=payloads, settings=settings)


def load_store(name: str, folder: Path, kind: str, settings: Settings | None = None) -> VectorStore:
    """The store of type `name` saved in an index version folder."""
    return store_class(name).load(folder, kind, settings)


def discard_store(folder: Path) -> None:
    """Before a version folder is deleted: free what its store keeps outside it (e.g. a Qdrant collection)."""
    for file, name in POINTERS.items():
        if (Path(folder) / file).is_file():
            store_class(name).discard(folder)


__all__ = ["STORES", "VectorStore", "discard_store", "load_store", "make_store", "store_class"]
