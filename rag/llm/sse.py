"""Reading an OpenAI-compatible server's stream defensively: server-sent events split from raw bytes within
a line size and a total time, and each event's JSON checked for the shape Bron reads before it is used.

A server that misbehaves (a line without end, only keep-alive comments, `choices` that is a string, a
log-probability that is text) gets one ModelError naming what was wrong, never a traceback and never
memory without bound. Used by rag.llm.openai_http only.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rag.errors import ModelError

MAX_LINE_CHARS = 1 << 20  # one SSE line; a chunk with top-5 log-probabilities is about 2 KB
MAX_EVENT_CHARS = 1 << 20  # the data lines of one event together
_NEWLINE = re.compile(r"\r\n|\r|\n")
_NOT_OPENAI = "llm_url must point to an OpenAI-compatible server (/v1/chat/completions); check the server's log."


def sse_events(chunks: Iterable[bytes], url: str, deadline: float, total_timeout: float) -> Iterator[str]:
    """The data of each server-sent event in `chunks` (raw bytes as they arrive), in order. Stops with a
    ModelError at `deadline` (time.monotonic(); checked whenever bytes arrive, keep-alive comments too) and
    when a line or an event grows past its limit."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending: list[str] = []  # the line being received
    pending_chars = 0
    data: list[str] = []
    data_chars = 0
    for raw in chunks:
        if time.monotonic() > deadline:
            raise ModelError(f"The LLM server at {url} was still streaming after {total_timeout:g} s without ending "
                             "the answer.", "Check the server's load and log, or raise llm_total_timeout in bron.toml.")
        piece = decoder.decode(raw)
        if not _NEWLINE.search(piece):
            pending.append(piece)
            pending_chars += len(piece)
            if pending_chars > MAX_LINE_CHARS:
                raise _too_long(url, "a stream line", MAX_LINE_CHARS)
            continue
        text, hold = "".join(pending) + piece, ""
        if text.endswith("\r"):  # maybe the first half of "\r\n": wait for the next bytes
            text, hold = text[:-1], "\r"
        *lines, rest = _NEWLINE.split(text)
        pending, pending_chars = [rest + hold], len(rest)
        if pending_chars > MAX_LINE_CHARS:
            raise _too_long(url, "a stream line", MAX_LINE_CHARS)
        for line in lines:
            if len(line) > MAX_LINE_CHARS:
                raise _too_long(url, "a stream line", MAX_LINE_CHARS)
            if not line:
                if data:
                    yield "\n".join(data)
                    data, data_chars = [], 0
                continue
            if line.startswith(":"):
                continue  # a comment (keep-alive ping)
            name, _, value = line.partition(":")
            if name == "data":
                data.append(value[1:] if value.startswith(" ") else value)
                data_chars += len(value)
                if data_chars > MAX_EVENT_CHARS:
                    raise _too_long(url, "a stream event", MAX_EVENT_CHARS)
    last = "".join(pending).rstrip("\r")
    if last.startswith("data:"):
        data.append(last[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


def _too_long(url: str, what: str, limit: int) -> ModelError:
    return ModelError(f"The LLM server at {url} sent {what} of more than {limit:,} characters (no line break): not "
                      "a stream of server-sent events.", _NOT_OPENAI)


@dataclass
class Choice:
    """What Bron reads of one choice in a stream chunk."""

    content: str = ""
    finish_reason: str | None = None
    logprobs: list[dict] = field(default_factory=list)  # {"token": str, "logprob": float | None, "top_logprobs": [...]}


@dataclass
class Chunk:
    """One stream event, checked: a server error, usage counts and the choices."""

    error: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    choices: list[Choice] = field(default_factory=list)

    @property
    def has_usage(self) -> bool:
        return self.prompt_tokens is not None or self.completion_tokens is not None


class _Shape(Exception):
    """A field of the wrong type: `where` it is and what was expected."""

    def __init__(self, where: str, value: object, expected: str):
        super().__init__(f"{where} is {type(value).__name__}, expected {expected}")


def parse_chunk(event: str, url: str) -> Chunk:
    """The Chunk in one event's data (JSON), or a ModelError saying what was not JSON or of the wrong shape."""
    try:
        value = json.loads(event)
    except (json.JSONDecodeError, RecursionError):
        raise ModelError(f"The LLM server at {url} sent a stream event that is not JSON: {event[:80]!r}.",
                         _NOT_OPENAI) from None
    try:
        return _chunk(value)
    except _Shape as exc:
        raise ModelError(f"The LLM server at {url} sent a stream event of the wrong shape ({exc}).", _NOT_OPENAI) \
            from None


def _chunk(value: object) -> Chunk:
    _expect(value, dict, "the event", "an object")
    chunk = Chunk()
    if value.get("error"):
        error = value["error"]
        chunk.error = str(error.get("message") or error if isinstance(error, dict) else error)[:300]
        return chunk
    usage = _optional(value, "usage", dict, "usage", "an object")
    if usage:
        chunk.prompt_tokens = _count(usage, "prompt_tokens")
        chunk.completion_tokens = _count(usage, "completion_tokens")
    for i, choice in enumerate(_optional(value, "choices", list, "choices", "a list") or []):
        where = f"choices[{i}]"
        _expect(choice, dict, where, "an object")
        delta = _optional(choice, "delta", dict, f"{where}.delta", "an object") or {}
        logprobs = _optional(choice, "logprobs", dict, f"{where}.logprobs", "an object") or {}
        chunk.choices.append(Choice(
            content=_optional(delta, "content", str, f"{where}.delta.content", "text") or "",
            finish_reason=_optional(choice, "finish_reason", str, f"{where}.finish_reason", "text") or None,
            logprobs=[_logprob_item(item, f"{where}.logprobs.content[{j}]") for j, item in
                      enumerate(_optional(logprobs, "content", list, f"{where}.logprobs.content", "a list") or [])]))
    return chunk


def _logprob_item(item: object, where: str) -> dict:
    _expect(item, dict, where, "an object")
    top = [{"token": _optional(alt, "token", str, f"{where}.top_logprobs[{k}].token", "text") or "",
            "logprob": _logprob(alt, f"{where}.top_logprobs[{k}]")}
           for k, alt in enumerate(_optional(item, "top_logprobs", list, f"{where}.top_logprobs", "a list") or [])
           if _expect(alt, dict, f"{where}.top_logprobs[{k}]", "an object")]
    return {"token": _optional(item, "token", str, f"{where}.token", "text") or "",
            "logprob": _logprob(item, where), "top_logprobs": top}


def _logprob(item: dict, where: str) -> float | None:
    """A log-probability: a finite number <= 0 (a rounding error above 0 is taken as 0), or None."""
    value = item.get("logprob")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value > 1e-3:
        raise _Shape(f"{where}.logprob", value, "a log-probability (a number <= 0)")
    return min(float(value), 0.0)


def _count(usage: dict, key: str) -> int | None:
    value = usage.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Shape(f"usage.{key}", value, "a count")
    return value


def _optional(container: dict, key: str, kind: type, where: str, expected: str):
    """container[key] if it is a `kind` or missing/null (None); anything else is the wrong shape."""
    value = container.get(key)
    if value is not None:
        _expect(value, kind, where, expected)
    return value


def _expect(value: object, kind: type, where: str, expected: str) -> bool:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Shape(where, value, expected)
    return True
