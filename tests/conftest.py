"""Shared fixtures: the real embedder and assistant load once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.config import PROJECT_DIR, Settings

SEEDS = PROJECT_DIR / "seeds"


@pytest.fixture(scope="session")
def seeds_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def embedder():
    from rag.embedding import Embedder

    return Embedder.from_settings(Settings.load())


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, seeds_copy, embedder):
    """A real assistant (real embedder, FAISS, GGUF model) on a private index of the seed articles."""
    from rag.answering import Assistant

    settings = Settings.load(index="itest", index_dir=tmp_path_factory.mktemp("indexes"), seeds_dir=seeds_copy)
    asst = Assistant(settings)
    asst._embedder = embedder
    asst.sync_index(progress=False)
    return asst.load()
