"""The last resort for an answer in another language than the question: a short translation prompt of its own.

The small model sometimes copies a sentence of a Dutch source for a German question ("Ruim onder de tien miljard
dollar [2]."), and asked once more in German (the retry, prompts/<language>/retry.txt) copies it again: 8 of 349
answers on 2026-12-04. Asked only to translate the answer (prompts/translate/), with no passage in sight to copy
from, it writes the question's language. The translation is then checked like any answer (its names and numbers
against the evidence sentence). A translation that states other numbers than the answer is not used: on
2026-12-04 the translation turned "tien miljard" into "zehnten Milliarden" in 2 of 8 answers, which the checks let
through; now they are kept as they were. Still off by default (`translate_answers`): on 2026-12-05 it fixed the
language of 3 of 7 such answers, and turned 2 right follow-up answers copied from a Dutch source into translations
whose meaning drifts ("tweederangs" -> "second best").

A follow-up's standalone question can be in another language than the answer: the rules put "und Tesla?" in
place of its counterpart in the last question, which was Dutch ("Hoeveel heeft Tesla vorig jaar in xAI
geïnvesteerd?"), or left a mixed question ("... did China have bis ende des jahres?"). Asked that question under
a German prompt, the small model mostly abstained (cross-lingual ellipses on blind20-23: 32% right as follow-ups
against 71% asked alone in full). `translate_question` gives the model the question in the answer's language
(prompts/translate_question/); a translation that drops a name or a number of the question is not used. Off by
default (`translate_followups`): on blind23 it turned one answer right and one wrong, on blind24 none (one lost to a
rewrite that came out otherwise), it cost 1-2 s, and 1 in 4 of the small model's translations drifted in meaning,
which no check of names and numbers sees."""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from string import Template

from rag.errors import ConfigError
from rag.llm import Generation, Generator
from rag.numbers import amounts
from rag.prompting import EXAMPLES_FILE, LANGUAGES_FILE, FixedPrompt, parse_examples, read_prompt_file

FOLDER = "translate"
QUESTION_FOLDER = "translate_question"
QUESTION_MAX_TOKENS = 60  # a question is one line
NAMES_FOLDER = "english"  # prompts/english/languages.toml names the answer languages in English
MAX_TOKENS = 120
_CITE = re.compile(r"\[\d+\]")


@lru_cache(maxsize=8)
def _prefix(prompts_dir: Path, language: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The language's English name, and the system prompt and worked examples as (role, content) turns."""
    folder = Path(prompts_dir) / FOLDER
    names = Path(prompts_dir) / NAMES_FOLDER / LANGUAGES_FILE
    for path in (folder / "system.txt", folder / EXAMPLES_FILE, names):
        if not path.is_file():
            raise ConfigError(f"Prompt file missing: {path}", "Restore the prompts/ folder from git.")
    with open(names, "rb") as fh:
        name = tomllib.load(fh).get(language, {}).get("name", "English")
    system = Template((folder / "system.txt").read_text(encoding="utf-8").strip()).safe_substitute(language=name)
    examples = parse_examples((folder / EXAMPLES_FILE).read_text(encoding="utf-8"), folder / EXAMPLES_FILE)
    return name, (("system", system), *examples)


def translate(generator: Generator, prompts_dir: Path, answer: str, language: str,
              record: Generation | None = None) -> str:
    """`answer` in `language`, its citation marks kept ("" when the model wrote nothing usable)."""
    name, turns = _prefix(prompts_dir, language)
    messages = [{"role": role, "content": content} for role, content in turns]
    messages.append({"role": "user", "content": f"{name}: {answer.strip()}"})
    text = "".join(generator.stream(messages, MAX_TOKENS, 0.0, None, record)).strip().split("\n")[0].strip()
    if not text or sorted(_CITE.findall(text)) != sorted(_CITE.findall(answer)):
        return ""  # a translation that lost or invented a citation cannot stand for the answer
    if sorted(amounts(text)) != sorted(amounts(answer)):
        return ""  # "tien miljard" written as "zehnten Milliarden": another number, or none
    return text


class QuestionPrompt(FixedPrompt):
    """prompts/translate_question/: the same instructions and examples for every language (the language is named
    before the question), so one KV state in the prompt cache serves all three."""


@lru_cache(maxsize=4)
def question_prompt(prompts_dir: Path) -> QuestionPrompt:
    folder = Path(prompts_dir) / QUESTION_FOLDER
    examples = parse_examples(read_prompt_file(folder / EXAMPLES_FILE), folder / EXAMPLES_FILE)
    return QuestionPrompt(read_prompt_file(folder / "system.txt"), tuple(examples))


def _language_name(prompts_dir: Path, language: str) -> str:
    return _prefix(prompts_dir, language)[0]


def translate_question(generator: Generator, prompts_dir: Path, question: str, language: str,
                       record: Generation | None = None) -> str:
    """`question` in `language`, with every name and number it has ("" when the translation lost one, changed
    a number or is not in `language`)."""
    from rag import language as lang
    from rag.textrules import name_in, subject_words

    messages = question_prompt(prompts_dir).prefix_messages()[:-1]  # without the stub question
    messages.append({"role": "user", "content": f"{_language_name(prompts_dir, language)}: {question.strip()}"})
    text = "".join(generator.stream(messages, QUESTION_MAX_TOKENS, 0.0, None, record)).strip().split("\n")[0].strip()
    if not text.endswith("?") or lang.detect(text, language) != language:
        return ""
    lowered = text.lower()
    if not all(name_in(word, lowered) for word in subject_words(question, lang.detect(question, language))):
        return ""  # "Wie viel hat Tesla investiert?" for "Hoeveel heeft Tesla in xAI geïnvesteerd?": a name lost
    return text if sorted(amounts(text)) == sorted(amounts(question)) else ""


def translated_answer(generator: Generator, prompts_dir: Path, answer: str, language: str,
                      record: Generation) -> str:
    """`translate`, its tokens counted in `record`; "" unless the translation is in `language`."""
    from rag import language as lang

    extra = Generation()
    text = translate(generator, prompts_dir, answer, language, extra)
    record.completion_tokens += extra.completion_tokens
    return text if text and lang.answer_language_ok(text, language) else ""


def in_answer_language(generator: Generator, prompts_dir: Path, question: str, language: str,
                       warm: Callable[[FixedPrompt], None] | None = None) -> tuple[str, float]:
    """`question` translated into `language` when it is written in another one ("" when it is not, or when the
    translation cannot stand for it), and the milliseconds that took. `warm(prompt)` first, when it is sent:
    the instructions' KV state from the prompt cache (rag.promptcache.restore)."""
    from rag import language as lang

    if lang.detect(question, language) == language:
        return "", 0.0
    started = time.perf_counter()
    if warm is not None:
        warm(question_prompt(prompts_dir))
    text = translate_question(generator, prompts_dir, question, language)
    return text, (time.perf_counter() - started) * 1000
