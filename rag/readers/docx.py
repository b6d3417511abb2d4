"""Word documents (.docx), read with python-docx: paragraphs and headings in order, tables as lines.

A .docx is a zip archive: it is unpacked within max_unpacked_bytes by rag.readers.archive (a zip bomb or a
damaged member is refused there) and python-docx reads the unpacked parts, never the original archive.
A document without core properties gets its title from its first heading or line, not python-docx's
default ("Word Document").
"""

from __future__ import annotations

import io
import time
import zipfile

from rag.documents import Document, make_document
from rag.readers.archive import repack, unpack
from rag.readers.base import Reader, ReadLimits, UnreadableDocument

CORE_PROPERTIES = "docProps/core.xml"

class DocxReader(Reader):
    suffixes = (".docx",)

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        started = time.monotonic()
        members = unpack(data, name, limits, "word/document.xml", "a Word document")
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            word = docx.Document(io.BytesIO(repack(members)))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError, SyntaxError) as exc:
            raise UnreadableDocument(name, f"it is damaged or not a Word document ({type(exc).__name__})") from None
        except Exception as exc:  # lxml's XMLSyntaxError and friends: a damaged document part
            raise UnreadableDocument(name, f"it is damaged ({type(exc).__name__})") from None
        lines, heading, chars = [], None, 0
        for block in word.element.body.iterchildren():
            if time.monotonic() - started > limits.max_read_seconds:
                raise UnreadableDocument(name, f"reading it took longer than {limits.max_read_seconds:g} s",
                                         "Raise max_read_seconds.")
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraph = docx.text.paragraph.Paragraph(block, word)
                text = paragraph.text.strip()
                style = (paragraph.style.name if paragraph.style is not None else "") or ""
                if text and heading is None and (style == "Title" or style.startswith("Heading")):
                    heading = text
                if text:
                    lines.append(text)
                    chars += len(text)
                    limits.check_chars(name, chars)  # stop early: the rest would be refused anyway
            elif tag == "tbl":
                table = docx.table.Table(block, word)
                for row in table.rows:
                    cells = [cell.text.strip() for cell in row.cells]
                    if any(cells):
                        lines.append(" | ".join(dict.fromkeys(cells)))  # merged cells repeat: once
        text = "\n\n".join(lines)
        if not text.strip():
            raise UnreadableDocument(name, "the document has no text")
        title = author = created = None
        if CORE_PROPERTIES in members:  # without it python-docx makes up a default ("Word Document")
            props = word.core_properties
            title, author = (props.title or "").strip(), (props.author or "").strip()
            created = props.created.strftime("%Y-%m-%d") if props.created else None
        return make_document(doc_id, text, data, created, path, title=title or heading, author=author)
