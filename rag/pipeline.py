"""One question's way to an Answer: a typed record (`Question`) and the stages that fill it in, in order.

`Assistant.stream` runs the stages listed in `rag.answering.STAGES` over one `Question`; each stage is a
function `(parts, question) -> iterator` that reads what the earlier stages found, adds its own part, and
yields what the caller sees as it happens (`Found`, the answer's text). A stage that decides the answer
(an abstention before the model) sets `question.verdict`, and the stages after it do not run; `check` decides
last, so a stage that works on the model's answer (an evidence check) goes before it, and one that works
after the Answer is out goes in `AFTER_ANSWER`. The Answer is built once, by `Question.answer()`, and is frozen.

`parts` is what lives longer than a question (the Assistant: settings, models, index, prompt-cache
bookkeeping); `Parts` and `Question` are in rag.question_record.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from rag import promptcache
from rag.question_record import Parts, Question
from rag.results import Found, Note, NoteKind, Timing

if TYPE_CHECKING:
    from rag.checking import Verdict
    from rag.config import Settings
    from rag.evidence import Located
    from rag.prompting import PromptSet


Stream = Iterator[Found | str]
MADE_STANDALONE = ("substituted", "chosen", "rewritten")  # the rewrite methods that changed the question asked
FRAME_TURNS = 2  # a fragment continues the last question, or the one before a side question ("Wat is InvestAI?")


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
    spellings = spelling.for_documents(parts.data.documents)  # "who runs nvidia?", "en oracle?"
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
    from rag.retries import cited, retry_in_language

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
    q.draft = cited(q, record.text)
    if q.evidence is not None and q.evidence.none:
        q.timings[Timing.FIRST_TOKEN_MS] = q.timings[Timing.FIRST_TOKEN_MS] or q.ms_since_start()
        yield prompts.abstain
    if (lang.prompt_language(q.language) == q.language and not q.draft.startswith(prompts.abstain)
            and not lang.answer_language_ok(q.draft, q.language)):
        yield from retry_in_language(parts, q, record.text)


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
    """The model's answer verified, or an abstention with its reason (rag.checking.after_model); an answer rejected
    as wrong is asked for once more, beginning otherwise, and checked again (`answer_again`, rag.retries)."""
    from rag.retries import answer_again, worth_answering_again

    q.verdict = _verdict(parts, q)
    if worth_answering_again(parts, q):
        # the stages between generate and check, as rag.answering.STAGES lists them (a stage added there goes here)
        yield from answer_again(parts, q, (respell, read_again, qualify), _verdict)


def _verdict(parts: Parts, q: Question) -> Verdict:
    from rag.checking import after_model

    fragment, frame = _fragment(q, parts.settings)
    return after_model(parts.settings, q.question, q.language, q.draft, q.passages, q.prompts.abstain,
                       q.generation.confidence, q.generation.abstain_probability, _locate(q),
                       q.reading.yes if q.reading else None, q.reading.probe if q.reading else None,
                       frame, q.written if fragment else "")


def _fragment(q: Question, settings: Settings) -> tuple[bool, list[tuple[str, str]]]:
    """Is the question a fragment made standalone ("Und beim Börsengang?", "And Oracle?"), and the questions and
    answers of the turns it may continue if so (the last, or the one before a side question, rag.ellipses): its
    answer must not be one of those answers again (rag.checking.repeats) and must come from a passage naming its
    own names (not a pronoun follow-up's: blind12 fm-21 abstained on a right 72%). Read as the articles spell
    its names ("what about china" is a fragment as "what about China" is). A fragment asked in full ("and Nvidia's
    market cap?" -> "What is Nvidia's market cap?", rag.own_topics) carries none of the last question's names, so
    only the answers must differ: the question's names are checked as any standalone question's."""
    from rag.followups import _marks, as_turns
    from rag.fragments import is_fragment
    from rag.own_topics import asked_in_full

    written, marks = q.written or q.asked, _marks(settings.prompts_dir)
    if not (q.rewrite_method in MADE_STANDALONE and q.history and is_fragment(written, q.language, marks)):
        return False, []
    return not asked_in_full(q.question, written, q.language, marks), [
        (turn.question, turn.answer) for turn in as_turns(q.history, FRAME_TURNS) if turn.answer]


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
