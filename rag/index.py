"""The on-disk index: chunk metadata, their vectors and a vector store (rag.stores), kept in versions.

Layout of ``indexes/<name>/``::

    CURRENT            name of the live version folder (replaced atomically)
    v-<stamp>/         manifest.json, documents.jsonl, chunks.jsonl, vectors.npy and the store's files
                       (FAISS: faiss.index; Qdrant: qdrant.json naming its collection, see rag.stores.qdrant)
    uploads/           articles added through the chat or `bron add` (kept as files once indexed; the files
                       of a batch whose indexing failed are removed again, see `unless_indexed`)

A build writes a complete new version folder and only then points CURRENT at it, so a crash never
leaves a half-written index, and readers always see a whole version. Writers (`bron index`, `bron add`,
uploads in the chat) take the index's lock file `.lock` first, so two never interleave: the second waits
(`index_lock_timeout` seconds) or stops with a message. Under the lock every temporary folder is a
leftover of a crashed build and every version but the current one is old, so each write cleans both.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from rag.chunking import Chunk
from rag.documents import Document
from rag.errors import IncompatibleIndex, IndexError_
from rag.stores import STORES, VectorStore, discard_store, load_store, make_store, store_class

if TYPE_CHECKING:
    from rag.config import Settings

FORMAT_VERSION = 1
REBUILD_HINT = "Rebuild it: bron index --rebuild"


@dataclass
class Manifest:
    """What an index was built with; loading checks it against the current settings."""

    format_version: int
    embedder_id: str
    embedder_fingerprint: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    index_type: str
    documents: dict[str, str] = field(default_factory=dict)  # doc id -> content hash
    n_chunks: int = 0
    updated: str = ""
    vector_store: str = "faiss"  # the rag.stores name; indexes written before it was recorded are FAISS

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except FileNotFoundError:
            raise IndexError_(f"The index at {path.parent} has no manifest.", REBUILD_HINT) from None
        except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as exc:
            raise IndexError_(f"The index manifest {path} is corrupt ({exc}).", REBUILD_HINT) from None


@dataclass
class IndexData:
    """A loaded index version: documents, chunks (row i <-> vector i) and the vector store."""

    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[Chunk]
    vectors: np.ndarray
    store: VectorStore


class IndexTexts(NamedTuple):
    """A version's articles and passages alone (what passage KV states are keyed on)."""

    documents: dict[str, Document]
    chunks: list[Chunk]


def current_version(index_path: Path) -> Path | None:
    pointer = index_path / "CURRENT"
    if not pointer.is_file():
        return None
    version = index_path / pointer.read_text().strip()
    return version if version.is_dir() else None


def exists(index_path: Path) -> bool:
    return current_version(index_path) is not None


def load(index_path: Path, settings: Settings | None = None) -> IndexData:
    """Load the live version; every kind of damage becomes an IndexError_ with the remedy. `settings` may
    tell a store that lives elsewhere (a Qdrant server) how this machine reaches it."""
    version = current_version(index_path)
    if version is None:
        raise IndexError_(f"No index found at {index_path}.", "Build it: bron index  (or: make index)")
    manifest = Manifest.read(version / "manifest.json")
    if manifest.format_version != FORMAT_VERSION:
        raise IndexError_(f"The index at {index_path} has format {manifest.format_version}, this Bron reads "
                          f"format {FORMAT_VERSION}.", REBUILD_HINT)
    if manifest.vector_store not in STORES:
        raise IndexError_(f"The index at {index_path} uses the vector store {manifest.vector_store!r}, which this "
                          f"Bron does not have (it has: {', '.join(sorted(STORES))}).", REBUILD_HINT)
    try:
        documents, chunks = _read_texts(version)
        vectors = np.load(version / "vectors.npy", mmap_mode="r", allow_pickle=False)  # FAISS has its own copy
        store = load_store(manifest.vector_store, version, manifest.index_type, settings)
    except (OSError, ValueError, TypeError, RuntimeError, json.JSONDecodeError) as exc:
        raise IndexError_(f"The index at {index_path} is damaged: {exc}", REBUILD_HINT) from None
    if not (len(chunks) == len(vectors) == len(store) == manifest.n_chunks) or \
            (len(vectors) and vectors.shape[1] != manifest.dim):
        raise IndexError_(f"The index at {index_path} is inconsistent ({len(chunks)} chunks, "
                          f"{len(vectors)} vectors, {len(store)} in the vector store).", REBUILD_HINT)
    return IndexData(manifest, documents, chunks, vectors, store)


def _read_texts(version: Path) -> tuple[dict[str, Document], list[Chunk]]:
    documents = {}
    with open(version / "documents.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = Document(**json.loads(line))
            documents[doc.id] = doc
    with open(version / "chunks.jsonl", encoding="utf-8") as fh:
        chunks = [Chunk(**json.loads(line)) for line in fh]
    return documents, chunks


def load_texts(index_path: Path) -> IndexTexts:
    """The live version's articles and passages, without opening its vectors or vector store (an embedded
    Qdrant store serves one client per process: a second one would lock out the chat's own)."""
    version = current_version(index_path)
    if version is None:
        raise IndexError_(f"No index found at {index_path}.", "Build it: bron index  (or: make index)")
    try:
        return IndexTexts(*_read_texts(version))
    except (OSError, ValueError, TypeError, json.JSONDecodeError) as exc:
        raise IndexError_(f"The index at {index_path} is damaged: {exc}", REBUILD_HINT) from None


_LOCKS: dict[Path, object] = {}  # one lock object per index and process, so a writer may re-enter it


@contextlib.contextmanager
def write_lock(index_path: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the index's write lock (a lock file, released if the process dies) while changing it."""
    from filelock import FileLock, Timeout

    index_path.mkdir(parents=True, exist_ok=True)
    key = index_path.resolve()
    lock = _LOCKS.setdefault(key, FileLock(str(key / ".lock"), thread_local=False))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise IndexError_(f"Another process is changing the index at {index_path} (bron index, bron add or an "
                          f"upload in the chat), and it did not finish within {timeout:.0f} s.",
                          "Wait for it to finish and try again (or raise index_lock_timeout in bron.toml).") from None
    try:
        if lock.lock_counter == 1:
            clean_leftovers(index_path)
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def unless_indexed(index_path: Path, files: list[Path]) -> Iterator[None]:
    """Remove `files` (a batch just saved to uploads/) if the block fails before a new version is live: a
    failed batch leaves nothing behind that the next write would index without a word."""
    before = current_version(index_path)
    try:
        yield
    except BaseException:
        if current_version(index_path) == before:
            for file in files:
                Path(file).unlink(missing_ok=True)
        raise


def clean_leftovers(index_path: Path) -> list[str]:
    """Remove temporary folders of crashed builds and versions that CURRENT no longer names (call under
    the write lock). Returns the names removed."""
    live = current_version(index_path)
    removed = []
    for path in index_path.iterdir():
        stale = path.name.startswith((".tmp-", ".CURRENT-")) or (path.name.startswith("v-") and path != live)
        if stale and (live is not None or not path.name.startswith("v-")):
            if path.is_dir():
                _discard(path)
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _discard(folder: Path) -> None:
    """Free a removed version's data kept outside its folder; a failure leaves it behind, with a warning."""
    try:
        discard_store(folder)
    except Exception as exc:  # noqa: BLE001 - a server that is down must not stop the write
        import warnings

        warnings.warn(f"Could not free the vector store data of {folder.name}: {exc}", stacklevel=2)


def save(index_path: Path, manifest: Manifest, documents: list[Document], chunks: list[Chunk],
         vectors: np.ndarray, store: VectorStore) -> Path:
    """Write a new version folder completely, then switch CURRENT to it atomically (under the write lock)."""
    index_path.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 10**9:09d}"
    version = index_path / f"v-{stamp}"
    tmp = index_path / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        manifest.n_chunks = len(chunks)
        manifest.updated = time.strftime("%Y-%m-%dT%H:%M:%S")
        with open(tmp / "documents.jsonl", "w", encoding="utf-8") as fh:
            for doc in documents:
                fh.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32))
        store.save(tmp)
        (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1, ensure_ascii=False))
        for file in tmp.iterdir():
            if not file.is_file():
                continue  # a store's own folder (embedded Qdrant writes and syncs its files itself)
            with open(file, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, version)
        pointer_tmp = index_path / f".CURRENT-{stamp}"
        pointer_tmp.write_text(version.name)
        os.replace(pointer_tmp, index_path / "CURRENT")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    clean_leftovers(index_path)  # the version that was live until now
    return version


@dataclass
class IndexReport:
    """What a sync did, for the CLI, the chat and tests."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    index_type: str = ""

    @property
    def modified(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        if not self.modified:
            return f"Index up to date: {self.unchanged} articles, {self.chunks} passages."
        return (f"Indexed {len(self.added)} new, {len(self.changed)} changed, {len(self.removed)} removed "
                f"article(s) ({self.unchanged} unchanged); embedded {self.embedded} of {self.chunks} passages "
                f"in {self.seconds:.1f} s ({self.index_type} index).")


def check_compatible(manifest: Manifest, embedder, settings: Settings, where: Path) -> None:
    """An index only makes sense with the embedder, chunking and vector store it was built with."""
    if manifest.embedder_fingerprint != embedder.fingerprint or manifest.dim != embedder.dim:
        raise IncompatibleIndex(f"The index at {where} was built with another embedder ({manifest.embedder_id}, "
                                f"fingerprint {manifest.embedder_fingerprint}); the configured one is "
                                f"{embedder.model_id} ({embedder.fingerprint}).", REBUILD_HINT)
    if (manifest.chunk_size, manifest.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap):
        raise IncompatibleIndex(f"The index at {where} was built with chunk_size={manifest.chunk_size}, "
                                f"chunk_overlap={manifest.chunk_overlap}; the settings say {settings.chunk_size}, "
                                f"{settings.chunk_overlap}.", REBUILD_HINT)
    if manifest.vector_store != settings.vector_store:
        raise IncompatibleIndex(f"The index at {where} was built with vector_store={manifest.vector_store!r}; the "
                                f"settings say {settings.vector_store!r}.", REBUILD_HINT)


def sync(index_path: Path, documents: list[Document], embedder, settings: Settings, *, rebuild: bool = False,
         progress: bool = True, on_progress=None) -> IndexReport:
    """Bring the index in line with `documents`, embedding only new or changed articles.

    `settings` give the chunking (chunk_size, chunk_overlap) and the vector store (vector_store,
    index_type, exact_below); an index built with other ones is refused unless `rebuild`. Holds the
    write lock throughout, so the version it reads is the one it replaces."""
    with write_lock(index_path, settings.index_lock_timeout):
        return _sync(index_path, documents, embedder, settings, rebuild, progress, on_progress)


def _sync(index_path: Path, documents: list[Document], embedder, settings: Settings, rebuild: bool,
          progress: bool, on_progress) -> IndexReport:
    from rag.chunking import chunk_documents

    started = time.perf_counter()
    report = IndexReport()
    old = None
    if not rebuild and exists(index_path):
        old = load(index_path, settings)
        check_compatible(old.manifest, embedder, settings, index_path)
    old_hashes = old.manifest.documents if old else {}
    wanted = {d.id: d for d in documents}
    report.removed = sorted(set(old_hashes) - set(wanted))
    to_embed: list[Document] = []
    for doc in documents:
        if doc.id not in old_hashes:
            report.added.append(doc.id)
            to_embed.append(doc)
        elif old_hashes[doc.id] != doc.content_hash:
            report.changed.append(doc.id)
            to_embed.append(doc)
        else:
            report.unchanged += 1
    # Same content but other metadata (a reader now finds a better title, a site name, pages): the new
    # version gets the documents as read now, without embedding anything again.
    refreshed = old is not None and any(old.documents.get(d.id) != d for d in documents)
    if old is not None and not report.modified and not refreshed:
        report.chunks, report.index_type = len(old.chunks), old.manifest.index_type
        return report

    new_chunks = chunk_documents(to_embed, settings.chunk_size, settings.chunk_overlap)
    new_vectors = _embed(embedder, [c.text for c in new_chunks], progress, on_progress)
    report.embedded = len(new_chunks)
    fresh = {d.id for d in to_embed}
    chunks: list[Chunk] = []
    parts: list[np.ndarray] = []
    if old is not None:
        keep = [i for i, c in enumerate(old.chunks) if c.doc_id in wanted and c.doc_id not in fresh]
        chunks += [old.chunks[i] for i in keep]
        parts.append(old.vectors[keep])
    chunks += new_chunks
    parts.append(new_vectors)
    vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
    cls = store_class(settings.vector_store)
    kind = cls.choose_kind(len(vectors), settings.index_type, settings.exact_below)
    if old is not None and kind == old.manifest.index_type and len(keep) == len(old.chunks):
        # Only additions: extend the loaded graph (a fresh copy in memory) instead of rebuilding it.
        store = old.store
        store.add(new_vectors, _payloads(new_chunks, wanted, len(old.chunks)) if cls.wants_payloads else None)
    else:
        store = make_store(settings.vector_store, vectors.reshape(-1, embedder.dim), kind, settings=settings,
                           payloads=_payloads(chunks, wanted) if cls.wants_payloads else None)
    manifest = Manifest(FORMAT_VERSION, embedder.model_id, embedder.fingerprint, embedder.dim, settings.chunk_size,
                        settings.chunk_overlap, kind, {d.id: d.content_hash for d in documents},
                        vector_store=settings.vector_store)
    save(index_path, manifest, documents, chunks, vectors, store)
    report.chunks, report.index_type = len(chunks), kind
    report.seconds = time.perf_counter() - started
    return report


def _payloads(chunks: list[Chunk], documents: dict[str, Document], first_row: int = 0) -> list[dict]:
    """What a store that keeps payloads stores with each vector (row = position in chunks.jsonl)."""
    out = []
    for row, chunk in enumerate(chunks, first_row):
        doc = documents.get(chunk.doc_id)
        out.append({"row": row, "chunk_id": chunk.id, "doc_id": chunk.doc_id, "start": chunk.start, "end": chunk.end,
                    "position": chunk.position, "date": doc.date if doc else None,
                    "language": doc.language if doc else None})
    return out


def _embed(embedder, texts: list[str], progress: bool, on_progress, batch: int = 256) -> np.ndarray:
    """Embed in large batches (the encoder batches internally) with a progress bar in chunks."""
    import sys

    from tqdm import tqdm

    parts = []
    with tqdm(total=len(texts), desc="Embedding passages", unit="passage", disable=not progress or not texts,
              file=sys.stderr) as bar:
        for i in range(0, len(texts), batch):
            parts.append(embedder.encode_passages(texts[i:i + batch]))
            bar.update(len(texts[i:i + batch]))
            if on_progress:
                on_progress(min(i + batch, len(texts)), len(texts))
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
