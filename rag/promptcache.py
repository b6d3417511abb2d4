"""The prompt cache: KV states of the fixed prompt prefixes on disk (<cache_dir>/prompt-cache/), so that a new
process does not read them again. Kept: each language's system prompt and examples, the second reading's, and
the follow-up rewrite's, choice's and translation's. `bron setup` writes them (`warm`); a process reads each
once, on first use (`restore`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.llm import Generator


class Reader(Protocol):
    """Who reads the cache (the Assistant, through rag.question_record.Parts): its settings, and which states
    this process has read already."""

    settings: Settings

    def first_use_of_prompt_state(self, path: Path) -> bool: ...

LANGUAGES = ("nl", "de", "en")


def cached_prompts(settings: Settings, languages: tuple[str, ...] = LANGUAGES) -> list[tuple[str, Any]]:
    """The prompt prefixes kept, each with its name: each language's, the second reading's, and the follow-up
    rewrite's, choice's and translation's (a cold process's first follow-up that needs the model then skips ~500
    tokens)."""
    from rag.choices import load_choice_prompt
    from rag.prompting import load_rewrite_prompt, prompts_for
    from rag.second_reading import fixed_prompt
    from rag.translation import question_prompt

    prompts = [(language, prompts_for(settings, language)) for language in languages]
    if settings.evidence_first and settings.second_reading:
        prompts.append(("second reading", fixed_prompt(settings.prompts_dir)))
    if settings.history_turns:
        prompts += [("rewrite", load_rewrite_prompt(settings.prompts_dir)),
                    ("choice", load_choice_prompt(settings.prompts_dir))]
    if settings.history_turns and settings.translate_followups:
        prompts.append(("question translation", question_prompt(settings.prompts_dir)))
    return prompts


def warm(generator: Generator, settings: Settings, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """Write the states missing on disk and remove the stale ones; the names of those written (the model is
    loaded only for them; a backend without KV state has none to write)."""
    missing = []
    for name, prompts in cached_prompts(settings, languages):
        path = generator.prefix_cache_path(prompts, settings.cache_dir)
        if path is not None and not path.exists():
            missing.append((name, prompts, path))
    for _name, prompts, path in missing:
        generator.save_prefix(path, prompts.prefix_messages())
    prune(generator, settings, languages)
    return [name for name, _, _ in missing]


def prune(generator: Generator, settings: Settings, languages: tuple[str, ...] = LANGUAGES) -> None:
    """Remove saved prompt states that the current model and prompts no longer use (a reassembled or replaced
    model, edited examples): their names are keyed by both, so they are never read again."""
    keep = {generator.prefix_cache_path(prompts, settings.cache_dir)
            for _, prompts in cached_prompts(settings, languages)}
    keep.discard(None)
    for folder in {path.parent for path in keep}:
        for stale in folder.glob("*.npz"):
            if stale not in keep:
                stale.unlink(missing_ok=True)


def restore(parts: Reader, generator: Generator, prompt: Any, save: bool) -> None:
    """A fixed prompt's instructions (the second reading's, the rewrite's, the choice's) from their saved KV
    state, read once per process; with `save`, written when missing. Saved after the prompt's first use, the
    generator's cache holds them, so saving reads only a stub turn."""
    path: Path | None = generator.prefix_cache_path(prompt, parts.settings.cache_dir)
    if path is None or parts.first_use_of_prompt_state(path) and generator.load_prefix(path):
        return
    if save and not path.exists():
        try:
            generator.save_prefix(path, prompt.prefix_messages())
        except OSError as exc:
            logging.getLogger(__name__).warning("Could not save the prompt cache %s: %s", path, exc)
