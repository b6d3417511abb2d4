"""Hostile files for the PDF, Word and OpenDocument readers (issue 26): decompression bombs, damaged archives
and a text layer of millions of characters. Each is one skip line within 1 GB of memory and a few seconds;
in a batch the good files are indexed and nothing indexed before is lost."""

from __future__ import annotations

import pytest

from rag.config import PROJECT_DIR, Settings
from rag.readers import UnreadableDocument, read_document
from tests.support.hostile import damaged_zip, pdf_bomb, pdf_text_layer, run_measured, understated_bomb, word_document
from tests.support.testfiles import make_odt

READ = """
from rag.readers import UnreadableDocument, read_document
try:
    print("read", len(read_document(sys.argv[1]).text))
except UnreadableDocument as exc:
    print(exc.describe())
"""
GOOD_ODT = make_odt([("h", "Bahn: Pünktlichkeit sinkt"), ("p", "Nur 61,4 Prozent der Fernzüge kamen pünktlich an.")])
BOMBS = {  # file -> (its bytes, what the skip line says)
    "inflates_400mb.pdf": (pdf_bomb, "a compressed stream in it inflates past pypdf's size limit"),
    "understated_1gb.docx": (lambda: understated_bomb("docx"), "it is damaged"),
    "understated_1gb.odt": (lambda: understated_bomb("odt"), "it is damaged"),
    "text_layer_3m.pdf": (lambda: pdf_text_layer(3_000_000), "its text is over the limit of 2,000,000 characters"),
}


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_one_skip_line_within_1_gb(tmp_path, name):
    make, reason = BOMBS[name]
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < 1_500_000  # a small file ...
    output, usage = run_measured(READ, str(path), cwd=PROJECT_DIR)
    print(name, usage)  # the numbers in the report: pytest -s
    assert output.startswith(f"{path}: skipped, ") and reason in output, output
    assert "\n" not in output.strip() and "Traceback" not in output
    assert usage["peak_rss_mb"] < 1024, usage  # ... that may not take 1 GB
    assert usage["seconds"] < Settings().max_read_seconds, usage  # nor longer than the documented budget


def test_the_limit_on_characters_says_how_to_change_it_and_can_be_raised():
    text = ("Stargate krijgt 500 miljard dollar. " * 60_000).encode()  # 2.2 M characters
    with pytest.raises(UnreadableDocument) as info:
        read_document(text, "long.txt")
    assert "over the limit of 2,000,000 characters" in info.value.message
    assert "max_article_chars" in info.value.remedy
    raised = Settings.load(max_article_chars=3_000_000)
    from rag.readers import ReadLimits

    assert len(read_document(text, "long.txt", limits=ReadLimits.from_settings(raised)).text) > 2_000_000


@pytest.mark.parametrize("how, reason", [("crc", "bad CRC checksum"), ("deflate", "corrupt compressed data")])
@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_a_damaged_archive_is_one_skip_line(kind, how, reason):
    good = GOOD_ODT if kind == "odt" else word_document("Stargate krijgt 500 miljard dollar.")
    member = "content.xml" if kind == "odt" else "word/document.xml"
    with pytest.raises(UnreadableDocument) as info:
        read_document(damaged_zip(good, member, how), f"broken.{kind}")
    assert info.value.describe().startswith(f"broken.{kind}: skipped, it is damaged ({member} inside it: {reason})")
    assert "save it again" in info.value.remedy


def test_a_word_document_without_core_properties_takes_its_title_from_the_text():
    headed = word_document("Het kabinet trekt 2 miljard uit.", heading="Stroomnet krijgt 2 miljard",
                           core_properties=False)
    assert read_document(headed, "net.docx").title == "Stroomnet krijgt 2 miljard"
    plain = word_document("Nvidia verloor 600 miljard dollar.", "Tweede alinea.", core_properties=False)
    assert read_document(plain, "nvidia.docx").title == "Nvidia verloor 600 miljard dollar."


def test_a_hostile_batch_indexes_the_good_file_and_escapes_names(small_index):
    assistant = small_index()
    before = {d.id: d.content_hash for d in assistant.data.documents.values()}
    report, messages = assistant.add_articles([
        ("good.txt", b"Nvidia verloor 600 miljard dollar aan beurswaarde."),
        ("bomb.pdf", pdf_bomb()),
        ("bomb.docx", understated_bomb("docx")),
        ("crc.odt", damaged_zip(GOOD_ODT, "content.xml", "crc")),
        ("deflate.odt", damaged_zip(GOOD_ODT, "content.xml", "deflate")),
        ("line\nbreak\x1b[31m.odt", damaged_zip(GOOD_ODT, "content.xml", "crc")),
    ])
    assert report is not None and report.added == ["good"]
    assert len(messages) == 5 and all(": skipped, " in m and "\n" not in m and "\x1b" not in m for m in messages)
    assert any(m.startswith("line\\x0abreak\\x1b[31m.odt: skipped") for m in messages), messages
    assert sorted(p.name for p in assistant.uploads_dir.iterdir()) == ["good.txt"]
    after = {d.id: d.content_hash for d in assistant.data.documents.values()}
    assert after == {**before, "good": after["good"]}  # nothing indexed before was lost
