"""The Qdrant vector store: embedded (local files, one process) or a Qdrant server (`qdrant_url`).

Each index version has its own collection (`bron-<random>`), whose point ids are the chunk row numbers and
whose payload is the chunk's row, id, document id, character offsets, position, date and language. The
index version folder keeps everything else (manifest, documents, chunks, vectors.npy) and a small pointer
file, `qdrant.json`, naming the collection and where it lives:

* embedded, default: the collection is stored in `<version folder>/qdrant/` (it goes with the folder);
* embedded, `qdrant_path`: in that folder, shared by all versions and indexes (old versions' collections
  are dropped when their folder is cleaned up);
* server, `qdrant_url`: on the server (API key from the environment variable BRON_QDRANT_API_KEY). At
  load time a `qdrant_url` setting overrides the URL recorded in the pointer (another machine may reach
  the same server under another name).

Embedded Qdrant locks its folder: one process at a time. Several processes on one index need a server.
Damaged embedded storage (a `storage.sqlite` or `meta.json` overwritten) is one IndexError_ with the remedy,
and loading checks that the collection holds as many vectors as the pointer says (a deleted collection
folder would otherwise come back empty, and every question would find nothing).

Versions are never changed in place: vectors added to a loaded store are kept in memory (searched
exactly) until `save` writes a new collection with the old points and the new ones, so readers of the
live version never see rows that its chunks.jsonl does not have. Building keeps the vectors in memory too
(searched exactly) until `save`. The `kind` is "flat" (exact search; no HNSW graph is built) or "hnsw".
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.errors import IndexError_
from rag.stores.base import VectorStore

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

    from rag.config import Settings

POINTER = "qdrant.json"
FOLDER = "qdrant"  # embedded storage inside the version folder
API_KEY_ENV = "BRON_QDRANT_API_KEY"
BATCH = 512

_clients: dict[tuple[str, str], QdrantClient] = {}  # one client per location and process (embedded locks)
_lock = threading.RLock()


def _location(settings: Settings | None) -> dict[str, str | None]:
    """Where a store built with `settings` puts its collection: {"url": ...} or {"path": ...} (None: in the
    version folder)."""
    if settings is not None and settings.qdrant_url:
        return {"url": settings.qdrant_url, "path": None}
    if settings is not None and settings.qdrant_path:
        return {"url": None, "path": str(Path(settings.qdrant_path).resolve())}
    return {"url": None, "path": None}


def _client(url: str | None, path: Path | None, create: bool = False) -> QdrantClient:
    from qdrant_client import QdrantClient

    key = ("url", url) if url else ("path", str(path))
    with _lock:
        client = _clients.get(key)
        if client is not None:
            return client
        try:
            if url:
                client = QdrantClient(url=url, api_key=os.environ.get(API_KEY_ENV) or None, timeout=30)
            else:
                if not create and not Path(path).is_dir():
                    raise IndexError_(f"The Qdrant storage {path} is gone (the index version was replaced or "
                                      "removed).", "Reload the index (restart the chat), or rebuild: "
                                      "bron index --rebuild")
                client = QdrantClient(path=str(path), force_disable_check_same_thread=True)
        except IndexError_:
            raise
        except RuntimeError as exc:  # embedded storage locked by another process
            if "already accessed" not in str(exc):
                raise _damaged(path, exc) from None
            raise IndexError_(f"Embedded Qdrant storage {path} is in use by another process ({exc}).",
                              "Embedded Qdrant serves one process: stop the other one (bron chat, bron index), or "
                              "run a Qdrant server and set qdrant_url.") from None
        except Exception as exc:  # noqa: BLE001 - sqlite3.DatabaseError, a JSONDecodeError of meta.json, ...
            if url:
                raise _server_error(url, exc) from None
            raise _damaged(path, exc) from None
        _clients[key] = client
        return client


def _damaged(path: Path | None, exc: Exception) -> IndexError_:
    """Embedded storage that cannot be opened. Inside a version folder a rebuild replaces it; a shared
    `qdrant_path` must be moved away first (it cannot be opened to write the new collection either)."""
    message = f"The embedded Qdrant storage {path} is damaged ({type(exc).__name__}: {str(exc)[:200]})."
    if path is not None and path.name == FOLDER and path.parent.name.startswith(("v-", ".tmp-")):
        return IndexError_(message, "Rebuild the index: bron index --rebuild (the articles are read again).")
    return IndexError_(message, f"Move the folder {path} away (qdrant_path: it holds the collections of every "
                       "index that uses it), then rebuild: bron index --rebuild")


@atexit.register
def _close_all() -> None:
    """Close the clients before the interpreter tears down the modules their __del__ needs."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        try:
            client.close()
        except Exception:  # noqa: BLE001 - shutting down
            pass


def _close_client(url: str | None, path: Path | None) -> None:
    key = ("url", url) if url else ("path", str(path))
    with _lock:
        client = _clients.pop(key, None)
    if client is not None:
        client.close()


def _server_error(url: str | None, exc: Exception) -> IndexError_:
    where = f"the Qdrant server at {url}" if url else "embedded Qdrant"
    return IndexError_(f"The vector store failed: {where} answered {type(exc).__name__}: {str(exc)[:300]}",
                       "Check that the Qdrant server is running and qdrant_url is right (API key: "
                       f"{API_KEY_ENV}), or rebuild the index: bron index --rebuild")


class QdrantStore(VectorStore):
    """Inner-product search (normalised vectors: cosine) in a Qdrant collection; point id = chunk row."""

    name = "qdrant"
    wants_payloads = True

    def __init__(self, kind: str, dim: int, location: dict[str, str | None], collection: str | None = None,
                 count: int = 0, folder: Path | None = None):
        self.kind = kind
        self.dim = dim
        self.location = location  # {"url", "path"} of the saved collection or of the one `save` will write
        self.collection = collection  # the saved collection this store reads (None: nothing saved yet)
        self.count = count  # points in `collection`
        self.folder = folder  # the version folder (embedded storage inside it)
        self.pending = np.zeros((0, dim), np.float32)  # rows count, count+1, ... not saved yet
        self.pending_payloads: list[dict[str, Any]] = []

    # -- choosing, building, loading ------------------------------------------------------------
    @classmethod
    def choose_kind(cls, n_vectors: int, requested: str = "auto", exact_below: int = 50_000) -> str:
        if requested == "flat" or (requested == "auto" and n_vectors < exact_below):
            return "flat"
        return "hnsw"  # also for "ivfpq", which Qdrant does not have (it quantises HNSW instead)

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "flat", *, payloads: list[dict] | None = None,
              settings: Settings | None = None) -> QdrantStore:
        if kind not in ("flat", "hnsw"):
            raise ValueError(f"Qdrant store kind {kind!r} (flat or hnsw)")
        store = cls(kind, int(vectors.shape[1]), _location(settings))
        store.add(vectors, payloads)
        return store

    @classmethod
    def load(cls, folder: Path, kind: str, settings: Settings | None = None) -> QdrantStore:
        folder = Path(folder)
        try:
            pointer = json.loads((folder / POINTER).read_text(encoding="utf-8"))
            location = {"url": pointer.get("url"), "path": pointer.get("path")}
            collection, count, dim = str(pointer["collection"]), int(pointer["count"]), int(pointer["dim"])
        except FileNotFoundError:
            raise IndexError_(f"The index version {folder} has no {POINTER}.", "Rebuild it: bron index --rebuild") \
                from None
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexError_(f"{folder / POINTER} is damaged ({exc}).", "Rebuild it: bron index --rebuild") from None
        if location["url"] and settings is not None and settings.qdrant_url:
            location["url"] = settings.qdrant_url  # the same server, as this machine reaches it
        store = cls(kind, dim, location, collection, count, folder)
        store._check_count()
        return store

    def _check_count(self) -> None:
        """The collection must hold the vectors the pointer names (as FAISS's count is checked against the
        manifest): a collection deleted or emptied behind Bron's back must not answer "not in the sources"."""
        client = self._reader()
        try:
            with _lock:
                found = client.count(self.collection, exact=True).count \
                    if client.collection_exists(self.collection) else 0
        except Exception as exc:  # noqa: BLE001 - connection errors, damaged storage: one message
            raise _server_error(self.location["url"], exc) from None
        if found != self.count:
            where = self.location["url"] or self._storage(self.folder)[1]
            raise IndexError_(f"The Qdrant collection {self.collection} in {where} holds {found} vectors, the index "
                              f"expects {self.count} (its storage was deleted or damaged).",
                              "Rebuild the index: bron index --rebuild")

    # -- the collection -------------------------------------------------------------------------
    def _storage(self, folder: Path | None) -> tuple[str | None, Path | None]:
        url, path = self.location["url"], self.location["path"]
        if url:
            return url, None
        return None, Path(path) if path else Path(folder) / FOLDER

    def _reader(self) -> QdrantClient:
        url, path = self._storage(self.folder)
        return _client(url, path)

    def save(self, folder: Path) -> None:
        """Write a new collection with every point (the loaded collection's and the pending ones) and the
        pointer file. The live version's collection is left as it is."""
        from qdrant_client import models

        folder = Path(folder)
        name = f"bron-{uuid.uuid4().hex[:16]}"
        url, path = self._storage(folder)
        total = self.count + len(self.pending)
        pointer = {"collection": name, "count": total, "dim": self.dim, "kind": self.kind, **self.location}
        # The pointer first: a crash from here on leaves a folder whose collection discard() drops.
        (folder / POINTER).write_text(json.dumps(pointer, indent=1), encoding="utf-8")
        client = _client(url, path, create=True)
        try:
            client.create_collection(name, vectors_config=models.VectorParams(size=self.dim,
                                                                              distance=models.Distance.DOT),
                                     hnsw_config=models.HnswConfigDiff(m=0) if self.kind == "flat" else None)
            if self.collection is not None and self.count:
                source = self._reader()
                offset = None
                while True:
                    points, offset = source.scroll(self.collection, limit=BATCH, offset=offset, with_vectors=True,
                                                   with_payload=True)
                    if points:
                        client.upsert(name, points=[models.PointStruct(id=p.id, vector=p.vector, payload=p.payload)
                                                    for p in points], wait=True)
                    if offset is None:
                        break
            for start in range(0, len(self.pending), BATCH):
                part = self.pending[start:start + BATCH]
                payloads = self.pending_payloads[start:start + BATCH] or [{} for _ in part]
                client.upsert(name, points=[
                    models.PointStruct(id=self.count + start + i, vector=part[i].tolist(),
                                       payload={"row": self.count + start + i, **payloads[i]})
                    for i in range(len(part))], wait=True)
            written = client.count(name, exact=True).count
        except IndexError_:
            raise
        except Exception as exc:  # noqa: BLE001 - connection errors, server errors: one message
            raise _server_error(url, exc) from None
        finally:
            if not url and not self.location["path"]:
                _close_client(None, path)  # the version folder is renamed next: nothing may hold it open
        if written != total:
            raise IndexError_(f"Qdrant stored {written} of {total} vectors in {name}.", "Try again: bron index")

    @classmethod
    def discard(cls, folder: Path) -> None:
        """Drop the collection of a version folder that is being removed (a server's or a shared path's)."""
        try:
            pointer = json.loads((Path(folder) / POINTER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if pointer.get("url") or pointer.get("path"):
            client = _client(pointer.get("url"), Path(pointer["path"]) if pointer.get("path") else None, create=True)
            if client.collection_exists(pointer["collection"]):
                client.delete_collection(pointer["collection"])
        else:
            _close_client(None, Path(folder) / FOLDER)

    # -- the contract ---------------------------------------------------------------------------
    def add(self, vectors: np.ndarray, payloads: list[dict] | None = None) -> None:
        if not len(vectors):
            return
        self.pending = np.concatenate([self.pending, np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)])
        self.pending_payloads += list(payloads) if payloads is not None else [{} for _ in range(len(vectors))]

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dim)
        k = min(k, len(self))
        if k <= 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        scores = np.full((len(queries), k), -np.inf, np.float32)
        rows = np.full((len(queries), k), -1, np.int64)
        if self.collection is not None and self.count:
            self._search_collection(queries, k, scores, rows)
        if len(self.pending):  # exact search over the rows not in the collection, merged by score
            sims = queries @ self.pending.T
            top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
            all_scores = np.concatenate([scores, np.take_along_axis(sims, top, axis=1)], axis=1)
            all_rows = np.concatenate([rows, top + self.count], axis=1)
            order = np.argsort(-all_scores, axis=1, kind="stable")[:, :k]
            scores = np.take_along_axis(all_scores, order, axis=1)
            rows = np.take_along_axis(all_rows, order, axis=1)
        rows[~np.isfinite(scores)] = -1
        return scores, rows

    def _search_collection(self, queries: np.ndarray, k: int, scores: np.ndarray, rows: np.ndarray) -> None:
        from qdrant_client import models

        # Embedded Qdrant always searches exactly (and warns about search parameters).
        params = models.SearchParams(exact=self.kind == "flat") if self.location["url"] else None
        requests = [models.QueryRequest(query=q.tolist(), limit=k, params=params, with_payload=False)
                    for q in queries]
        client = self._reader()
        try:
            with _lock:
                responses = client.query_batch_points(self.collection, requests=requests)
        except IndexError_:
            raise
        except Exception as exc:  # noqa: BLE001
            if "not found" in str(exc).lower() or "does not exist" in str(exc).lower():
                raise IndexError_(f"The collection {self.collection} of this index version is gone: another process "
                                  "replaced the index and dropped it.",
                                  "Restart this process (e.g. bron chat) to load the new version.") from None
            raise _server_error(self.location["url"], exc) from None
        for i, response in enumerate(responses):
            for j, point in enumerate(response.points[:k]):
                scores[i, j], rows[i, j] = point.score, int(point.id)

    def __len__(self) -> int:
        return self.count + len(self.pending)
