"""The last resort for an answer in another language than the question: a short translation prompt of its own.

The small model sometimes copies a sentence of a Dutch source for a German question ("Ruim onder de tien miljard
dollar [2]."), and asked once more in German (the retry, prompts/<language>/retry.txt) copies it again: 8 of 349
answers on 2026-12-04. Asked only to translate the answer (prompts/translate/), with no passage in sight to copy
from, it writes the question's language. The translation is then checked like any answer (its names and numbers
against the evidence sentence). A translation that states other numbers than the answer is not used: on
2026-12-04 the translation turned "tien miljard" into "zehnten Milliarden" in 2 of 8 answers, which the checks let
through; now they are kept as they were. Still off by default (`translate_answers`): on 2026-12-05 it fixed the
language of 3 of 7 such answers, and turned 2 right follow-up answers copied from a Dutch source into translations
whose meaning drifts ("tweederangs" -> "second best")."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from string import Template

from rag.errors import ConfigError
from rag.llm import Generation, Generator
from rag.numbers import amounts
from rag.prompting import EXAMPLES_FILE, LANGUAGES_FILE, parse_examples

FOLDER = "translate"
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
