"""Who may use the chat when it is shared beyond this machine: a users file with hashed passwords.

One user a line, `name:pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`; `bron users add NAME` writes it.
Passwords are never stored or logged, only their salted PBKDF2 hashes (hashlib, the standard library).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
from pathlib import Path

from rag.errors import ConfigError, InputError

ITERATIONS = 300_000
_NAME = re.compile(r"^[\w.@-]{1,64}$")


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    again = hash_password(password, bytes.fromhex(salt), int(iterations)).split("$")[3]
    return hmac.compare_digest(again, digest)


def load_users(path: Path) -> dict[str, str]:
    """name -> stored hash; a missing or malformed file is a ConfigError that says what to do."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"Users file not found: {path}", "Create it: bron users add NAME") from None
    users = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not _NAME.match(name) or not stored.startswith("pbkdf2_sha256$"):
            raise ConfigError(f"{path}, line {number} is not 'name:pbkdf2_sha256$…'.",
                              "Write users with: bron users add NAME")
        users[name] = stored
    if not users:
        raise ConfigError(f"{path} has no users.", "Add one: bron users add NAME")
    return users


def add_user(path: Path, name: str, password: str) -> None:
    """Add or replace a user; the file is written atomically and readable by its owner only."""
    if not _NAME.match(name):
        raise InputError(f"User name {name!r} is not allowed.", "Use letters, digits, '.', '@', '-' or '_'.")
    if len(password) < 8:
        raise InputError("The password is shorter than 8 characters.", "Choose a longer password.")
    users = load_users(path) if Path(path).is_file() and Path(path).read_text().strip() else {}
    users[name] = hash_password(password)
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    tmp.write_text("".join(f"{n}:{h}\n" for n, h in users.items()), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)


def authenticator(path: Path):
    """The (name, password) -> bool check Gradio's login page calls."""
    users = load_users(path)
    return lambda name, password: name in users and check_password(users[name], password)


def is_loopback(host: str) -> bool:
    if host in {"localhost", ""}:
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
