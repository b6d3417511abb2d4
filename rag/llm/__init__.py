"""Language model backends behind one `Generator` interface, chosen in one place (`make_generator`).

llama.cpp running the configured GGUF (llamacpp.py), or, when the `llm_url` setting is set, an
OpenAI-compatible HTTP server (openai_http.py; no GGUF is loaded then). A backend module is imported
only when it is made, so `import rag` stays fast and never loads llama.cpp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.llm.base import Generation, Generator

if TYPE_CHECKING:
    from rag.config import Settings


def make_generator(settings: Settings, load: bool = True) -> Generator:
    """The generator for `settings`. With load=False the model is not loaded until it is first used
    (its prompt-cache file names are known without it)."""
    from rag.errors import ModelError
    from rag.models import resolve_llm

    if settings.llm_url:
        from rag.llm.openai_http import OpenAIHTTPGenerator

        return OpenAIHTTPGenerator(settings.llm_url, settings.llm_model, grammar=settings.llm_grammar,
                                   timeout=settings.llm_timeout, total_timeout=settings.llm_total_timeout,
                                   load=load)
    model = resolve_llm(settings)
    try:
        from rag.llm.llamacpp import LlamaCppGenerator
    except ImportError as exc:
        raise ModelError("llama-cpp-python is not installed.", "Run 'make setup'.") from exc
    return LlamaCppGenerator(model, settings.n_ctx, settings.threads, use_mmap=settings.llm_mmap, load=load,
                             passage_states=state_options(settings))


def state_options(settings: Settings):
    """The passage-state options of `settings` (None when they are off)."""
    if not settings.passage_states:
        return None
    from rag.llm.state_store import StateOptions

    return StateOptions(settings.passage_states_path if settings.passage_states_mb else None,
                        settings.passage_states_mb * 2**20, settings.passage_fresh_tokens, settings.passage_fresh_last)


__all__ = ["Generation", "Generator", "make_generator"]
