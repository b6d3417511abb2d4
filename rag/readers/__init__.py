"""Document readers, chosen by file suffix: one place that reads an article file or says why it cannot.

Plain text (.txt, .md), web pages (.html, .htm), PDF, Word (.docx) and OpenDocument text (.odt); a reader
for another format subclasses `Reader` and joins `READERS`. Readers import their libraries only when they
read a file.
"""

from __future__ import annotations

import logging
import threading
import zipfile
import zlib
from collections.abc import Callable, Container
from pathlib import Path

from rag.documents import Document
from rag.readers.base import DuplicateDocument, Reader, ReadLimits, UnreadableDocument, printable
from rag.readers.docx import DocxReader
from rag.readers.html import HtmlReader
from rag.readers.odt import OdtReader
from rag.readers.pdf import PdfReader
from rag.readers.text import TextReader

log = logging.getLogger(__name__)
READERS: tuple[Reader, ...] = (TextReader(), HtmlReader(), PdfReader(), DocxReader(), OdtReader())
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(s for reader in READERS for s in reader.suffixes)


def reader_for(name: str | Path) -> Reader | None:
    """The reader for a file name or path, by its suffix (None: a format Bron does not read)."""
    return next((reader for reader in READERS if reader.handles(name)), None)


def suffixes_text() -> str:
    """'.txt and .md': the readable formats, for messages."""
    *rest, last = SUPPORTED_SUFFIXES
    return f"{', '.join(rest)} and {last}" if rest else last


def check_size(name: str, size: int, max_bytes: int) -> None:
    """Refuse a file of `size` bytes over `max_bytes` (before reading it into memory)."""
    if size > max_bytes:
        raise UnreadableDocument(name, f"{size:,} bytes is over the limit of {max_bytes:,}")


def _within(seconds: float, name: str, read: Callable[[], Document]) -> Document:
    """`read()` in a daemon thread, given up after the time budget (plus a grace for the readers' own checks,
    which stop cleanly between pages): a file that makes a parsing library loop cannot make Bron wait. The
    abandoned thread finishes or dies with the process; it holds nothing but that file's bytes."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["document"] = read()
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"bron-read {name}", daemon=True)
    worker.start()
    worker.join(seconds * 1.25 + 1.0)
    if worker.is_alive():
        raise UnreadableDocument(name, f"reading it took longer than {seconds:g} s",
                                 "Raise max_read_seconds, or save the article in a simpler format.")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["document"]  # type: ignore[return-value]


def read_document(source: Path | bytes, name: str | None = None, *, max_bytes: int | None = None,
                  known_hashes: Container[str] = (), limits: ReadLimits | None = None,
                  doc_id: str | None = None) -> Document:
    """Read an article file (a path, or uploaded bytes and their file name) within `limits` (the defaults
    of the settings when not given); the document id is `doc_id` or the file name's stem.

    Raises UnreadableDocument with the reason when the format is not supported, the file is larger than
    `max_bytes`, cannot be read, decoded or parsed, is encrypted, scanned or over a limit (its text over
    `max_article_chars` too), is empty, or (DuplicateDocument) its content hash is in `known_hashes`."""
    if name is None:
        if isinstance(source, bytes | bytearray):
            raise TypeError("read_document(bytes) needs the file's name")
        name = str(source)
    reader = reader_for(name)
    if reader is None:
        raise UnreadableDocument(name, f"only {suffixes_text()} files can be added")
    if max_bytes is not None:
        try:
            size = len(source) if isinstance(source, bytes | bytearray) else Path(source).stat().st_size
        except OSError as exc:
            raise UnreadableDocument(name, f"it cannot be read ({exc.strerror or exc})") from None
        check_size(name, size, max_bytes)
    limits = limits or ReadLimits()
    try:
        document = _within(limits.max_read_seconds, name, lambda: reader.read(source, name, limits, doc_id))
    except UnreadableDocument:
        raise
    except (MemoryError, RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            OSError, AssertionError, ZeroDivisionError, LookupError, RuntimeError, zipfile.BadZipFile,
            zlib.error, EOFError) as exc:
        # a damaged file can trip a parsing library anywhere: one line for that file, never a traceback
        raise UnreadableDocument(name, f"it could not be parsed ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - a library's own error type (pypdf's, lxml's): still one line
        log.debug("reading %s failed", printable(name), exc_info=True)
        raise UnreadableDocument(name, f"it could not be parsed ({type(exc).__name__})") from None
    limits.check_chars(name, len(document.text))
    if document.content_hash in known_hashes:
        raise DuplicateDocument(name)
    return document


__all__ = ["READERS", "SUPPORTED_SUFFIXES", "DuplicateDocument", "ReadLimits", "Reader", "UnreadableDocument",
           "check_size", "printable", "read_document", "reader_for", "suffixes_text"]
