"""A chat shared beyond this machine needs a login (hashed passwords) unless --no-auth says otherwise."""

from __future__ import annotations

import pytest

from rag.cli import main
from rag.errors import ConfigError
from ui import auth


def test_passwords_are_stored_hashed_and_checked(tmp_path):
    users = tmp_path / "users.txt"
    auth.add_user(users, "anna", "correct horse")
    text = users.read_text()
    assert "correct horse" not in text and text.startswith("anna:pbkdf2_sha256$")
    check = auth.authenticator(users)
    assert check("anna", "correct horse") and not check("anna", "wrong") and not check("bob", "correct horse")
    assert oct(users.stat().st_mode & 0o777) == "0o600"


def test_bad_users_files_and_names_are_refused(tmp_path):
    bad = tmp_path / "users.txt"
    bad.write_text("anna:plaintext\n")
    with pytest.raises(ConfigError, match="line 1"):
        auth.load_users(bad)
    with pytest.raises(ConfigError, match="not found"):
        auth.load_users(tmp_path / "missing.txt")
    with pytest.raises(Exception, match="shorter than 8"):
        auth.add_user(tmp_path / "u.txt", "anna", "short")


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("192.0.2.7", False), ("bron.example", False)])
def test_loopback(host, loopback):
    assert auth.is_loopback(host) == loopback


def test_sharing_the_chat_without_users_is_refused_before_anything_loads(capsys):
    assert main(["chat", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "shares it with the network" in err and "bron users add" in err and "--no-auth" in err


def test_bron_users_add_writes_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BRON_NEW_PASSWORD", "a long password")
    users = tmp_path / "u.txt"
    assert main(["users", "add", "anna", "--users", str(users)]) == 0
    assert auth.authenticator(users)("anna", "a long password")
