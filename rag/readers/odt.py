"""OpenDocument text (.odt): headings and paragraphs from content.xml, the title from meta.xml.

The archive is unpacked within limits like a .docx (rag.readers.archive) before any XML is parsed, and the
XML parser resolves no entities and loads nothing from the network.
"""

from __future__ import annotations

from rag.documents import Document, make_document
from rag.readers.archive import unpack
from rag.readers.base import Reader, ReadLimits, UnreadableDocument

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DC = "http://purl.org/dc/elements/1.1/"


class OdtReader(Reader):
    suffixes = (".odt",)

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        from lxml import etree

        members = unpack(data, name, limits, "content.xml", "an OpenDocument text")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        try:
            content = etree.fromstring(members["content.xml"], parser)
            meta = etree.fromstring(members["meta.xml"], parser) if "meta.xml" in members else None
        except (etree.XMLSyntaxError, OSError, ValueError) as exc:
            raise UnreadableDocument(name, f"it is damaged ({type(exc).__name__})") from None
        lines, heading, chars = [], None, 0
        for element in content.iter(f"{{{_TEXT}}}h", f"{{{_TEXT}}}p"):
            if element.getparent() is not None and element.getparent().tag == f"{{{_TEXT}}}note-body":
                continue
            text = " ".join("".join(element.itertext()).split())
            if text:
                if heading is None and element.tag == f"{{{_TEXT}}}h":
                    heading = text
                lines.append(text)
                chars += len(text)
                limits.check_chars(name, chars)  # stop early: the rest would be refused anyway
        text = "\n\n".join(lines)
        if not text:
            raise UnreadableDocument(name, "the document has no text")
        title = date = author = None
        if meta is not None:
            title = meta.findtext(f".//{{{_DC}}}title")
            date = (meta.findtext(f".//{{{_DC}}}date") or "")[:10] or None
            author = meta.findtext(f".//{{{_DC}}}creator")
        return make_document(doc_id, text, data, date, path, title=(title or "").strip() or heading,
                             author=author)
