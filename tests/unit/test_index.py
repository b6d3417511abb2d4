"""Index building with the real embedder and FAISS: manifest, incremental updates, damage handling."""

import json
import shutil

import numpy as np
import pytest

from rag import index as ix
from rag.config import Settings
from rag.corpus import load_corpus
from rag.errors import IndexError_
from rag.stores.faiss import FaissStore, choose_index_type


class CountingEmbedder:
    """The real embedder, counting how many passages it is asked to embed."""

    def __init__(self, real):
        self.real = real
        self.embedded = 0
        self.model_id, self.fingerprint, self.dim = real.model_id, real.fingerprint, real.dim

    def encode_passages(self, texts, progress=False):
        self.embedded += len(texts)
        return self.real.encode_passages(texts)


@pytest.fixture
def corpus(tmp_path, seeds_copy):
    folder = tmp_path / "articles"
    shutil.copytree(seeds_copy, folder)
    return folder


def build(path, folder, embedder, rebuild=False, **settings):
    return ix.sync(path, load_corpus(folder), embedder, Settings(chunk_size=700, chunk_overlap=100, **settings),
                   rebuild=rebuild, progress=False)


def test_build_writes_a_complete_manifest(tmp_path, corpus, embedder):
    report = build(tmp_path / "idx", corpus, embedder)
    assert len(report.added) == 5 and report.chunks == report.embedded > 5
    data = ix.load(tmp_path / "idx")
    m = data.manifest
    assert m.format_version == ix.FORMAT_VERSION and m.dim == 384 and m.index_type == "flat"
    assert m.embedder_fingerprint == embedder.fingerprint
    assert (m.chunk_size, m.chunk_overlap) == (700, 100)
    assert set(m.documents) == {p.stem for p in corpus.glob("*.txt")}
    assert len(data.chunks) == len(data.vectors) == len(data.store) == m.n_chunks
    assert np.allclose(np.linalg.norm(data.vectors, axis=1), 1.0, atol=1e-4)


def test_reindexing_embeds_only_added_changed_and_drops_removed(tmp_path, corpus, embedder):
    path = tmp_path / "idx"
    counting = CountingEmbedder(embedder)
    build(path, corpus, counting)
    total = counting.embedded
    counting.embedded = 0
    assert not build(path, corpus, counting).modified and counting.embedded == 0

    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over chips.", encoding="utf-8")
    removed = sorted(corpus.glob("*.txt"))[1]
    removed.unlink()
    (corpus / "new.txt").write_text("Nieuw artikel: Zonnevlecht BV haalde 37 miljoen euro op.", encoding="utf-8")
    report = build(path, corpus, counting)
    assert report.added == ["new"] and report.changed == [changed.stem] and report.removed == [removed.stem]
    data = ix.load(path)
    changed_chunks = [c for c in data.chunks if c.doc_id in {changed.stem, "new"}]
    assert counting.embedded == len(changed_chunks) < total
    assert removed.stem not in {c.doc_id for c in data.chunks}
    # the kept vectors are the same as a full rebuild would give
    fresh = build(tmp_path / "fresh", corpus, embedder)
    assert fresh.chunks == len(data.chunks)
    rebuilt = ix.load(tmp_path / "fresh")
    order = {c.id: i for i, c in enumerate(rebuilt.chunks)}
    for i, c in enumerate(data.chunks):
        assert np.allclose(data.vectors[i], rebuilt.vectors[order[c.id]], atol=1e-5)


def test_a_crash_during_a_build_leaves_the_old_index(tmp_path, corpus, embedder, monkeypatch):
    path = tmp_path / "idx"
    build(path, corpus, embedder)
    before = ix.load(path).manifest.documents
    (corpus / "extra.txt").write_text("Een extra artikel over Europese AI-fabrieken.", encoding="utf-8")

    def crash(self, where):
        raise OSError("disk full")

    monkeypatch.setattr(FaissStore, "save", crash)
    with pytest.raises(OSError):
        build(path, corpus, embedder)
    monkeypatch.undo()
    assert ix.load(path).manifest.documents == before
    assert not [p for p in path.iterdir() if p.name.startswith(".tmp-")]


def test_other_embedder_or_chunking_is_refused_with_rebuild_hint(tmp_path, corpus, embedder):
    path = tmp_path / "idx"
    build(path, corpus, embedder)
    with pytest.raises(IndexError_) as info:
        ix.sync(path, load_corpus(corpus), embedder, Settings(chunk_size=500, chunk_overlap=100), progress=False)
    assert "chunk_size" in str(info.value) and "--rebuild" in info.value.remedy
    other = CountingEmbedder(embedder)
    other.fingerprint = "someothermodel"
    with pytest.raises(IndexError_) as info:
        build(path, corpus, other)
    assert "another embedder" in info.value.message
    assert build(path, corpus, other, rebuild=True).embedded > 0


@pytest.mark.parametrize("damage", ["manifest", "vectors", "faiss", "chunks", "pointer"])
def test_corrupt_index_gives_a_clear_error(tmp_path, corpus, embedder, damage):
    path = tmp_path / "idx"
    build(path, corpus, embedder)
    version = ix.current_version(path)
    if damage == "manifest":
        (version / "manifest.json").write_text("{not json")
    elif damage == "vectors":
        (version / "vectors.npy").write_bytes(b"garbage")
    elif damage == "faiss":
        (version / "faiss.index").write_bytes(b"\x00" * 10)
    elif damage == "chunks":
        lines = (version / "chunks.jsonl").read_text().splitlines()
        (version / "chunks.jsonl").write_text("\n".join(lines[:-2]) + "\n")
    else:
        (path / "CURRENT").write_text("v-missing")
    with pytest.raises(IndexError_) as info:
        ix.load(path)
    assert "bron index" in info.value.remedy


def test_choose_index_type():
    assert choose_index_type(1000) == "flat"
    assert choose_index_type(2_000_000) == "hnsw"
    assert choose_index_type(10, "ivfpq") == "ivfpq"


def test_manifest_is_plain_json(tmp_path, corpus, embedder):
    build(tmp_path / "idx", corpus, embedder)
    data = json.loads((ix.current_version(tmp_path / "idx") / "manifest.json").read_text())
    assert data["embedder_id"].startswith("intfloat/multilingual-e5-small")


def test_loading_refuses_but_bron_index_rebuilds_after_a_chunking_change(tmp_path, seeds_copy, embedder):
    from rag.answering import Assistant
    from rag.config import Settings

    def assistant(size, overlap):
        asst = Assistant(Settings.load(index="x", index_dir=tmp_path, seeds_dir=seeds_copy, chunk_size=size,
                                       chunk_overlap=overlap))
        asst._embedder = embedder
        return asst

    assistant(700, 100).sync_index(progress=False)
    changed = assistant(450, 80)
    with pytest.raises(IndexError_) as info:
        _ = changed.data
    assert "--rebuild" in info.value.remedy
    report = changed.sync_index(progress=False)
    assert report.embedded == report.chunks > 0
    assert changed.data.manifest.chunk_size == 450


def test_adding_articles_extends_an_hnsw_graph_instead_of_rebuilding_it(tmp_path, corpus, embedder, monkeypatch):
    path = tmp_path / "idx"
    build(path, corpus, embedder, index_type="hnsw")
    (corpus / "new.txt").write_text("Nieuw artikel: Zonnevlecht BV haalde 37 miljoen euro op.", encoding="utf-8")
    built = []
    original = FaissStore.build
    monkeypatch.setattr(FaissStore, "build", classmethod(lambda cls, *a, **k: built.append(1) or original(*a, **k)))
    report = build(path, corpus, embedder, index_type="hnsw")
    assert report.added == ["new"] and not built
    data = ix.load(path)
    assert data.manifest.index_type == "hnsw" and len(data.store) == len(data.chunks) == len(data.vectors)
    query = embedder.encode_queries(["Hoeveel geld haalde Zonnevlecht op?"])
    _, rows = data.store.search(query, 1)
    assert data.chunks[int(rows[0][0])].doc_id == "new"
    # removing an article still rebuilds, since a graph cannot forget
    (corpus / "new.txt").unlink()
    build(path, corpus, embedder, index_type="hnsw")
    assert built and len(ix.load(path).store) == len(ix.load(path).chunks)


def test_load_texts_reads_articles_and_passages_without_the_vector_store(tmp_path):
    """Pruning passage states after a sync must not open a second (embedded Qdrant) store client: the
    version here has no vectors and no store at all."""
    path = tmp_path / "idx"
    version = path / "v1"
    version.mkdir(parents=True)
    (path / "CURRENT").write_text("v1")
    (version / "documents.jsonl").write_text("")
    (version / "chunks.jsonl").write_text("")
    texts = ix.load_texts(path)
    assert texts.documents == {} and texts.chunks == []
    (version / "chunks.jsonl").write_text("{not json\n")
    with pytest.raises(IndexError_):
        ix.load_texts(path)
