"""One layer's output at the last token of a prompt already in a Llama's KV cache (what rag.probe reads).

llama.cpp returns only the final, normalised hidden state (its embeddings output); a middle layer's output is
seen only through the eval callback, which is set when a context is made. So the reader keeps a second, small
context with that callback: it copies the prompt's KV cache from the model's context (one sequence, a few MB),
re-reads the prompt's last token there and keeps the layer's row ("l_out-<layer>"). The model's own context
and its generation never run the callback. Middle layers may separate answerable from unanswerable questions
better than the last one (arXiv 2509.22449); on Bron's files layer 18 of 28 did on the training files and not
on unseen ones, so the shipped probe reads the final state (README, "Which layer"; benchmarks/probe.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
from pathlib import Path

import llama_cpp as lc
import numpy as np

log = logging.getLogger(__name__)

READER_CONTEXT = 2048  # tokens: the second reading's prompt is a few hundred; longer prompts are not read


def _ggml() -> ctypes.CDLL | None:
    """llama.cpp's ggml library, for a tensor's name and data; None where this build does not ship it."""
    folder = Path(lc.__file__).parent / "lib"
    for name in ("libggml-base.so", "libggml-base.dylib", "ggml-base.dll"):
        if (folder / name).exists():
            lib = ctypes.CDLL(str(folder / name))
            lib.ggml_get_name.restype = ctypes.c_char_p
            lib.ggml_get_name.argtypes = [ctypes.c_void_p]
            lib.ggml_nelements.restype = ctypes.c_int64
            lib.ggml_nelements.argtypes = [ctypes.c_void_p]
            lib.ggml_backend_tensor_get.restype = None
            lib.ggml_backend_tensor_get.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                                    ctypes.c_size_t]
            return lib
    return None


class LayerReader:
    """A context of `llm`'s model with an eval callback that keeps one layer's last row; owns its llama.cpp
    resources (close() frees them)."""

    def __init__(self, llm, n_ctx: int = READER_CONTEXT):
        self._ggml = _ggml()
        if self._ggml is None:
            raise RuntimeError("this llama.cpp build has no libggml-base to read a layer's output from")
        self.n_ctx = n_ctx
        self._n_embd = llm.n_embd()
        self._wanted: dict[bytes, int] = {}  # tensor name -> layer, while a read is on
        self._rows: dict[int, list[float]] = {}
        self._callback = lc.ggml_backend_sched_eval_callback(self._on_tensor)  # kept alive with the reader
        params = lc.llama_context_params.from_buffer_copy(llm.context_params)  # same KV layout as the model's
        params.n_ctx, params.n_batch, params.n_ubatch, params.n_seq_max = n_ctx, 512, 512, 1
        params.kv_unified, params.embeddings = True, False
        params.cb_eval, params.cb_eval_user_data = self._callback, None
        self._stack = contextlib.ExitStack()
        ctx = lc.llama_init_from_model(llm.model, params)
        if not ctx:
            raise RuntimeError("llama.cpp could not make the layer reader's context")
        self._stack.callback(lc.llama_free, ctx)
        self.ctx = ctx

    def _on_tensor(self, tensor, ask, _user) -> bool:
        if not self._wanted:
            return not ask
        name = self._ggml.ggml_get_name(tensor)
        if name not in self._wanted:
            return not ask
        if ask:
            return True
        count = self._ggml.ggml_nelements(tensor)
        data = np.empty(count, dtype=np.float32)
        self._ggml.ggml_backend_tensor_get(tensor, data.ctypes.data, 0, count * 4)
        self._rows[self._wanted[name]] = data[-self._n_embd:].tolist()  # the last token's row
        return True

    def read(self, llm, length: int, layer: int) -> list[float] | None:
        """Layer `layer`'s output at token `length` - 1 of sequence 0 of `llm`'s KV cache (the prompt), or None
        when the prompt does not fit the reader or llama.cpp refuses the copy."""
        return self.read_layers(llm, length, [layer]).get(layer)

    def read_layers(self, llm, length: int, layers) -> dict[int, list[float]]:
        """Several layers' outputs at once (benchmarks/probe.py compares them); {} when nothing could be read."""
        if not 0 < length <= self.n_ctx:
            return {}
        size = lc.llama_state_seq_get_size(llm.ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = lc.llama_state_seq_get_data(llm.ctx, buffer, size, 0)
        memory = lc.llama_get_memory(self.ctx)
        lc.llama_memory_clear(memory, True)
        if not written or not lc.llama_state_seq_set_data(self.ctx, buffer, written, 0):
            log.warning("The layer reader could not take the prompt's KV cache (%d bytes); no probe.", written)
            return {}
        lc.llama_memory_seq_rm(memory, 0, length - 1, -1)  # the last prompt token and anything generated after
        last = (lc.llama_token * 1)(int(llm.input_ids[length - 1]))
        self._wanted, self._rows = {f"l_out-{n}".encode(): n for n in layers}, {}
        try:
            failed = lc.llama_decode(self.ctx, lc.llama_batch_get_one(last, 1))
        finally:
            self._wanted = {}
            lc.llama_memory_clear(memory, True)
        if failed or not self._rows:
            log.warning("The layer reader got no output of layers %s (llama_decode returned %d).", layers, failed)
            return {}
        return dict(self._rows)

    def close(self) -> None:
        self._stack.close()
