"""The llama.cpp backend: a local GGUF model run by llama-cpp-python.

Everything that touches llama-cpp-python lives here, and only `rag.llm.make_generator` imports this
module (so `import rag` does not load llama.cpp). What it adds to the stock `Llama`:

* `CheckFirstGrammar` (rag/llm/grammar_sampler.py): the answer grammar checks the greedy token first, the
  vocabulary only if refused;
* `BronLlama`: one saved KV state per prompt prefix (each language's system prompt and examples);
* `LlamaCppGenerator`: the `Generator` around it, with the prompt prefix states kept on disk.

Private parts of llama-cpp-python used here, for want of a public way: `Llama._init_sampler` (the only
place to put another sampler into the chain), `llama_cpp._internals.LlamaSampler` (the chain it must
return) and `LlamaGrammar._grammar`/`_root` (the grammar text that sampler needs). The KV state is
copied with llama.cpp's own `llama_state_get_data`/`set_data`: `Llama.save_state()` would also copy up to
n_batch x vocabulary logits (~300 MB for Qwen2.5) and `load_state()` scan them.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import llama_cpp as lc
import numpy as np
from llama_cpp import Llama, LlamaGrammar, _internals

from rag.errors import ModelError
from rag.llm.base import Generation, Generator
from rag.llm.grammar_sampler import CheckFirstGrammar
from rag.llm.passage_states import SEQUENCES, PassageStreaming, use_sequences

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from rag.llm.passage_states import PassageStates
    from rag.llm.state_store import StateOptions
    from rag.prompting import PromptSet

_BORROWING = threading.Lock()  # Llama.__init__ is told to take given weights, one at a time (borrowed_weights)
PREFIX_STATES = 7  # saved KV states (a prompt language each, a follow-up's rewrite, choice, translation); ~20 MB each
PREFIX_STATE_MIN_TOKENS = 128  # a saved state is used only when it spares at least this many tokens


class _BorrowedModel:
    """Another Llama's weights (a llama_cpp LlamaModel), for a second context: its owner frees them."""

    def __init__(self, model):
        self._model = model

    def __getattr__(self, name):
        return getattr(self._model, name)

    def close(self) -> None:
        pass


@contextlib.contextmanager
def borrowed_weights(model):
    """While this lasts, a new Llama uses `model` (a loaded LlamaModel) instead of loading the file again:
    llama-cpp-python has no argument for it, and a second copy of the weights costs ~1 GB and ~3.5 s."""
    with _BORROWING:
        load = _internals.LlamaModel
        _internals.LlamaModel = lambda **_kwargs: _BorrowedModel(model)
        try:
            yield
        finally:
            _internals.LlamaModel = load


class BronLlama(Llama):
    """llama_cpp.Llama with the check-first grammar sampler (same tokens, less work) and a KV state per
    prompt prefix (one per language)."""

    def __init__(self, *args, sequences: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix_states: list[tuple[np.ndarray, bytes]] = []  # (token ids, llama.cpp state), newest last
        self.last_sampler: CheckFirstGrammar | None = None  # of the last generation, for its logprobs
        self.abstain_ids: list[int] = []  # the abstention sentence's tokens, for the next generation's sampler
        self.keep_prefixes = True  # save prompt prefixes after a generation (not when passage states built it)
        if sequences > 1:
            use_sequences(self, sequences)

    def token_ids(self) -> np.ndarray:
        """The ids of the tokens in the KV cache (a view)."""
        return self.input_ids[:self.n_tokens]

    def generate(self, tokens, *args, **kwargs):
        """Restore a saved prefix that matches the prompt further than the live KV cache does.

        The system prompt and worked examples differ by language, and the KV cache holds one
        sequence: without this a German question after a Dutch one re-reads ~400 tokens of prefix.
        """
        tokens = list(tokens)
        self._restore_prefix(tokens)
        try:
            yield from super().generate(tokens, *args, **kwargs)
        finally:
            if self.keep_prefixes:
                self._save_prefix()

    def _restore_prefix(self, tokens: list[int]) -> None:
        live = self.longest_token_prefix(self.token_ids().tolist(), tokens)
        best, best_len = None, live + PREFIX_STATE_MIN_TOKENS - 1
        for ids, state in self.prefix_states:
            common = self.longest_token_prefix(ids.tolist(), tokens)
            if common > best_len:
                best, best_len = (ids, state), common
        if best is None:
            return
        ids, state = best
        self.reset()  # the logits will belong to the saved sequence, not to this prompt: evaluate before sampling
        if not self.set_state_bytes(state):
            return  # a state that does not fit: evaluate the whole prompt as usual
        self.input_ids[:len(ids)] = ids
        self.n_tokens = len(ids)

    def _save_prefix(self) -> None:
        ids = self.token_ids().copy()
        if len(ids) < PREFIX_STATE_MIN_TOKENS or any(
                self.longest_token_prefix(saved.tolist(), ids.tolist()) >= PREFIX_STATE_MIN_TOKENS
                for saved, _ in self.prefix_states):
            return  # this prefix (e.g. this language's system prompt and examples) is saved already
        self.prefix_states = (self.prefix_states + [(ids, self.state_bytes())])[-PREFIX_STATES:]

    def state_bytes(self) -> bytes:
        """The context's llama.cpp state (KV cache of the evaluated tokens) as bytes."""
        size = lc.llama_state_get_size(self.ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = lc.llama_state_get_data(self.ctx, buffer, size)
        return bytes(buffer)[:written]

    def set_state_bytes(self, state: bytes) -> bool:
        """Put a state from `state_bytes` back into the context; False if llama.cpp refused it."""
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        return lc.llama_state_set_data(self.ctx, buffer, len(state)) == len(state)

    def _init_sampler(self, *args, **kwargs):
        grammar = kwargs.get("grammar")
        if grammar is None or kwargs.get("temp", 0.8) != 0.0 or kwargs.get("logits_processor") or args:
            return super()._init_sampler(*args, **kwargs)
        chain = _internals.LlamaSampler()
        cite = self.tokenize(b" [", add_bos=False, special=False)
        vocab = lc.llama_model_get_vocab(self.model)

        def ends_answer(token: int) -> bool:  # end of generation, or a line break the grammar forbids
            return bool(lc.llama_vocab_is_eog(vocab, token)) or self.detokenize([token]).startswith(b"\n")

        check = CheckFirstGrammar(vocab, grammar._grammar, grammar._root, cite[0] if len(cite) == 1 else None,
                                  ends_answer, self.abstain_ids)
        lc.llama_sampler_chain_add(chain.sampler, ctypes.pointer(check.sampler))
        # The chain must not free a Python-owned sampler: LlamaSampler removes these before freeing itself.
        chain.custom_samplers.append((lc.llama_sampler_chain_n(chain.sampler) - 1, check))
        weakref.finalize(chain, check.close).atexit = False  # freed with the chain, as llama-cpp-python does
        chain.add_greedy()
        self.last_sampler = check
        return chain


class LlamaCppGenerator(PassageStreaming, Generator):
    """A GGUF model loaded once; one generation at a time (a lock), prompt prefix states reused."""

    def __init__(self, model_path: Path, n_ctx: int = 4096, n_threads: int = 0, n_batch: int = 512,
                 seed: int = 0, use_mmap: bool = False, load: bool = True,
                 passage_states: StateOptions | None = None):
        threads = n_threads or os.cpu_count() or 1
        self.model_path = Path(model_path)
        self.model_name = self.model_path.name
        self.n_ctx = n_ctx
        self.state_options = passage_states  # None: every prompt is read whole
        self._options = dict(n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, n_batch=n_batch, seed=seed,
                             flash_attn=True, use_mmap=use_mmap, verbose=False,
                             sequences=SEQUENCES if passage_states else 1)
        self._llm: BronLlama | None = None
        self._passages: PassageStates | None = None
        self._stack = contextlib.ExitStack()  # owns the loaded model
        self._lock = threading.Lock()  # one generation at a time
        self._load_lock = threading.Lock()
        self._grammars: dict[str, LlamaGrammar] = {}
        self._stop: tuple[str, ...] = ()  # the chat template's stop strings, for a prompt given as tokens
        self._last_prompt_tokens = 0  # how long the last stream's prompt was (last_prompt_state)
        self._reader = None  # rag.llm.layer_reader.LayerReader, made on first use (False: cannot be made)
        self._weights_from: LlamaCppGenerator | None = None  # a sibling's: it uses that generator's weights
        self._siblings: list[LlamaCppGenerator] = []  # generators using this one's weights (closed before it)
        if load:
            self.load()

    def sibling(self) -> LlamaCppGenerator:
        """A generator with a context of its own on this one's weights (the second reading's): the model file
        is not loaded twice. Closing this generator closes its siblings first."""
        other = LlamaCppGenerator(self.model_path, self.n_ctx, self._options["n_threads"], self._options["n_batch"],
                                  self._options["seed"], self._options["use_mmap"], load=False,
                                  passage_states=self.state_options)
        other._weights_from = self
        return other

    def load(self) -> LlamaCppGenerator:
        with self._load_lock:
            if self._llm is None:
                owner = self._weights_from
                weights = borrowed_weights(owner.llm._model) if owner is not None else contextlib.nullcontext()
                try:
                    with weights:
                        llm = BronLlama(model_path=str(self.model_path), **self._options)
                except (ValueError, RuntimeError) as exc:
                    raise ModelError(f"llama.cpp could not load {self.model_path}: {exc}",
                                     "Check that the file is a complete GGUF model (re-download or re-assemble "
                                     "it).") from exc
                self._stack.callback(llm.close)
                self._llm = llm
                if owner is not None:
                    owner._siblings.append(self)
        return self

    @property
    def llm(self) -> BronLlama:
        """The llama-cpp-python model (loaded here if the generator was made with load=False)."""
        if self._llm is None:
            self.load()
        return self._llm

    def close(self) -> None:
        for sibling in self._siblings:  # they use this generator's weights
            sibling.close()
        self._siblings.clear()
        with self._load_lock:
            self._stack.close()
            self._llm = self._passages = self._reader = None

    def _grammar(self, text: str | None) -> LlamaGrammar | None:
        if not text:
            return None
        if text not in self._grammars:
            self._grammars[text] = LlamaGrammar.from_string(text, verbose=False)
        return self._grammars[text]

    def prefix_cache_path(self, prompts: PromptSet, cache_dir: Path) -> Path:
        """Named by everything the KV state depends on: the model file, llama.cpp's version, the context
        size and the prefix's text (the model need not be loaded to know it)."""
        stat = self.model_path.stat()
        key = json.dumps([str(self.model_path), stat.st_size, stat.st_mtime_ns, lc.__version__, self.n_ctx,
                          prompts.system, prompts.examples])
        return Path(cache_dir) / "prompt-cache" / f"{hashlib.sha1(key.encode()).hexdigest()[:20]}.npz"

    def load_prefix(self, path: Path) -> bool:
        """Add a KV state saved by `save_prefix` (a cold `bron ask` then skips reading the examples).

        A file that does not load (another llama.cpp build, a truncated write) is deleted, not trusted:
        the state is checked again by llama.cpp when it is restored."""
        if not path.is_file():
            return False
        try:
            with np.load(path, allow_pickle=False) as saved:
                ids, state = saved["ids"].astype(np.intc), saved["state"].tobytes()
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
            return False
        states = self.llm.prefix_states
        with self._lock:
            if not any(len(i) == len(ids) and (i == ids).all() for i, _ in states):
                states.insert(0, (ids, state))
                del states[:-PREFIX_STATES]
        return True

    def save_prefix(self, path: Path, messages: list[dict[str, str]]) -> bool:
        """Read `messages` (a system prompt and examples, ending in a stub user turn) and write the KV
        state to `path` atomically. Only the shared prefix is saved: a state that also held one
        question's passages would make that question look faster than any other."""
        llm = self.llm
        with self._lock:
            for _ in llm.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0, top_k=1,
                                                stream=True):
                pass
            ids, state = llm.token_ids().copy(), llm.state_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, ids=ids, state=np.frombuffer(state, dtype=np.uint8))
        tmp.replace(path)
        return True

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 200, temperature: float = 0.0,
               grammar: str | None = None, record: Generation | None = None,
               abstain: str | None = None) -> Iterator[str]:
        record = record if record is not None else Generation()
        llm = self.llm
        with self._lock:
            started = time.perf_counter()
            self._sampler_for(abstain)
            chunks = llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=temperature, top_k=1,
                repeat_penalty=1.0, grammar=self._grammar(grammar), stream=True)
            yield from self._collect(chunks, record, started)

    def last_prompt_state(self, layer: int | None = None) -> list[float] | None:
        """Re-reads the last prompt's final token with llama.cpp's embeddings output on (one token; the rest of
        the prompt is still in the KV cache), so generation itself never pays for the embeddings. A middle
        `layer`'s output is read in a second context that copies the prompt's KV cache (rag.llm.layer_reader)."""
        llm, length = self.llm, self._last_prompt_tokens
        with self._lock:
            if not length or llm.n_tokens < length:
                return None
            if layer is not None:
                reader = self._layer_reader()
                return reader.read(llm, length, layer) if reader else None
            prompt = llm.input_ids[:length].tolist()
            lc.llama_memory_seq_rm(lc.llama_get_memory(llm.ctx), -1, len(prompt) - 1, -1)
            llm.n_tokens = len(prompt) - 1
            lc.llama_set_embeddings(llm.ctx, True)
            try:
                llm.eval(prompt[-1:])
                vector = lc.llama_get_embeddings_ith(llm.ctx, -1)
                return None if not vector else list(vector[:llm.n_embd()])
            finally:
                lc.llama_set_embeddings(llm.ctx, False)

    def _layer_reader(self):
        """The context that reads a middle layer (made on first use); False where this build cannot."""
        if self._reader is None:
            from rag.llm.layer_reader import LayerReader

            try:
                self._reader = self._stack.enter_context(contextlib.closing(LayerReader(self.llm)))
            except RuntimeError as exc:
                log.warning("No middle-layer states (%s): the probe is not used.", exc)
                self._reader = False
        return self._reader

    def _sampler_for(self, abstain: str | None) -> None:
        llm = self.llm
        llm.last_sampler = None
        llm.abstain_ids = llm.tokenize(abstain.encode("utf-8"), add_bos=False, special=False) if abstain else []

    def _collect(self, chunks: Iterator[dict], record: Generation, started: float) -> Iterator[str]:
        """Yield the text of llama-cpp-python's stream (chat or plain completion chunks); fill in `record`."""
        llm = self.llm
        for chunk in _context_checked(chunks, llm.n_ctx()):
            choice = chunk["choices"][0]
            delta = (choice["delta"].get("content") if "delta" in choice else choice.get("text")) or ""
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
        record.prompt_tokens = max(0, llm.n_tokens - record.completion_tokens)
        self._last_prompt_tokens = record.prompt_tokens
        if llm.last_sampler is not None:
            record.token_logprobs = list(llm.last_sampler.logprobs)
            record.abstain_logprob = llm.last_sampler.abstain_logprob


def _context_checked(chunks: Iterator[dict], n_ctx: int) -> Iterator[dict]:
    """llama-cpp-python refuses a prompt longer than the context with a bare ValueError: say what to change."""
    try:
        yield from chunks
    except ValueError as exc:
        if "context window" not in str(exc):
            raise
        from rag.errors import ConfigError

        raise ConfigError(f"The prompt does not fit the model's context (n_ctx={n_ctx}): {exc}",
                          "Raise n_ctx in bron.toml (4096 is the default), or lower context_chars or top_k.") from None
