"""Plain-text articles (.txt, .md): UTF-8, with an optional leading ` date YYYY-MM[-DD]` marker or a front
matter block of `title:`, `date:`, `source:` and `url:` lines (between `---` lines, or just at the top)."""

from __future__ import annotations

import re

from rag.documents import Document, make_document
from rag.readers.base import Reader, ReadLimits, UnreadableDocument

_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s*")
_FIELD = re.compile(r"^\s*(title|date|source|url|author)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_FENCED = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


def front_matter(raw: str) -> tuple[dict[str, str], str]:
    """The leading metadata fields and the rest of the text. A block between `---` lines may hold only
    `key: value` lines (and blank ones); without the fences, consecutive known fields at the top count,
    ended by a blank line. Anything else is article text, so a lead like "Title: how AI…" is never lost."""
    fenced = _FENCED.match(raw)
    if fenced:
        lines = fenced.group(1).splitlines()
        fields = [_FIELD.match(line) for line in lines if line.strip()]
        if fields and all(fields):
            return {m.group(1).lower(): m.group(2) for m in fields}, raw[fenced.end():]
        return {}, raw
    values: dict[str, str] = {}
    rest = raw.lstrip("\n")
    while rest:
        line, _, after = rest.partition("\n")
        match = _FIELD.match(line)
        if not match:
            break
        values[match.group(1).lower()] = match.group(2)
        rest = after
    # unfenced fields must be followed by a blank line and include a title or date, or they are text
    if values and ("title" in values or "date" in values) and (not rest.strip() or rest.startswith("\n")):
        return values, rest
    return {}, raw


def parse_document(doc_id: str, raw: str, path: str = "") -> Document:
    """Split off the metadata (front matter or date marker); the rest is the article (the title, URL and
    language are found in it when the front matter does not give them)."""
    fields, text = front_matter(raw)
    date = None
    if "date" in fields:
        found = _ISO_DATE.search(fields["date"])
        date = found.group(0) if found else None
    match = _DATE.match(text)
    if match:
        date, text = date or match.group(1), text[match.end():]
    return make_document(doc_id, text, raw, date, path, title=fields.get("title"), url=fields.get("url"),
                         source=fields.get("source"), author=fields.get("author"))


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

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        document = parse_document(doc_id, decode_text(data, name), path)
        if not document.text:
            raise UnreadableDocument(name, "it has metadata but no article text")
        return document
