"""The document readers: web pages, PDF, Word, OpenDocument, text front matter, folders and bad input."""

from __future__ import annotations

import io
import json
import logging
import time
import zipfile
from pathlib import Path

import pytest

from rag.config import Settings
from rag.corpus import load_corpus
from rag.errors import ConfigError
from rag.readers import SUPPORTED_SUFFIXES, ReadLimits, UnreadableDocument, read_document
from tests.support.testfiles import make_odt, make_pdf

NEWS = Path(__file__).resolve().parent.parent / "fixtures" / "news"
EXPECTED = json.loads((NEWS / "expected.json").read_text(encoding="utf-8"))


def refused(source, name: str, **kwargs) -> str:
    with pytest.raises(UnreadableDocument) as info:
        read_document(source, name, **kwargs)
    return info.value.describe()


# -- web pages ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_news_page_main_text_title_and_date(page):
    expected = EXPECTED[page]
    doc = read_document(NEWS / f"{page}.html")
    assert doc.id == page
    assert doc.title == expected["title"]
    assert doc.date == expected["date"]
    assert doc.source.lower() == expected["source"].lower()
    assert doc.url and doc.url.startswith("https://")
    assert doc.language == expected["lang"]
    for paragraph in expected["body"]:
        assert paragraph in doc.text
    for boilerplate in expected["boilerplate"]:  # navigation, cookie banner, comments, related links, footer
        assert boilerplate not in doc.text, boilerplate
    for marker in expected["script_markers"]:  # nothing of a script reaches the text
        assert marker not in doc.text
    assert "<script" not in doc.text and "function(" not in doc.text and "window." not in doc.text


def test_news_page_metadata_details():
    doc = read_document(NEWS / "spiegel_ki.html")
    assert doc.author == "Jonas Weber"
    assert doc.url == "https://www.spiegel.de/wirtschaft/ki-rechenzentren-foerderung-a-5f2e1c9a"
    assert not doc.pages  # pages are for PDF


def test_html_without_an_article_and_hostile_html_are_refused_cleanly():
    assert "no article text" in refused(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "nav.html")
    script_only = b"<html><body><script>while(true){}</script><script>" + b"x=1;" * 50_000 + b"</script></body></html>"
    assert "no article text" in refused(script_only, "script.html")
    assert "empty" in refused(b"   ", "empty.htm")
    deep = b"<div>" * 300_000 + b"<p>" + b"Tekst. " * 100 + b"</p>"
    started = time.monotonic()
    message = refused(deep, "deep.html")
    assert time.monotonic() - started < 30
    assert "deep.html: skipped" in message
    flat = b"<html><body>" + b"<div><span>x</span></div>" * 30_000 + b"</body></html>"
    assert "60,002 HTML elements (the limit is 50,000)" in refused(flat, "flat.html")


def test_html_upload_bytes_with_a_charset():
    page = ('<html><head><meta charset="iso-8859-1"><title>Köln baut</title></head><body><article><h1>Köln baut '
            'ein neues Rechenzentrum</h1><p>' + "Die Stadt Köln plant ein großes Rechenzentrum am Rhein. " * 8 +
            "</p></article></body></html>").encode("latin-1")
    doc = read_document(page, "koeln.html")
    assert "Rechenzentrum am Rhein" in doc.text and doc.language == "de"


# -- PDF ---------------------------------------------------------------------------------------------------
PARAGRAPHS = [
    ["Het kabinet trekt de komende vijf jaar 2 miljard euro extra uit om de files op het stroom-",
     "net te verminderen. Dat maakte de minister vanochtend bekend."],
    ["In grote delen van het land kunnen bedrijven al maanden geen nieuwe aansluiting krijgen.",
     "Volgens netbeheerder TenneT staan er ruim 11.000 bedrijven op een wachtlijst."],
    ["Het geld gaat vooral naar nieuwe transformatorstations en kabels in Gelderland, Noord-",
     "Brabant en Limburg. Gemeenten moeten vergunningen binnen zes maanden afgeven."],
    ["Werkgeversorganisatie VNO-NCW is blij met het besluit, maar noemt het bedrag te laag.",
     "Dit is een begin, maar de achterstand is veel groter, zegt de voorzitter."],
]


def news_pdf(**kwargs) -> bytes:
    pages = [["Dagblad van het Noorden - Economie", *lines, f"Pagina {i} van {len(PARAGRAPHS)}"]
             for i, lines in enumerate(PARAGRAPHS, start=1)]
    return make_pdf(pages, **kwargs)


def test_pdf_pages_offsets_hyphenation_and_running_lines():
    doc = read_document(news_pdf(title="Kabinet trekt 2 miljard uit voor stroomnet", author="Redactie"), "net.pdf")
    assert doc.title == "Kabinet trekt 2 miljard uit voor stroomnet"
    assert doc.author == "Redactie" and doc.date == "2025-03-14" and doc.language == "nl"
    assert "stroomnet te verminderen" in doc.text  # hyphen at the line end joined
    assert "Noord-Brabant" in doc.text  # a hyphen before a capital is a real hyphen
    assert "verminderen. Dat maakte" in doc.text  # a line break inside a paragraph is a space
    assert "Dagblad van het Noorden" not in doc.text and "Pagina" not in doc.text  # running header, footer
    assert len(doc.pages) == 4 and doc.pages[0] == 0
    for number, lines in enumerate(PARAGRAPHS, start=1):
        offset = doc.text.index(lines[0].split(" ", 3)[-1][:30])
        assert doc.page_at(offset) == number
        assert doc.text[doc.pages[number - 1]:].startswith(lines[0][:20])


def test_pdf_without_title_metadata_takes_the_first_sentence():
    doc = read_document(news_pdf(title="Microsoft Word - stroomnet.docx"), "net.pdf")
    assert doc.title.startswith("Het kabinet trekt de komende vijf jaar")


def test_encrypted_pdf_is_refused_with_what_to_do():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(news_pdf())))
    writer.encrypt("geheim", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    message = refused(out.getvalue(), "secret.pdf")
    assert message.startswith("secret.pdf: skipped, it is encrypted") and "without a password" in message


def test_pdf_with_only_an_owner_password_is_read():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(news_pdf())))
    writer.encrypt("", owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "11.000 bedrijven" in read_document(out.getvalue(), "restricted.pdf").text


def test_scanned_pdf_and_damaged_pdf_are_refused():
    scan = make_pdf([["x"] * 30] * 3, image_only=True)
    message = refused(scan, "scan.pdf")
    assert "no text layer" in message and "OCR" in message
    assert "not a readable PDF" in refused(b"%PDF-1.4\n garbage", "broken.pdf")
    assert "not a readable PDF" in refused(news_pdf()[:200], "cut.pdf")


def test_pdf_page_and_time_limits():
    many = make_pdf([[f"Seite {i}: Der Rhein führt wenig Wasser."] for i in range(30)])
    message = refused(many, "book.pdf", limits=ReadLimits(max_pdf_pages=20))
    assert "30 pages (the limit is 20)" in message and "max_pdf_pages" in message
    assert "longer than" in refused(news_pdf(), "slow.pdf", limits=ReadLimits(max_read_seconds=1e-9))
    huge = make_pdf([["Seite"]] * 5_000)
    started = time.monotonic()
    assert "5,000 pages (the limit is 500)" in refused(huge, "huge.pdf")  # the default limit, before any text
    assert time.monotonic() - started < 10


# -- Word and OpenDocument ---------------------------------------------------------------------------------
def word_document(title: str | None = None) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title or ""
    document.add_heading("Rhein führt so wenig Wasser wie seit 2018 nicht", 1)
    document.add_paragraph("Am Pegel Kaub wurden am Dienstagmorgen nur noch 48 Zentimeter gemessen.")
    document.add_heading("Folgen für die Schifffahrt", 2)
    document.add_paragraph("Viele Frachtschiffe können nur noch ein Drittel ihrer Ladung transportieren.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Pegel Kaub", "48 cm"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_headings_tables_and_title():
    doc = read_document(word_document(), "rhein.docx")
    assert doc.title == "Rhein führt so wenig Wasser wie seit 2018 nicht"  # first heading
    assert doc.text.split("\n\n")[:3] == ["Rhein führt so wenig Wasser wie seit 2018 nicht",
                                          "Am Pegel Kaub wurden am Dienstagmorgen nur noch 48 Zentimeter gemessen.",
                                          "Folgen für die Schifffahrt"]
    assert "Pegel Kaub | 48 cm" in doc.text and doc.language == "de"
    assert read_document(word_document("Niedrigwasser am Rhein"), "r.docx").title == "Niedrigwasser am Rhein"


def zip_bomb(inner: str = "word/document.xml", size: int = 300_000_000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(inner, "w", force_zip64=True) as member:
            block = b"\0" * 1_000_000
            for _ in range(size // len(block)):
                member.write(block)
    return out.getvalue()


def test_zip_bomb_named_docx_is_refused_before_parsing():
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000
    started = time.monotonic()
    message = refused(bomb, "bomb.docx")
    assert "unpacks to 300,000,0" in message and "bytes (the limit is 100,000,000)" in message
    assert time.monotonic() - started < 2
    small_limit = ReadLimits(max_unpacked_bytes=10**9)
    assert "compressed 200+ times" in refused(bomb, "bomb.docx", limits=small_limit)


def test_damaged_word_files_are_refused():
    assert "not a zip archive" in refused(b"PK\x03\x04 not really", "broken.docx")
    assert "not a zip archive" in refused(b"plain text pretending", "fake.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("something.txt", "hello")
    assert "word/document.xml is missing" in refused(out.getvalue(), "other.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
        archive.writestr("word/document.xml", "<not xml")
    assert "broken2.docx: skipped" in refused(out.getvalue(), "broken2.docx")


def test_odt():
    data = make_odt([("h", "Bahn: Pünktlichkeit sinkt weiter"),
                     ("p", "Nur 61,4 Prozent der Fernzüge kamen 2025 pünktlich an.")], date="2026-01-07")
    doc = read_document(data, "bahn.odt")
    assert (doc.title, doc.date) == ("Bahn: Pünktlichkeit sinkt weiter", "2026-01-07")
    assert "61,4 Prozent" in doc.text
    entity_bomb = make_odt([("p", "x")]).replace(b"content.xml", b"content.xmk")
    assert "content.xml is missing" in refused(entity_bomb, "bad.odt")


# -- text front matter and titles --------------------------------------------------------------------------
def test_front_matter_between_fences():
    raw = ("---\ntitle: Stroomnet krijgt 2 miljard\ndate: 2025-03-14\nsource: NOS\nurl: https://nos.nl/a/1\n---\n"
           "Het kabinet trekt 2 miljard euro extra uit voor het stroomnet.\n")
    doc = read_document(raw.encode(), "net.md")
    assert (doc.title, doc.date, doc.source, doc.url) == ("Stroomnet krijgt 2 miljard", "2025-03-14", "NOS",
                                                          "https://nos.nl/a/1")
    assert doc.text == "Het kabinet trekt 2 miljard euro extra uit voor het stroomnet."


def test_front_matter_without_fences_and_text_that_only_looks_like_it():
    doc = read_document(b"title: Rhein-Pegel sinkt\ndate: 2025-08-12\n\nAm Pegel Kaub 48 Zentimeter.", "r.txt")
    assert (doc.title, doc.date, doc.text) == ("Rhein-Pegel sinkt", "2025-08-12", "Am Pegel Kaub 48 Zentimeter.")
    lead = b"Title: how AI changed newsrooms\nEditors everywhere now use language models."
    doc = read_document(lead, "lead.txt")
    assert doc.text.startswith("Title: how AI") and doc.date is None
    fenced_prose = b"---\nEen gewone zin, geen metadata.\n---\nMeer tekst."
    assert read_document(fenced_prose, "p.md").text.startswith("---")


def test_date_marker_still_works_and_photo_credits_are_not_titles():
    doc = read_document(" date 2025-01 IlluPics/IMAGO Die Rechenzentren, in denen die KI-Projekte laufen, werden "
                        "den Hunger nach billiger Energie nur noch vergrößern\n\nDer Wettlauf geht weiter.".encode(),
                        "ki.txt")
    assert doc.date == "2025-01"
    assert doc.title.startswith("Die Rechenzentren, in denen") and "IMAGO" not in doc.title
    assert doc.text.startswith("IlluPics/IMAGO")  # the text itself (and every offset into it) is unchanged
    assert read_document(b"Foto: ANP Het kabinet wil meer geld voor het net.", "f.txt").title.startswith("Het kabinet")
    assert "metadata but no article text" in refused(b"---\ntitle: Alleen metadata\n---\n", "meta.md")


def test_seed_titles():
    from rag.config import PROJECT_DIR

    titles = {d.id: d.title for d in load_corpus(PROJECT_DIR / "seeds")}
    assert titles["002_9fe74c200e61e5f7"].startswith("Die Rechenzentren")


# -- folders, duplicates and bad input ---------------------------------------------------------------------
def test_folders_are_read_recursively_and_the_same_content_once(tmp_path, caplog):
    (tmp_path / "2025" / "maart").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("Een artikel over het stroomnet in Gelderland.", encoding="utf-8")
    (tmp_path / "2025" / "maart" / "a.txt").write_text("Een ander artikel over treinen.", encoding="utf-8")
    (tmp_path / "2025" / "kopie.md").write_text("Een artikel over het stroomnet in Gelderland.", encoding="utf-8")
    (tmp_path / "2025" / "rhein.docx").write_bytes(word_document())
    (tmp_path / "2025" / "net.pdf").write_bytes(news_pdf())
    (tmp_path / "nos.html").write_bytes((NEWS / "nos_stikstof.html").read_bytes())
    (tmp_path / ".git" / "x.txt").write_text("verborgen", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text("{}", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
    # files in path order; a copy of a file read before is left out
    assert [d.id for d in docs] == ["2025/kopie", "2025/maart/a", "2025/net", "2025/rhein", "nos"]
    assert "a.txt: same content as 2025/kopie, indexed once" in caplog.text


def test_a_bad_batch_indexes_the_good_files_and_names_each_bad_one(tmp_path, caplog):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(news_pdf())))
    writer.encrypt("geheim", algorithm="RC4-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    files = {
        "good.txt": b"Een goed artikel over AI in Nederland.",
        "good.html": (NEWS / "bbc_chips.html").read_bytes(),
        "good.pdf": news_pdf(),
        "secret.pdf": encrypted.getvalue(),
        "scan.pdf": make_pdf([["x"] * 20] * 2, image_only=True),
        "broken.pdf": b"%PDF-1.7 \x00\x01 broken",
        "bomb.docx": zip_bomb(size=150_000_000),
        "empty.txt": b"",
        "huge.txt": b"woord " * 200_000,
        "picture.jpg": b"\xff\xd8\xff",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    settings = Settings(max_document_bytes=1_000_000)
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path, settings)
    assert sorted(d.id for d in docs) == ["good", "good.pdf", "good.txt"]  # good.html came first
    lines = [r.getMessage() for r in caplog.records]
    for name in ("secret.pdf", "scan.pdf", "broken.pdf", "bomb.docx", "empty.txt", "huge.txt"):
        assert sum(name in line for line in lines) == 1, name
    assert "picture.jpg" not in caplog.text  # not an article format: skipped quietly in a folder
    assert "picture.jpg: skipped, only" in refused(b"\xff\xd8", "picture.jpg")


def test_suffixes_and_settings():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".odt"}
    limits = ReadLimits.from_settings(Settings(max_pdf_pages=7, max_read_seconds=3, max_unpacked_bytes=5_000,
                                               max_html_elements=900))
    assert limits == ReadLimits(7, 3.0, 5_000, 900)
    for bad in ({"max_pdf_pages": 0}, {"max_read_seconds": 0}, {"max_unpacked_bytes": 10}, {"max_html_elements": 5},
                {"max_document_bytes": 0}):
        with pytest.raises(ConfigError):
            Settings.from_dict(bad)


def test_old_documents_load_without_the_new_fields():
    from dataclasses import asdict

    from rag.documents import Document

    doc = read_document(b"Een artikel over AI.", "a.txt")
    old = {k: v for k, v in asdict(doc).items() if k not in {"source", "author", "pages"}}
    again = Document(**old)
    assert (again.source, again.author, again.pages, again.page_at(5)) == (None, None, [], None)
    assert Document(**json.loads(json.dumps(asdict(doc)))) == doc


def test_bron_add_a_folder_prints_one_line_per_unusable_file(tmp_path, monkeypatch, capsys):
    from rag.cli import main

    seeds, drop = tmp_path / "seeds", tmp_path / "drop"
    (drop / "sub").mkdir(parents=True)
    seeds.mkdir()
    (seeds / "a.txt").write_text("Stargate krijgt 500 miljard dollar.", encoding="utf-8")
    (drop / "copy.txt").write_text("Stargate krijgt 500 miljard dollar.", encoding="utf-8")
    (drop / "sub" / "scan.pdf").write_bytes(make_pdf([["x"] * 20], image_only=True))
    (drop / "sub" / "slides.pptx").write_bytes(b"PK")
    (drop / "big.html").write_bytes(b"<p>" + b"x" * 3_000_000)
    monkeypatch.setenv("BRON_INDEX_DIR", str(tmp_path / "indexes"))
    assert main(["--seeds", str(seeds), "add", str(drop)]) == 1  # nothing added: no model is loaded
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4
    assert any("copy.txt: already indexed" in line for line in lines)
    assert any("scan.pdf: skipped, it has no text layer" in line for line in lines)
    assert any("slides.pptx: skipped, only" in line for line in lines)
    assert any("big.html: skipped, 3,000,003 bytes is over the limit" in line for line in lines)


class FakeEmbedder:
    """Deterministic 8-d vectors: enough for the index's bookkeeping, no model."""

    model_id, fingerprint, dim = "fake", "fake-1", 8

    def __init__(self):
        self.embedded = 0

    def encode_passages(self, texts, progress=False):
        import numpy as np

        self.embedded += len(texts)
        rows = [np.frombuffer(__import__("hashlib").sha256(t.encode()).digest()[:32], np.uint8)[:8] for t in texts]
        vectors = np.array(rows, np.float32).reshape(-1, 8) + 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_an_index_written_before_the_new_fields_loads_and_gets_the_new_metadata_without_embedding(tmp_path):
    from dataclasses import asdict, replace

    from rag import index as ix

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ki.txt").write_text(" date 2025-01 IlluPics/IMAGO Die Rechenzentren wachsen schnell.\n\n"
                                   "Der Wettlauf um KI geht in die nächste Runde.", encoding="utf-8")
    (folder / "net.pdf").write_bytes(news_pdf())
    settings, embedder, path = Settings(chunk_size=200, chunk_overlap=20), FakeEmbedder(), tmp_path / "index"
    docs = load_corpus(folder)
    ix.sync(path, docs, embedder, settings, progress=False)
    version = path / (path / "CURRENT").read_text().strip()
    # rewrite documents.jsonl as an older Bron wrote it: no source/author/pages, the photo credit as title
    rows = []
    for doc in docs:
        row = {k: v for k, v in asdict(doc).items() if k not in {"source", "author", "pages"}}
        if doc.id == "ki":
            row["title"] = "IlluPics/IMAGO Die Rechenzentren wachsen schnell."
        rows.append(json.dumps(row, ensure_ascii=False))
    (version / "documents.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    old = ix.load(path)
    assert old.documents["ki"].title.startswith("IlluPics") and old.documents["net"].pages == []
    embedded = embedder.embedded
    report = ix.sync(path, docs, embedder, settings, progress=False)
    assert not report.modified and embedder.embedded == embedded  # nothing embedded again
    new = ix.load(path)
    assert new.documents["ki"].title == "Die Rechenzentren wachsen schnell."
    assert new.documents["net"].pages == docs[1].pages and len(new.chunks) == len(old.chunks)
    assert replace(new.documents["net"]) == docs[1]
    from rag.retrieval import Retriever

    retriever = Retriever(new, embedder, hybrid=False)
    by_doc = {}
    for row, chunk in enumerate(new.chunks):
        passage = retriever._passage(1, row, 1.0, 1.0)
        by_doc.setdefault(chunk.doc_id, []).append(passage.page)
    assert by_doc["ki"] == [None] * len(by_doc["ki"])  # text has no pages
    assert by_doc["net"][0] == 1 and by_doc["net"][-1] == 4 and by_doc["net"] == sorted(by_doc["net"])


def test_the_cli_citation_line_shows_site_and_page(capsys):
    from rag.cli import _print_answer
    from rag.results import Answer, Citation

    cited = Citation(n=1, doc_id="net", title="Stroomnet", date="2025-03-14", chunk_id="net#2", text="…",
                     start=160, end=300, score=1.0, source="NOS", page=2, quote="11.000 bedrijven wachten.")
    plain = Citation(n=2, doc_id="ki", title="KI", date=None, chunk_id="ki#0", text="…", start=0, end=90, score=0.9)
    _print_answer(Answer("Hoeveel?", "11.000 [1] [2]", "nl", False, citations=[cited, plain],
                         timings={"first_token_ms": 1.0, "total_ms": 2.0}))
    out = capsys.readouterr().out
    assert "[1] Stroomnet, NOS, 2025-03-14, p. 2 (net, chars 160-300)" in out
    assert "[2] KI (ki, chars 0-90)" in out


def test_a_page_without_a_dated_markup_takes_a_date_from_its_text_but_not_a_copyright_year():
    page = ("<html><head><title>Gemeente opent nieuw zwembad</title></head><body><article><h1>Gemeente opent "
            "nieuw zwembad</h1><p>" + "De gemeente Zwolle heeft zaterdag het nieuwe zwembad geopend. " * 5 +
            "</p></article><footer>© Stadskrant 2024 · Alle rechten voorbehouden</footer></body></html>")
    assert read_document(page.encode(), "zwembad.html").date is None
    dated = page.replace("<footer>", "<p class='meta'>Bijgewerkt op 3 februari 2025</p><footer>")
    assert read_document(dated.encode(), "zwembad.html").date == "2025-02-03"


def test_a_reader_that_hangs_is_given_up_after_the_time_budget(monkeypatch):
    import rag.readers as readers
    from rag.readers.base import Reader

    class Stuck(Reader):
        suffixes = (".stuck",)

        def parse(self, data, doc_id, name, path, limits):
            time.sleep(30)  # a parsing library caught in a loop on one page

    monkeypatch.setattr(readers, "READERS", (*readers.READERS, Stuck()))
    started = time.monotonic()
    message = refused(b"data", "loop.stuck", limits=ReadLimits(max_read_seconds=0.2))
    assert message.startswith("loop.stuck: skipped, reading it took longer than 0.2 s")
    assert time.monotonic() - started < 3
