"""Reading a folder of articles: every file a reader handles (see rag.readers), in subfolders too,
skipping unreadable ones and indexing the same content only once."""

from __future__ import annotations

import logging
from pathlib import Path

from rag.documents import Document
from rag.readers import ReadLimits, UnreadableDocument, printable, read_document, reader_for, suffixes_text

log = logging.getLogger(__name__)


def article_files(folder: Path) -> list[Path]:
    """Every file in `folder` and its subfolders, sorted, without hidden files and folders."""
    folder = Path(folder)
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def links_outside(folder: Path, paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """`paths` found in `folder` split into those really inside it and those that resolve outside it (a
    symbolic link to /etc/passwd, or a file reached through a linked folder): `bron add DIR` adds only the
    first, so a folder cannot smuggle in files from elsewhere."""
    root = Path(folder).resolve()
    inside, outside = [], []
    for path in paths:
        (inside if path.resolve().is_relative_to(root) else outside).append(path)
    return inside, outside


def document_id(folder: Path, path: Path, taken: set[str]) -> str:
    """The file name without its suffix for files at the top of `folder` (as always); in a subfolder the
    relative path ("2025/stroomnet"); with the suffix when another file took that id ("stroomnet.pdf")."""
    relative = path.relative_to(folder)
    doc_id = relative.with_suffix("").as_posix()
    if doc_id in taken:
        doc_id = relative.as_posix()
    return doc_id


def load_corpus(folder: Path, settings=None) -> list[Document]:
    """All readable articles in `folder` and its subfolders, sorted by id; each skipped file is logged
    with why. A file whose content was read already (same content hash) is indexed once. `settings`
    gives the reading limits (max_document_bytes, max_pdf_pages, max_read_seconds, max_unpacked_bytes)."""
    folder = Path(folder)
    if not folder.is_dir():
        from rag.errors import InputError

        raise InputError(f"Article folder not found: {folder}",
                         f"Set seeds_dir in bron.toml or pass --seeds to a folder of {suffixes_text()} files.")
    limits = ReadLimits.from_settings(settings) if settings is not None else ReadLimits()
    max_bytes = settings.max_document_bytes if settings is not None else None
    docs: list[Document] = []
    seen: dict[str, str] = {}  # content hash -> the document id that has it
    taken: set[str] = set()
    for path in article_files(folder):
        if reader_for(path) is None:
            continue  # notes, gold files, images: not articles
        doc_id = document_id(folder, path, taken)
        try:
            doc = read_document(path, doc_id=doc_id, max_bytes=max_bytes, limits=limits)
        except UnreadableDocument as exc:
            log.warning("%s", exc.describe())
            continue
        if doc.content_hash in seen:
            log.warning("%s: same content as %s, indexed once.", printable(str(path)), seen[doc.content_hash])
            continue
        seen[doc.content_hash] = doc.id
        taken.add(doc.id)
        docs.append(doc)
    return sorted(docs, key=lambda d: d.id)
