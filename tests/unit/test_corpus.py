import logging

import pytest

from rag.corpus import load_corpus
from rag.documents import make_title
from rag.readers.text import parse_document


def test_date_marker_becomes_metadata_not_text():
    doc = parse_document("a", " date 2025-01 Elon Musk keert zich tegen Trump. Dat is nieuw.\n\nMeer tekst hier.")
    assert doc.date == "2025-01"
    assert doc.text.startswith("Elon Musk")
    assert "date 2025" not in doc.text
    assert doc.title == "Elon Musk keert zich tegen Trump. Dat is nieuw."


def test_full_date_url_and_language():
    doc = parse_document("b", " date 2026-02-08 Die Bundesregierung plant neue Gesetze für künstliche Intelligenz "
                              "und Rechenzentren.\nQuelle: https://example.org/artikel.html.")
    assert doc.date == "2026-02-08"
    assert doc.url == "https://example.org/artikel.html"
    assert doc.language == "de"


def test_no_date():
    doc = parse_document("c", '"Ik ben bang."\nDat zei Sam Altman over de toekomst van kunstmatige intelligentie.')
    assert doc.date is None
    assert doc.title == "Ik ben bang."


def test_long_first_line_title_is_cut():
    title = make_title("Een " + "heel " * 40 + "lange zin zonder punt")
    assert len(title) <= 91 and title.endswith("…")


def test_unreadable_files_are_skipped_with_a_warning(tmp_path, caplog):
    (tmp_path / "good.txt").write_text("Een goed artikel over AI in Nederland.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in K\xf6ln".encode("latin-1"))
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_text("   ")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
    assert [d.id for d in docs] == ["good"]
    text = caplog.text
    assert "latin1.txt" in text and "UTF-8" in text
    assert "binary.md" in text and "empty.txt" in text


def test_seed_corpus():
    from rag.config import PROJECT_DIR

    docs = load_corpus(PROJECT_DIR / "seeds")
    assert len(docs) == 5
    assert {d.language for d in docs} == {"nl", "de"}
    assert all(d.content_hash and d.title for d in docs)


@pytest.mark.parametrize("name, data, reason", [
    ("notes.rtf", b"{\\rtf1",
     "notes.rtf: skipped, only .txt, .md, .html, .htm, .pdf, .docx and .odt files can be added."),
    ("notes.pdf", b"%PDF-1.4", "notes.pdf: skipped, it is not a readable PDF (PdfStreamError)."),
    ("binary.md", b"\x00\x01\x02binary", "binary.md: skipped, it is a binary file, not text."),
    ("latin1.txt", "Caf\xe9 in K\xf6ln".encode("latin-1"),
     "latin1.txt: skipped, it is not UTF-8 text (byte 3). Save it as UTF-8 and try again."),
    ("empty.txt", b"  \n", "empty.txt: skipped, it is empty."),
    ("big.txt", b"a" * 13, "big.txt: skipped, 13 bytes is over the limit of 12."),
])
def test_uploads_and_article_files_are_refused_for_the_same_reasons(tmp_path, name, data, reason):
    from rag.readers import UnreadableDocument, read_document

    (tmp_path / name).write_bytes(data)
    for source in (data, tmp_path / name):
        with pytest.raises(UnreadableDocument) as info:
            read_document(source, name, max_bytes=12)
        assert info.value.describe() == reason


def test_the_same_content_is_not_read_twice():
    from rag.readers import DuplicateDocument, read_document

    doc = read_document(b" date 2025-01 Een artikel over AI.", "a.txt")
    assert (doc.id, doc.date, doc.text) == ("a", "2025-01", "Een artikel over AI.")
    with pytest.raises(DuplicateDocument) as info:
        read_document(b" date 2025-01 Een artikel over AI.", "b.md", known_hashes={doc.content_hash})
    assert info.value.describe() == "b.md: already indexed (same content), not added twice."
