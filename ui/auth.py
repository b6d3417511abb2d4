"""Who may use the chat when it is shared beyond this machine: a users file with hashed passwords.

One user a line, `name:pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`; `bron users add NAME` writes it.
Passwords are never stored or logged, only their salted PBKDF2 hashes (hashlib, the standard library).

The login check takes as long for an unknown name as for a known one (a dummy hash is checked), so its
timing does not tell which names exist. After FREE_FAILURES wrong logins in a row a name is locked out,
for LOCKOUT_SECONDS doubling with each further failure up to MAX_LOCKOUT_SECONDS; while locked, every
login with that name is refused without checking the password, and a right one ends the series. Gradio
gives the check no client address, so the limit is per name (known or not, alike).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

from rag.errors import ConfigError, InputError

ITERATIONS = 300_000
_NAME = re.compile(r"^[\w.@-]{1,64}$")
FREE_FAILURES = 5  # wrong logins in a row before a name is locked out
LOCKOUT_SECONDS = 30.0  # the first lockout; doubles with each further failure
MAX_LOCKOUT_SECONDS = 900.0
_TRACKED_NAMES = 10_000  # names whose failures are remembered (the oldest are forgotten first)


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


class LoginLimiter:
    """Wrong logins per name: after FREE_FAILURES in a row the name is locked, for a time that doubles."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # name -> (failures, locked until)
        self._lock = threading.Lock()

    def locked(self, name: str) -> bool:
        with self._lock:
            return self._failures.get(name, (0, 0.0))[1] > self.clock()

    def record(self, name: str, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures.pop(name, None)
                return
            failures = self._failures.pop(name, (0, 0.0))[0] + 1
            until = 0.0
            if failures >= FREE_FAILURES:
                until = self.clock() + min(MAX_LOCKOUT_SECONDS, LOCKOUT_SECONDS * 2 ** (failures - FREE_FAILURES))
            self._failures[name] = (failures, until)
            while len(self._failures) > _TRACKED_NAMES:
                self._failures.popitem(last=False)


def authenticator(path: Path, limiter: LoginLimiter | None = None):
    """The (name, password) -> bool check Gradio's login page calls: as slow for unknown names as for known
    ones, and refusing a name locked out by `limiter` (default: a new LoginLimiter)."""
    users = load_users(path)
    limiter = limiter or LoginLimiter()
    dummy = hash_password(os.urandom(16).hex())  # checked for unknown names: the same work, always False

    def check(name: str, password: str) -> bool:
        if limiter.locked(name):
            return False
        ok = check_password(users.get(name, dummy), password) and name in users
        limiter.record(name, ok)
        return ok

    return check


def is_loopback(host: str) -> bool:
    if host in {"localhost", ""}:
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
