"""Bron with the LLM behind a real OpenAI-compatible server: llama-cpp-python's `python -m llama_cpp.server`
running the default GGUF on 127.0.0.1 (needs the [server] extra: sse-starlette, starlette-context,
pydantic-settings; pinned in pyproject.toml).

The same Dutch, German and cross-lingual questions as test_answers.py must be answered correctly, with
citations of the right articles, through the HTTP backend (llm_url); and a server killed in the middle of
an answer must give the clear ModelError, not a traceback or a half answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from rag.config import Settings
from rag.errors import ModelError
from rag.evaluation import answer_correct
from rag.language import detect
from tests.integration.test_answers import CASES

pytestmark = pytest.mark.integration

STARTUP_SECONDS = 600  # loading the 1.1 GB model on 2 busy cores


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(log_path):
    from rag.models import resolve_llm

    model = resolve_llm(Settings.load())
    port = _free_port()
    log = open(log_path, "wb")  # closed by _stop
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--interrupt_requests", "False", "--n_ctx", "4096"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"llama_cpp.server exited ({proc.returncode}):\n"
                               + log_path.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(url + "/models", timeout=2).status_code == 200:
                return proc, url, log
        except httpx.HTTPError:
            pass
        time.sleep(1)
    _stop(proc, log)
    raise RuntimeError(f"llama_cpp.server did not answer /v1/models within {STARTUP_SECONDS} s")


def _stop(proc, log) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, url, log = _start_server(tmp_path_factory.mktemp("llm-server") / "server.log")
    yield url
    _stop(proc, log)


@pytest.fixture(scope="module")
def http_assistant(server, tmp_path_factory, seeds_copy, embedder):
    from rag.answering import Assistant
    from rag.llm.openai_http import OpenAIHTTPGenerator

    settings = Settings.load(index="itest-http", index_dir=tmp_path_factory.mktemp("indexes"), seeds_dir=seeds_copy,
                             llm_url=server)
    asst = Assistant(settings)
    asst._embedder = embedder
    asst.sync_index(progress=False)
    asst.load()
    assert isinstance(asst.generator, OpenAIHTTPGenerator)
    assert asst.generator.model_name  # the served model's name, from /v1/models
    return asst


@pytest.mark.parametrize("question, answers, articles", CASES, ids=["nl", "de-to-de", "en-to-nl"])
def test_answers_through_the_server_with_citations(http_assistant, question, answers, articles):
    res = http_assistant.answer(question)
    assert not res.abstained, res.text
    assert answer_correct(res.text, answers), res.text
    assert res.citations, res.text
    assert {c.doc_id for c in res.citations} <= articles, [c.doc_id for c in res.citations]
    assert res.language == detect(question)
    for c in res.citations:
        assert http_assistant.data.documents[c.doc_id].text[c.start:c.end] == c.text
    assert res.timings["first_token_ms"] > 0 and res.timings["completion_tokens"] > 0


def test_server_killed_mid_stream_gives_a_clear_error(tmp_path):
    from rag.llm import make_generator

    proc, url, log = _start_server(tmp_path / "server.log")
    try:
        generator = make_generator(Settings.load(llm_url=url))
        messages = [{"role": "user", "content": "Write a long story of at least 300 words about a lighthouse."}]
        received = []
        with pytest.raises(ModelError) as info:
            for piece in generator.stream(messages, max_tokens=400, temperature=0.0):
                received.append(piece)
                if len(received) == 3:
                    os.killpg(proc.pid, signal.SIGKILL)
        assert received, "the stream never started"
        assert "closed the stream in the middle" in info.value.message, info.value
        assert info.value.remedy
        with pytest.raises(ModelError, match="Cannot reach the LLM server"):  # and afterwards: server down
            list(generator.stream(messages, max_tokens=10))
    finally:
        _stop(proc, log)
