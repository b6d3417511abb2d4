import logging

from rag.corpus import load_corpus, make_title, parse_document


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
