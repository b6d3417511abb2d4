"""Bron with the LLM behind a real OpenAI-compatible server: llama-cpp-python's `python -m llama_cpp.server`
running the default GGUF on 127.0.0.1 (needs the [server] extra: sse-starlette, starlette-context,
pydantic-settings; pinned in pyproject.toml).

The same Dutch, German and cross-lingual questions as test_answers.py must be answered correctly, with
citations of the right articles, through the HTTP backend (llm_url); and a server killed in the middle of
an answer must give the clear ModelError, not a traceback or a half answer."""

from __future__ import annotations

import pytest

from rag.config import Settings
from rag.errors import ModelError
from tests.support.answers import CASE_IDS, CASES, assert_cited_answer
from tests.support.servers import start_llm_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_llm_server(tmp_path_factory.mktemp("llm-server") / "server.log") as llm:
        yield llm.url


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


@pytest.mark.parametrize("question, answers, articles", CASES, ids=CASE_IDS)
def test_answers_through_the_server_with_citations(http_assistant, question, answers, articles):
    assert_cited_answer(http_assistant, http_assistant.answer(question), question, answers, articles)


def test_server_killed_mid_stream_gives_a_clear_error(tmp_path):
    from rag.llm import make_generator

    with start_llm_server(tmp_path / "server.log") as llm:
        generator = make_generator(Settings.load(llm_url=llm.url))
        messages = [{"role": "user", "content": "Write a long story of at least 300 words about a lighthouse."}]
        received = []
        with pytest.raises(ModelError) as info:
            for piece in generator.stream(messages, max_tokens=400, temperature=0.0):
                received.append(piece)
                if len(received) == 3:
                    llm.kill()
        assert received, "the stream never started"
        assert "closed the stream in the middle" in info.value.message, info.value
        assert info.value.remedy
        with pytest.raises(ModelError, match="Cannot reach the LLM server"):  # and afterwards: server down
            list(generator.stream(messages, max_tokens=10))
