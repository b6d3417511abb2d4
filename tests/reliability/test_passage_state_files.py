"""A passage KV state file that is damaged, cut short or made by something else is recomputed with a log
line: never used, never a traceback (rag.llm.state_store, rag.llm.passage_states)."""

from __future__ import annotations

import json
import logging
import struct
import zlib

import numpy as np
import pytest

from rag.llm.state_store import MAGIC, SavedState, StateStore

TOKENS = list(range(40))


@pytest.fixture
def saved(tmp_path):
    store = StateStore(tmp_path, "model", 2**20, 2**20)
    store.put("prefix", "passage", SavedState(np.asarray(TOKENS, dtype=np.int32), bytes(range(256)) * 40))
    return store.path("prefix", "passage")


def damage_cut(path):
    path.write_bytes(path.read_bytes()[:-100])


def damage_middle(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def damage_header(path):
    data = path.read_bytes()
    path.write_bytes(data[:len(MAGIC) + 4] + b"{not json" + data[len(MAGIC) + 13:])


def not_ours(path):
    path.write_bytes(b"\x00" * 5000)


def foreign_key(path):  # a well-formed file for another model or prefix, copied under this name
    state = bytes(range(256)) * 40
    header = json.dumps({"key": "0" * 64, "tokens": TOKENS, "state_bytes": len(state),
                         "crc32": zlib.crc32(state)}).encode()
    path.write_bytes(MAGIC + struct.pack("<I", len(header)) + header + state)


def empty(path):
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [damage_cut, damage_middle, damage_header, not_ours, foreign_key, empty])
def test_a_bad_state_file_is_deleted_with_a_log_line_and_reported_missing(saved, damage, caplog):
    damage(saved)
    fresh = StateStore(saved.parent.parent, "model", 2**20, 2**20)  # a new process: nothing in memory
    with caplog.at_level(logging.WARNING, logger="rag.llm.state_store"):
        assert fresh.get("prefix", "passage", TOKENS) is None
    assert "recomputed" in caplog.text and str(saved) in caplog.text
    assert not saved.exists()


@pytest.mark.integration
def test_a_state_llama_cpp_refuses_is_computed_again_and_the_answer_is_the_same(tmp_path, caplog):
    """A file that passes every check of Bron's (right key, length, checksum) but whose llama.cpp state is
    cut short: llama.cpp refuses it, the state is computed again, the answer does not change."""
    from rag.config import Settings
    from rag.llm import make_generator
    from rag.llm.base import Generation
    from rag.prompting import load_prompts
    from rag.results import Passage

    settings = Settings.load(passage_states=True, passage_states_dir=tmp_path)
    prompts = load_prompts(settings.prompts_dir, "nl")
    passages = [Passage(1, "a", "Stargate", "2025-01-22", "a#0", "Stargate krijgt 500 miljard dollar van OpenAI, "
                        "Softbank en Oracle.", 0, 70, 1.0)]
    prompt = prompts.passage_prompt("Hoeveel geld krijgt Stargate?", passages)

    def answer() -> tuple[str, dict]:
        generator = make_generator(settings)  # a new model each time: nothing kept in memory
        try:
            record = Generation()
            text = "".join(generator.stream_passages(prompt, 40, 0.0, None, record))
            return text, record.passage_states
        finally:
            generator.close()

    first, stats = answer()
    assert stats.get("computed") == 1 and "500" in first
    files = [p for p in tmp_path.glob("*/*.kvs") if p.stem != "prefix"]
    assert len(files) == 1
    data = files[0].read_bytes()
    (size,) = struct.unpack_from("<I", data, len(MAGIC))
    header = json.loads(data[len(MAGIC) + 4:len(MAGIC) + 4 + size])
    state = data[len(MAGIC) + 4 + size:][:header["state_bytes"] // 2]
    header.update(state_bytes=len(state), crc32=zlib.crc32(state))
    raw = json.dumps(header).encode()
    files[0].write_bytes(MAGIC + struct.pack("<I", len(raw)) + raw + state)
    with caplog.at_level(logging.WARNING):
        again, stats = answer()
    assert "refused the passage state" in caplog.text
    assert stats.get("computed") == 1 and again == first
