"""Passage KV states: each passage is read once after the prompt's shared prefix, and its KV state is kept.

A question then costs the reading of what is new only. The KV cache is put together in llama.cpp
sequences of one unified cache (the context is made with several sequences, `SEQUENCES`):

1. seq 0 gets the prefix (system prompt, examples, the opening of the question's turn) from its state;
2. each passage's state (its title, date and text, read after that same prefix, so every passage saw the
   same instructions and attention sink, as in APE, arXiv 2502.05431) is restored into a scratch sequence
   at its saved positions, moved to its place with `llama_memory_seq_add` (llama.cpp re-rotates the keys)
   and copied into seq 0, leaving a gap before it for its "[n]" label;
3. the labels (and, as a repair, the first `fresh_tokens` tokens of each passage, or the whole last one)
   are read in one batch: label i in its own sequence that holds everything before it, because a batch
   must continue a sequence right after its last position; then they join seq 0;
4. the caller reads the rest (the question and the template's tail) and generates as usual.

What is lost against reading the whole prompt: a passage does not attend to the passages before it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import llama_cpp as lc
import numpy as np
from llama_cpp import _internals, llama_chat_format

from rag.llm.base import Generation
from rag.llm.state_store import PREFIX_NAME, SavedState, StateOptions, StateStore, identity, split_label, text_name

if TYPE_CHECKING:
    from rag.prompting import PassagePrompt

SEQUENCES = 24  # seq 0, a sequence per label (top_k <= 20) and a scratch sequence
log = logging.getLogger(__name__)


class PassageStateError(RuntimeError):
    """llama.cpp refused an operation: the caller reads the whole prompt instead."""


@dataclass(frozen=True)
class PromptParts:
    """A rendered prompt cut where passage states fit."""

    prefix: str  # up to the first passage's label
    labels: tuple[str, ...]  # "[1]", "[2]", ...
    bodies: tuple[str, ...]  # each passage after its label, with the blank line that follows it
    tail: str  # the question and the template's end (the assistant turn's opening)
    stop: tuple[str, ...] = ()


def split_prompt(text: str, passages: tuple[str, ...]) -> PromptParts | None:
    """Cut `text` around `passages` (their texts joined by newlines, followed by a newline); None when the
    prompt is not laid out that way (another template): then the whole prompt is read."""
    block = "\n".join(passages)
    at = text.rfind(block)
    if not passages or at < 0 or text[at + len(block):at + len(block) + 1] != "\n":
        return None
    cuts = [split_label(piece + "\n") for piece in passages]
    if any(cut is None for cut in cuts):
        return None
    return PromptParts(text[:at], tuple(c[0] for c in cuts), tuple(c[1] for c in cuts), text[at + len(block) + 1:])


class KVCache:
    """The few llama.cpp memory and state calls on one context that passage states need."""

    def __init__(self, ctx, n_batch: int):
        self.ctx, self.n_batch = ctx, n_batch
        self.mem = lc.llama_get_memory(ctx)

    def clear(self) -> None:
        lc.llama_memory_clear(self.mem, True)

    def decode(self, runs: list[tuple[list[int], int, int]]) -> None:
        """Read runs of (tokens, first position, sequence) in batches of at most n_batch tokens, no logits."""
        items = [(token, pos + i, seq) for tokens, pos, seq in runs for i, token in enumerate(tokens)]
        for start in range(0, len(items), self.n_batch):
            chunk = items[start:start + self.n_batch]
            batch = lc.llama_batch_init(len(chunk), 0, 1)
            try:
                for i, (token, pos, seq) in enumerate(chunk):
                    batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, pos, 1, False
                    batch.seq_id[i][0] = seq
                batch.n_tokens = len(chunk)
                status = lc.llama_decode(self.ctx, batch)
            finally:
                lc.llama_batch_free(batch)
            if status != 0:
                raise PassageStateError(f"llama_decode returned {status}")

    def get(self, seq: int) -> bytes:
        size = lc.llama_state_seq_get_size(self.ctx, seq)
        buffer = (ctypes.c_uint8 * size)()
        written = lc.llama_state_seq_get_data(self.ctx, buffer, size, seq)  # before the bytes are copied
        return bytes(buffer)[:written]

    def set(self, state: bytes, seq: int) -> bool:
        """Restore `state` into `seq` at its saved positions (llama.cpp empties `seq` first)."""
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        return lc.llama_state_seq_set_data(self.ctx, buffer, len(state), seq) == len(state)

    def copy(self, src: int, dst: int, p0: int, p1: int) -> None:
        lc.llama_memory_seq_cp(self.mem, src, dst, p0, p1)

    def remove(self, seq: int, p0: int = -1, p1: int = -1) -> None:
        if not lc.llama_memory_seq_rm(self.mem, seq, p0, p1):
            raise PassageStateError(f"llama_memory_seq_rm({seq}, {p0}, {p1}) failed")

    def shift(self, seq: int, p0: int, p1: int, delta: int) -> None:
        if delta:
            lc.llama_memory_seq_add(self.mem, seq, p0, p1, delta)


class PassageStates:
    """The passage states of one loaded model (a BronLlama made with SEQUENCES sequences)."""

    def __init__(self, llm, options: StateOptions, identity: str):
        self.llm = llm
        self.options = options
        self.store = StateStore(options.root, identity, options.disk_budget, options.memory_budget)
        self.kv = KVCache(llm.ctx, llm.n_batch)
        self._formatter = None
        template = llm.metadata.get("tokenizer.chat_template")
        if template and llm.chat_format == "chat_template.default":  # the formatter the whole prompt uses
            eos, bos = (llm._model.token_get_text(t) if t != -1 else "" for t in (llm.token_eos(), llm.token_bos()))
            self._formatter = llama_chat_format.Jinja2ChatFormatter(
                template=template, eos_token=eos, bos_token=bos, stop_token_ids=[llm.token_eos()])
        self._accepted: set[tuple[str, str]] = set()  # states llama.cpp took in this process

    def parts(self, messages: list[dict[str, str]], passages: tuple[str, ...]) -> PromptParts | None:
        """The prompt of `messages` as llama-cpp-python renders it, cut around its passages."""
        if self._formatter is None or not self.kv.mem or not lc.llama_memory_can_shift(self.kv.mem):
            return None
        rendered = self._formatter(messages=messages)
        parts = split_prompt(rendered.prompt, passages)
        if parts is None:
            return None
        stop = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
        return PromptParts(parts.prefix, parts.labels, parts.bodies, parts.tail, tuple(stop))

    def tokens(self, text: str, special: bool) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def build(self, parts: PromptParts, stats: dict[str, float]) -> list[int]:
        """Fill seq 0 with the prefix, labels and passages; the tokens it now holds. Missing states are
        computed on the spot (and kept). `stats`: restored, computed, place_ms."""
        started = time.perf_counter()
        prefix = self.tokens(parts.prefix, special=True)
        labels = [self.tokens(label, special=False) for label in parts.labels]
        bodies = [self.tokens(body, special=False) for body in parts.bodies]
        last = len(bodies) - 1
        fresh = [len(b) if self.options.fresh_last and i == last else min(self.options.fresh_tokens, len(b) - 1)
                 for i, b in enumerate(bodies)]
        self._start(parts.prefix, prefix)
        states = [self._state(parts.prefix, prefix, parts.bodies[i], body, stats) if fresh[i] < len(body) else None
                  for i, body in enumerate(bodies)]
        for i, state in enumerate(states):  # all restored before anything moves (positions as saved)
            if state is not None and not self.kv.set(state.state, 1 + i):
                raise PassageStateError("llama.cpp refused a passage state it had accepted")
        heads, pos, P = [], len(prefix), len(prefix)
        for i, (label, body, state) in enumerate(zip(labels, bodies, states)):
            head = label + body[:fresh[i]]
            heads.append((head, pos, 1 + i))
            pos += len(head)
            if state is None:
                continue
            if fresh[i]:
                self.kv.remove(1 + i, P, P + fresh[i])
            self.kv.shift(1 + i, P + fresh[i], P + len(body), pos - P - fresh[i])
            self.kv.copy(1 + i, 0, pos, pos + len(body) - fresh[i])
            self.kv.remove(1 + i)
            pos += len(body) - fresh[i]
        for _head, at, seq in heads:  # each label's sequence: everything before it
            self.kv.copy(0, seq, 0, at)
        self.kv.decode(heads)
        for head, at, seq in heads:
            self.kv.copy(seq, 0, at, at + len(head))
            self.kv.remove(seq)
        stats["place_ms"] = (time.perf_counter() - started) * 1000 - stats.get("compute_ms", 0.0)
        return prefix + [t for label, body in zip(labels, bodies) for t in label + body]

    def prepare(self, parts: PromptParts) -> int:
        """Compute the states of `parts`' passages that are not kept yet; how many were."""
        stats: dict[str, float] = {}
        prefix = self.tokens(parts.prefix, special=True)
        self._start(parts.prefix, prefix)
        for text in parts.bodies:
            self._state(parts.prefix, prefix, text, self.tokens(text, special=False), stats)
        return int(stats.get("computed", 0))

    def _start(self, prefix_text: str, prefix: list[int]) -> None:
        """An empty cache with the prefix in seq 0 (restored from its state, or read and kept)."""
        self.kv.clear()
        saved = self.store.get(prefix_text, PREFIX_NAME, prefix)
        if saved is not None and self.kv.set(saved.state, 0):
            return
        if saved is not None:
            log.warning("llama.cpp refused the saved prefix state: reading the prefix again.")
            self.store.discard(prefix_text, PREFIX_NAME)
        self.kv.clear()
        self.kv.decode([(prefix, 0, 0)])
        self.store.put(prefix_text, PREFIX_NAME, SavedState(np.asarray(prefix, dtype=np.int32), self.kv.get(0)))

    def _state(self, prefix_text: str, prefix: list[int], text: str, body: list[int],
               stats: dict[str, float]) -> SavedState:
        """The state of `body` read after the prefix (seq 0 must hold the prefix at its start)."""
        name = text_name(text)
        saved = self.store.get(prefix_text, name, body)
        if saved is not None and self._loads(prefix_text, name, saved):
            stats["restored"] = stats.get("restored", 0) + 1
            return saved
        if saved is not None:
            log.warning("llama.cpp refused the passage state %s: computing it again.", name)
            self.store.discard(prefix_text, name)
        started, scratch, P = time.perf_counter(), SEQUENCES - 1, len(prefix)
        self.kv.remove(scratch)
        self.kv.copy(0, scratch, 0, P)
        self.kv.decode([(body, P, scratch)])
        self.kv.remove(scratch, 0, P)
        saved = SavedState(np.asarray(body, dtype=np.int32), self.kv.get(scratch))
        self.kv.remove(scratch)
        self.store.put(prefix_text, name, saved)
        self._accepted.add((prefix_text, name))
        stats["computed"] = stats.get("computed", 0) + 1
        stats["compute_ms"] = stats.get("compute_ms", 0.0) + (time.perf_counter() - started) * 1000
        return saved

    def _loads(self, prefix_text: str, name: str, saved: SavedState) -> bool:
        """Whether llama.cpp accepts `saved` (a file from another build can pass every check of ours);
        tried once per process and state."""
        if (prefix_text, name) in self._accepted:
            return True
        scratch = SEQUENCES - 1
        accepted = self.kv.set(saved.state, scratch)
        self.kv.remove(scratch)
        if accepted:
            self._accepted.add((prefix_text, name))
        return accepted


def use_sequences(llm, sequences: int) -> None:
    """Replace a Llama's context by one with `sequences` sequences in one unified KV cache (a partial
    copy between sequences needs a unified cache); llama-cpp-python has no argument for it."""
    llm._ctx.close()
    llm.context_params.n_seq_max = sequences
    llm.context_params.kv_unified = True
    llm._ctx = llm._stack.enter_context(contextlib.closing(
        _internals.LlamaContext(model=llm._model, params=llm.context_params, verbose=llm.verbose)))


class PassageStreaming:
    """The `Generator` methods of LlamaCppGenerator that use passage states (it provides `llm`, `_lock`,
    `state_options`, `_grammar`, `_sampler_for`, `_collect` and `stream`)."""

    @property
    def passages(self) -> PassageStates:
        """The passage states of the loaded model (made on first use)."""
        llm = self.llm
        if self._passages is None:
            self._passages = PassageStates(llm, self.state_options, identity(self.model_path, self.n_ctx))
        return self._passages

    def stream_passages(self, prompt: PassagePrompt, max_tokens: int = 200, temperature: float = 0.0,
                        grammar: str | None = None, record: Generation | None = None,
                        abstain: str | None = None) -> Iterator[str]:
        """Restore the passages' KV states (rag.llm.passage_states) and read only the question and the
        template's tail; the whole prompt when states are off or llama.cpp refuses something."""
        record = record if record is not None else Generation()
        if self.state_options is not None:
            llm = self.llm
            with self._lock:
                started = time.perf_counter()
                tokens = self._place_passages(prompt, record)
                if tokens is not None:
                    self._sampler_for(abstain)
                    llm.keep_prefixes = False
                    try:
                        chunks = llm.create_completion(
                            prompt=tokens, max_tokens=max_tokens, temperature=temperature, top_k=1,
                            repeat_penalty=1.0, grammar=self._grammar(grammar), stream=True,
                            stop=list(self._stop))
                        yield from self._collect(chunks, record, started)
                    finally:
                        llm.keep_prefixes = True
                    return
        yield from self.stream(prompt.messages, max_tokens, temperature, grammar, record, abstain)

    def _place_passages(self, prompt: PassagePrompt, record: Generation) -> list[int] | None:
        """Put prefix, labels and passages into the KV cache; the prompt's tokens (None: read it whole)."""
        states, llm = self.passages, self.llm
        parts = states.parts(prompt.messages, prompt.passages)
        if parts is None or len(parts.bodies) + 2 > lc.llama_n_seq_max(llm.ctx):
            return None
        try:
            tokens = states.build(parts, record.passage_states)
        except PassageStateError as exc:
            log.warning("Passage states failed (%s): reading the whole prompt.", exc)
            record.passage_states["failed"] = 1
            states.kv.clear()
            llm.reset()
            return None
        llm.input_ids[:len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        llm._requires_eval = True  # the logits are not those of the last token: the tail is read first
        self._stop = parts.stop
        return tokens + states.tokens(parts.tail, special=True)

    def prepare_passages(self, prompt: PassagePrompt) -> int:
        if self.state_options is None:
            return 0
        with self._lock:
            parts = self.passages.parts(prompt.messages, prompt.passages)
            computed = self.passages.prepare(parts) if parts is not None else 0
            self.llm.reset()  # the cache now holds the prefix only
            return computed

