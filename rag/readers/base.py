"""What a document reader is: the file suffixes it handles and how it turns one file into a Document."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rag.documents import Document
from rag.errors import InputError


def printable(name: str) -> str:
    """A file name safe to print on one line: control and format characters (a newline, an ANSI escape, a
    right-to-left override) are shown as escapes, every other character as it is."""
    return "".join(ch if not unicodedata.category(ch).startswith("C") or ch == " "
                   else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000
                         else f"\\U{ord(ch):08x}")
                   for ch in str(name))


class UnreadableDocument(InputError):
    """A file that cannot be used as an article: the message names the file (escaped) and says why."""

    def __init__(self, name: str, reason: str, remedy: str = ""):
        super().__init__(f"{printable(name)}: skipped, {reason}.", remedy)
        self.name, self.reason = name, reason

    def describe(self) -> str:
        """One line for the user: the file, why it was skipped and what to do about it."""
        return f"{self.message} {self.remedy}".rstrip()


class DuplicateDocument(UnreadableDocument):
    """A file whose content is indexed already (under whatever name)."""

    def __init__(self, name: str):
        super().__init__(name, "already indexed (same content)")
        self.message = f"{printable(name)}: already indexed (same content), not added twice."


@dataclass(frozen=True)
class ReadLimits:
    """What a reader may spend on one file (the settings of the same names)."""

    max_pdf_pages: int = 500
    max_read_seconds: float = 60.0  # checked between pages; a reader stuck inside one is abandoned soon after
    max_unpacked_bytes: int = 100_000_000  # uncompressed size of a .docx/.odt (zip) archive
    max_html_elements: int = 50_000  # a news page has 2,000-10,000; extraction takes about 0.2 ms each
    max_article_chars: int = 2_000_000  # text of one article; more would take an hour to embed

    @classmethod
    def from_settings(cls, settings) -> ReadLimits:
        return cls(settings.max_pdf_pages, settings.max_read_seconds, settings.max_unpacked_bytes,
                   settings.max_html_elements, settings.max_article_chars)

    def check_chars(self, name: str, chars: int) -> None:
        """Refuse an article whose text is longer than `max_article_chars`."""
        if chars > self.max_article_chars:
            raise self.too_long(name)

    def too_long(self, name: str) -> UnreadableDocument:
        return UnreadableDocument(name, f"its text is over the limit of {self.max_article_chars:,} characters",
                                  "Split it, or raise max_article_chars in bron.toml (BRON_MAX_ARTICLE_CHARS) if it "
                                  "is one genuine article.")


class Reader:
    """Reads the files whose suffix is in `suffixes` (lower case, with the dot) into Documents."""

    suffixes: tuple[str, ...] = ()

    def handles(self, name: str | Path) -> bool:
        return Path(name).suffix.lower() in self.suffixes

    def read(self, source: Path | bytes, name: str | None = None, limits: ReadLimits | None = None,
             doc_id: str | None = None) -> Document:
        """One article from a file, or from its bytes and `name`; the document id is `doc_id` or the name's stem.

        Raises UnreadableDocument saying why the file cannot be used."""
        if isinstance(source, bytes | bytearray):
            if name is None:
                raise TypeError("read(bytes) needs the file's name")
            data, path = bytes(source), ""
        else:
            path, name = str(source), name or str(source)
            try:
                data = Path(source).read_bytes()
            except OSError as exc:
                raise UnreadableDocument(name, f"it cannot be read ({exc.strerror or exc})") from None
        if not data.strip():
            raise UnreadableDocument(name, "it is empty")
        return self.parse(data, doc_id or Path(name).stem, name, path, limits or ReadLimits())

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        """The Document in `data` (the file `name`, stored at `path` or "" for an upload), read within `limits`."""
        raise NotImplementedError
