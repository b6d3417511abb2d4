"""What Bron needs from a language model backend: the `Generator` base class and the `Generation` record.

The Assistant talks to every backend through these methods only. A backend without a KV cache (an HTTP
server, say) keeps the defaults of the prompt-prefix hooks: no cache file, nothing loaded or saved.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.prompting import PassagePrompt, PromptSet


@dataclass
class Generation:
    """Filled in while a stream runs: usage and timing of the last generation."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    finish_reason: str = ""
    text: str = field(default="", repr=False)
    token_logprobs: list[float] = field(default_factory=list, repr=False)  # when the sampler reports them
    # log P(abstention sentence) under the model, summed over the tokens the answer shared with it and the
    # token where it left it (the rest of the sentence is near-certain once begun). None: not reported.
    abstain_logprob: float | None = None
    # passage KV states (rag.llm.passage_states): how many were restored, computed on the spot, and the ms it
    # took to put them in place; empty when the whole prompt was read
    passage_states: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def confidence(self) -> float | None:
        """Geometric mean probability of the generated tokens (None when the sampler did not report them)."""
        if not self.token_logprobs:
            return None
        return math.exp(sum(self.token_logprobs) / len(self.token_logprobs))

    @property
    def abstain_probability(self) -> float | None:
        """The model's probability of answering "the sources do not contain the answer" instead."""
        return None if self.abstain_logprob is None else math.exp(self.abstain_logprob)


class Generator:
    """Streams chat completions. Lifecycle: made by `rag.llm.make_generator`, `load()`ed (the factory
    does it unless told not to; a backend may also load on first use), then `stream()` and the
    prompt-prefix hooks, and `close()` when done."""

    model_name: str = ""

    def load(self) -> Generator:
        """Load the model now (a no-op once loaded, or for a backend with nothing to load)."""
        return self

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 200, temperature: float = 0.0,
               grammar: str | None = None, record: Generation | None = None,
               abstain: str | None = None) -> Iterator[str]:
        """Yield the answer's text as it is generated; fill in `record` (usage, timing, text, logprobs).

        `grammar` is GBNF text that constrains the output (a backend that cannot may ignore it). `abstain`
        is the abstention sentence: a backend that can, reports the model's probability of writing it in
        `record.abstain_logprob` (the strictness setting abstains on it)."""
        raise NotImplementedError

    def stream_passages(self, prompt: PassagePrompt, max_tokens: int = 200, temperature: float = 0.0,
                        grammar: str | None = None, record: Generation | None = None,
                        abstain: str | None = None) -> Iterator[str]:
        """`stream` for a prompt whose passages are marked: a backend that keeps a KV state per passage
        reads only what is new (rag.llm.passage_states); by default the whole prompt is read."""
        return self.stream(prompt.messages, max_tokens, temperature, grammar, record, abstain)

    def prepare_passages(self, prompt: PassagePrompt) -> int:
        """Compute and keep the KV states of `prompt`'s passages ahead of questions; how many were new
        (0 for a backend without passage states)."""
        return 0

    def last_prompt_state(self, layer: int | None = None) -> list[float] | None:
        """The model's final hidden state (or layer `layer`'s output) at the last token of the last `stream`'s
        prompt (what a linear probe reads, rag.probe); None for a backend that does not expose it (a server)."""
        return None

    # -- the prompt prefix (system prompt and worked examples) kept across processes ------------------
    def prefix_cache_path(self, prompts: PromptSet, cache_dir: Path) -> Path | None:
        """The file under `cache_dir` for the state of `prompts`' shared prefix; None: no such state."""
        return None

    def load_prefix(self, path: Path) -> bool:
        """Read a state written by `save_prefix`; False if there was nothing usable."""
        return False

    def save_prefix(self, path: Path, messages: list[dict[str, str]]) -> bool:
        """Evaluate `messages` (the shared prefix and a stub question) and write the state to `path`."""
        return False

    def sibling(self) -> Generator | None:
        """A generator with a context of its own on this one's model, so that a second use (the second
        reading) keeps its own KV cache without loading the model twice; None: make another generator."""
        return None

    def close(self) -> None:
        """Free the model (the generator cannot be used afterwards)."""
