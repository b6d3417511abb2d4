"""The passage-state cache without a model: keys, budgets (least recently used out first) and pruning."""

from __future__ import annotations

import os

import numpy as np

from rag.llm.passage_states import split_prompt
from rag.llm.state_store import PREFIX_NAME, SavedState, StateStore, split_label, text_name

MB = 2**20


def state(n: int, fill: int = 1) -> SavedState:
    return SavedState(np.arange(n, dtype=np.int32), bytes([fill]) * (n * 1000))


def test_the_key_holds_model_prefix_and_text(tmp_path):
    a = StateStore(tmp_path, "model-a", MB, MB)
    b = StateStore(tmp_path, "model-b", MB, MB)
    assert a.path("prefix one", "x") != a.path("prefix two", "x")  # another prefix: another folder
    assert a.path("prefix one", "x") != b.path("prefix one", "x")  # another model or llama.cpp build
    assert text_name("passage one") != text_name("passage two")
    assert a.path("p", text_name("t")).name == b.path("q", text_name("t")).name  # prunable without the model


def test_a_state_comes_back_from_disk_in_a_new_process_only_for_its_tokens(tmp_path):
    StateStore(tmp_path, "m", MB, MB).put("prefix", "t", state(5))
    fresh = StateStore(tmp_path, "m", MB, MB)  # a new process: nothing in memory
    got = fresh.get("prefix", "t", list(range(5)))
    assert got is not None and got.state == state(5).state
    assert StateStore(tmp_path, "m", MB, MB).get("prefix", "t", [9, 9, 9, 9, 9]) is None
    assert StateStore(tmp_path, "other model", MB, MB).get("prefix", "t", list(range(5))) is None


def test_memory_keeps_the_most_recently_used_within_its_budget(tmp_path):
    store = StateStore(None, "m", 0, 25_000)  # room for two states of 10 tokens
    for name in "abc":
        store.put("p", name, state(10))
        if name == "b":
            assert store.get("p", "a", list(range(10)))  # a is used: b is now the oldest
    assert store.get("p", "a", list(range(10))) is not None
    assert store.get("p", "b", list(range(10))) is None
    assert store.get("p", "c", list(range(10))) is not None


def test_disk_keeps_the_most_recently_used_within_its_budget(tmp_path):
    store = StateStore(tmp_path, "m", 25_000, 0)
    for i, name in enumerate("abc"):
        store.put("p", name, state(10))
        os.utime(store.path("p", name), (1000 + i, 1000 + i))
        if name == "b":
            assert store.get("p", "a", list(range(10)))  # touched: now the newest on disk
    assert store.path("p", "a").is_file() and store.path("p", "c").is_file()
    assert not store.path("p", "b").exists()
    assert store.disk_bytes <= 25_000


def test_states_of_passages_that_left_the_index_are_removed(tmp_path):
    store = StateStore(tmp_path, "m", MB, MB)
    for name in ("keep", "gone"):
        store.put("prefix nl", name, state(3))
        store.put("prefix de", name, state(3))
    store.put("prefix nl", PREFIX_NAME, state(3))
    assert store.prune({"keep"}) == 2
    assert store.get("prefix nl", "gone", [0, 1, 2]) is None and store.get("prefix de", "gone", [0, 1, 2]) is None
    assert StateStore(tmp_path, "m", MB, MB).get("prefix de", "keep", [0, 1, 2]) is not None
    assert store.path("prefix nl", PREFIX_NAME).is_file()


def test_a_failed_write_keeps_the_state_in_memory(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = StateStore(blocker, "m", MB, MB)
    store.put("p", "t", state(3))
    assert "kept in memory only" in caplog.text
    assert store.get("p", "t", [0, 1, 2]) is not None


def test_the_prompt_is_cut_at_the_labels_and_after_the_passages():
    passages = ("[1] Titel A (2025-01)\nTekst een.", "[2] Titel B\nTekst twee.")
    prompt = "<sys>Bronnen:\n\n" + "\n".join(passages) + "\nVraag: Wat?<end>"
    parts = split_prompt(prompt, passages)
    assert parts.prefix == "<sys>Bronnen:\n\n" and parts.labels == ("[1]", "[2]")
    assert parts.bodies == (" Titel A (2025-01)\nTekst een.\n", " Titel B\nTekst twee.\n")
    assert parts.tail == "Vraag: Wat?<end>"
    assert parts.prefix + "".join(a + b for a, b in zip(parts.labels, parts.bodies)) + parts.tail == prompt
    assert split_prompt(prompt, ("Tekst een.",)) is None  # no label: the whole prompt is read
    assert split_prompt("no passages here", passages) is None
    assert split_label("[12] Title\ntext\n") == ("[12]", " Title\ntext\n")


def test_pruning_for_the_index_keeps_the_states_of_its_passages_in_every_language(tmp_path):
    from types import SimpleNamespace

    from rag.chunking import Chunk
    from rag.config import Settings
    from rag.documents import Document
    from rag.llm.state_store import passage_names, prune_for_index
    from rag.prompting import prompts_for
    from rag.results import Passage

    doc = Document("a", "Stargate", "Stargate krijgt 500 miljard. Veel geld.", "2025-01-21", "nl", None, "a.txt", "h")
    data = SimpleNamespace(chunks=[Chunk("a#0", "a", "Stargate krijgt 500 miljard.", 0, 28, 0)],
                           documents={"a": doc})
    settings = Settings.load(passage_states_dir=tmp_path)
    prompts = prompts_for(settings, "de")  # the layout questions use (numbered sentences by default)
    shown = prompts.passage_texts([Passage(3, "a", "Stargate", "2025-01-21", "a#0", "Stargate krijgt 500 miljard.",
                                           0, 28, 0.5)])[0]  # as a question numbered it
    kept = text_name(split_label(shown + "\n")[1])
    assert kept in passage_names(settings, data)
    store = StateStore(tmp_path, "m", MB, MB)
    store.put("prefix de", kept, state(3))
    store.put("prefix de", text_name(" Removed article\nold text\n"), state(3))
    assert prune_for_index(settings, data) == 1
    assert [p.stem for p in tmp_path.glob("*/*.kvs")] == [kept]


def test_the_kv_cache_copies_a_sequence_state_after_llama_cpp_wrote_it(monkeypatch):
    """The bytes are taken from the buffer after llama.cpp filled it (a copy taken before was all zeros)."""
    import ctypes

    from rag.llm import passage_states

    def fill(_ctx, buffer, size, _seq):
        ctypes.memmove(buffer, b"\x01\x02\x03", 3)
        return 3

    monkeypatch.setattr(passage_states.lc, "llama_get_memory", lambda _ctx: None)
    monkeypatch.setattr(passage_states.lc, "llama_state_seq_get_size", lambda _ctx, _seq: 8)
    monkeypatch.setattr(passage_states.lc, "llama_state_seq_get_data", fill)
    assert passage_states.KVCache(None, 512).get(0) == b"\x01\x02\x03"
