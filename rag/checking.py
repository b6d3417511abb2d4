"""Every reason to abstain, decided here and in this order (`AbstainReason` lists them in the same order).

Before the model runs (`before_model`): a follow-up that does not say what it asks and could not be resolved
(unresolved), and nothing found to read (no-passages). After it (`after_model`): the model's own abstention
(model), its low confidence (unsure), then verification with the rules of rag.verification: a fact in no cited
passage (unsupported), an answer that only repeats the question's name or passages that miss what it asks
about (off-subject), an answer of another kind than the question word asks for, e.g. an amount of money to
"how many employees" (wrong-kind, rag.answerkinds), an evidence sentence about another year, quarter or month
than the question names (other-time, rag.timeframes), a fragment follow-up answered with nothing but the last
answer's facts (repeated), and last the strictness threshold (uncertain). Verification
runs before the threshold, so an answer that abstains for uncertainty alone is known to have passed it (the
trade-off `bron eval` reports). README, "How answers are checked"."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rag import verification as v
from rag.answerkinds import wrong_kind
from rag.numbers import units_after
from rag.results import AbstainReason, Citation, Note, Passage
from rag.textrules import scale_power, split_words
from rag.timeframes import other_time
from rag.wordlists import word_lists

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rag.config import Settings
    from rag.evidence import Located

MOVED_MIN = 0.5  # evidence found away from the model's pointer stands only if the second reading says yes
MIN_EVIDENCE_WORDS = 2  # a named sentence with fewer words ("4.", a list mark split off as a sentence) states nothing


@dataclass(frozen=True)
class Verdict:
    """What the checks decided: the text to show (the checked answer, or the abstention sentence), and why
    Bron abstains (None: it answers), with the citations and the notes that say what changed."""

    text: str
    reason: AbstainReason | None = None
    citations: list[Citation] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    draft: str = ""  # what the model wrote, before it was repaired or rejected ("" when it did not run)

    @property
    def abstained(self) -> bool:
        return self.reason is not None


def before_model(question: str, language: str, rewrite_method: str, passages: list[Passage], filtered: bool,
                 abstain: str, prompts_dir: Path) -> Verdict | None:
    """The abstentions that need no model call, or None when the model should answer."""
    from rag.followups import asks_nothing
    from rag.textrules import subject_words

    if rewrite_method == "rejected" and (not subject_words(question, language)
                                         or asks_nothing(question, language, prompts_dir)
                                         or owner_unknown(question, language, prompts_dir)):
        # "Hoe oud is hij?" searched as asked finds someone's age, "And Stargate?" some fact about Stargate:
        # without knowing what is asked, no answer
        return Verdict(abstain, AbstainReason.UNRESOLVED, notes=[Note(
            "abstained: the follow-up does not say on its own what it asks, and the conversation could not tell; "
            "ask it again as a full question with the name")])
    if not passages:
        return Verdict(abstain, AbstainReason.NO_PASSAGES,
                       notes=[] if filtered else [Note("the index has no passages")])
    return None


def owner_unknown(question: str, language: str, prompts_dir: Path) -> bool:
    """Does a follow-up searched as asked still have a possessive no rule resolved ("dessen Bruttomarge", "Wovor
    hat dessen CEO die US-Regierung gewarnt?")? Then whose fact it asks is unknown, whatever else it names, and
    a passage on anyone's gross margin or anyone's CEO would answer it. Of the recorded follow-ups searched so,
    two were answered: one wrong ("Die KI-Branche"), one right (the articles hold one gross margin)."""
    from rag.pronouns import pronoun_hits
    from rag.wordlists import read_words

    marks = read_words("followup.toml", prompts_dir)
    return any(owner for _, owner in pronoun_hits(question, marks.get(language) or marks["en"], language))


def after_model(settings: Settings, question: str, language: str, text: str, passages: list[Passage],
                abstain: str, confidence: float | None = None, abstain_probability: float | None = None,
                evidence: Located | None = None, stated_probability: float | None = None,
                probe_probability: float | None = None, earlier: Sequence[tuple[str, str]] = (),
                asked: str = "") -> Verdict:
    """The model's text checked: verified citations and quotes, or an abstention with its reason.

    `evidence` (the sentences the model named, or where the facts were found, rag.evidence): the answer's
    names and numbers must be in those sentences, not just anywhere in the passage, and they are the
    citations' quotes. `stated_probability` (rag.second_reading): below `second_reading_min`, the sentence
    does not state it; evidence found elsewhere than where the model pointed needs the second reading's yes.
    `probe_probability` (rag.probe): below `probe_min`, likewise. `earlier` (the questions and answers of the turns a
    fragment follow-up may continue): an answer with only one of those answers' facts answers an earlier question.
    `asked` (a fragment follow-up as asked, when `question` is its rewrite): its own names must be in a cited
    passage."""
    draft = text = text.strip()

    def abstained(reason: AbstainReason, notes: list[str]) -> Verdict:
        return Verdict(abstain, reason, [], [Note(n) for n in notes], draft)

    if not text or text.startswith(abstain):
        return abstained(AbstainReason.MODEL, [])
    rejected = f"the model's rejected answer: {text}"
    if confidence is not None and confidence < settings.min_confidence:
        return abstained(AbstainReason.UNSURE, [f"abstained: the model was unsure of its answer (confidence "
                                                f"{confidence:.2f} < min_confidence {settings.min_confidence:.2f})",
                                                rejected])
    text = v.cite_before_full_stop(v.remove_invalid_citations(text, {p.n for p in passages}))
    notes: list[str] = []
    if settings.verify:
        text, notes, reason = _verify(text, question, language, passages, evidence, stated_probability, asked)
        if reason is not None:  # keep what the model said, for the eval report and debugging
            return abstained(reason, notes + [rejected])
    found = _another_question(settings, question, language, text, evidence, earlier, passages)
    if found:
        return abstained(found[0], notes + [found[1], rejected])
    if stated_probability is not None and stated_probability < settings.second_reading_min:
        return abstained(AbstainReason.NOT_STATED, notes + [
            f"abstained: read again alone, the named sentence states the answer with probability "
            f"{stated_probability:.2f} (second_reading_min {settings.second_reading_min:.2f})", rejected])
    if probe_probability is not None and probe_probability < settings.probe_min:
        return abstained(AbstainReason.NOT_STATED, notes + [
            f"abstained: the model's own state says the named sentence does not state the answer (probe "
            f"{probe_probability:.2f} < probe_min {settings.probe_min:.2f})", rejected])
    threshold = 1 - settings.strictness
    if settings.strictness and abstain_probability is not None and abstain_probability >= threshold:
        return abstained(AbstainReason.UNCERTAIN, [
            f"abstained: the model's probability that the sources do not answer this is {abstain_probability:.2f} "
            f"(strictness {settings.strictness} abstains from {threshold:.2f})", rejected])
    citations, citation_notes = v.build_citations(text, passages)
    if evidence:
        citations = [replace(c, quote=evidence.sentences[c.n]) if c.n in evidence.sentences else c
                     for c in citations]
    notes += citation_notes
    missing = v.unsupported_facts(text, question, [c.text for c in citations], language)
    if missing:
        notes.append("not found in the cited passages: " + ", ".join(missing))
    return Verdict(text, None, citations, [Note(n) for n in notes], draft)


def _another_question(settings: Settings, question: str, language: str, text: str, evidence: Located | None,
                      earlier: Sequence[tuple[str, str]],
                      passages: list[Passage]) -> tuple[AbstainReason, str] | None:
    """A true answer to another question, and why: of another kind than asked (wrong-kind), from a sentence
    about another period (other-time), or the last answer again to a fragment follow-up (repeated)."""
    named = " ".join(evidence.sentences.values()) if evidence else ""
    if settings.check_answer_kind:
        other_kind = wrong_kind(question, text, language, named)
        if other_kind:
            return AbstainReason.WRONG_KIND, other_kind
    if settings.check_timeframe and evidence:
        another_time = other_time(question, named, settings.prompts_dir, _written_in(evidence, passages))
        if another_time:
            return AbstainReason.OTHER_TIME, another_time
    if any(repeats(text, question, language, *turn) for turn in earlier):
        return AbstainReason.REPEATED, ("abstained: the answer states only what an earlier answer did, so it "
                                        "answers the earlier question, not the follow-up")
    return None


def _written_in(evidence: Located, passages: list[Passage]) -> int | None:
    """The year the evidence sentences' articles were written in, when they are all of one known year (it reads
    "vorig jaar" in them)."""
    from rag.filters import date_range

    spans = [date_range(p.date) for p in passages if p.n in evidence.sentences]
    years = {span[0].year for span in spans if span}
    return years.pop() if len(years) == 1 else None


def repeats(text: str, question: str, language: str, last_question: str, last_answer: str) -> bool:
    """Does a fragment's answer state numbers or names and only those of the last answer ("246 exaflops" again to
    "En tegen het einde van het jaar?")? A fragment changes one part of the last question, so its answer differs;
    the same facts mean the earlier question was answered (12 such answers in the recorded follow-up runs of
    2026-12-03/04, none of them right)."""
    numbers, names = v.facts_in(text, question, language)
    known_numbers, known_names = v.facts_in(last_answer, last_question, language)
    # a unit is compared below, beside its number, not as a name ("kW", German "Kilowatt", "Milliarden US-Dollar")
    names, known_names = ({n for n in found if not _amount_words(n)} for found in (names, known_names))
    if not (numbers or names) or not numbers <= known_numbers or not names <= known_names:
        return False
    known = units_after(v.strip_citations(last_answer))  # "100 gigawatt" after "100 kW": another fact
    return all(not unit or not known.get(number) or _same_unit(known[number], unit)
               for number, unit in units_after(v.strip_citations(text)).items() if number in numbers)


def _same_unit(one: str, other: str) -> bool:
    """ "miljard", "Milliarden" and "billion" are one scale in three languages (blind25 fv-29: "200 miljard euro"
    after "200 Milliarden Euro" answered the last question again); "kW" and "kilowatts" one unit."""
    scales = word_lists().scales
    return one == other or one in scales and other in scales and scales[one] == scales[other] or \
        _unit_token(one) is not None and _unit_token(one) == _unit_token(other)


def _amount_words(name: str) -> bool:
    """Is a "name" only the words of an amount, a unit or a scale ("Milliarden US-Dollar": German capitalises
    both)? blind32 fb32-02: "500 Milliarden US-Dollar" after "At least 500 billion dollars" answered the last
    question again, the scale and currency read as a name the last answer lacked."""
    return all(scale_power(word) is not None or _unit_token(word) is not None for word in name.split())


def _unit_token(word: str) -> str | None:
    """One token for a unit's spellings ("kW", "kilowatt", "kilowatts" -> kw; `canonical_units`), None for another
    word: blind31 fb31-39, "100 kW" after "100 kilowatts" answered the last question again."""
    units = word_lists().canonical_units
    return units.get(word) or (units.get(word[:-1]) if word.endswith("s") else None)


def _verify(text: str, question: str, language: str, passages: list[Passage], evidence: Located | None,
            stated_probability: float | None, asked: str = "") -> tuple[str, list[str], AbstainReason | None]:
    """The answer repaired and checked against its evidence (rag.verification): the text, the notes (ending
    with why, when it abstains) and the reason to abstain (None: it stands)."""
    text, notes = v.repair_scales(text, "\n".join(p.text for p in passages), language)
    named = evidence.sentences if evidence else None
    if named and all(sum(len(w) > 1 for w in split_words(sentence, "letters")) < MIN_EVIDENCE_WORDS
                     for sentence in named.values()):
        return text, notes + [f"abstained: the sentence the model named ({' '.join(named.values())}) is a list "
                              "mark or a number alone, which states nothing"], AbstainReason.NOT_STATED
    if evidence and evidence.moved:
        notes.append("the answer's facts are not in the sentence the model named; found in [" + ", ".join(
            f"{n}.{i}" for n, i in evidence.labels) + "]")
        if stated_probability is None or stated_probability < MOVED_MIN:
            return text, notes + [
                "abstained: the evidence is not where the model pointed, and a second reading did not confirm it"
                + ("" if stated_probability is None else f" (P(yes) {stated_probability:.2f})")], \
                AbstainReason.NOT_STATED
        text = v.strip_citations(text).rstrip(" .") + " " + " ".join(f"[{n}]" for n in named) + "."
    facts_from = _fact_passages(passages, named)
    checked, made_up, check_notes = v.check_answer(text, question, facts_from, language)
    notes += check_notes
    scales = v.scales_missing(checked, " ".join(p.text for p in facts_from)) if not made_up else []
    if scales:
        made_up = True
        notes.append("abstained: the cited passages do not contain " + ", ".join(f"'{m}'" for m in scales))
    if made_up:
        return text, notes, AbstainReason.UNSUPPORTED
    off_subject = _off_subject(checked, question, passages, language, asked, evidence)
    if off_subject:
        return checked, notes + [off_subject], AbstainReason.OFF_SUBJECT
    return checked, notes, None


def _fact_passages(passages: list[Passage], evidence: dict[int, str] | None) -> list[Passage]:
    """What the answer's facts are checked against: the named sentences when there are any, else the passages."""
    if not evidence:
        return passages
    return [replace(p, text=evidence[p.n]) for p in passages if p.n in evidence]


def _off_subject(text: str, question: str, passages: list[Passage], language: str, asked: str = "",
                 evidence: Located | None = None) -> str:
    """Why the answer is about something else than the question asks ("" when it is not). A fragment's own
    names ("And Oracle?") must be in a cited passage too: its rewrite also names the last question's, so an answer
    from a passage on those alone ("How much did Musk claim Softbank had secured for Oracle?" answered with
    Softbank's sum) answers the last question (on the recorded follow-up runs and blind12: 4 such answers to
    fragments, none right)."""
    if v.restates_question(text, question, language):
        return "abstained: the answer only repeats a name or number the question gives"
    cited = set(v.citation_numbers(text))
    cited_texts = [p.text for p in passages if p.n in cited]
    missing = v.subject_missing(question, cited_texts, language)
    if missing:
        return (f"abstained: the cited passages do not mention {', '.join(missing)}, which the question "
                "asks about")
    bound = v.number_of_another(text, question, list(evidence.sentences.values()) if evidence else cited_texts,
                                language)
    if bound:
        return f"abstained: the source gives {bound[0]} for {bound[1]}, not for what the question asks about"
    own = v.subject_missing(asked, cited_texts, language, names_only=True) if asked else []
    if own:
        return (f"abstained: the cited passages do not mention {', '.join(own)}, which the follow-up asks about, "
                "so the answer is the last question's")
    own = v.subject_missing(asked, _evidence_and_before(evidence, passages), language, names_only=True) \
        if asked and evidence else []
    if own:  # "en Oracle?" answered by Stargate's 500 billion: the passage lists Oracle, the sentence does not
        return (f"abstained: the evidence sentence does not mention {', '.join(own)}, which the follow-up asks "
                "about, so the answer is the last question's")
    return ""


def _evidence_and_before(evidence: Located, passages: list[Passage]) -> list[str]:
    """The named evidence sentences and the sentence before each (which may name what "het bedrijf" means)."""
    from rag.evidence import sentence_table

    table = sentence_table(passages)
    return [table[label] for n, i in evidence.labels for label in ((n, i - 1), (n, i)) if label in table] or \
        list(evidence.sentences.values())
