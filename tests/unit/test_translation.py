"""The translation fallback (rag.translation): the prompt it sends and what it accepts back.

The model is a scripted stand-in (logic around it); the real model's translations are measured with `bron eval`
(benchmarks/results, 2026-12-04 fourth session)."""
from rag.config import PROJECT_DIR
from rag.llm import Generator
from rag.translation import in_answer_language, question_prompt, translate, translate_question

PROMPTS = PROJECT_DIR / "prompts"


class Scripted(Generator):
    model_name = "scripted"

    def __init__(self, text: str):
        self.text, self.calls = text, []

    last = None  # the messages the last Scripted model was sent

    def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        self.calls.append(messages)
        Scripted.last = messages
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


def test_a_question_is_sent_after_its_own_worked_examples_and_comes_back_as_written():
    model = Scripted("Wie viel hat Tesla letztes Jahr in xAI investiert?")
    question = "Hoeveel heeft Tesla vorig jaar in xAI geïnvesteerd?"
    assert translate_question(model, PROMPTS, question, "de") == "Wie viel hat Tesla letztes Jahr in xAI investiert?"
    messages = model.calls[0]
    assert "question" in messages[0]["content"]
    assert messages[-1] == {"role": "user", "content": f"German: {question}"}
    translate_question(Scripted("How much did Tesla invest in xAI last year?"), PROMPTS, question, "en")
    assert model.calls[0][:-1] == Scripted.last[:-1]  # one prefix for every language: one KV state


def test_the_prompt_cache_keeps_the_question_translations_instructions():
    prompt = question_prompt(PROMPTS)
    assert prompt.prefix_messages()[0]["content"] == prompt.system and len(prompt.examples) >= 4


def test_a_question_translation_that_drops_a_name_is_not_used():
    question = "Hoeveel heeft Tesla vorig jaar in xAI geïnvesteerd?"
    assert translate_question(Scripted("Wie viel hat Tesla letztes Jahr investiert?"), PROMPTS, question, "de") == ""


def test_a_question_translation_that_changes_a_number_is_not_used():
    question = "Hoeveel AI-capaciteit had China in 2025?"
    assert translate_question(Scripted("How much AI capacity did China have in 2024?"), PROMPTS, question, "en") == ""


def test_a_question_translation_in_another_language_or_not_a_question_is_not_used():
    question = "Hoe oud is Jensen Huang?"
    assert translate_question(Scripted("Wie alt ist Jensen Huang?"), PROMPTS, question, "en") == ""
    assert translate_question(Scripted("Jensen Huang is 62 years old."), PROMPTS, question, "en") == ""


def test_a_question_already_in_the_answer_language_is_not_sent():
    model = Scripted("unused?")
    assert in_answer_language(model, PROMPTS, "Wie alt ist Jensen Huang?", "de") == ("", 0.0)
    assert model.calls == []
    text, ms = in_answer_language(Scripted("How old is Jensen Huang?"), PROMPTS, "Hoe oud is Jensen Huang?", "en")
    assert text == "How old is Jensen Huang?" and ms >= 0


def test_the_instructions_state_is_restored_before_a_translation_is_sent_only():
    warmed = []
    model = Scripted("How old is Jensen Huang?")
    in_answer_language(model, PROMPTS, "Hoe oud is Jensen Huang?", "en", warmed.append)
    in_answer_language(model, PROMPTS, "How old is Jensen Huang?", "en", warmed.append)  # already English
    assert warmed == [question_prompt(PROMPTS)] and len(model.calls) == 1
