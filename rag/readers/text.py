"""Plain-text articles (.txt, .md): UTF-8 with an optional leading ` date YYYY-MM[-DD]` marker."""

from __future__ import annotations

import re

from rag.documents import Document, make_document
from rag.readers.base import Reader, UnreadableDocument

_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s*")


def parse_document(doc_id: str, raw: str, path: str = "") -> Document:
    """Split off the date marker; the rest is the article (title, URL and language are found in it)."""
    match = _DATE.match(raw)
    date, text = (match.group(1), raw[match.end():]) if match else (None, raw)
    return make_document(doc_id, text, raw, date, path)


def decode_text(data: bytes, name: str) -> str:
    """The file's text; binary, non-UTF-8 and empty files are refused, saying which and why."""
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(name, "it is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(name, f"it is not UTF-8 text (byte {exc.start})",
                                 "Save it as UTF-8 and try again.") from None
    if not text.strip():
        raise UnreadableDocument(name, "it is empty")
    return text


class TextReader(Reader):
    suffixes = (".txt", ".md")

    def parse(self, data: bytes, doc_id: str, name: str, path: str) -> Document:
        return parse_document(doc_id, decode_text(data, name), path)
