"""A tiny corpus, so that the fault tests (concurrent writers, kill -9 during a build) run in seconds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ARTICLES = {
    "stargate.txt": " date 2025-01-21\nStargate krijgt 500 miljard dollar.\n\nOpenAI, Softbank en Oracle betalen mee.",
    "fonds.txt": " date 2025-01-20\nChinas Fonds stellt 8,2 Milliarden US-Dollar bereit.\n\nDas meldete die Regierung.",
}


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


SMALL_INDEX = {"index": "idx", "chunk_size": 120, "chunk_overlap": 20}


@pytest.fixture
def bron_toml(tmp_path, small_corpus):
    """Writes a bron.toml for an index of the small corpus (and `extra` settings); returns its path, for the CLI."""
    def write(**extra) -> str:
        values = {"index_dir": str(tmp_path / "indexes"), "seeds_dir": str(small_corpus), **SMALL_INDEX, **extra}
        config = tmp_path / "bron.toml"
        config.write_text("".join(f"{name} = {json.dumps(value)}\n" for name, value in values.items()))
        return str(config)

    return write


@pytest.fixture
def small_index(tmp_path, small_corpus, embedder):
    """Makes an Assistant with the session's embedder and `extra` settings, its index of the small corpus built."""
    from rag.answering import Assistant
    from rag.config import Settings

    def make(**extra):
        assistant = Assistant(Settings.load(index_dir=tmp_path / "indexes", seeds_dir=small_corpus, **SMALL_INDEX,
                                            **extra))
        assistant._embedder = embedder
        assistant.sync_index(progress=False)
        return assistant

    return make
