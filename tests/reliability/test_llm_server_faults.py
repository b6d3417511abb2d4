"""A misbehaving OpenAI-compatible server, started by each test on 127.0.0.1 (issue 26): JSON of the wrong
shape, a stream without end (text past max_tokens, keep-alive comments only, slow text), bytes without a
line break. Each is one ModelError with the remedy (exit status 2 in the CLI), within llm_total_timeout
and a bounded line, never a traceback or memory without bound."""

from __future__ import annotations

import itertools
import time

import pytest

from rag.cli import main
from rag.config import PROJECT_DIR
from rag.errors import ModelError
from rag.llm.openai_http import OpenAIHTTPGenerator
from tests.support.hostile import HostileLLM, delta, forever, run_measured, sse

QUESTION = [{"role": "user", "content": "Hoeveel geld krijgt Stargate?"}]
STOP = sse({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
WRONG_SHAPES = {  # event -> the field the message names
    "choices a string": ({"choices": "500 miljard"}, "choices is str"),
    "a choice a number": ({"choices": [7]}, "choices[0] is int"),
    "delta a string": ({"choices": [{"delta": "500"}]}, "choices[0].delta is str"),
    "content an integer": ({"choices": [{"delta": {"content": 500}}]}, "choices[0].delta.content is int"),
    "finish_reason a list": ({"choices": [{"delta": {}, "finish_reason": ["stop"]}]}, "finish_reason is list"),
    "usage an integer": ({"choices": [], "usage": 42}, "usage is int"),
    "usage counts as text": ({"choices": [], "usage": {"prompt_tokens": "many"}}, "usage.prompt_tokens is str"),
    "logprobs a string": ({"choices": [{"delta": {"content": "5"}, "logprobs": "high"}]},
                          "choices[0].logprobs is str"),
    "a logprob as text": ({"choices": [{"delta": {"content": "5"}, "logprobs": {"content": [
        {"token": "5", "logprob": "-0.1"}]}}]}, "logprobs.content[0].logprob is str"),
    "a positive logprob": ({"choices": [{"delta": {"content": "5"}, "logprobs": {"content": [
        {"token": "5", "logprob": 3.5}]}}]}, "logprobs.content[0].logprob is float"),
    "an alternative a string": ({"choices": [{"delta": {"content": "5"}, "logprobs": {"content": [
        {"token": "5", "logprob": -0.1, "top_logprobs": ["5"]}]}}]}, "top_logprobs[0] is str"),
    "the event a list": ([1, 2, 3], "the event is list"),
}


def _generator(url: str, **kwargs) -> OpenAIHTTPGenerator:
    return OpenAIHTTPGenerator(url, timeout=kwargs.pop("timeout", 5.0), connect_retries=0, **kwargs)


def _fails(server: HostileLLM, max_tokens: int = 50, **kwargs) -> tuple[ModelError, float]:
    generator = _generator(server.url, **kwargs)
    started = time.monotonic()
    with pytest.raises(ModelError) as info:
        for _ in generator.stream(QUESTION, max_tokens=max_tokens):
            pass
    generator.close()
    return info.value, time.monotonic() - started


@pytest.mark.parametrize("case", WRONG_SHAPES)
def test_json_of_the_wrong_shape_names_the_field(case):
    event, field = WRONG_SHAPES[case]
    with HostileLLM(lambda: [delta("500"), sse(event), STOP, sse("[DONE]")]) as server:
        error, _ = _fails(server)
    assert "sent a stream event of the wrong shape" in error.message and field in error.message, error.message
    assert "OpenAI-compatible" in error.remedy


def test_null_choices_and_usage_are_allowed():
    events = [sse({"choices": None}), delta("500 miljard [1]."), sse({"choices": [], "usage": None}), STOP,
              sse("[DONE]")]
    with HostileLLM(lambda: events) as server:
        assert "".join(_generator(server.url).stream(QUESTION)) == "500 miljard [1]."


@pytest.mark.parametrize("body, expected", [
    (forever(delta(" blah")), "sent more than max_tokens (50) tokens"),
    (lambda: [delta("x" * 500_000)], "sent more than max_tokens (50) tokens"),
], ids=["text without end", "one huge token"])
def test_a_server_that_ignores_max_tokens_is_stopped(body, expected):
    with HostileLLM(body) as server:
        error, seconds = _fails(server, max_tokens=50)
        assert expected in error.message and "ignores max_tokens" in error.remedy
        assert seconds < 5
        time.sleep(0.5)
        assert server.open == 0  # the client hung up: the server stopped sending


@pytest.mark.parametrize("body", [forever(b": keep-alive\n\n", 0.01), forever(delta(" en"), 0.5)],
                         ids=["keep-alive comments only", "slow text without end"])
def test_a_stream_without_end_is_stopped_at_llm_total_timeout(body):
    with HostileLLM(body) as server:
        error, seconds = _fails(server, max_tokens=200, total_timeout=2.0)
    assert "still streaming after 2 s" in error.message and "llm_total_timeout" in error.remedy
    assert 2.0 <= seconds < 2.0 + 1.5  # the limit, plus at most one pause of the server


def test_a_model_list_without_end_is_cut_at_1_mb():
    with HostileLLM(lambda: [], models=forever(b'{"data": [' + b'{"id": "m"}, ' * 5000)) as server:
        started = time.monotonic()
        with pytest.raises(ModelError) as info:
            _generator(server.url)
    assert "did not answer with a model list" in info.value.message and time.monotonic() - started < 10


STREAM = """
from rag.errors import ModelError
from rag.llm.openai_http import OpenAIHTTPGenerator
try:
    for _ in OpenAIHTTPGenerator(sys.argv[1], timeout=10.0, connect_retries=0).stream(
            [{"role": "user", "content": "Hoeveel?"}], max_tokens=50):
        pass
except ModelError as exc:
    print(exc.message)
"""


@pytest.mark.parametrize("body", [forever(b"x" * 65536), lambda: itertools.chain([b"data: "], forever(b"y" * 65536)())],
                         ids=["bytes without a newline", "a data line without end"])
def test_bytes_without_a_line_break_stop_at_1_mb(body):
    with HostileLLM(body) as server:
        output, usage = run_measured(STREAM, server.url, cwd=PROJECT_DIR, timeout=120)
    print(usage)  # the numbers in the report: pytest -s
    assert "sent a stream line of more than 1,048,576 characters" in output, output
    assert usage["peak_rss_mb"] < 1024 and usage["seconds"] < 10, usage


@pytest.mark.parametrize("body, expected", [
    (lambda: [delta("500"), sse({"choices": "500 miljard"}), sse("[DONE]")], "of the wrong shape"),
    (forever(b": keep-alive\n\n", 0.01), "still streaming after 2 s"),
    (forever(b"z" * 65536), "more than 1,048,576 characters"),
], ids=["wrong shape", "keep-alive only", "no newline"])
def test_bron_ask_says_what_the_server_did_and_exits_2(small_index, bron_toml, capsys, body, expected):
    small_index()
    with HostileLLM(body) as server:
        config = bron_toml(llm_url=server.url, llm_timeout=5.0, llm_total_timeout=2.0)
        assert main(["--config", config, "ask", "Hoeveel geld krijgt Stargate?", "--json"]) == 2
    err = capsys.readouterr().err  # after the embedder's progress bar:
    message = err[err.index("error: "):].splitlines()
    assert message[0].startswith("error: The LLM server at ") and expected in message[0], err
    assert len(message) == 2 and message[1].startswith("  -> ") and "Traceback" not in err
