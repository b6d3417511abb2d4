"""The OpenAI-compatible HTTP backend against a tiny fake server on 127.0.0.1 (canned SSE and error statuses).

These test the backend's logic: SSE parsing, logprobs, the error messages and their remedies, retries.
tests/integration/test_llm_server.py runs it against the real llama_cpp.server."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from rag.config import Settings
from rag.errors import ConfigError, ModelError
from rag.llm import Generation, make_generator
from rag.llm.openai_http import OpenAIHTTPGenerator
from tests.support.servers import free_port

ABSTAIN = "Dat staat niet in de bronnen."


def _chunk(content=None, finish=None, logprob=None, alts=None, usage=None):
    choice = {"index": 0, "delta": {"content": content} if content is not None else {}, "finish_reason": finish}
    if logprob is not None:
        choice["logprobs"] = {"content": [{"token": content, "logprob": logprob,
                                           "top_logprobs": [{"token": t, "logprob": lp} for t, lp in (alts or [])]}]}
    out = {"id": "x", "object": "chat.completion.chunk", "choices": [choice]}
    if usage:
        out = {"id": "x", "choices": [], "usage": usage}
    return out


NORMAL = [
    _chunk("500", logprob=-0.1, alts=[("500", -0.1), ("Dat", -2.5)]),
    _chunk(" miljard", logprob=-0.2),
    _chunk(" [1]", logprob=-0.05),
    _chunk(None, finish="stop"),
    _chunk(usage={"prompt_tokens": 321, "completion_tokens": 3}),
]


class FakeServer:
    """An OpenAI-like server; `mode` says how /chat/completions answers."""

    def __init__(self, mode="normal", models=("bron-test",), key=None, refuse_grammar=False, refuse_logprobs=False):
        self.mode, self.models, self.key, self.refuse_grammar = mode, list(models), key, refuse_grammar
        self.refuse_logprobs = refuse_logprobs
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _json(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self):
                if server.key and self.headers.get("Authorization") != f"Bearer {server.key}":
                    self._json(401, {"error": {"message": "Invalid API Key", "type": "invalid_request_error"}})
                    return False
                return True

            def do_GET(self):
                if not self._authorised():
                    return
                if self.path == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in server.models]})
                else:
                    self._json(404, {"detail": "Not Found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                if not self._authorised():
                    return
                if self.path != "/v1/chat/completions":
                    return self._json(404, {"detail": "Not Found"})
                if body.get("model") not in server.models:
                    return self._json(404, {"error": {"message": f"The model `{body.get('model')}` does not exist.",
                                                      "type": "NotFoundError"}})
                if server.refuse_logprobs and body.get("logprobs"):
                    return self._json(500, {"error": {"message": "logprobs is not supported for models created "
                                                                 "with logits_all=False"}})
                if server.refuse_grammar and "grammar" in body:
                    return self._json(400, {"error": {"message": "Unrecognized request argument: grammar"}})
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                events = list(NORMAL)
                if server.mode == "abstain":
                    events = [_chunk(t, logprob=lp) for t, lp in (("Dat", -0.3), (" staat", -0.1), (" niet", -0.1),
                                                                  (" in", -0.0), (" de", -0.0), (" bronnen", -0.1),
                                                                  (".", -0.0))] + [_chunk(None, finish="stop")]
                if server.mode in ("cut", "cut_clean"):
                    events = events[:2]
                self._write(": ping\n\n")
                if not body.get("logprobs"):
                    events = [{**e, "choices": [{k: v for k, v in c.items() if k != "logprobs"} for c in e["choices"]]}
                              for e in events]
                for event in events:
                    self._write(f"data: {json.dumps(event)}\n\n")
                if server.mode == "cut":
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)  # mid-stream, without the closing chunk
                    return
                if server.mode != "cut_clean":
                    self._write("data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True

            def _write(self, text):
                data = text.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


MESSAGES = [{"role": "user", "content": "Hoeveel?"}]


def test_normal_stream_text_usage_logprobs_and_grammar():
    with FakeServer() as server:
        gen = OpenAIHTTPGenerator(server.url, timeout=5)
        assert gen.model_name == "bron-test"
        record = Generation()
        pieces = list(gen.stream(MESSAGES, max_tokens=50, grammar='root ::= "x"', record=record, abstain=ABSTAIN))
        assert pieces == ["500", " miljard", " [1]"]
        assert record.text == "500 miljard [1]"
        assert record.finish_reason == "stop"
        assert (record.prompt_tokens, record.completion_tokens) == (321, 3)
        assert record.token_logprobs == [-0.1, -0.2, -0.05]
        assert record.abstain_logprob == pytest.approx(-2.5)  # "Dat" was the alternative to "500"
        assert record.first_token_ms > 0 and record.total_ms >= record.first_token_ms
        sent = server.requests[-1]
        assert sent["stream"] is True and sent["grammar"] == 'root ::= "x"' and sent["logprobs"] is True
        assert sent["model"] == "bron-test" and sent["max_tokens"] == 50
        assert gen.prefix_cache_path(None, None) is None
        gen.close()


def test_abstention_written_out_gives_its_probability():
    with FakeServer(mode="abstain") as server:
        gen = OpenAIHTTPGenerator(server.url, timeout=5)
        record = Generation()
        assert "".join(gen.stream(MESSAGES, record=record, abstain=ABSTAIN)) == ABSTAIN
        assert record.abstain_logprob == pytest.approx(-0.6)


def test_grammar_modes():
    with FakeServer(refuse_grammar=True) as server:
        gen = OpenAIHTTPGenerator(server.url, grammar="auto", timeout=5)
        assert "".join(gen.stream(MESSAGES, grammar="root ::= x")) == "500 miljard [1]"
        assert "grammar" in server.requests[0] and "grammar" not in server.requests[1]
        list(gen.stream(MESSAGES, grammar="root ::= x"))
        assert "grammar" not in server.requests[2]  # not sent again
        strict = OpenAIHTTPGenerator(server.url, grammar="gbnf", timeout=5)
        with pytest.raises(ModelError, match="400"):
            list(strict.stream(MESSAGES, grammar="root ::= x"))
        none = OpenAIHTTPGenerator(server.url, grammar="none", timeout=5)
        list(none.stream(MESSAGES, grammar="root ::= x"))
        assert "grammar" not in server.requests[-1]


def test_a_server_without_logprobs_is_asked_again_without_them():
    with FakeServer(refuse_logprobs=True) as server:
        gen = OpenAIHTTPGenerator(server.url, timeout=5)
        record = Generation()
        assert "".join(gen.stream(MESSAGES, record=record, abstain=ABSTAIN)) == "500 miljard [1]"
        assert server.requests[0]["logprobs"] is True and "logprobs" not in server.requests[1]
        assert record.token_logprobs == [] and record.abstain_logprob is None


def test_401_names_the_environment_variable_and_never_shows_the_key(monkeypatch):
    with FakeServer(key="s3cret-key") as server:
        monkeypatch.delenv("BRON_LLM_API_KEY", raising=False)
        with pytest.raises(ModelError) as info:
            OpenAIHTTPGenerator(server.url, timeout=5)
        assert "401" in info.value.message and "BRON_LLM_API_KEY" in info.value.remedy
        monkeypatch.setenv("BRON_LLM_API_KEY", "bad-k3y-xyz")
        with pytest.raises(ModelError) as info:
            OpenAIHTTPGenerator(server.url, timeout=5)
        assert "bad-k3y-xyz" not in str(info.value)
        monkeypatch.setenv("BRON_LLM_API_KEY", "s3cret-key")
        gen = OpenAIHTTPGenerator(server.url, timeout=5)
        assert "".join(gen.stream(MESSAGES)) == "500 miljard [1]"
        assert "s3cret" not in repr(gen)
        settings = Settings.load(llm_url=server.url)
        assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.as_dict())
        with pytest.raises(ConfigError):
            Settings.load(llm_api_key="x")  # not a setting


def test_unknown_model():
    with FakeServer(models=["served-model"]) as server:
        with pytest.raises(ModelError, match="does not serve the model 'other'") as info:
            OpenAIHTTPGenerator(server.url, model="other", timeout=5)
        assert "llm_model" in info.value.remedy
        gen = OpenAIHTTPGenerator(server.url, model="served-model", timeout=5)
        server.models[:] = ["renamed"]  # the server was restarted with another model
        with pytest.raises(ModelError, match="does not know the model 'served-model'") as info:
            list(gen.stream(MESSAGES))
        assert "llm_model" in info.value.remedy


def test_wrong_url_404():
    with FakeServer() as server:
        with pytest.raises(ModelError, match="no such endpoint") as info:
            OpenAIHTTPGenerator(server.url.removesuffix("/v1") + "/api", timeout=5)
        assert "/v1" in info.value.remedy


def test_connection_refused_after_retries():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError, match="Cannot reach the LLM server") as info:
        OpenAIHTTPGenerator(url, timeout=5, connect_retries=1)
    assert "llm_url" in info.value.remedy
    gen = OpenAIHTTPGenerator(url, timeout=5, connect_retries=0, load=False)  # lazily: the error at first use
    with pytest.raises(ModelError, match="Cannot reach"):
        list(gen.stream(MESSAGES))


@pytest.mark.parametrize("mode", ["cut", "cut_clean"])
def test_stream_cut_in_the_middle(mode):
    with FakeServer(mode=mode) as server:
        gen = OpenAIHTTPGenerator(server.url, timeout=5)
        got = []
        with pytest.raises(ModelError, match="closed the stream in the middle") as info:
            for piece in gen.stream(MESSAGES):
                got.append(piece)
        assert got == ["500", " miljard"]
        assert "log" in info.value.remedy
        assert len(server.requests) == 1  # never repeated once the stream started


def test_make_generator_uses_the_server_and_loads_no_gguf(monkeypatch):
    import rag.models

    def no_gguf(*_a, **_k):
        raise AssertionError("resolve_llm must not be called")

    monkeypatch.setattr(rag.models, "resolve_llm", no_gguf)
    with FakeServer() as server:
        gen = make_generator(Settings.load(llm_url=server.url, llm_model="bron-test"))
        assert isinstance(gen, OpenAIHTTPGenerator) and gen.model_name == "bron-test"


def test_settings_are_checked():
    with pytest.raises(ConfigError, match="llm_grammar"):
        Settings.load(llm_grammar="json")
    with pytest.raises(ConfigError, match="llm_url"):
        Settings.load(llm_url="127.0.0.1:8080")


def test_sse_lines_split_anywhere_in_the_bytes():
    """Line ends (LF, CR, CRLF) split across network reads, multi-line data, comments and a last event without
    a blank line all give the same events."""
    import time

    from rag.llm.sse import sse_events

    raw = b'data: {"a": 1}\r\n\r\n: ping\n\ndata: line one\rdata: line two\r\n\r\nevent: x\ndata: [DONE]'
    expected = ['{"a": 1}', "line one\nline two", "[DONE]"]
    for size in (1, 2, 3, 7, len(raw)):
        chunks = [raw[i:i + size] for i in range(0, len(raw), size)]
        assert list(sse_events(chunks, "http://x/v1", time.monotonic() + 60, 60)) == expected, size
    split_utf8 = "data: Pünktlichkeit\n\n".encode()
    assert list(sse_events([split_utf8[:8], split_utf8[8:]], "u", time.monotonic() + 60, 60)) == ["Pünktlichkeit"]


def test_a_connection_that_breaks_before_any_answer_is_a_server_not_reached():
    """A server killed a moment before: its socket took the request and broke (ReadError), so the fresh-clone CI of
    2026-12-06 saw "The request ... failed: ReadError" instead of "Cannot reach" once."""
    calls = []

    def broken(request):
        calls.append(request)
        raise httpx.ReadError("connection reset", request=request)

    gen = OpenAIHTTPGenerator("http://127.0.0.1:1/v1", timeout=5, connect_retries=1, load=False,
                              transport=httpx.MockTransport(broken))
    with pytest.raises(ModelError, match="Cannot reach the LLM server"):
        list(gen.stream(MESSAGES))
    assert len(calls) == 2  # tried again once, as for a refused connection
