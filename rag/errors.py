"""Errors that carry a remedy, so every front end can print one clear message instead of a traceback."""

from __future__ import annotations


class BronError(Exception):
    """Base error: `message` says what went wrong, `remedy` says what to do about it."""

    def __init__(self, message: str, remedy: str = ""):
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message}\n  -> {self.remedy}" if self.remedy else self.message


class ConfigError(BronError):
    """Bad settings in bron.toml, BRON_* variables or call arguments."""


class InputError(BronError):
    """A question or uploaded file that cannot be used."""


class IndexError_(BronError):
    """A missing, corrupt or incompatible index."""


class IncompatibleIndex(IndexError_):
    """An index built with another embedder, chunking or vector store: rebuilding it is the remedy."""


class ModelError(BronError):
    """A missing or broken embedder or LLM."""

