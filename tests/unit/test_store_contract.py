"""One contract for every vector store (rag.stores): FAISS and embedded Qdrant, on small random vectors.

A real Qdrant server is tested too when BRON_QDRANT_URL is set (e.g. http://127.0.0.1:6333); otherwise
those cases are skipped. No embedder is needed."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from rag import index
from rag.config import Settings
from rag.errors import IndexError_
from rag.stores import STORES, discard_store, load_store, make_store, store_class

DIM = 16
SERVER = os.environ.get("BRON_QDRANT_URL")

BACKENDS = [
    pytest.param(("faiss", "flat"), id="faiss-flat"),
    pytest.param(("faiss", "hnsw"), id="faiss-hnsw"),
    pytest.param(("qdrant", "flat"), id="qdrant-embedded-flat"),
    pytest.param(("qdrant", "hnsw"), id="qdrant-embedded-hnsw"),
    pytest.param(("qdrant-server", "flat"), id="qdrant-server-flat",
                 marks=pytest.mark.skipif(not SERVER, reason="BRON_QDRANT_URL is not set")),
    pytest.param(("qdrant-server", "hnsw"), id="qdrant-server-hnsw",
                 marks=pytest.mark.skipif(not SERVER, reason="BRON_QDRANT_URL is not set")),
]


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _exact(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :k]


class Backend:
    def __init__(self, spec, tmp_path):
        name, self.kind = spec
        self.name = "qdrant" if name.startswith("qdrant") else name
        self.settings = Settings.load(vector_store=self.name, index_type=self.kind,
                                      qdrant_url=SERVER if name == "qdrant-server" else None)
        self.tmp = tmp_path
        self.folders = []

    def build(self, vectors, payloads=None):
        return make_store(self.name, vectors, self.kind, payloads=payloads, settings=self.settings)

    def folder(self):
        folder = self.tmp / f"v{len(self.folders)}"
        folder.mkdir()
        self.folders.append(folder)
        return folder

    def round_trip(self, store):
        folder = self.folder()
        store.save(folder)
        return load_store(self.name, folder, self.kind, self.settings), folder

    def cleanup(self):
        for folder in self.folders:
            discard_store(folder)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    b = Backend(request.param, tmp_path)
    yield b
    b.cleanup()


def _recall(rows: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(r) & set(t)) / len(t) for r, t in zip(rows, truth)]))


def test_build_len_and_search_order(backend):
    vectors = _vectors(300)
    queries = _vectors(20, seed=1)
    store = backend.build(vectors)
    assert len(store) == 300
    for current in (store, backend.round_trip(store)[0]):
        scores, rows = current.search(queries, 10)
        assert scores.shape == rows.shape == (20, 10)
        assert (np.diff(scores, axis=1) <= 1e-6).all()  # best first
        assert _recall(rows, _exact(vectors, queries, 10)) >= (1.0 if backend.kind == "flat" else 0.9)
        np.testing.assert_allclose(scores, np.take_along_axis(queries @ vectors.T, rows, axis=1), atol=1e-4)
        assert (rows[:, 0] == _exact(vectors, queries, 1)[:, 0]).mean() >= 0.95


def test_a_vector_finds_itself(backend):
    vectors = _vectors(50)
    store, _ = backend.round_trip(backend.build(vectors))
    _, rows = store.search(vectors[[3, 17, 49]], 1)
    assert rows[:, 0].tolist() == [3, 17, 49]


def test_add_gets_the_next_rows_and_never_changes_the_saved_version(backend):
    first, more = _vectors(40), _vectors(25, seed=5)
    store, folder = backend.round_trip(backend.build(first))
    store.add(more)
    assert len(store) == 65
    _, rows = store.search(more[:5], 1)
    assert rows[:, 0].tolist() == [40, 41, 42, 43, 44]
    _, rows = store.search(first[:3], 1)
    assert rows[:, 0].tolist() == [0, 1, 2]
    saved_before = load_store(backend.name, folder, backend.kind, backend.settings)
    if backend.name != "faiss":  # FAISS keeps a copy in memory; the saved file is untouched either way
        assert len(saved_before) == 40
    again, _ = backend.round_trip(store)
    assert len(again) == 65
    everything = np.concatenate([first, more])
    queries = _vectors(10, seed=9)
    _, rows = again.search(queries, 5)
    assert _recall(rows, _exact(everything, queries, 5)) >= (1.0 if backend.kind == "flat" else 0.9)


def test_k_larger_than_the_store_and_empty_store(backend):
    store = backend.build(_vectors(3))
    scores, rows = store.search(_vectors(2, seed=3), 10)
    assert rows.shape[0] == 2 and rows.shape[1] <= 10
    assert sorted(r for r in rows[0].tolist() if r >= 0) == [0, 1, 2]
    empty = backend.build(np.zeros((0, DIM), np.float32))
    assert len(empty) == 0
    scores, rows = empty.search(_vectors(2), 4)
    assert rows.shape[0] == 2 and (rows == -1).all() or rows.shape[1] == 0
    loaded, _ = backend.round_trip(empty)
    assert len(loaded) == 0
    empty.add(_vectors(2))
    assert len(empty) == 2
    _, rows = empty.search(_vectors(2)[:1], 1)
    assert rows[0, 0] == 0


def test_choose_kind(backend):
    cls = store_class(backend.name)
    assert cls.choose_kind(10, "auto", 100) == "flat"
    assert cls.choose_kind(1000, "auto", 100) == "hnsw"
    assert cls.choose_kind(10, "hnsw", 100) == "hnsw"


# -- Qdrant specifics ------------------------------------------------------------------------------


def test_qdrant_keeps_payloads_and_a_pointer_file(tmp_path):
    from qdrant_client import QdrantClient

    vectors = _vectors(5)
    payloads = [{"row": i, "doc_id": f"d{i // 2}", "start": 10 * i, "end": 10 * i + 9, "date": "2025-01-0" + str(i + 1),
                 "language": "nl"} for i in range(5)]
    store = make_store("qdrant", vectors, "flat", payloads=payloads, settings=Settings.load(vector_store="qdrant"))
    store.save(tmp_path)
    pointer = json.loads((tmp_path / "qdrant.json").read_text())
    assert pointer["count"] == 5 and pointer["collection"].startswith("bron-") and pointer["url"] is None
    client = QdrantClient(path=str(tmp_path / "qdrant"))
    try:
        point = client.retrieve(pointer["collection"], [3], with_payload=True)[0]
        assert point.payload == payloads[3]
    finally:
        client.close()


def test_qdrant_shared_path_drops_collections_of_removed_versions(tmp_path):
    from qdrant_client import QdrantClient

    shared = tmp_path / "shared"
    settings = Settings.load(vector_store="qdrant", qdrant_path=str(shared))
    (tmp_path / "a").mkdir()
    store = make_store("qdrant", _vectors(4), "flat", settings=settings)
    store.save(tmp_path / "a")
    name = json.loads((tmp_path / "a" / "qdrant.json").read_text())["collection"]
    loaded = load_store("qdrant", tmp_path / "a", "flat", settings)
    assert len(loaded) == 4 and loaded.search(_vectors(1), 2)[1].shape == (1, 2)
    discard_store(tmp_path / "a")  # another process replaced the version and dropped its collection
    with pytest.raises(IndexError_, match="gone") as info:
        loaded.search(_vectors(1), 2)
    assert "Restart" in info.value.remedy
    from rag.stores import qdrant

    qdrant._close_client(None, shared.resolve())
    client = QdrantClient(path=str(shared))
    try:
        assert not client.collection_exists(name)
    finally:
        client.close()


def test_index_folder_with_qdrant_loads_and_cleans_up(tmp_path):
    """rag.index.save/load with the embedded store: the collection goes with the version folder."""
    from rag.chunking import Chunk
    from rag.documents import Document

    settings = Settings.load(vector_store="qdrant")
    docs = [Document("a", "A", "text of a", "2025-01-01", "nl", None, "a.txt", "h1")]
    chunks = [Chunk(f"a#{i}", "a", "text", i, i + 4, i) for i in range(3)]
    vectors = _vectors(3)
    manifest = index.Manifest(index.FORMAT_VERSION, "fake", "fp", DIM, 450, 80, "flat", {"a": "h1"},
                              vector_store="qdrant")
    path = tmp_path / "idx"
    store = make_store("qdrant", vectors, "flat", payloads=index._payloads(chunks, {"a": docs[0]}), settings=settings)
    first = index.save(path, manifest, docs, chunks, vectors, store)
    data = index.load(path, settings)
    assert len(data.store) == 3 and (first / "qdrant").is_dir()
    assert data.store.search(vectors[1:2], 1)[1][0, 0] == 1
    data.store.add(_vectors(1, seed=7))
    second = index.save(path, manifest, docs, chunks + [Chunk("a#9", "a", "text", 0, 4, 3)],
                        np.concatenate([vectors, _vectors(1, seed=7)]), data.store)
    assert not first.exists() and second.is_dir()
    again = index.load(path, settings)
    assert len(again.store) == 4
    assert again.store.search(_vectors(1, seed=7), 1)[1][0, 0] == 3
    shutil.rmtree(path)


def test_qdrant_is_a_known_store_and_import_rag_stays_light():
    import subprocess
    import sys

    assert "qdrant" in STORES
    code = "import sys, rag, rag.config; rag.config.Settings.load(vector_store='qdrant'); " \
           "print('qdrant_client' in sys.modules, 'httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


class HashEmbedder:
    """A stand-in embedder: a fixed random unit vector per text (no model)."""

    model_id, fingerprint, dim = "hash", "hash-1", DIM

    def encode_passages(self, texts, progress=False):
        import hashlib

        seeds = [int(hashlib.sha1(t.encode()).hexdigest()[:8], 16) for t in texts]
        return np.stack([_vectors(1, seed=s)[0] for s in seeds]) if texts else np.zeros((0, DIM), np.float32)


@pytest.mark.parametrize("store", ["faiss", "qdrant"])
def test_index_sync_through_each_store(tmp_path, store):
    """rag.index.sync builds, extends (only additions) and reloads an index with either store."""
    from qdrant_client import QdrantClient

    from rag.corpus import load_corpus

    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(3):
        (articles / f"a{i}.txt").write_text(f"Title {i}\n\n" + f"Sentence {i} about topic {i}. " * 40)
    settings = Settings.load(vector_store=store, chunk_size=300, chunk_overlap=50)
    path, emb = tmp_path / "idx", HashEmbedder()
    report = index.sync(path, load_corpus(articles), emb, settings, progress=False)
    first = index.load(path, settings)
    assert report.chunks == len(first.store) == len(first.chunks) > 3
    (articles / "a3.txt").write_text("Title 3\n\n" + "Another text entirely. " * 40)
    report = index.sync(path, load_corpus(articles), emb, settings, progress=False)
    assert report.added == ["a3"] and report.embedded < report.chunks
    data = index.load(path, settings)
    assert len(data.store) == len(data.chunks) == report.chunks
    scores, rows = data.store.search(np.asarray(data.vectors[[0, len(data.chunks) - 1]]), 3)
    assert rows[:, 0].tolist() == [0, len(data.chunks) - 1]
    version = index.current_version(path)
    assert len([p for p in path.iterdir() if p.name.startswith("v-")]) == 1
    if store == "qdrant":
        from rag.stores import qdrant

        pointer = json.loads((version / "qdrant.json").read_text())
        qdrant._close_client(None, version / "qdrant")
        client = QdrantClient(path=str(version / "qdrant"))
        try:
            last = len(data.chunks) - 1
            payload = client.retrieve(pointer["collection"], [last], with_payload=True)[0].payload
            chunk = data.chunks[last]
            assert payload["row"] == last and payload["doc_id"] == chunk.doc_id == "a3"
            assert (payload["start"], payload["end"], payload["chunk_id"]) == (chunk.start, chunk.end, chunk.id)
            assert "language" in payload and "date" in payload
        finally:
            client.close()
    other = "faiss" if store == "qdrant" else "qdrant"
    with pytest.raises(IndexError_, match="vector_store"):
        index.sync(path, load_corpus(articles), emb, Settings.load(vector_store=other, chunk_size=300,
                                                                    chunk_overlap=50), progress=False)
