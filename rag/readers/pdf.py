"""PDF files (.pdf) with a text layer, read with pypdf: text per page, page start offsets kept.

Lines broken inside a sentence are joined (a word hyphenated at the line end is joined back), and
running headers and footers (a line repeated at the top or bottom of most pages, page numbers included)
are removed. An encrypted PDF or one without a text layer (a scan) is refused: Bron does no OCR. So is a
PDF whose compressed streams inflate past pypdf's own limits (LimitReachedError: a decompression bomb),
and one whose text layer outgrows max_article_chars (checked page by page, so reading stops early).
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter

from rag.documents import Document, make_document
from rag.readers.base import Reader, ReadLimits, UnreadableDocument

_EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a running header or footer
_MIN_CHARS_PER_PAGE = 20  # fewer letters per page on average: no text layer (a scan)
_HYPHEN_END = re.compile(r"\w[-\u00ad]$")
_JUNK_TITLE = re.compile(r"^(untitled|microsoft word|document\d*|\S+\.(docx?|pdf|odt|rtf|tex|indd))", re.IGNORECASE)


def _normalise(line: str) -> str:
    """A header/footer line with its numbers masked, so 'Page 3 of 9' repeats as 'page # of #'."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def remove_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without the lines repeated at their top or bottom edge on most pages (at least 3)."""
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {_normalise(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:] if line.strip()}
        counts.update(edge)
    needed = max(3, (len(pages) * 3 + 4) // 5)  # on at least 60% of the pages
    running = {line for line, n in counts.items() if n >= needed}
    if not running:
        return pages
    cleaned = []
    for lines in pages:
        top, bottom = min(_EDGE_LINES, len(lines)), max(len(lines) - _EDGE_LINES, 0)
        cleaned.append([line for i, line in enumerate(lines)
                        if not ((i < top or i >= bottom) and _normalise(line) in running)])
    return cleaned


def join_lines(lines: list[str]) -> str:
    """A page's lines as text: a word hyphenated at the line end joined ("stroom-/net" -> "stroomnet",
    "Noord-/Brabant" keeps its hyphen), and a line break inside a sentence made a space. A break stays
    after a sentence's end, and after a short line (a heading) unless the next line starts in lower case."""
    lines = [line.strip() for line in lines]
    longest = max((len(line) for line in lines), default=0)
    out = ""
    for i, line in enumerate(lines):
        if i == 0 or not out:
            out = line
            continue
        previous = lines[i - 1]
        if not line or not previous:
            out += "\n" + line
        elif _HYPHEN_END.search(previous) and line[:1].islower():
            out = out[:-1] + line
        elif previous.endswith("-") and line[:1].isupper():
            out += line
        elif previous[-1] in ".!?:;\"”’" or not (line[:1].islower() or line[:1].isdigit()
                                                  or len(previous) >= 0.7 * longest):
            out += "\n" + line
        else:
            out += " " + line
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def _date(value) -> str | None:
    try:
        return value.strftime("%Y-%m-%d") if value else None
    except (AttributeError, ValueError):
        return None


class _TooLong(Exception):
    """Raised from inside pypdf's text extraction once a page's text passes max_article_chars."""


def _counter(before: int, limit: int):
    """A pypdf text visitor that stops the extraction once `before` plus the page's text passes `limit`
    (a 56 KB PDF can hold 20 M characters: stopping early saves most of the time)."""
    seen = [before]

    def visit(text: str, *_args) -> None:
        seen[0] += len(text)
        if seen[0] > limit:
            raise _TooLong

    return visit


def _bomb(name: str) -> UnreadableDocument:
    return UnreadableDocument(name, "a compressed stream in it inflates past pypdf's size limit (a decompression "
                              "bomb, or a damaged file)", "Print it to a new PDF, or add its text as a .txt file.")


def _page_lines(pdf, count: int, name: str, limits: ReadLimits, started: float) -> list[list[str]]:
    """Each page's text lines, within the time budget and max_article_chars (stopped inside a page too)."""
    from pypdf.errors import LimitReachedError, PyPdfError

    pages: list[list[str]] = []
    chars = 0
    for number in range(count):
        if time.monotonic() - started > limits.max_read_seconds:
            raise UnreadableDocument(name, f"reading it took longer than {limits.max_read_seconds:g} s "
                                     f"(stopped at page {number + 1} of {count})",
                                     "Raise max_read_seconds, or split the PDF.")
        try:
            text = pdf.pages[number].extract_text(visitor_text=_counter(chars, limits.max_article_chars)) or ""
        except _TooLong:
            raise limits.too_long(name) from None
        except LimitReachedError:
            raise _bomb(name) from None
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, ZeroDivisionError):
            text = ""  # one damaged page does not lose the rest
        chars += len(text)
        limits.check_chars(name, chars)
        pages.append([line.rstrip() for line in text.replace("\r", "\n").split("\n")])
    return pages


def _join_pages(pages: list[list[str]]) -> tuple[str, list[int]]:
    """The pages' text, joined by blank lines, and the offset where each page starts in it."""
    parts, offsets, position = [], [], 0
    for lines in pages:
        body = join_lines(lines)
        offsets.append(position)
        if body:
            parts.append(body)
            position += len(body) + 2  # the "\n\n" between pages
    return "\n\n".join(parts), offsets

class PdfReader(Reader):
    suffixes = (".pdf",)

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        import logging

        from pypdf import PdfReader as _Pdf
        from pypdf.errors import DependencyError, LimitReachedError, PdfReadError, PyPdfError

        logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable files warn a lot
        started = time.monotonic()
        try:
            pdf = _Pdf(io.BytesIO(data), strict=False)
            if pdf.is_encrypted:
                try:  # an owner password only (printing/copying restricted) opens with an empty user password
                    opened = pdf.decrypt("")
                except (DependencyError, NotImplementedError, PdfReadError):
                    opened = 0
                if not opened:
                    raise UnreadableDocument(name, "it is encrypted (password-protected)",
                                             "Save a copy without a password (open it and print to PDF) and add "
                                             "that.")
            count = len(pdf.pages)
        except UnreadableDocument:
            raise
        except LimitReachedError:
            raise _bomb(name) from None
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
            raise UnreadableDocument(name, f"it is not a readable PDF ({type(exc).__name__})") from None
        if count == 0:
            raise UnreadableDocument(name, "the PDF has no pages")
        if count > limits.max_pdf_pages:
            raise UnreadableDocument(name, f"it has {count:,} pages (the limit is {limits.max_pdf_pages:,})",
                                     "Raise max_pdf_pages, or split the PDF.")
        pages = _page_lines(pdf, count, name, limits, started)
        letters = sum(ch.isalnum() for lines in pages for line in lines for ch in line)
        if letters < _MIN_CHARS_PER_PAGE * count:
            raise UnreadableDocument(name, "it has no text layer (a scanned or image-only PDF)",
                                     "Bron does not do OCR: run OCR first (for example ocrmypdf) or add the text "
                                     "as a .txt file.")
        text, offsets = _join_pages(remove_running_lines(pages))
        meta = pdf.metadata or {}
        title = str(meta.get("/Title") or "").strip()
        if _JUNK_TITLE.match(title) or len(title) < 4:
            title = ""
        try:
            created = _date(pdf.metadata.creation_date) if pdf.metadata else None
        except (ValueError, TypeError):
            created = None
        return make_document(doc_id, text, data, created, path, title=title or None,
                             author=str(meta.get("/Author") or "").strip() or None, pages=offsets)
