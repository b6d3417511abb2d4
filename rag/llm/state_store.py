"""KV states kept in memory and on disk, each within a size budget (least recently used out first).

A state is the llama.cpp KV cache of some tokens read after a prefix (rag.llm.passage_states). It is only
valid for the exact model file, llama.cpp build, context size, prefix and text it was computed with, so the
key holds all of them: the folder is named by the model and the prefix, the file by the text, and the file's
header repeats the full key and the token ids. A file that is damaged, cut short or made by something else
is deleted with a log line and reported as missing (the caller recomputes it), never used. No llama.cpp here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import struct
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"BRONKV1\n"
SUFFIX = ".kvs"
PREFIX_NAME = "prefix"  # the file of the prefix's own state, next to its passages' states

MEMORY_BUDGET = 192 * 2**20  # bytes of states kept in memory (about 50 passages of the seed articles)
_LABEL = re.compile(r"\[\d+\]")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StateOptions:
    """What the passage states of a generator need from the settings (rag.config)."""

    root: Path | None  # the folder of state files; None: memory only
    disk_budget: int  # bytes
    fresh_tokens: int = 0  # read the first N tokens of every passage fresh (CacheBlend/EPIC-style repair)
    fresh_last: bool = False  # read the last passage fresh (it then sees all passages before it)
    memory_budget: int = MEMORY_BUDGET


def identity(model_path: Path, n_ctx: int) -> str:
    """Everything a state depends on besides its prefix and text: the model file, llama.cpp's build and
    the context size (read without importing llama.cpp, so that pruning does not load it)."""
    stat = Path(model_path).stat()
    try:
        version = importlib.metadata.version("llama_cpp_python")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return json.dumps([str(Path(model_path).resolve()), stat.st_size, stat.st_mtime_ns, version, n_ctx])


def split_label(piece: str) -> tuple[str, str] | None:
    """A passage as it appears in the prompt, cut after its "[n]" label: the label is read per question,
    the rest (title, date, text) has a KV state. None if the passage does not start with a label."""
    match = _LABEL.match(piece)
    return (piece[:match.end()], piece[match.end():]) if match else None


def digest(*parts: str, length: int = 64) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def text_name(text: str) -> str:
    """The file name (without suffix) of the state of `text`: the same in every prefix folder, so that a
    passage that leaves the index can be found without the model."""
    return digest(text, length=32)


@dataclass(frozen=True)
class SavedState:
    """Token ids and llama.cpp's bytes of their KV state."""

    tokens: np.ndarray  # int32
    state: bytes

    @property
    def nbytes(self) -> int:
        return len(self.state) + self.tokens.nbytes


class StateStore:
    """States by (prefix, text) under `root`, for one model identity (model file, llama.cpp build, n_ctx).

    `root` None keeps states in memory only. Budgets are in bytes; 0 disables that tier."""

    def __init__(self, root: Path | None, identity: str, disk_budget: int, memory_budget: int):
        self.root = Path(root) if root else None
        self.identity = identity
        self.disk_budget, self.memory_budget = disk_budget, memory_budget
        self._memory: OrderedDict[tuple[str, str], SavedState] = OrderedDict()
        self._memory_bytes = 0
        self._disk_bytes: int | None = None  # counted on the first write

    # -- keys ---------------------------------------------------------------------------------
    def folder(self, prefix: str) -> str:
        return digest(self.identity, prefix, length=24)

    def path(self, prefix: str, name: str) -> Path | None:
        return self.root / self.folder(prefix) / f"{name}{SUFFIX}" if self.root else None

    def _full_key(self, prefix: str, name: str) -> str:
        return digest(self.identity, prefix, name)

    # -- reading ------------------------------------------------------------------------------
    def get(self, prefix: str, name: str, tokens: list[int] | np.ndarray) -> SavedState | None:
        """The state saved for `tokens` read after `prefix` (`name`: `text_name` of their text, or
        PREFIX_NAME), from memory or disk; None if there is none that can be trusted."""
        key = (self.folder(prefix), name)
        want = np.asarray(tokens, dtype=np.int32)
        saved = self._memory.get(key)
        if saved is not None and np.array_equal(saved.tokens, want):
            self._memory.move_to_end(key)
            return saved
        path = self.path(prefix, name)
        if path is None or not path.is_file():
            return None
        saved = self._read(path, self._full_key(prefix, name), want)
        if saved is not None:
            _touch(path)
            self._remember(key, saved)
        return saved

    def _read(self, path: Path, full_key: str, want: np.ndarray) -> SavedState | None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.warning("Cannot read the KV state %s (%s): recomputing it.", path, exc)
            return None
        problem, saved = _parse(data, full_key, want)
        if problem:
            log.warning("The KV state %s is %s: deleting it, the state is recomputed.", path, problem)
            self.discard_path(path)
            return None
        return saved

    # -- writing ------------------------------------------------------------------------------
    def put(self, prefix: str, name: str, saved: SavedState) -> None:
        """Keep `saved` in memory and write it to disk (atomically; a failed write only logs)."""
        self._remember((self.folder(prefix), name), saved)
        path = self.path(prefix, name)
        if path is None or saved.nbytes > self.disk_budget:
            return
        header = json.dumps({"key": self._full_key(prefix, name), "tokens": saved.tokens.tolist(),
                             "state_bytes": len(saved.state), "crc32": zlib.crc32(saved.state)}).encode()
        if self._disk_bytes is None:
            self._disk_bytes = self._count_disk()
        replaced = _size(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(MAGIC + struct.pack("<I", len(header)) + header)
                fh.write(saved.state)
            tmp.replace(path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            log.warning("Could not save the KV state %s (%s); it is kept in memory only.", path, exc)
            return
        self._disk_bytes += _size(path) - replaced
        if self._disk_bytes > self.disk_budget:
            self._evict_disk(keep=path)

    def discard(self, prefix: str, name: str) -> None:
        """Forget a state llama.cpp refused (memory and disk)."""
        saved = self._memory.pop((self.folder(prefix), name), None)
        if saved is not None:
            self._memory_bytes -= saved.nbytes
        path = self.path(prefix, name)
        if path is not None:
            self.discard_path(path)

    def discard_path(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            return
        if self._disk_bytes is not None:
            self._disk_bytes -= size

    def prune(self, keep_names: set[str]) -> int:
        """Delete the states of texts not in `keep_names` (passages that left the index), in every prefix
        folder; prefix states stay. Returns how many files were deleted."""
        self._memory = OrderedDict((k, v) for k, v in self._memory.items()
                                   if k[1] in keep_names or k[1] == PREFIX_NAME)
        self._memory_bytes = sum(v.nbytes for v in self._memory.values())
        removed = 0
        for path in self._files():
            if path.stem not in keep_names and path.stem != PREFIX_NAME:
                self.discard_path(path)
                removed += 1
        return removed

    # -- budgets ------------------------------------------------------------------------------
    def _remember(self, key: tuple[str, str], saved: SavedState) -> None:
        old = self._memory.pop(key, None)
        if old is not None:
            self._memory_bytes -= old.nbytes
        if saved.nbytes > self.memory_budget:
            return
        self._memory[key] = saved
        self._memory_bytes += saved.nbytes
        while self._memory_bytes > self.memory_budget:
            _, dropped = self._memory.popitem(last=False)
            self._memory_bytes -= dropped.nbytes

    def _files(self) -> list[Path]:
        return sorted(self.root.glob(f"*/*{SUFFIX}")) if self.root and self.root.is_dir() else []

    def _count_disk(self) -> int:
        return sum(_size(path) for path in self._files())

    def _evict_disk(self, keep: Path) -> None:
        files = sorted(((_mtime(p), p) for p in self._files() if p != keep), key=lambda item: item[0])
        for _, path in files:
            if self._disk_bytes <= self.disk_budget:
                break
            self.discard_path(path)

    @property
    def disk_bytes(self) -> int:
        return self._count_disk()


def _parse(data: bytes, full_key: str, want: np.ndarray) -> tuple[str, SavedState | None]:
    """(what is wrong with the file, "" if nothing; the state)."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        return "not a Bron KV state file", None
    (size,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4 + size
    try:
        header = json.loads(data[len(MAGIC) + 4:start])
        key, tokens, length, crc = header["key"], header["tokens"], header["state_bytes"], header["crc32"]
    except (ValueError, KeyError, TypeError):
        return "damaged (unreadable header)", None
    if key != full_key:
        return "for another model, llama.cpp build, prefix or text", None
    if len(data) - start != length:
        return f"cut short ({len(data) - start} of {length} bytes)", None
    state = data[start:]
    if zlib.crc32(state) != crc:
        return "damaged (checksum)", None
    tokens = np.asarray(tokens, dtype=np.int32)
    if not np.array_equal(tokens, want):
        return "for other tokens", None
    return "", SavedState(tokens, state)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _touch(path: Path) -> None:
    try:  # the file's time is its place in the least-recently-used order
        os.utime(path)
    except OSError:
        pass


def _index_passages(data) -> list:
    """Every passage of a loaded index, as the prompt shows it (number 1)."""
    from rag.results import Passage

    passages = []
    for chunk in data.chunks:
        doc = data.documents.get(chunk.doc_id)
        passages.append(Passage(1, chunk.doc_id, doc.title if doc else chunk.doc_id, doc.date if doc else None,
                                chunk.id, chunk.text, chunk.start, chunk.end, 0.0))
    return passages


def passage_names(settings, data, languages: tuple[str, ...] = ("nl", "de", "en")) -> set[str]:
    """The state file names of every passage of the index, in every prompt language's template (and, where
    the text shows the passage's number, as in the evidence layout's sentence labels, at every place up to
    `top_k`)."""
    from dataclasses import replace

    from rag.prompting import prompts_for

    names = set()
    passages = _index_passages(data)
    for language in languages:
        prompts = prompts_for(settings, language)
        places = range(1, settings.top_k + 1) if prompts.evidence else (1,)
        for text in (t for n in places for t in prompts.passage_texts([replace(p, n=n) for p in passages])):
            cut = split_label(text + "\n")
            if cut:
                names.add(text_name(cut[1]))
    return names


def prune_for_index(settings, data) -> int:
    """Delete the saved states of passages that are no longer in the index `data`; how many."""
    root = settings.passage_states_path
    if not root.is_dir():
        return 0
    return StateStore(root, "", 0, 0).prune(passage_names(settings, data))


def prepare_collection(generator, settings, data, languages: tuple[str, ...] = ("nl", "de", "en"),
                       progress: bool = True) -> tuple[int, int]:
    """Compute the state of every passage of the index for each prompt language (`bron index --states`);
    (states computed, passages x languages)."""
    from tqdm import tqdm

    from rag.prompting import prompts_for

    passages = _index_passages(data)
    step = max(1, settings.top_k)
    computed = 0
    with tqdm(total=len(passages) * len(languages), unit="state", disable=not progress,
              desc="Passage states") as bar:
        for language in languages:
            prompts = prompts_for(settings, language)
            for start in range(0, len(passages), step):
                batch = [dataclasses.replace(p, n=i + 1) for i, p in enumerate(passages[start:start + step])]
                computed += generator.prepare_passages(prompts.passage_prompt("?", batch))
                bar.update(len(batch))
    return computed, len(passages) * len(languages)
