"""Damaged embedded-Qdrant storage (issue 26): storage.sqlite overwritten or emptied, meta.json damaged, the
collection folder deleted. Each is one message with the remedy (exit status 2 in the CLI), never a
traceback and never a silent "not in the sources"; `bron index --rebuild` brings every article back."""

from __future__ import annotations

import json
import shutil

import pytest

from rag import index as ix
from rag.cli import main
from rag.errors import IndexError_
from rag.stores import qdrant
from tests.support.fake_llm import FakeLLM

DAMAGE = ["storage.sqlite overwritten", "storage.sqlite emptied", "meta.json damaged", "collection folder deleted"]


def _damage(version, how: str) -> None:
    storage = version / "qdrant"
    collection = json.loads((version / "qdrant.json").read_text())["collection"]
    folder = storage / "collection" / collection
    if how == "storage.sqlite overwritten":
        (folder / "storage.sqlite").write_bytes(b"this is not a database\n" * 200)
    elif how == "storage.sqlite emptied":
        (folder / "storage.sqlite").write_bytes(b"")
    elif how == "meta.json damaged":
        (storage / "meta.json").write_text('{"collections": {"bron-')
    else:
        shutil.rmtree(folder)


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_qdrant_storage_says_rebuild_and_the_rebuild_restores_it(small_index, bron_toml, capsys, monkeypatch,
                                                                           how):
    assistant = small_index(vector_store="qdrant")  # written and closed: this process holds no client for it
    path, config = assistant.settings.index_path, bron_toml(vector_store="qdrant")
    manifest = ix.Manifest.read(ix.current_version(path) / "manifest.json")
    _damage(ix.current_version(path), how)
    with pytest.raises(IndexError_) as info:
        ix.load(path, assistant.settings)
    assert "bron index --rebuild" in info.value.remedy
    with FakeLLM() as llm:  # a server, so that no GGUF loads next to the index
        monkeypatch.setenv("BRON_LLM_URL", llm.url)
        assert main(["--config", config, "ask", "Hoeveel krijgt Stargate?"]) == 2
    err = capsys.readouterr().err
    message = err[err.index("error: "):].splitlines()
    assert len(message) == 2 and "bron index --rebuild" in message[1] and "Traceback" not in err, err
    report = assistant.sync_index(rebuild=True, progress=False)  # the remedy works, and nothing is lost
    data = ix.load(path, assistant.settings)
    assert report.chunks == manifest.n_chunks == len(data.store)
    assert sorted(data.documents) == sorted(manifest.documents)


def test_a_damaged_shared_qdrant_path_says_move_it_away_first(small_index, tmp_path):
    shared = tmp_path / "shared-qdrant"
    assistant = small_index(vector_store="qdrant", qdrant_path=shared)
    qdrant._close_client(None, shared.resolve())  # as a new process finds it
    (shared / "meta.json").write_text("{")
    with pytest.raises(IndexError_) as info:
        ix.load(assistant.settings.index_path, assistant.settings)
    assert f"Move the folder {shared.resolve()} away" in info.value.remedy
    shared.rename(tmp_path / "damaged-qdrant")  # the remedy, then the rebuild
    assistant.sync_index(rebuild=True, progress=False)
    assert len(ix.load(assistant.settings.index_path, assistant.settings).documents) == 2
