"""Answers read through passage KV states (rag.llm.passage_states) with the real GGUF model."""

from __future__ import annotations

import pytest

from rag.config import Settings
from tests.support.answers import CASES, assert_cited_answer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def with_states(assistant, tmp_path_factory):
    """The session's assistant's index and embedder, with passage states on in a folder of its own."""
    from rag.answering import Assistant

    folder = tmp_path_factory.mktemp("states")
    settings = Settings.load(**{**assistant.settings.as_dict(), "passage_states": True, "passage_states_dir": folder})
    asst = Assistant(settings)
    asst._embedder = assistant.embedder
    return asst.load()


@pytest.mark.parametrize("question, answers, articles", CASES[:2], ids=["nl", "de"])
def test_a_question_is_answered_with_a_citation_from_passage_states(with_states, question, answers, articles):
    first = with_states.answer(question)  # the states are computed on the spot
    assert_cited_answer(with_states, first, question, answers, articles)
    assert first.timings.get("states_computed", 0) >= 1
    again = with_states.answer(question)  # now every passage comes from its state
    assert_cited_answer(with_states, again, question, answers, articles)
    assert again.timings.get("states_restored") == len(again.passages) and "states_computed" not in again.timings
    assert again.text == first.text
    assert 0 < again.confidence <= 1  # the sampler still reports the model's probabilities
    assert list(settings_files(with_states))  # kept on disk for the next process


def settings_files(asst):
    return asst.settings.passage_states_path.glob("*/*.kvs")
