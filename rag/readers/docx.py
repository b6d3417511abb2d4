"""Word documents (.docx), read with python-docx: paragraphs and headings in order, tables as lines.

A .docx is a zip archive: its uncompressed size is checked before anything is parsed, so a zip bomb
named .docx is refused instead of filling the memory (setting max_unpacked_bytes).
"""

from __future__ import annotations

import io
import time
import zipfile

from rag.documents import Document, make_document
from rag.readers.base import Reader, ReadLimits, UnreadableDocument

_MAX_MEMBERS = 10_000  # files inside the archive
_MAX_RATIO = 200  # uncompressed / compressed size of a single member; text compresses about 10:1


def check_archive(data: bytes, name: str, limits: ReadLimits, required: str,
                  kind: str = "a Word document") -> zipfile.ZipFile:
    """The zip archive in `data` after checking it holds `required` and will not unpack to more than
    `max_unpacked_bytes` (sizes from the archive's directory, which a bomb cannot understate: the
    members are read with those sizes as the limit)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableDocument(name, f"it is damaged or not {kind} (not a zip archive)") from None
    if len(members) > _MAX_MEMBERS:
        raise UnreadableDocument(name, f"the archive holds {len(members):,} files")
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise UnreadableDocument(name, f"it unpacks to {total:,} bytes (the limit is {limits.max_unpacked_bytes:,})",
                                 "Raise max_unpacked_bytes if the file is genuine.")
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > _MAX_RATIO * max(member.compress_size, 1):
            raise UnreadableDocument(name, f"{member.filename} inside it is compressed {_MAX_RATIO}+ times "
                                     "(a zip bomb?)")
    if required not in archive.namelist():
        raise UnreadableDocument(name, f"it is damaged or not {kind} ({required} is missing)")
    return archive


class DocxReader(Reader):
    suffixes = (".docx",)

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        started = time.monotonic()
        check_archive(data, name, limits, "word/document.xml")
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            word = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError, SyntaxError) as exc:
            raise UnreadableDocument(name, f"it is damaged or not a Word document ({type(exc).__name__})") from None
        except Exception as exc:  # lxml's XMLSyntaxError and friends: a damaged document part
            raise UnreadableDocument(name, f"it is damaged ({type(exc).__name__})") from None
        lines, heading = [], None
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
            elif tag == "tbl":
                table = docx.table.Table(block, word)
                for row in table.rows:
                    cells = [cell.text.strip() for cell in row.cells]
                    if any(cells):
                        lines.append(" | ".join(dict.fromkeys(cells)))  # merged cells repeat: once
        text = "\n\n".join(lines)
        if not text.strip():
            raise UnreadableDocument(name, "the document has no text")
        props = word.core_properties
        title = (props.title or "").strip() or heading
        created = props.created.strftime("%Y-%m-%d") if props.created else None
        return make_document(doc_id, text, data, created, path, title=title, author=(props.author or "").strip())
