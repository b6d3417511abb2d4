"""The follow-up rewrite's instructions and examples kept as a saved KV state (rag.promptcache.restore), with
the real GGUF model: a cold process's first follow-up that the model rewrites skips reading them (~500 tokens,
5-6 s on two cores) and writes the same question."""

import numpy as np
import pytest

from rag.prompting import RewritePrompt

pytestmark = pytest.mark.integration

HISTORY = [("Which Chinese company launched the Hanguang 800 chip?", "Alibaba [1].")]
FOLLOW_UP = "In what year was that?"  # nothing for the rules to put in: the model writes the question


def test_the_rewrites_instructions_are_kept_on_disk_for_the_next_process(assistant, tmp_path, monkeypatch):
    generator = assistant.generator
    cache_file = tmp_path / "prompt-cache" / "rewrite.npz"

    def as_a_new_process(path):
        monkeypatch.setattr(generator, "prefix_cache_path",
                            lambda prompts, cache_dir: path if isinstance(prompts, RewritePrompt) else None)
        generator.llm.reset()
        generator.llm.prefix_states.clear()
        assistant._prefix_files.clear()

    as_a_new_process(None)  # no prompt cache: the instructions are read
    read = assistant.answer(FOLLOW_UP, history=HISTORY)
    assert read.rewrite_method == "rewritten" and "Hanguang" in read.searched_for, read.searched_for
    as_a_new_process(cache_file)
    assistant.answer(FOLLOW_UP, history=HISTORY)
    assert cache_file.is_file()  # written after the model's first rewrite, when missing
    as_a_new_process(cache_file)
    started_from: list[bytes] = []  # the states the rewrite started from: the file's must be one
    real_restore = generator.llm.set_state_bytes
    monkeypatch.setattr(generator.llm, "set_state_bytes",
                        lambda state: started_from.append(state) or real_restore(state))
    cached = assistant.answer(FOLLOW_UP, history=HISTORY)
    monkeypatch.setattr(generator.llm, "set_state_bytes", real_restore)
    assert cached.searched_for == read.searched_for and cached.rewrite_method == "rewritten"
    with np.load(cache_file, allow_pickle=False) as saved:
        assert saved["state"].tobytes() in started_from


def test_a_follow_up_the_rules_resolve_writes_no_rewrite_state(assistant, tmp_path, monkeypatch):
    """Saving reads the instructions once; a follow-up the rules make standalone never needs them."""
    cache_file = tmp_path / "prompt-cache" / "rewrite.npz"
    monkeypatch.setattr(assistant.generator, "prefix_cache_path",
                        lambda prompts, cache_dir: cache_file if isinstance(prompts, RewritePrompt) else None)
    assistant._prefix_files.clear()
    res = assistant.answer("Hoe oud is hij?", history=[("Wie leidt OpenAI?", "Sam Altman [1].")])
    assert res.rewrite_method == "substituted" and not cache_file.exists()
