"""Articles as Bron keeps them: a Document with its text, metadata and content hash, whatever file it came from."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class Document:
    """One article. `text` is what gets chunked and cited; offsets refer to it."""

    id: str
    title: str
    text: str
    date: str | None
    language: str
    url: str | None
    path: str
    content_hash: str


def content_hash(raw: str) -> str:
    """Names an article's content: the same text read twice (or uploaded twice) has the same hash."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def make_document(doc_id: str, text: str, raw: str, date: str | None = None, path: str = "") -> Document:
    """A Document of `text` (what gets indexed) read from `raw` (what the content hash is of): finds a
    title and a source URL and detects the language."""
    from rag.language import detect

    text = text.strip()
    url_match = _URL.search(text)
    return Document(
        id=doc_id,
        title=make_title(text) or doc_id,
        text=text,
        date=date,
        language=detect(text[:2000]),
        url=url_match.group(0).rstrip(".,;") if url_match else None,
        path=path,
        content_hash=content_hash(raw),
    )


def make_title(text: str, limit: int = 90) -> str:
    """The first line if it is short, else its first sentence, cut at a word boundary."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) > limit:
        first = _SENTENCE_END.split(first, 1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first.strip("\"“”‘’ ")
