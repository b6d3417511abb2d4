"""What a right answer looks like in the integration tests, whichever backend wrote it (local GGUF or server)."""

from __future__ import annotations

from rag.evaluation import answer_correct
from rag.language import detect

CASES = [
    # (question, acceptable answers, articles that state it)
    ("Hoeveel geld moet er in Stargate vloeien?", ["500 miljard"], {"000_fb622f302fa41b5f", "002_9fe74c200e61e5f7"}),
    ("Wie viel Geld stellt Chinas National AI Industry Investment Fund bereit?", ["8,2 Milliarden", "8.2"],
     {"002_9fe74c200e61e5f7"}),
    ("How much money did xAI burn in the first nine months of 2025?", ["9 billion", "9 miljard"],
     {"001_7cb9b078a8c546f5"}),
]
CASE_IDS = ["nl", "de-to-de", "en-to-nl"]


def assert_cited_answer(assistant, res, question: str, answers: list[str], articles: set[str]) -> None:
    """Answered (not abstained) with a gold answer, in the question's language, citing only the articles that
    state it, each citation's text exactly the article's text at its offsets, with its timings recorded."""
    assert not res.abstained, res.text
    assert answer_correct(res.text, answers), res.text
    assert res.citations, res.text
    assert {c.doc_id for c in res.citations} <= articles, [c.doc_id for c in res.citations]
    assert res.language == detect(question)
    for c in res.citations:
        assert assistant.data.documents[c.doc_id].text[c.start:c.end] == c.text
    assert res.timings["first_token_ms"] > 0 and res.timings["completion_tokens"] > 0
