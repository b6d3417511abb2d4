"""A damaged copy of the model file (never the cached one) is refused with the remedy, even at the right size."""

from __future__ import annotations

import hashlib

import pytest

from rag import models
from rag.errors import ModelError


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """A small stand-in GGUF whose size and checksum the module is told to expect."""
    path = tmp_path / "model.gguf"
    payload = b"GGUF" + bytes(range(256)) * 4096
    path.write_bytes(payload)
    monkeypatch.setattr(models, "GGUF_SIZE", len(payload))
    monkeypatch.setattr(models, "GGUF_SHA256", hashlib.sha256(payload).hexdigest())
    return path


def test_a_verified_file_is_checked_by_its_stamp_at_later_starts(fake_model, monkeypatch):
    models.verify_gguf(fake_model)
    assert (fake_model.parent / "model.gguf.sha256").is_file()
    monkeypatch.setattr(models, "sha256_file", lambda _path: pytest.fail("hashed again"))
    models.verify_gguf(fake_model)  # unchanged since the check: no hashing


def test_a_file_damaged_in_the_middle_at_the_right_size_is_refused(fake_model):
    models.verify_gguf(fake_model)
    with open(fake_model, "r+b") as fh:  # overwrite 64 kB in the middle, size unchanged
        fh.seek(fake_model.stat().st_size // 2)
        fh.write(b"!" * 65536)
    with pytest.raises(ModelError, match="damaged") as info:
        models.verify_gguf(fake_model)
    assert "rm '" in info.value.remedy


def test_a_wrong_header_or_size_is_refused_without_hashing(fake_model, monkeypatch):
    monkeypatch.setattr(models, "sha256_file", lambda _path: pytest.fail("hashed"))
    data = fake_model.read_bytes()
    fake_model.write_bytes(b"XXXX" + data[4:])
    with pytest.raises(ModelError, match="GGUF"):
        models.verify_gguf(fake_model)
    fake_model.write_bytes(data[:-1])
    with pytest.raises(ModelError, match="wrong size"):
        models.verify_gguf(fake_model)
