"""The translation fallback (rag.translation): the prompt it sends and what it accepts back.

The model is a scripted stand-in (logic around it); the real model's translations are measured with `bron eval`
(benchmarks/results, 2026-12-04 fourth session)."""
from rag.config import PROJECT_DIR
from rag.llm import Generator
from rag.translation import translate

PROMPTS = PROJECT_DIR / "prompts"


class Scripted(Generator):
    model_name = "scripted"

    def __init__(self, text: str):
        self.text, self.calls = text, []

    def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        self.calls.append(messages)
        yield self.text


def test_the_answer_is_sent_after_the_language_name_and_worked_examples():
    model = Scripted("Weit unter zehn Milliarden Dollar [2].")
    assert translate(model, PROMPTS, "Ruim onder de tien miljard dollar [2].", "de") == \
        "Weit unter zehn Milliarden Dollar [2]."
    messages = model.calls[0]
    assert messages[0]["role"] == "system" and "German" in messages[0]["content"]
    assert messages[-1] == {"role": "user", "content": "German: Ruim onder de tien miljard dollar [2]."}
    assert [m["role"] for m in messages[1:-1]] == ["user", "assistant"] * ((len(messages) - 2) // 2)


def test_a_translation_that_loses_a_citation_is_not_used():
    assert translate(Scripted("Weit unter zehn Milliarden Dollar."), PROMPTS, "Ruim tien miljard [2].", "de") == ""


def test_only_the_first_line_is_the_translation():
    model = Scripted("The chips are made in Taiwan [1].\nNote: translated from Dutch.")
    assert translate(model, PROMPTS, "De chips worden in Taiwan gemaakt [1].", "en") == \
        "The chips are made in Taiwan [1]."


def test_a_translation_that_changes_a_number_is_not_used():
    answer = "Ruim onder de tien miljard dollar [2]."
    assert translate(Scripted("Deutlich unter zehnten Milliarden Dollar [2]."), PROMPTS, answer, "de") == ""
    assert translate(Scripted("Weit unter zwanzig Milliarden Dollar [2]."), PROMPTS, answer, "de") == ""


def test_a_number_written_another_way_is_the_same_number():
    answer = "Ruim onder de tien miljard dollar [2]."
    assert translate(Scripted("Weit unter 10 Milliarden Dollar [2]."), PROMPTS, answer, "de") == \
        "Weit unter 10 Milliarden Dollar [2]."
