"""The smaller holes of issue 26: `ask -k 0`, login timing and repeated wrong logins, `bron add DIR` with
links out of the folder, and a batch whose indexing fails (its files must not stay in uploads/)."""

from __future__ import annotations

import statistics
import time

import pytest

from rag import index as ix
from rag.cli import main
from ui.auth import FREE_FAILURES, LOCKOUT_SECONDS, LoginLimiter, add_user, authenticator


@pytest.mark.parametrize("k", ["0", "-3", "21"])
def test_ask_with_a_bad_k_is_refused_like_bron_top_k(k, capsys):
    assert main(["ask", "-k", k, "Hoeveel geld krijgt Stargate?"]) == 2  # before any model or index loads
    err = capsys.readouterr().err
    assert err.startswith(f"error: top_k={k} is out of range.") and "-> Use a number from 1 to 20." in err


def _login_seconds(check, name: str, password: str, times: int = 3) -> float:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        assert not check(name, password)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def test_a_login_with_an_unknown_name_takes_as_long_as_with_a_known_one(tmp_path):
    users = tmp_path / "users.txt"
    add_user(users, "anna", "correct horse battery")
    check = authenticator(users)
    known = _login_seconds(check, "anna", "wrong password")
    unknown = _login_seconds(check, "nobody", "wrong password")
    assert known > 0.02 and 0.5 < unknown / known < 2.0, (known, unknown)  # was 0.11 s against 0.003 s


def test_repeated_wrong_logins_lock_the_name_for_a_time_that_doubles(tmp_path):
    users = tmp_path / "users.txt"
    add_user(users, "anna", "correct horse battery")
    now = [1000.0]
    limiter = LoginLimiter(clock=lambda: now[0])
    check = authenticator(users, limiter)
    for _ in range(FREE_FAILURES):
        assert not check("anna", "guess")
    assert not check("anna", "correct horse battery")  # locked: even the right password is refused
    now[0] += LOCKOUT_SECONDS + 1
    assert check("anna", "correct horse battery")  # the lock has run out, and a success ends the series
    for _ in range(FREE_FAILURES):
        check("anna", "guess")
    assert not check("anna", "guess")  # tries while locked are refused unchecked (and do not count)
    now[0] += LOCKOUT_SECONDS + 1
    assert not check("anna", "guess")  # the sixth failure locks the name for twice as long
    now[0] += LOCKOUT_SECONDS + 1
    assert not check("anna", "correct horse battery")
    now[0] += LOCKOUT_SECONDS
    assert check("anna", "correct horse battery")
    for _ in range(FREE_FAILURES):  # unknown names are locked alike: a lockout tells nothing either
        assert not check("nobody", "guess")
    assert limiter.locked("nobody")


def test_bron_add_a_folder_does_not_follow_links_out_of_it(tmp_path, bron_toml, capsys):
    drop, elsewhere = tmp_path / "drop", tmp_path / "elsewhere"
    drop.mkdir()
    elsewhere.mkdir()
    (drop / "nvidia.txt").write_text("Nvidia verloor 600 miljard dollar aan beurswaarde.", encoding="utf-8")
    (elsewhere / "secret.txt").write_text("Het wachtwoord van de server is hunter2.", encoding="utf-8")
    (drop / "passwd.txt").symlink_to("/etc/passwd")
    (drop / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert main(["--config", bron_toml(), "add", str(drop)]) == 0
    err = capsys.readouterr().err
    assert f"{drop / 'passwd.txt'}: skipped, it links to a file outside the folder" in err
    assert "secret.txt" not in err or "secret.txt: skipped, it links to a file outside" in err  # not descended
    uploads = tmp_path / "indexes" / "idx" / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["nvidia.txt"]
    chunks = (ix.current_version(uploads.parent) / "chunks.jsonl").read_text()
    assert "hunter2" not in chunks and "root:" not in chunks


def test_a_batch_whose_indexing_fails_leaves_nothing_in_uploads(small_index, embedder, monkeypatch):
    assistant = small_index()
    settings = assistant.settings
    before = ix.current_version(settings.index_path)

    def crash(texts):
        raise MemoryError("the embedder ran out of memory")

    monkeypatch.setattr(embedder, "encode_passages", crash)
    with pytest.raises(MemoryError):
        assistant.add_articles([("nvidia.txt", b"Nvidia verloor 600 miljard dollar aan beurswaarde.")])
    monkeypatch.undo()
    assert list(assistant.uploads_dir.iterdir()) == [] and ix.current_version(settings.index_path) == before
    report = assistant.sync_index(progress=False)  # the next write finds nothing left behind to index
    assert not report.modified and len(ix.load(settings.index_path).documents) == 2
