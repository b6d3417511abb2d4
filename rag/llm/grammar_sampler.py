"""The answer grammar as llama.cpp's own samplers apply it: the greedy token is checked first, the whole
vocabulary only if it is refused (rag.llm.llamacpp puts it into `BronLlama`'s sampler chain).

It also records what the answer's checks read from the model: each accepted token's log-probability under the
unconstrained distribution, and log P(the abstention sentence) along the tokens the answer shares with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import math

import llama_cpp as lc
import numpy as np

from rag.errors import ModelError


class CheckFirstGrammar:
    """A grammar sampler that checks the greedy token first and the whole vocabulary only if it is refused.

    llama-cpp-python puts the grammar before the sampler, so every token costs a grammar check of all
    151k vocabulary entries (Bron's answers were 0.55x raw llama.cpp speed). llama.cpp's own samplers do
    it the other way round: the most likely token is tried alone, and only a refused token makes the
    grammar filter the full list. With greedy decoding the result is exactly the same token.
    """

    def __init__(self, vocab, grammar_text: str, root: str = "root", cite_token: int | None = None,
                 ends_answer=None, abstain_ids: list[int] | None = None):
        self._stack = contextlib.ExitStack()  # owns the llama.cpp grammar sampler
        self.grammar = lc.llama_sampler_init_grammar(vocab, grammar_text.encode("utf-8"), root.encode("utf-8"))
        if not self.grammar:
            raise ModelError("llama.cpp could not parse the answer grammar.", "Check prompts/answer.gbnf.")
        self._stack.callback(self._free_grammar)
        self.cite_token, self.ends_answer = cite_token, ends_answer or (lambda _token: False)
        self.logprobs: list[float] = []  # of each accepted token under the model's unconstrained distribution
        # log P(the abstention sentence) along the tokens the answer shares with it, and the step where it left
        # them: the model's own estimate that the sources do not answer the question (see Generation).
        self.abstain_ids = list(abstain_ids or [])
        self.abstain_logprob: float | None = 0.0 if self.abstain_ids else None
        self._abstain_step = 0 if self.abstain_ids else -1
        self._step: tuple | None = None  # (greedy id, its logit, log-sum-exp, copies if it was refused)
        self._one = (lc.llama_token_data * 1)()
        self._one_array = lc.llama_token_data_array(data=self._one, size=1, selected=-1, sorted=False)
        iface = lc.llama_sampler_i()
        # Keep the callbacks referenced: ctypes frees them with the Python objects.
        self._callbacks = (lc.llama_sampler_i_name(lambda _s: b"bron-check-first-grammar"),
                           lc.llama_sampler_i_accept(lambda _s, token: self._accept(token)),
                           lc.llama_sampler_i_apply(lambda _s, cur_p: self._apply(cur_p)),
                           lc.llama_sampler_i_reset(lambda _s: lc.llama_sampler_reset(self.grammar)))
        iface.name, iface.accept, iface.apply, iface.reset = self._callbacks
        iface.clone = lc.llama_sampler_i_clone(0)
        iface.free = lc.llama_sampler_i_free(0)
        self._iface = iface
        self.sampler = lc.llama_sampler(iface=ctypes.pointer(iface), ctx=None)

    def _apply(self, cur_p) -> None:
        array = cur_p.contents
        view = np.ctypeslib.as_array(array.data, shape=(array.size,))
        logits = view["logit"]
        best = int(np.argmax(logits))
        top = float(logits[best])
        log_total = top + math.log(float(np.exp(logits - top).sum()))
        self._step = (int(view["id"][best]), top, log_total, None)
        if 0 <= self._abstain_step < len(self.abstain_ids):
            want = np.flatnonzero(view["id"] == self.abstain_ids[self._abstain_step])
            if len(want):
                self.abstain_logprob += float(logits[want[0]]) - log_total
        if self._allowed(int(view["id"][best])):
            return  # the greedy token is allowed: leave the list as it is
        # Another token will be chosen: keep the unconstrained logits to look its probability up.
        self._step = (int(view["id"][best]), top, log_total, (view["id"].copy(), logits.copy()))
        if self.cite_token is not None and self.ends_answer(int(view["id"][best])) and self._allowed(self.cite_token):
            # The model wants to stop before it cited: make it cite rather than ramble on until it does.
            logits = view["logit"]
            keep = np.flatnonzero(view["id"] == self.cite_token)
            logits[:] = float("-inf")
            logits[keep] = 0.0
            return
        lc.llama_sampler_apply(self.grammar, cur_p)

    def _accept(self, token: int) -> None:
        if 0 <= self._abstain_step:  # still on the abstention's path, or leaving it with this token
            on_path = self._abstain_step < len(self.abstain_ids) and token == self.abstain_ids[self._abstain_step]
            self._abstain_step = self._abstain_step + 1 if on_path else -1
        if self._step is not None:
            greedy, logit, log_total, copies = self._step
            if token != greedy and copies is not None:
                ids, logits = copies
                logit = float(logits[int((ids == token).nonzero()[0][0])])
            self.logprobs.append(logit - log_total)
            self._step = None
        lc.llama_sampler_accept(self.grammar, token)

    def _allowed(self, token: int) -> bool:
        self._one[0].id, self._one[0].logit, self._one[0].p = token, 0.0, 0.0
        self._one_array.size, self._one_array.selected, self._one_array.sorted = 1, -1, False
        lc.llama_sampler_apply(self.grammar, ctypes.byref(self._one_array))
        return self._one[0].logit != float("-inf")

    def _free_grammar(self) -> None:
        lc.llama_sampler_free(self.grammar)
        self.grammar = None

    def close(self) -> None:
        """Free the grammar sampler (once; the chain that used it no longer samples)."""
        self._stack.close()
