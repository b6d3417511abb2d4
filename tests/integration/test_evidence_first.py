"""Evidence first and the second reading with the real embedder, FAISS index and GGUF model (rag.evidence,
rag.second_reading): the answer names its sentence, which the citation carries, and the stream hides it."""

from dataclasses import replace

import pytest

from rag.evaluation import answer_correct
from rag.results import Answer, Found
from rag.textrules import split_sentences

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def evidence_assistant(assistant):
    from rag.answering import Assistant

    settings = replace(assistant.settings, evidence_first=True, second_reading=True)
    return Assistant(settings, generator=assistant.generator, retriever=assistant.retriever)


def test_the_answer_cites_the_sentence_it_named_and_the_stream_does_not_show_it(evidence_assistant):
    items = list(evidence_assistant.stream("How old is Sam Altman?"))
    assert isinstance(items[0], Found) and isinstance(items[-1], Answer)
    streamed, res = "".join(items[1:-1]), items[-1]
    assert "Evidence" not in streamed and "[1." not in streamed, streamed
    assert not res.abstained and answer_correct(res.text, ["39"]), res.text
    quote = res.citations[0].quote
    assert "39" in quote and quote in split_sentences(res.citations[0].text), quote  # one sentence of the passage
    assert 0 < res.stated_probability <= 1 and res.timings["second_reading_ms"] > 0


def test_a_question_the_sentences_do_not_answer_abstains(evidence_assistant):
    res = evidence_assistant.answer("Wie viele Parameter hat das Sprachmodell Grok?")
    assert res.abstained and res.text == "Das steht nicht in den Quellen.", res.text
    assert res.citations == [] and res.passages
