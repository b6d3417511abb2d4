"""Ingestion: how fast Bron turns article files into passages, per format, against the bare extraction
library on the same files in the same process.

* Bron: `rag.readers.read_document(bytes, name)` (limits, a reader thread, metadata, language detection,
  clean-up) and `rag.chunking.chunk_document` with the run's chunk settings.
* bare: html `trafilatura.extract(bytes)`, pdf `pypdf.PdfReader(...).pages[i].extract_text()`, docx
  `python-docx` paragraph texts, txt `bytes.decode("utf-8")`: text only, no metadata, no passages.

Files: the 10 saved news pages of tests/fixtures/news as HTML, and the same articles (title, date, source,
body from expected.json) written as PDF (tests/support/testfiles.make_pdf), DOCX (python-docx) and TXT (front
matter), so every format carries the same text. Every repeat reads all files of a format with both variants
(alternating which goes first); the report quotes medians over repeats. No model is loaded.
"""

from __future__ import annotations

import io
import json
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import PROJECT_DIR, log, stat

NEWS = PROJECT_DIR / "tests" / "fixtures" / "news"
FORMATS = ("html", "pdf", "docx", "txt")


def _articles() -> dict[str, dict]:
    return json.loads((NEWS / "expected.json").read_text(encoding="utf-8"))


def _pdf(article: dict) -> bytes:
    from tests.support.testfiles import make_pdf

    lines = [article["title"], ""]
    for paragraph in article["body"]:
        lines += textwrap.wrap(paragraph, 90) + [""]
    pages = [lines[i:i + 50] for i in range(0, len(lines), 50)]
    return make_pdf(pages, title=article["title"], author=article.get("source"))


def _docx(article: dict) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = article["title"]
    document.add_heading(article["title"], 1)
    for paragraph in article["body"]:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _txt(article: dict) -> bytes:
    head = f"---\ntitle: {article['title']}\ndate: {article['date']}\nsource: {article['source']}\n---\n\n"
    return (head + "\n\n".join(article["body"]) + "\n").encode("utf-8")


def fixture_files() -> dict[str, list[tuple[str, bytes]]]:
    """(file name, bytes) per format: the saved HTML pages and the same articles as PDF, DOCX and TXT."""
    articles = _articles()
    files = {"html": [(p.name, p.read_bytes()) for p in sorted(NEWS.glob("*.html"))]}
    for fmt, make in (("pdf", _pdf), ("docx", _docx), ("txt", _txt)):
        files[fmt] = [(f"{name}.{fmt}", make(article)) for name, article in sorted(articles.items())]
    return files


def _bare_html(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data) or ""


def _bare_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _bare_docx(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _bare_txt(data: bytes) -> str:
    return data.decode("utf-8")


BARE: dict[str, Callable[[bytes], str]] = {"html": _bare_html, "pdf": _bare_pdf, "docx": _bare_docx, "txt": _bare_txt}


def bench_ingestion(settings, repeats: int = 3, formats: tuple[str, ...] = FORMATS) -> dict:
    """Files/s and passages/s per format for Bron's reader + chunker, files/s and characters/s for the bare
    library; the ratio is Bron's files/s over the bare library's (median of per-repeat ratios). Language
    detection (part of Bron's read) is timed apart on the same texts, to show where Bron's extra time goes."""
    import logging

    from rag.chunking import chunk_document, make_splitter
    from rag.language import detect
    from rag.readers import read_document

    for noisy in ("trafilatura", "htmldate", "courlan", "justext", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    files = fixture_files()
    splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)

    def bron(batch):
        passages = chars = 0
        for name, data in batch:
            doc = read_document(data, name)
            passages += len(chunk_document(doc, settings.chunk_size, settings.chunk_overlap, splitter))
            chars += len(doc.text)
        return passages, chars

    def bare(batch, fmt=None):
        return 0, sum(len(BARE[fmt](data)) for _, data in batch)

    rows = []
    for fmt in formats:
        batch = files[fmt]
        bron(batch), bare(batch, fmt)  # warm-up: imports, lazily built configs
        runs = []
        for r in range(repeats):
            order = ("bron", "bare") if r % 2 == 0 else ("bare", "bron")
            seconds, counts = {}, {}
            for variant in order:
                started = time.perf_counter()
                counts[variant] = bron(batch) if variant == "bron" else bare(batch, fmt)
                seconds[variant] = time.perf_counter() - started
            texts = [read_document(data, name).text[:2000] for name, data in batch]  # what make_document detects on
            started = time.perf_counter()
            for text in texts:
                detect(text)
            seconds["detect"] = time.perf_counter() - started
            runs.append({"repeat": r, "bron_s": seconds["bron"], "bare_s": seconds["bare"],
                         "detect_s": seconds["detect"],
                         "passages": counts["bron"][0], "bron_chars": counts["bron"][1],
                         "bare_chars": counts["bare"][1]})
        n = len(batch)
        row = {
            "format": fmt,
            "files": n,
            "bytes": sum(len(data) for _, data in batch),
            "passages": runs[0]["passages"],
            "bron_chars": runs[0]["bron_chars"],
            "bare_chars": runs[0]["bare_chars"],
            "bron_files_per_s": stat([n / x["bron_s"] for x in runs], "files/s"),
            "bron_passages_per_s": stat([x["passages"] / x["bron_s"] for x in runs], "passages/s"),
            "bare_files_per_s": stat([n / x["bare_s"] for x in runs], "files/s"),
            "bron_ms_per_file": stat([1000 * x["bron_s"] / n for x in runs], "ms"),
            "bare_ms_per_file": stat([1000 * x["bare_s"] / n for x in runs], "ms"),
            "detect_ms_per_file": stat([1000 * x["detect_s"] / n for x in runs], "ms"),
            "ratio": stat([x["bare_s"] / x["bron_s"] for x in runs], "x"),
            "runs": runs,
        }
        log(f"ingestion {fmt}: Bron {row['bron_files_per_s']['median']:.1f} files/s, "
            f"{row['bron_passages_per_s']['median']:.1f} passages/s; bare {row['bare_files_per_s']['median']:.1f} "
            f"files/s")
        rows.append(row)
    return {"rows": rows, "repeats": repeats, "chunk_size": settings.chunk_size,
            "chunk_overlap": settings.chunk_overlap, "fixtures": str(Path(NEWS).relative_to(PROJECT_DIR))}
