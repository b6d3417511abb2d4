"""A tiny corpus, so that the fault tests (concurrent writers, kill -9 during a build) run in seconds."""

from __future__ import annotations

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
