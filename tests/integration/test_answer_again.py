"""`answer_again` with the real embedder, FAISS index and GGUF model (rag.retries): an answer the checks reject is
asked for once more, the grammar barring its first letter, and the new answer is checked like any other."""

from dataclasses import replace

import pytest

from rag.verification import unsupported_facts

pytestmark = pytest.mark.integration

# Questions whose first answer the checks reject on this model (gold.jsonl 001-14, 001-17, none-03; 2026-12-06):
# "Netwerk Musk-Unternehmen" (Muskonomy), "100.000 Roboter" (a million), an amount for a headcount
QUESTIONS = [("Wie wird das Netzwerk der miteinander verbundenen Musk-Unternehmen genannt?", "de"),
             ("Wie viele Optimus-Roboter will Tesla produzieren?", "de"), ("Hoeveel werknemers heeft xAI?", "nl")]
REJECTED = ("unsupported", "off-subject", "wrong-kind")


@pytest.fixture(scope="module")
def again_assistant(assistant):
    from rag.answering import Assistant

    settings = replace(assistant.settings, answer_again=True)
    return Assistant(settings, generator=assistant.generator, retriever=assistant.retriever)


def test_a_rejected_answer_is_asked_for_again_and_what_stands_is_checked(assistant, again_assistant):
    rejected = [(question, language, first) for question, language in QUESTIONS
                for first in [assistant.answer(question)] if first.abstained and first.abstain_reason in REJECTED]
    if not rejected:
        pytest.skip("the model's first answers all held on this CPU: no rejected answer to ask for again")
    for question, language, first in rejected:
        res = again_assistant.answer(question)
        assert len([n for n in res.notes if "asked again" in n]) == 1, res.notes
        if res.abstained:  # rejected too: the first verdict stands, with a note of the second answer
            assert res.abstain_reason == first.abstain_reason and res.draft == first.draft
        else:  # it stands: it begins otherwise, and its facts are in the sentence it cites
            assert res.text[0].lower() != first.draft[0].lower(), (first.draft, res.text)
            assert res.citations and not unsupported_facts(res.text, question, [c.quote for c in res.citations],
                                                           language)
