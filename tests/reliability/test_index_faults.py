"""The index under faults: two writers at once, a writer killed (kill -9) at three points of a rebuild,
leftovers of crashed builds, and each kind of damage. The previous version always still loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from rag import index as ix
from rag.config import PROJECT_DIR
from rag.errors import IndexError_

WRITER = textwrap.dedent("""
    import os, sys
    from rag.answering import Assistant
    from rag.config import Settings
    point = sys.argv[3] if len(sys.argv) > 3 else ""
    if point:  # die with SIGKILL at one point of the build, as a power cut or an OOM kill would
        import numpy as np
        from rag import index
        from rag.stores.faiss import FaissStore
        def die(*a, **k):
            os.kill(os.getpid(), 9)
        if point == "vectors":
            np.save = die
        elif point == "store":
            FaissStore.save = die
        elif point == "switch":  # right after CURRENT names the new version, before the old one is removed
            real_replace = os.replace
            def replace(src, dst):
                real_replace(src, dst)
                if str(dst).endswith("CURRENT"):
                    die()
            os.replace = replace
    settings = Settings.load(index_dir=sys.argv[1], seeds_dir=sys.argv[2], index="idx", chunk_size=120,
                             chunk_overlap=20, index_lock_timeout=900)
    report = Assistant(settings).sync_index(rebuild=True, progress=False)
    print(report.summary())
""")


def _writer(index_dir, corpus, point=""):
    return subprocess.Popen([sys.executable, "-c", WRITER, str(index_dir), str(corpus), point], cwd=PROJECT_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _leftovers(path):
    return sorted(p.name for p in path.iterdir() if p.name.startswith((".tmp-", ".CURRENT-", "v-"))
                  and p != ix.current_version(path))


def test_two_writers_at_once_wait_for_each_other(tmp_path, small_corpus):
    writers = [_writer(tmp_path, small_corpus) for _ in range(2)]
    outputs = [w.communicate(timeout=600) for w in writers]
    for w, (_out, err) in zip(writers, outputs):
        assert w.returncode == 0, err
        assert "Traceback" not in err
    path = tmp_path / "idx"
    data = ix.load(path)
    assert len(data.documents) == 2 and _leftovers(path) == []


def test_a_writer_that_cannot_get_the_lock_says_so(tmp_path):
    path = tmp_path / "idx"
    path.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from filelock import FileLock
        lock = FileLock({str(path / '.lock')!r}); lock.acquire(); print('held', flush=True); time.sleep(30)""")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(IndexError_, match="Another process is changing the index") as info:
            with ix.write_lock(path, timeout=0.5):
                pass
        assert time.monotonic() - started < 10 and "try again" in info.value.remedy
    finally:
        holder.kill()
        holder.wait()
    with ix.write_lock(path, timeout=5):  # a dead holder's lock is free again
        pass


@pytest.mark.parametrize("point", ["vectors", "store", "switch"])
def test_kill_9_during_a_rebuild_leaves_a_working_index_and_the_next_write_cleans_up(tmp_path, small_corpus, point):
    first = _writer(tmp_path, small_corpus)
    assert first.wait(timeout=600) == 0, first.stderr.read()
    path = tmp_path / "idx"
    before = ix.current_version(path)
    killed = _writer(tmp_path, small_corpus, point)
    assert killed.wait(timeout=600) == -9
    data = ix.load(path)  # the previous version (or, killed after the switch, the new one) still answers
    assert len(data.documents) == 2
    if point != "switch":
        assert ix.current_version(path) == before
    assert _leftovers(path)  # what the killed writer left behind ...
    again = _writer(tmp_path, small_corpus)
    assert again.wait(timeout=600) == 0, again.stderr.read()
    assert _leftovers(path) == []  # ... is gone after the next write


def test_leftovers_are_removed_under_the_lock(tmp_path):
    path = tmp_path / "idx"
    path.mkdir()
    live = path / "v-live"
    live.mkdir()
    (path / "CURRENT").write_text("v-live")
    for name in (".tmp-crashed", "v-old"):
        (path / name).mkdir()
    (path / ".CURRENT-stale").write_text("v-old")
    with ix.write_lock(path):
        pass
    assert sorted(p.name for p in path.iterdir()) == [".lock", "CURRENT", "v-live"]


def test_without_a_current_version_no_version_folder_is_deleted(tmp_path):
    path = tmp_path / "idx"
    (path / "v-only").mkdir(parents=True)
    assert ix.clean_leftovers(path) == [] and (path / "v-only").is_dir()


@pytest.mark.parametrize("damage", ["truncated store", "garbage manifest", "missing vectors", "CURRENT deleted"])
def test_each_kind_of_damage_gives_the_rebuild_remedy(tmp_path, small_corpus, damage):
    writer = _writer(tmp_path, small_corpus)
    assert writer.wait(timeout=600) == 0
    path = tmp_path / "idx"
    version = ix.current_version(path)
    if damage == "truncated store":
        store = version / "faiss.index"
        store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])
    elif damage == "garbage manifest":
        (version / "manifest.json").write_text(json.dumps(["not", "a", "manifest"]))
    elif damage == "missing vectors":
        os.remove(version / "vectors.npy")
    else:
        os.remove(path / "CURRENT")
    with pytest.raises(IndexError_) as info:
        ix.load(path)
    assert "bron index" in info.value.remedy
