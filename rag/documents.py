"""Articles as Bron keeps them: a Document with its text, metadata and content hash, whatever file it came from."""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

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
    # Added with the HTML/PDF/Word readers; defaults keep documents.jsonl of older indexes loadable.
    source: str | None = None  # the site or publication name, when the file says
    author: str | None = None
    pages: list[int] = field(default_factory=list)  # character offset in `text` where each page starts (PDF)

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) holding the character at `offset`, or None for documents without pages."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset))


def content_hash(raw: str | bytes) -> str:
    """Names an article's content: the same text (or file) read twice or uploaded twice has the same hash."""
    return hashlib.sha256(raw.encode("utf-8") if isinstance(raw, str) else raw).hexdigest()


def make_document(doc_id: str, text: str, raw: str | bytes, date: str | None = None, path: str = "", *,
                  title: str | None = None, url: str | None = None, source: str | None = None,
                  author: str | None = None, pages: list[int] | None = None) -> Document:
    """A Document of `text` (what gets indexed) read from `raw` (what the content hash is of): the title and
    source URL are the given ones or found in the text, and the language is detected.

    `pages` are offsets into `text` as given; leading whitespace is stripped and the offsets moved with it."""
    from rag.language import detect

    lead = len(text) - len(text.lstrip())
    text = text.strip()
    url_match = _URL.search(text)
    return Document(
        id=doc_id,
        title=" ".join((title or "").split()) or make_title(text) or doc_id,
        text=text,
        date=date,
        language=detect(text[:2000]),
        url=url or (url_match.group(0).rstrip(".,;") if url_match else None),
        path=path,
        content_hash=content_hash(raw),
        source=source or None,
        author=author or None,
        pages=[max(0, p - lead) for p in pages or []],
    )


# A photo credit the article's first line starts with: "IlluPics/IMAGO Die …", "Foto: ANP …", "© dpa …".
_AGENCIES = (r"IMAGO|ANP|AFP|dpa|Reuters|AP|EPA|Getty\s*Images|picture[\s-]alliance|Shutterstock|Belga|"
             r"Hollandse\s*Hoogte|Keystone|Xinhua|Bloomberg|iStock|Unsplash")
_CREDIT = re.compile(
    rf"^\s*(?:(?:\S+\s*/\s*)+(?:{_AGENCIES})\b"  # IlluPics/IMAGO
    rf"|(?:Foto|Fotos|Photo|Photos|Bild|Bilder|Beeld|Image|Credit)\s*:\s*(?:\S+\s*/\s*)*\S+"  # Foto: ANP
    rf"|©\s*(?:\S+\s*/\s*)*\S+)"  # © dpa
    rf"\s+(?=\S)", re.IGNORECASE)


def strip_credit(line: str) -> str:
    """`line` without a leading photo credit (what a caption pasted before the lead looks like)."""
    match = _CREDIT.match(line)
    return line[match.end():] if match else line


def make_title(text: str, limit: int = 90) -> str:
    """The first line if it is short, else its first sentence, cut at a word boundary; a leading photo
    credit is not part of it."""
    first = strip_credit(text.strip().split("\n", 1)[0].strip())
    if len(first) > limit:
        first = _SENTENCE_END.split(first, 1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first.strip("\"“”‘’ ")
