"""What counts as a question Bron can answer: the checks that run before anything is searched.

Bron answers questions about the articles. An empty or over-long text, one made only of emoji, symbols or
control characters, and an instruction aimed at the assistant ("Ignore all previous instructions and …")
get one clear message instead of a search and a cited answer. The instruction phrases are data
(`prompts/instructions.toml`), like the prompts.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rag.errors import InputError
from rag.wordlists import prompts_dir_in_use, read_words

INSTRUCTIONS_FILE = "instructions.toml"  # in the prompts folder (settings.prompts_dir)
EXAMPLE = "e.g. 'Hoeveel geld gaat er naar Stargate?' or 'Who leads OpenAI?'"
NOT_A_QUESTION = "Ask a question about the articles, " + EXAMPLE + "."


@lru_cache(maxsize=4)
def _instruction_patterns(prompts_dir: Path) -> tuple[re.Pattern, ...]:
    patterns = read_words(INSTRUCTIONS_FILE, prompts_dir).get("patterns", [])
    return tuple(re.compile(p, re.IGNORECASE | re.DOTALL) for p in patterns)


def clean(text: str) -> str:
    """The text without control and format characters (NUL, escape codes, zero-width), whitespace folded."""
    kept = "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in text)
    return " ".join(kept.split())


def is_instruction(question: str, prompts_dir: Path | None = None) -> bool:
    """The text tells the assistant what to do instead of asking about the articles."""
    return any(p.search(question) for p in _instruction_patterns(Path(prompts_dir or prompts_dir_in_use())))


def check_question(question: object, max_chars: int, prompts_dir: Path | None = None) -> str:
    """The question, cleaned, or an InputError that says what is wrong and what to ask instead."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("The question is empty.", "Type a question, " + EXAMPLE + ".")
    if len(question.strip()) > max_chars:
        raise InputError(f"The question is {len(question.strip()):,} characters long; the limit is {max_chars:,}.",
                         "Shorten it to the question itself (raise max_question_chars in bron.toml if needed).")
    text = clean(question)
    if not text:
        raise InputError("The question has no text, only control characters.", NOT_A_QUESTION)
    if not re.search(r"[^\W\d_]{2,}", text):
        raise InputError("That is not a question about the articles: it has no words.", NOT_A_QUESTION)
    if is_instruction(text, prompts_dir):
        raise InputError("That is an instruction to the assistant, not a question about the articles. Bron only "
                         "answers from the articles and does not take instructions from the question.",
                         NOT_A_QUESTION)
    return text
