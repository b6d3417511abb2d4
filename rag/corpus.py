"""Reading a folder of articles: every file a reader handles (see rag.readers), skipping unreadable ones."""

from __future__ import annotations

import logging
from pathlib import Path

from rag.documents import Document
from rag.readers import UnreadableDocument, read_document, reader_for, suffixes_text

log = logging.getLogger(__name__)


def load_corpus(folder: Path) -> list[Document]:
    """All readable articles in `folder` (not recursive), sorted by id; each skipped file is logged with why."""
    folder = Path(folder)
    if not folder.is_dir():
        from rag.errors import InputError

        raise InputError(f"Article folder not found: {folder}",
                         f"Set seeds_dir in bron.toml or pass --seeds to a folder of {suffixes_text()} files.")
    docs = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and reader_for(path) is not None and not path.name.startswith("."):
            try:
                docs.append(read_document(path))
            except UnreadableDocument as exc:
                log.warning("%s", exc.describe())
    return docs
