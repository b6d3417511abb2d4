from rag.chunking import chunk_document, chunk_documents
from rag.config import PROJECT_DIR
from rag.corpus import load_corpus
from rag.readers.text import parse_document


def test_offsets_point_at_the_chunk_text():
    docs = load_corpus(PROJECT_DIR / "seeds")
    by_id = {d.id: d for d in docs}
    chunks = chunk_documents(docs, 400, 60)
    assert len(chunks) > len(docs)
    for c in chunks:
        assert by_id[c.doc_id].text[c.start:c.end] == c.text
        assert len(c.text) <= 400


def test_ids_are_deterministic_and_unique():
    doc = parse_document("x", "Zin een. " * 200)
    a = chunk_document(doc, 300, 50)
    b = chunk_document(doc, 300, 50)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)


def test_sentence_aware_splitting():
    doc = parse_document("s", " ".join(f"Dit is zin nummer {i} met wat extra woorden." for i in range(60)))
    for c in chunk_document(doc, 300, 0):
        assert c.text.endswith(".")


def test_overlap_and_size_settings_change_the_chunks():
    doc = parse_document("o", "Woord " * 500)
    assert len(chunk_document(doc, 200, 0)) < len(chunk_document(doc, 200, 100))
