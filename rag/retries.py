"""Asking the model once more, with the prompt and its first answer still in the KV cache: in the question's
language when the first answer was in another one, and for another answer when the checks rejected the first.

Why the second: an answer the checks reject (a fact its sentence lacks, only the question's own number, an
amount where a date was asked) is often a wrong pick from the right sentence: "9 miljard dollar" to "over which
period did xAI burn 9 billion dollars?", "SpaceX" to "on which planet does SpaceX want a civilisation?". Asked
again with the grammar forbidding the first answer's opening letter, the model gives its next answer or "none";
that answer goes through every check again, so nothing unchecked is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from rag.results import AbstainReason, Note

if TYPE_CHECKING:
    from rag.checking import Verdict
    from rag.question_record import Parts, Question

# The checks whose rejection says "this answer is wrong", not "the sources do not say it": worth another answer.
# Not other-time or not-stated (the sentence itself is wrong), nor the model's own abstention.
ANSWER_AGAIN_AFTER = (AbstainReason.UNSUPPORTED, AbstainReason.OFF_SUBJECT, AbstainReason.WRONG_KIND,
                      AbstainReason.REPEATED)


def cited(q: Question, raw: str) -> str:
    """The model's text as an answer with [n] citations; in the evidence layout, read its evidence first."""
    if not q.prompts.evidence:
        return raw
    from rag.evidence import parse

    q.evidence = parse(raw)
    q.model_answer = q.evidence.answer
    return q.evidence.cited_text(q.prompts.abstain)


def retry_in_language(parts: Parts, q: Question, raw: str) -> Iterator[str]:
    """One retry in the question's language; the prompt and the first answer are in the KV cache. Still in another
    language and with `translate_answers`, the answer translated by a prompt of its own."""
    from rag import language as lang
    from rag.llm import Generation
    from rag.translation import translated_answer

    settings, prompts, record = parts.settings, q.prompts, q.generation
    retry = Generation()
    messages = prompts.messages(q.question, q.read) + [
        {"role": "assistant", "content": raw}, {"role": "user", "content": prompts.retry}]
    first_evidence = q.evidence
    second_raw = "".join(parts.generator.stream(messages, settings.max_tokens, settings.temperature, q.grammar,
                                                retry, q.abstain_path))
    second = cited(q, second_raw)
    if lang.answer_language_ok(second, q.language):
        q.notes.append(Note(f"rewritten in {q.language}: the first answer was in another language"))
        q.draft = second
        record.token_logprobs = retry.token_logprobs
        record.abstain_logprob = retry.abstain_logprob
        yield "\n\n" + second
    else:
        q.evidence = first_evidence
        text = settings.translate_answers and translated_answer(parts.generator, settings.prompts_dir, q.draft,
                                                                 q.language, retry)  # rag.translation
        if text:
            q.notes.append(Note(f"translated into {q.language}: the answer was twice in another language"))
            q.draft = text
            yield "\n\n" + text
    record.completion_tokens += retry.completion_tokens


def worth_answering_again(parts: Parts, q: Question) -> bool:
    """`answer_again` is on, the checks rejected the model's answer as wrong, and a grammar can make the next
    answer begin otherwise (the evidence layout's answer line, opening with a letter or digit)."""
    return bool(parts.settings.answer_again and q.verdict is not None and q.verdict.reason in ANSWER_AGAIN_AFTER
                and q.grammar and q.evidence is not None and q.evidence.labels
                and q.model_answer.lstrip()[:1].isalnum())


def answer_again(parts: Parts, q: Question, after_model: Iterable[Callable[[Parts, Question], Iterator[str]]],
                 verdict: Callable[[Parts, Question], Verdict]) -> Iterator[str]:
    """The model asked once more, its answer barred from beginning as the rejected one did, then put through the
    stages after the model (`after_model`) and the checks (`verdict`) again. Rejected too, the first verdict
    stands (with a note of the second answer); otherwise the second answer is the answer."""
    from dataclasses import replace

    from rag.evidence import grammar, sentence_table
    from rag.llm import Generation

    settings, record = parts.settings, q.generation
    first = (q.verdict, q.draft, q.evidence, q.model_answer, q.located, q.reading, len(q.notes),
             record.token_logprobs, record.abstain_logprob)
    again = Generation()
    raw = "".join(parts.generator.stream(
        q.prompts.messages(q.question, q.read), settings.max_tokens, settings.temperature,
        grammar(sentence_table(q.read), avoid=q.model_answer.lstrip()[:1]), again, q.abstain_path))
    record.completion_tokens += again.completion_tokens
    record.token_logprobs, record.abstain_logprob = again.token_logprobs, again.abstain_logprob
    q.draft, q.located, q.reading = cited(q, raw), None, None
    for stage in after_model:
        yield from stage(parts, q)
    second = verdict(parts, q)
    if second.abstained:
        (q.verdict, q.draft, q.evidence, q.model_answer, q.located, q.reading, count, record.token_logprobs,
         record.abstain_logprob) = first
        del q.notes[count:]
        q.verdict = replace(q.verdict, notes=[*q.verdict.notes, Note(
            f"asked again for an answer that begins otherwise: {second.draft or q.prompts.abstain} "
            f"(abstained: {second.reason})")])
        return
    q.notes.append(Note(f"the first answer ({first[0].draft}) did not hold ({first[0].reason}); asked again for an "
                        "answer that begins otherwise"))
    q.verdict = second
    yield "\n\n" + second.text
