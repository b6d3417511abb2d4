"""Reading articles: plain-text files with an optional leading ` date YYYY-MM[-DD]` marker."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md"}
_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s*")
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
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def parse_document(doc_id: str, raw: str, path: str = "") -> Document:
    """Split off the date marker, find a title and a source URL, and detect the language."""
    from rag.language import detect

    date = None
    match = _DATE.match(raw)
    text = raw
    if match:
        date = match.group(1)
        text = raw[match.end():]
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


def read_document(path: Path) -> Document | None:
    """Read one file; unreadable or non-UTF-8 files are skipped with a warning naming them."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.warning("Skipping %s: cannot read it (%s).", path, exc.strerror or exc)
        return None
    if b"\x00" in raw[:4096]:
        log.warning("Skipping %s: it is a binary file, not text.", path)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        log.warning("Skipping %s: not UTF-8 (byte %d). Re-save it as UTF-8.", path, exc.start)
        return None
    if not text.strip():
        log.warning("Skipping %s: it is empty.", path)
        return None
    return parse_document(path.stem, text, str(path))


def load_corpus(folder: Path) -> list[Document]:
    """All readable .txt/.md articles in `folder` (not recursive), sorted by id."""
    folder = Path(folder)
    if not folder.is_dir():
        from rag.errors import InputError

        raise InputError(f"Article folder not found: {folder}",
                         "Set seeds_dir in bron.toml or pass --seeds to a folder of .txt/.md files.")
    docs = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES and not path.name.startswith("."):
            doc = read_document(path)
            if doc is not None:
                docs.append(doc)
    return docs
