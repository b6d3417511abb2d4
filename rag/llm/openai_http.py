"""An OpenAI-compatible chat server as the LLM: llama.cpp's `llama-server`, `python -m llama_cpp.server`,
vLLM, or anything else that serves `/v1/chat/completions` with server-sent events.

Chosen by `rag.llm.make_generator` when the `llm_url` setting is set; then no GGUF is loaded in this
process. The API key comes from the environment variable BRON_LLM_API_KEY only: it is never a setting,
never logged and never part of an error message. Only this module imports httpx for the LLM.

What the server is asked for besides the text:

* `grammar`: the answer grammar (GBNF), which llama.cpp servers accept (`llm_grammar` = auto | gbnf | none;
  with "auto" a server that refuses the field is asked again without it, and not sent it again);
* `logprobs`/`top_logprobs`: the answer's token log-probabilities (`Generation.token_logprobs`) and, when
  the first tokens' alternatives show it, the model's probability of writing the abstention sentence
  (`Generation.abstain_logprob`). A server that does not send them leaves both empty.

What a misbehaving server cannot do (rag.llm.sse reads the stream): send lines or bodies without end
(1 MB per line, event or non-streamed body), stream past `max_tokens` (+16) or `llm_total_timeout` seconds,
or send JSON of another shape than OpenAI's (one ModelError says which field was wrong).

There is no KV state to keep across processes (the server keeps its own cache), so the prompt-prefix
hooks keep the base class's defaults.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import httpx

from rag.errors import ModelError
from rag.llm.base import Generation, Generator
from rag.llm.sse import parse_chunk, sse_events

API_KEY_ENV = "BRON_LLM_API_KEY"
TOP_LOGPROBS = 5
MAX_BODY_BYTES = 1 << 20  # a model list or an error message; a longer answer is cut off
MAX_TOKENS_SLACK = 16  # streamed tokens past max_tokens before the client stops a server that ignores it


class OpenAIHTTPGenerator(Generator):
    """Streams chat completions from an OpenAI-compatible server. Thread-safe: several streams may run at
    once (one shared httpx client; the server batches them); only `load` is serialised."""

    def __init__(self, url: str, model: str | None = None, grammar: str = "auto", timeout: float = 120.0,
                 connect_retries: int = 2, load: bool = True, transport: httpx.BaseTransport | None = None,
                 total_timeout: float = 600.0):
        self.url = url.rstrip("/")
        self.total_timeout = total_timeout  # one answer in all (timeout: connecting, and between reads)
        self.requested_model = model or None
        self.model_name = model or ""
        self.grammar_mode = grammar
        self.connect_retries = connect_retries
        # Optional request fields; they only ever turn off (a server refused them), so concurrent streams may race
        # on them harmlessly (at worst one more request is refused and repeated without the field).
        self._send_grammar = grammar != "none"
        self._send_logprobs = True
        headers = {"Accept": "text/event-stream", "Accept-Encoding": "identity"}
        key = os.environ.get(API_KEY_ENV)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(headers=headers, transport=transport,
                                    timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)))
        self._load_lock = threading.Lock()
        self._loaded = False
        if load:
            self.load()

    def __repr__(self) -> str:  # never the headers (they hold the key)
        return f"OpenAIHTTPGenerator(url={self.url!r}, model={self.model_name!r})"

    # -- connecting ---------------------------------------------------------------------------
    def load(self) -> OpenAIHTTPGenerator:
        """Ask the server which models it serves; check the configured one (or take the first)."""
        with self._load_lock:
            if not self._loaded:
                self._load()
        return self

    def _load(self) -> None:
        response = self._request("GET", "/models")
        if response.status_code != 200:
            self._raise_for_status(response)
        try:
            served = [str(m["id"]) for m in response.json().get("data", [])]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ModelError(f"{self.url}/models did not answer with a model list.",
                             "Check that llm_url is the server's OpenAI-compatible base URL, ending in /v1.") from None
        if self.requested_model:
            if served and self.requested_model not in served:
                raise ModelError(f"The LLM server at {self.url} does not serve the model {self.requested_model!r} "
                                 f"(it serves: {', '.join(served)}).",
                                 "Set llm_model to one of those names, or leave it empty to use the first.")
        elif served:
            self.model_name = served[0]
        else:
            raise ModelError(f"The LLM server at {self.url} serves no model.", "Start it with a model loaded.")
        self._loaded = True

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """One request (not streamed), retried a few times when the server cannot be reached."""
        response = self._with_retries(self._client.build_request(method, self.url + path, **kwargs), stream=True)
        return self._read_bounded(response)

    def _read_bounded(self, response: httpx.Response) -> httpx.Response:
        """`response` with its body read: at most MAX_BODY_BYTES and llm_total_timeout seconds (a server that
        sends without end is cut off, and its answer then fails to parse with a message)."""
        body = bytearray()
        deadline = time.monotonic() + self.total_timeout
        try:
            for raw in response.iter_raw():
                body += raw
                if len(body) > MAX_BODY_BYTES or time.monotonic() > deadline:
                    break
        except httpx.TimeoutException:
            raise self._timed_out() from None
        except httpx.HTTPError as exc:
            raise ModelError(f"The LLM server at {self.url} broke off its answer ({type(exc).__name__}).",
                             "Check that the server is running and llm_url is right.") from None
        finally:
            response.close()
        return httpx.Response(response.status_code, headers={"Content-Type": response.headers.get("Content-Type", "")},
                              content=bytes(body[:MAX_BODY_BYTES]), request=response.request)

    def _with_retries(self, request: httpx.Request, stream: bool) -> httpx.Response:
        """Send `request`, retrying only while the server cannot be reached (so never mid-stream). A connection that
        breaks before any answer (a server killed a moment ago, whose socket still took the request: ReadError,
        RemoteProtocolError) counts as not reached: nothing was answered, and the next try finds it down."""
        for attempt in range(self.connect_retries + 1):
            try:
                return self._client.send(request, stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.WriteError,
                    httpx.RemoteProtocolError) as exc:
                if attempt == self.connect_retries:
                    raise self._unreachable(exc) from None
                time.sleep(0.2 * 2 ** attempt)
            except httpx.TimeoutException:
                raise self._timed_out() from None
            except httpx.HTTPError as exc:
                raise ModelError(f"The request to the LLM server at {self.url} failed: {type(exc).__name__}.",
                                 "Check that the server is running and llm_url is right.") from None
        raise AssertionError("unreachable")

    def _unreachable(self, exc: Exception) -> ModelError:
        return ModelError(f"Cannot reach the LLM server at {self.url} ({type(exc).__name__}: the server is down, "
                          f"or the host or port is wrong).",
                          "Start the server (e.g. python -m llama_cpp.server --model M.gguf, llama-server or vllm "
                          "serve), or fix llm_url / BRON_LLM_URL; unset it to use the local GGUF.")

    def _timed_out(self) -> ModelError:
        return ModelError(f"The LLM server at {self.url} did not answer in time.",
                          "Check the server's load and log, or raise llm_timeout in bron.toml.")

    def _raise_for_status(self, response: httpx.Response) -> None:
        """Turn an error status into a ModelError with the remedy (the request is never repeated here)."""
        status = response.status_code
        detail = _error_text(response)
        if status in (401, 403):
            raise ModelError(f"The LLM server at {self.url} refused the request ({status}: "
                             f"{'no or a wrong API key' if status == 401 else 'not allowed'}).",
                             f"Set the server's API key in the environment variable {API_KEY_ENV}.")
        if status == 404:
            if "model" in detail.lower():
                raise ModelError(f"The LLM server at {self.url} does not know the model {self.model_name!r} "
                                 f"({detail}).", "Set llm_model to a model the server serves (see its /v1/models).")
            raise ModelError(f"The LLM server at {self.url} has no such endpoint "
                             f"(404 for {response.request.url.path}).",
                             "llm_url must be the OpenAI-compatible base URL, usually ending in /v1 "
                             "(e.g. http://127.0.0.1:8080/v1).")
        if status == 400 and "model" in detail.lower() and ("not found" in detail.lower()
                                                             or "does not exist" in detail.lower()):
            raise ModelError(f"The LLM server at {self.url} does not know the model {self.model_name!r} ({detail}).",
                             "Set llm_model to a model the server serves (see its /v1/models).")
        hint = "The prompt may be too long for the server's context." if status == 400 else \
            "Check the server's log."
        raise ModelError(f"The LLM server at {self.url} answered {status}: {detail or response.reason_phrase}.", hint)

    # -- generating ---------------------------------------------------------------------------
    def stream(self, messages: list[dict[str, str]], max_tokens: int = 200, temperature: float = 0.0,
               grammar: str | None = None, record: Generation | None = None,
               abstain: str | None = None) -> Iterator[str]:
        record = record if record is not None else Generation()
        self.load()  # requests run side by side (the chat's users): all their state is local or in `record`
        started = time.perf_counter()
        deadline = time.monotonic() + self.total_timeout
        response = self._open_stream(messages, max_tokens, temperature, grammar)
        tracker = _AbstainTracker(abstain) if abstain else None
        logprobs: list[float] = []
        done = False
        try:
            for event in sse_events(self._raw(response), self.url, deadline, self.total_timeout):
                if event == "[DONE]":
                    done = True
                    break
                chunk = parse_chunk(event, self.url)
                if chunk.error:
                    raise ModelError(f"The LLM server at {self.url} stopped with an error: {chunk.error}.",
                                     "Check the server's log.")
                if chunk.has_usage:
                    record.prompt_tokens = chunk.prompt_tokens or 0
                    record.completion_tokens = chunk.completion_tokens or record.completion_tokens
                for choice in chunk.choices:
                    if choice.finish_reason:
                        record.finish_reason = choice.finish_reason
                    for item in choice.logprobs:
                        if item["logprob"] is not None:
                            logprobs.append(item["logprob"])
                        if tracker is not None:
                            tracker.step(item)
                    if not choice.content:
                        continue
                    if not record.text:
                        record.first_token_ms = (time.perf_counter() - started) * 1000
                    if not chunk.has_usage:
                        record.completion_tokens += 1
                    record.text += choice.content
                    yield choice.content
                self._check_length(record, max_tokens)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.StreamError) as exc:
            raise self._cut(record, exc) from None
        except httpx.TimeoutException:
            raise self._timed_out() from None
        finally:
            response.close()
        if not done and not record.finish_reason:
            raise self._cut(record, None)
        record.total_ms = (time.perf_counter() - started) * 1000
        record.token_logprobs = logprobs
        # No logprobs seen (the server does not send them): unknown, not "certain".
        record.abstain_logprob = tracker.logprob if tracker is not None and tracker.steps else None

    def _raw(self, response: httpx.Response) -> Iterator[bytes]:
        """The body's bytes as they arrive; a compressed body (asked for identity) is refused, not inflated."""
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise ModelError(f"The LLM server at {self.url} sent a compressed stream ({encoding}), although asked "
                             "not to.", "Turn off compression of the server's responses (or of a proxy in front).")
        return response.iter_raw()

    def _check_length(self, record: Generation, max_tokens: int) -> None:
        """A server must stop at max_tokens: one that streams on is stopped here (a little slack for servers
        that count differently; a token is rarely longer than 64 characters)."""
        allowed = max_tokens + MAX_TOKENS_SLACK
        if record.completion_tokens > allowed or len(record.text) > 64 * allowed:
            raise ModelError(f"The LLM server at {self.url} sent more than max_tokens ({max_tokens}) tokens without "
                             f"ending the answer ({len(record.text):,} characters); the answer was stopped.",
                             "The server ignores max_tokens: check its version and log.")

    def _cut(self, record: Generation, exc: Exception | None) -> ModelError:
        why = f" ({type(exc).__name__})" if exc is not None else ""
        return ModelError(f"The LLM server at {self.url} closed the stream in the middle of the answer{why}, after "
                          f"{len(record.text)} characters.",
                          "The server may have crashed, restarted or cancelled the request: check its log and ask "
                          "again (llama_cpp.server: start it with --interrupt_requests False).")

    def _open_stream(self, messages, max_tokens, temperature, grammar) -> httpx.Response:
        """POST the request and return the response once its status is 200 (headers read, body not)."""
        while True:
            body = {"model": self.model_name, "messages": messages, "max_tokens": max_tokens,
                    "temperature": temperature, "stream": True}
            if self._send_logprobs:
                body.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
            if grammar and self._send_grammar:
                body["grammar"] = grammar
            response = self._send(body)
            if response.status_code == 200:
                return response
            response = self._read_bounded(response)
            detail = _error_text(response).lower()
            # Optional fields a server may refuse: drop them (once) and ask again.
            if response.status_code in (400, 422) and "grammar" in body and self.grammar_mode == "auto" \
                    and "grammar" in detail:
                self._send_grammar = False
                continue
            # llama_cpp.server started with --logits_all False answers 500 "logprobs is not supported ...".
            if response.status_code in (400, 422, 500) and self._send_logprobs and "logprob" in detail:
                self._send_logprobs = False
                continue
            self._raise_for_status(response)

    def _send(self, body: dict) -> httpx.Response:
        request = self._client.build_request("POST", self.url + "/chat/completions", json=body)
        return self._with_retries(request, stream=True)  # retried only before anything was streamed


class _AbstainTracker:
    """log P(abstention sentence) from the streamed tokens and their top alternatives.

    While the answer's text is still a prefix of the abstention sentence, each token's log-probability
    is added; at the step where the answer leaves the sentence, the alternative that would have continued
    it is looked up among the top_logprobs. If it is not among them, the probability is unknown (None)."""

    def __init__(self, sentence: str):
        self.sentence = sentence
        self.text = ""
        self.logprob: float | None = 0.0
        self.following = True
        self.steps = 0

    def step(self, item: dict) -> None:
        self.steps += 1
        if not self.following or self.logprob is None:
            return
        token, logprob = item.get("token") or "", item.get("logprob")
        rest = self.sentence[len(self.text):]
        if not rest:
            self.following = False
            return
        if token and logprob is not None and _continues(rest, token):
            self.logprob += float(logprob)
            self.text += token
            return
        self.following = False  # this token leaves the sentence: what was the chance of staying on it?
        options = [float(alt["logprob"]) for alt in item.get("top_logprobs") or []
                   if alt.get("token") and alt.get("logprob") is not None and _continues(rest, alt["token"])]
        self.logprob = self.logprob + max(options) if options else None


def _continues(rest: str, token: str) -> bool:
    """Does `token` continue the sentence's remaining text `rest` (or end it, with trailing space)?"""
    return rest.startswith(token) or (token.startswith(rest) and not token[len(rest):].strip())


def _message(error) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)[:300]
    return str(error)[:300]


def _error_text(response: httpx.Response) -> str:
    """The server's error message (JSON `error.message`, `detail` or the text), shortened."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError, httpx.ResponseNotRead):
        try:
            return response.text.strip()[:300]
        except (httpx.ResponseNotRead, UnicodeDecodeError):
            return ""
    if isinstance(data, dict):
        if "error" in data:
            return _message(data["error"])
        if "detail" in data:
            return str(data["detail"])[:300]
        if "message" in data:
            return str(data["message"])[:300]
    return str(data)[:300]
