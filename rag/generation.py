"""Text generation behind a small interface; llama-cpp-python runs the local GGUF model."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rag.errors import ModelError


@dataclass
class Generation:
    """Filled in while a stream runs: usage and timing of the last generation."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    finish_reason: str = ""
    text: str = field(default="", repr=False)


class Generator(Protocol):
    """Anything that streams a chat completion: llama.cpp today, an OpenAI-compatible server later."""

    model_name: str

    def stream(self, messages: list[dict[str, str]], max_tokens: int, temperature: float,
               grammar: str | None, record: Generation) -> Iterator[str]: ...


class LlamaCppGenerator:
    """A GGUF model loaded once; one generation at a time (a lock), prompt prefix cache reused."""

    def __init__(self, model_path: Path, n_ctx: int = 4096, n_threads: int = 0, n_batch: int = 512,
                 seed: int = 0):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError("llama-cpp-python is not installed.", "Run 'make setup'.") from exc
        threads = n_threads or os.cpu_count() or 1
        try:
            self.llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads,
                             n_threads_batch=threads, n_batch=n_batch, seed=seed, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp could not load {model_path}: {exc}",
                             "Check that the file is a complete GGUF model (re-download or re-assemble it).") \
                from exc
        self.model_name = Path(model_path).name
        self.model_path = Path(model_path)
        self._lock = threading.Lock()
        self._grammars: dict[str, object] = {}

    def _grammar(self, text: str | None):
        if not text:
            return None
        if text not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[text] = LlamaGrammar.from_string(text, verbose=False)
        return self._grammars[text]

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 200, temperature: float = 0.0,
               grammar: str | None = None, record: Generation | None = None) -> Iterator[str]:
        record = record if record is not None else Generation()
        with self._lock:
            started = time.perf_counter()
            chunks = self.llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=temperature, top_k=1,
                repeat_penalty=1.0, grammar=self._grammar(grammar), stream=True)
            for chunk in chunks:
                choice = chunk["choices"][0]
                delta = choice.get("delta", {}).get("content") or ""
                if choice.get("finish_reason"):
                    record.finish_reason = choice["finish_reason"]
                if not delta:
                    continue
                if not record.completion_tokens:
                    record.first_token_ms = (time.perf_counter() - started) * 1000
                record.completion_tokens += 1
                record.text += delta
                yield delta
            record.total_ms = (time.perf_counter() - started) * 1000
            record.prompt_tokens = max(0, self.llm.n_tokens - record.completion_tokens)
