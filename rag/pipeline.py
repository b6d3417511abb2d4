"""One question's way to an Answer: a typed record (`Question`) and the stages that fill it in, in order.

`Assistant.stream` runs the stages listed in `rag.answering.STAGES` over one `Question`; each stage is a
function `(parts, question) -> iterator` that reads what the earlier stages found, adds its own part, and
yields what the caller sees as it happens (`Found`, the answer's text). A stage that decides the answer
(an abstention before the model) sets `question.verdict`, and the stages after it do not run; `check` decides
last, so a stage that works on the model's answer (an evidence check) goes before it, and one that works
after the Answer is out goes in `AFTER_ANSWER`. The Answer is built once, by `Question.answer()`, and is frozen.

`parts` is what lives longer than a question (the Assistant: settings, models, index, prompt-cache
bookkeeping); see `Parts`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rag import promptcache
from rag.results import Answer, Found, Note, NoteKind, Passage, Timing

if TYPE_CHECKING:
    from rag.checking import Verdict
    from rag.config import Settings
    from rag.evidence import Evidence, Located
    from rag.followups import History
    from rag.llm import Generation, Generator
    from rag.prompting import PromptSet
    from rag.searching import Retrieval
    from rag.second_reading import Reading

Stream = Iterator[Found | str]
MADE_STANDALONE = ("substituted", "chosen", "rewritten")  # the rewrite methods that changed the question asked


class Parts(Protocol):
    """What the stages use that outlives a question (the Assistant provides it)."""

    settings: Settings

    @property
    def generator(self) -> Generator: ...

    @property
    def checker(self) -> Generator: ...

    @property
    def retriever(self) -> Any: ...

    @property
    def data(self) -> Any: ...

    def load(self, checker: bool = True) -> Any: ...

    def first_use_of_prompt_state(self, path: Path) -> bool: ...


@dataclass
class Question:
    """One question on its way to an Answer: the request, then what each stage found."""

    asked: str  # as the caller asked it (cleaned by `prepare`)
    top_k: int | None = None
    history: History | None = None
    since: date | str | None = None
    until: date | str | None = None
    sources: Iterable[str] | None = None
    started: float = field(default_factory=time.perf_counter)
    # prepare
    language: str = "en"  # the language to answer in
    prompts: PromptSet | None = None
    question: str = ""  # what is searched for and answered: the standalone form of a follow-up
    rewrite_method: str = ""  # "" (asked alone), "substituted", "chosen", "rewritten" or "rejected" (rag.followups)
    written: str = ""  # as asked, names typed in lower case as the articles write them ("en Oracle?", rag.spelling)
    notes: list[Note] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # search
    retrieval: Retrieval | None = None
    # generate
    read: list[Passage] = field(default_factory=list)  # what the model reads (excerpts of the passages)
    grammar: str | None = None
    abstain_path: str = ""  # the text along which the model's probability of abstaining is measured
    generation: Generation | None = None
    draft: str = ""  # the model's answer (in the question's language after the retry), with its citations
    evidence: Evidence | None = None  # the sentences the model named first (evidence-first layout, rag.evidence)
    located: Located | None = None  # where the answer's facts are among the named sentences (rag.evidence)
    reading: Reading | None = None  # the second reading of the named sentence (rag.second_reading)
    # gate / check
    verdict: Verdict | None = None

    @property
    def passages(self) -> list[Passage]:
        return self.retrieval.passages if self.retrieval else []

    @property
    def searched_for(self) -> str:
        return self.question if self.question != self.asked else ""

    def ms_since_start(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def answer(self) -> Answer:
        """The Answer, built once from the record when the stages are done."""
        verdict, found, record = self.verdict, self.retrieval, self.generation
        self.timings[Timing.TOTAL_MS] = self.ms_since_start()
        if record is not None:
            self.timings[Timing.PROMPT_TOKENS] = record.prompt_tokens
            self.timings[Timing.COMPLETION_TOKENS] = record.completion_tokens
            self.timings.update({Timing.PASSAGE_STATES + key: value for key, value in record.passage_states.items()})
        return Answer(
            question=self.asked, text=verdict.text, language=self.language, abstained=verdict.abstained,
            citations=verdict.citations, passages=self.passages, timings=self.timings,
            notes=self.notes + verdict.notes, confidence=record.confidence if record else None,
            abstain_probability=record.abstain_probability if record else None, abstain_reason=verdict.reason,
            stated_probability=self.reading.yes if self.reading else None,
            probe_probability=self.reading.probe if self.reading else None,
            draft=verdict.draft, period=found.filter.period() if found and found.filter else "",
            sources=list(found.filter.sources) if found and found.filter else [], searched_for=self.searched_for,
            rewrite_method=self.rewrite_method)


# -- the stages, in the order rag.answering.STAGES lists them ----------------------------------------------
def prepare(parts: Parts, q: Question) -> Stream:
    """The question checked (rag.questions), its language, and a follow-up made standalone (rag.followups)."""
    from rag import language as lang
    from rag import spelling
    from rag.choices import load_choice_prompt
    from rag.filters import SearchFilter
    from rag.followups import followup_language, rewrite_question
    from rag.prompting import load_rewrite_prompt, prompts_for
    from rag.questions import check_question

    settings = parts.settings
    q.asked = check_question(q.asked, settings.max_question_chars, settings.prompts_dir)
    SearchFilter.make(q.since, q.until, q.sources)  # a bad date is an InputError before anything loads
    parts.load(checker=False)  # a no-op once loaded; a cold start loads the retriever and the LLM side by side
    q.language = lang.detect(q.asked)
    if q.history:
        q.language = followup_language(q.asked, q.language, q.history, settings.prompts_dir)
    if not lang.supported(q.language):  # searched all the same: the articles may still answer it
        q.notes.append(Note(f"Bron answers in Dutch, German and English; this question is in another language "
                            f"({q.language}), so the answer is in English.", NoteKind.LANGUAGE))
        q.language = "en"
    q.prompts = prompts_for(settings, q.language)
    encoder = getattr(parts.retriever, "embedder", None)  # places a fragment by meaning (rag.fragments)
    spellings = spelling.for_documents(parts.data.documents) if q.history else None  # "en oracle?"
    fixed = {"rewritten": load_rewrite_prompt(settings.prompts_dir),
             "chosen": load_choice_prompt(settings.prompts_dir)} if q.history and settings.history_turns else {}
    for prompt in fixed.values():  # their saved states: a process's first follow-up skips ~500 tokens
        promptcache.restore(parts, parts.generator, prompt, save=False)
    rewrite = rewrite_question(parts.generator, settings.prompts_dir, q.asked, q.history, q.language,
                               settings.history_turns, settings.grammar, encoder.encode_queries if encoder else None,
                               spellings)
    used = fixed.get("rewritten" if rewrite.method == "rejected" else rewrite.method)
    if used is not None:  # the model read it: saving now reads only a stub turn
        promptcache.restore(parts, parts.generator, used, save=True)
    q.question, q.rewrite_method = rewrite.question, "" if rewrite.method == "alone" else rewrite.method
    q.written = rewrite.written or q.asked
    if rewrite.note:
        q.notes.append(Note(rewrite.note, NoteKind.FOLLOWUP))
    q.timings[Timing.REWRITE_MS] = rewrite.ms
    yield from ()


def search(parts: Parts, q: Question) -> Stream:
    """The passages for the standalone question, in the period and sources asked for (rag.searching)."""
    from rag.searching import search as search_passages

    started = time.perf_counter()
    q.retrieval = search_passages(q.question, parts.retriever, parts.data.documents.values(), parts.settings,
                                  q.top_k, since=q.since, until=q.until, sources=q.sources)
    q.notes += q.retrieval.notes
    q.timings.update({Timing.RETRIEVE_MS: (time.perf_counter() - started) * 1000, Timing.FIRST_TOKEN_MS: 0.0,
                      Timing.TOTAL_MS: 0.0, Timing.PROMPT_TOKENS: 0, Timing.COMPLETION_TOKENS: 0})
    yield Found(q.passages, q.searched_for)


def gate(parts: Parts, q: Question) -> Stream:
    """The abstentions that need no model (rag.checking.before_model); the abstention is streamed as text."""
    from rag.checking import before_model

    q.verdict = before_model(q.question, q.language, q.rewrite_method, q.passages, bool(q.retrieval.filter),
                             q.prompts.abstain, parts.settings.prompts_dir)
    if q.verdict is not None:
        yield q.prompts.abstain


def translate_question(parts: Parts, q: Question) -> Stream:
    """A follow-up made standalone in another language than the answer's, read by the model in the answer's
    (`translate_followups`, rag.translation); searched for as the rules wrote it."""
    from rag.translation import in_answer_language

    if parts.settings.translate_followups and q.rewrite_method in MADE_STANDALONE:
        text, ms = in_answer_language(parts.generator, parts.settings.prompts_dir, q.question, q.language,
                                      lambda prompt: promptcache.restore(parts, parts.generator, prompt, save=True))
        q.timings[Timing.REWRITE_MS] = q.timings.get(Timing.REWRITE_MS, 0.0) + ms
        if text:
            q.notes.append(Note(f"searched for {q.question!r}, read in {q.language}", NoteKind.FOLLOWUP))
            q.question = text
    yield from ()


def restore_prompt_state(parts: Parts, q: Question) -> Stream:
    """The language's system prompt and examples, read into the model from their saved KV state once per process."""
    promptcache.restore(parts, parts.generator, q.prompts, save=False)
    yield from ()


def generate(parts: Parts, q: Question) -> Stream:
    """The model's answer, streamed; one retry when it is clearly in another language than the question.
    In the evidence-first layout the model's first line (the sentence it names) is not shown (rag.evidence)."""
    from rag import language as lang
    from rag.excerpts import excerpt
    from rag.llm import Generation

    settings, prompts = parts.settings, q.prompts
    q.read = excerpt(q.question, q.passages, parts.retriever.embedder, settings.passage_sentences) \
        if settings.passage_sentences else q.passages  # what the model reads (rag.excerpts)
    q.grammar, q.abstain_path = _answer_grammar(settings, q)
    q.generation = record = Generation()
    shown = _shown(prompts)
    # the passages apart from the question, so a generator can restore their KV states (rag.llm.passage_states)
    for delta in parts.generator.stream_passages(prompts.passage_prompt(q.question, q.read), settings.max_tokens,
                                                 settings.temperature, q.grammar, record, q.abstain_path):
        for text in shown(delta):
            if not q.timings[Timing.FIRST_TOKEN_MS]:
                q.timings[Timing.FIRST_TOKEN_MS] = q.ms_since_start()
            yield text
    q.draft = _cited(q, record.text)
    if q.evidence is not None and q.evidence.none:
        q.timings[Timing.FIRST_TOKEN_MS] = q.timings[Timing.FIRST_TOKEN_MS] or q.ms_since_start()
        yield prompts.abstain
    if (lang.prompt_language(q.language) == q.language and not q.draft.startswith(prompts.abstain)
            and not lang.answer_language_ok(q.draft, q.language)):
        yield from _retry_in_language(parts, q, record.text)


def _answer_grammar(settings: Settings, q: Question) -> tuple[str | None, str]:
    """The grammar for this question's answer, and the text whose probability is the abstention's."""
    from rag import evidence
    from rag.prompting import answer_grammar

    if q.prompts.evidence:
        return (evidence.grammar(evidence.sentence_table(q.read)) if settings.grammar else None,
                evidence.ABSTAIN_PATH)
    grammar = answer_grammar(settings.prompts_dir, q.prompts.abstain, len(q.passages)) if settings.grammar else None
    return grammar, q.prompts.abstain


def _shown(prompts: PromptSet):
    """What of the streamed text the reader sees: all of it, or all but the evidence line."""
    if not prompts.evidence:
        return lambda delta: (delta,)
    from rag.evidence import HideFirstLine

    return HideFirstLine().feed


def _cited(q: Question, raw: str) -> str:
    """The model's text as an answer with [n] citations; in the evidence layout, read its evidence first."""
    if not q.prompts.evidence:
        return raw
    from rag.evidence import parse

    q.evidence = parse(raw)
    return q.evidence.cited_text(q.prompts.abstain)


def _retry_in_language(parts: Parts, q: Question, raw: str) -> Stream:
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
    second = _cited(q, second_raw)
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


def respell(parts: Parts, q: Question) -> Stream:
    """A misspelt name ("Antropic") and a currency the passages do not give an amount in ("US-Dollar") written as
    they write them, before anything looks for the answer's facts (rag.verification, rag.currencies)."""
    from rag.currencies import repair_currency
    from rag.verification import repair_spelling

    if parts.settings.verify and q.draft and not q.draft.startswith(q.prompts.abstain):
        passages_text = "\n".join(p.text for p in q.read)
        _amend(q, lambda text: repair_spelling(text, q.question, passages_text, q.language))
        _amend(q, lambda text: repair_currency(text, passages_text, q.language))
    yield from ()


def _amend(q: Question, fix) -> None:
    """The draft (and the evidence layout's answer line) changed by `fix(text) -> (text, notes)`, its notes kept."""
    from dataclasses import replace

    q.draft, notes = fix(q.draft)
    if notes and q.evidence:
        q.evidence = replace(q.evidence, answer=fix(q.evidence.answer)[0])
    q.notes += [Note(n) for n in notes]


def read_again(parts: Parts, q: Question) -> Stream:
    """With `second_reading`: the question, the evidence sentence and the answer read once more, alone."""
    from rag.probe import probe_for
    from rag.second_reading import fixed_prompt
    from rag.second_reading import read_again as read

    located = _locate(q)
    if not parts.settings.second_reading or not located or q.draft.startswith(q.prompts.abstain):
        return
    promptcache.restore(parts, parts.checker, fixed_prompt(parts.settings.prompts_dir), save=True)
    q.reading = read(parts.checker, parts.settings.prompts_dir, q.question, " ".join(located.sentences.values()),
                     q.evidence.answer if q.evidence else q.draft, probe_for(parts.settings))
    q.timings[Timing.SECOND_READING_MS] = q.reading.ms
    yield from ()


def qualify(parts: Parts, q: Question) -> Stream:
    """A number stated without the "meer dan" or range its evidence (sentences, else cited passages) gives it,
    written with them (rag.qualifiers); after the second reading, whose threshold was set on the model's answers."""
    from rag.qualifiers import qualify as keep_qualifiers
    from rag.textrules import citation_numbers

    if parts.settings.verify and q.draft and not q.draft.startswith(q.prompts.abstain):
        located, cited = _locate(q), set(citation_numbers(q.draft))
        evidence = (" ".join(located.sentences.values()) if located
                    else "\n".join(p.text for p in q.read if p.n in cited))
        _amend(q, lambda text: keep_qualifiers(text, evidence, q.language))
    yield from ()


def check(parts: Parts, q: Question) -> Stream:
    """The model's answer verified, or an abstention with its reason (rag.checking.after_model)."""
    from rag.checking import after_model

    fragment, frame = _fragment(q, parts.settings)
    q.verdict = after_model(parts.settings, q.question, q.language, q.draft, q.passages, q.prompts.abstain,
                            q.generation.confidence, q.generation.abstain_probability, _locate(q),
                            q.reading.yes if q.reading else None, q.reading.probe if q.reading else None,
                            frame, q.written if fragment else "")
    yield from ()


def _fragment(q: Question, settings: Settings) -> tuple[bool, tuple[str, str] | None]:
    """Is the question a fragment made standalone ("Und beim Börsengang?", "And Oracle?"), and the last turn's
    question and answer if so: its answer must not be the last one again (rag.checking.repeats) and must come from
    a passage naming its own names (not a pronoun follow-up's: blind12 fm-21 abstained on a right 72%)."""
    from rag.followups import _marks, as_turns
    from rag.fragments import is_fragment

    if not (q.rewrite_method in MADE_STANDALONE and q.history and is_fragment(q.asked, q.language,
                                                                            _marks(settings.prompts_dir))):
        return False, None
    last = as_turns(q.history, 1)[-1]
    return True, ((last.question, last.answer) if last.answer else None)


def _locate(q: Question) -> Located | None:
    """Where the answer's facts are among the sentences the model read (evidence-first layout), once."""
    from rag.evidence import locate, sentence_table
    from rag.verification import holds_facts

    if q.located is None and q.evidence and q.evidence.labels and not q.draft.startswith(q.prompts.abstain):
        q.located = locate(q.evidence, sentence_table(q.read), partial(holds_facts, q.draft, q.question, q.language))
    return q.located


# -- after the Answer is out ------------------------------------------------------------------------------
def save_prompt_state(parts: Parts, q: Question) -> None:
    """Once per language: the system prompt and examples saved as a KV state, which later processes read (only
    after the model read them: an abstention before it has nothing in the cache to save)."""
    if q.generation is not None:
        promptcache.restore(parts, parts.generator, q.prompts, save=True)
