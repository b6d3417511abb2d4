"""An answer the checks reject, asked for once more (rag.retries): logic around the model, with a scripted
generator in its place (the real model: tests/integration/test_answer_again.py)."""
from types import SimpleNamespace

import pytest

from rag import pipeline
from rag.config import Settings
from rag.evidence import grammar
from rag.llm import Generation, Generator
from rag.prompting import prompts_for
from rag.results import AbstainReason, Passage

PASSAGES = [Passage(1, "a", "SpaceX", None, "a#0", "SpaceX wil uiteindelijk een volledige beschaving op Mars "
                    "stichten. Het bedrijf lanceerde in 2025 meer dan 160 raketten.", 0, 120, 0.1, 0.8, "nl")]
QUESTION = "Op welke planeet wil SpaceX een volledige beschaving stichten?"


class Scripted(Generator):
    """Answers with the scripted texts in turn and keeps the grammar each answer was asked with."""

    model_name = "scripted"

    def __init__(self, *texts: str):
        self.texts, self.grammars = list(texts), []

    def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        self.grammars.append(grammar)
        text = self.texts.pop(0)
        if record is not None:
            record.text, record.completion_tokens = text, 5
        yield text

    def stream_passages(self, prompt, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        return self.stream([], max_tokens, temperature, grammar, record, abstain)


def ask(*texts: str, answer_again: bool = True):
    settings = Settings(answer_again=answer_again, second_reading=False, passage_sentences=0)
    parts = SimpleNamespace(settings=settings, generator=Scripted(*texts), retriever=SimpleNamespace(embedder=None))
    q = pipeline.Question(QUESTION)
    q.language, q.prompts, q.question = "nl", prompts_for(settings, "nl"), QUESTION
    q.retrieval = SimpleNamespace(passages=PASSAGES, filter=None)
    q.timings = {"first_token_ms": 0.0}
    shown = []
    for stage in (pipeline.generate, pipeline.respell, pipeline.read_again, pipeline.qualify, pipeline.check):
        shown += list(stage(parts, q))
    return q, parts.generator, "".join(shown)


@pytest.mark.parametrize("avoid, first", [("S", "[^\\[\\]\\n Ss]"), ("9", "[^\\[\\]\\n 9]"),
                                          ("", None)], ids=["letter", "digit", "nothing"])
def test_the_grammar_bars_the_answers_first_letter_in_either_case(avoid, first):
    rules = grammar({(1, 1): "x"}, avoid=avoid)
    answer = rules.splitlines()[-1]
    assert answer == (f"answer ::= {first} [^\\[\\]\\n]*" if first else "answer ::= [^\\[\\]\\n]+")


def test_a_rejected_answer_is_asked_for_again_and_the_new_answer_is_checked_and_shown():
    q, model, shown = ask("Evidence: [1.1]\nSpaceX.", "Evidence: [1.1]\nOp Mars.")
    assert q.verdict.text == "Op Mars [1]." and not q.verdict.abstained
    assert model.grammars[1] == grammar({(1, 1): "", (1, 2): ""}, avoid="S")  # the first answer's letter barred
    assert "Op Mars [1]." in shown
    assert any("first answer (SpaceX [1].) did not hold (off-subject)" in note for note in q.answer().notes)


def test_a_second_answer_that_fails_too_leaves_the_first_verdict_with_a_note():
    q, _, _ = ask("Evidence: [1.1]\nSpaceX.", "Evidence: [1.2]\n300 raketten.")
    assert q.verdict.abstained and q.verdict.reason == AbstainReason.OFF_SUBJECT
    assert q.verdict.draft == "SpaceX [1]." and q.model_answer == "SpaceX."
    assert any("asked again for an answer that begins otherwise: 300 raketten [1]. (abstained: unsupported)" in note
               for note in q.verdict.notes)


def test_the_model_abstaining_the_second_time_abstains():
    q, _, _ = ask("Evidence: [1.1]\nSpaceX.", "Evidence: none")
    assert q.verdict.abstained and q.verdict.reason == AbstainReason.OFF_SUBJECT


@pytest.mark.parametrize("texts, answer_again", [
    (("Evidence: [1.1]\nSpaceX.",), False),  # off
    (("Evidence: [1.1]\nMars.",), True),  # the first answer holds
    (("Evidence: none",), True),  # the model abstained: not a rejected answer
], ids=["off", "answer-holds", "model-abstained"])
def test_no_second_answer_is_asked_for(texts, answer_again):
    _, model, _ = ask(*texts, answer_again=answer_again)
    assert len(model.grammars) == 1


def test_a_second_try_adds_its_tokens_to_the_record():
    q, _, _ = ask("Evidence: [1.1]\nSpaceX.", "Evidence: [1.1]\nOp Mars.")
    assert isinstance(q.generation, Generation) and q.generation.completion_tokens == 10
