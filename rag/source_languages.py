"""The language of the article a question names as its source ("volgens het Duitse artikel" -> de).

A reader of a mixed collection tells Bron which article they mean by its language; searched in all of them, the
question's own language wins (the embedder's language bias, README "Cross-lingual retrieval") and another
language's article is cited. rag.searching narrows the search to that language's articles, as it does with a
period read from the question. Words: prompts/source_languages.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.dates import alternatives
from rag.wordlists import prompts_dir_in_use, read_words

WORDS_FILE = "source_languages.toml"


@dataclass(frozen=True)
class NamedLanguage:
    """A language the question names for its source, and the words that named it."""

    code: str
    text: str


@dataclass(frozen=True)
class _Words:
    source: re.Pattern  # an adjective right before a noun of `nouns`: "Duitse artikel"
    adjective: re.Pattern  # an adjective anywhere
    codes: dict[str, str]  # adjective -> language code


@lru_cache(maxsize=4)
def _words(prompts_dir: Path) -> _Words:
    data = read_words(WORDS_FILE, prompts_dir)
    codes = {word.casefold(): code for code, words in data.get("adjectives", {}).items() for word in words}
    nouns = [noun.casefold() for noun in data.get("nouns", [])]
    adjectives = alternatives(codes) or "(?!)"
    return _Words(re.compile(rf"(?<![\w-])({adjectives})\s+(?:{alternatives(nouns) or '(?!)'})(?![\w-])", re.I),
                  re.compile(rf"(?<![\w-])({adjectives})(?![\w-])", re.I), codes)


def named_source_language(question: str, prompts_dir: Path | None = None) -> NamedLanguage | None:
    """The one language the question names for its source article, or None: none named, or the question also
    names another language ("the German and the Dutch article", "welk Duits bedrijf ... het Nederlandse artikel")."""
    words = _words(Path(prompts_dir or prompts_dir_in_use()))
    named = {words.codes[m[1].casefold()]: m[0] for m in words.source.finditer(question)}
    anywhere = {words.codes[m[1].casefold()] for m in words.adjective.finditer(question)}
    if len(named) != 1 or anywhere != set(named):
        return None
    (code, text), = named.items()
    return NamedLanguage(code, text)
