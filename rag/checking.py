"""Checking the model's answer: verified citations and quotes, or an abstention that says why.

Rules for numbers, names and subjects are in rag.verification; this decides, in order, which of them makes
an answer abstain (abstain reasons: README, "How answers are checked")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag import verification as v
from rag.results import Answer, Passage

if TYPE_CHECKING:
    from rag.config import Settings


def checked_answer(settings: Settings, question: str, language: str, text: str, passages: list[Passage],
                   abstain: str, timings: dict, confidence: float | None = None,
                   abstain_probability: float | None = None) -> Answer:
    """Turn the model's text into an Answer: verified citations and quotes, or an abstention with its reason.

    Order matters for the strictness trade-off that `bron eval` reports: verification runs first, so an
    answer that abstains only for uncertainty ("uncertain") is known to have passed verification."""
    draft = text = text.strip()

    def abstained(reason: str, notes: list[str]) -> Answer:
        return Answer(question, abstain, language, True, [], passages, timings, notes, confidence,
                      abstain_probability, reason, draft)

    if not text or text.startswith(abstain):
        return abstained("model", [])
    rejected = f"the model's rejected answer: {text}"
    if confidence is not None and confidence < settings.min_confidence:
        return abstained("unsure", [f"abstained: the model was unsure of its answer (confidence {confidence:.2f}"
                                    f" < min_confidence {settings.min_confidence:.2f})", rejected])
    text = v.cite_before_full_stop(v.remove_invalid_citations(text, {p.n for p in passages}))
    notes: list[str] = []
    if settings.verify:
        text, notes = v.repair_scales(text, "\n".join(p.text for p in passages), language)
        checked, made_up, check_notes = v.check_answer(text, question, passages, language)
        notes += check_notes
        if made_up:  # keep what the model said, for the eval report and debugging
            return abstained("unsupported", notes + [rejected])
        text = checked
        cited = set(v.citation_numbers(text))
        if v.restates_question(text, question, language):
            return abstained("off-subject", notes + ["abstained: the answer only repeats a name the question "
                                                     "gives", rejected])
        off_subject = v.subject_missing(question, [p.text for p in passages if p.n in cited], language)
        if off_subject:
            return abstained("off-subject", notes + [
                f"abstained: the cited passages do not mention {', '.join(off_subject)}, which the question "
                "asks about", rejected])
    threshold = 1 - settings.strictness
    if settings.strictness and abstain_probability is not None and abstain_probability >= threshold:
        return abstained("uncertain", [f"abstained: the model's probability that the sources do not answer "
                                       f"this is {abstain_probability:.2f} (strictness {settings.strictness}"
                                       f" abstains from {threshold:.2f})", rejected])
    citations, citation_notes = v.build_citations(text, passages)
    notes += citation_notes
    missing = v.unsupported_facts(text, question, [c.text for c in citations], language)
    if missing:
        notes.append("not found in the cited passages: " + ", ".join(missing))
    return Answer(question, text, language, False, citations, passages, timings, notes, confidence,
                  abstain_probability, "", draft)
