"""The one loader of Bron's word lists: TOML files in the prompts folder (`settings.prompts_dir`), read once.

Each list has one purpose, so that changing it changes one rule (README, "Where the word lists live"):
language markers tell languages apart and nothing else; the words that are never names feed name
extraction only; stop words are what a question or answer says beyond its content (verification, follow-ups).

The text rules are pure functions called deep inside verification, so they read the lists of the prompts
folder in use: `use_prompts_dir` (the Assistant calls it with its settings) switches it for the process.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.config import PROJECT_DIR

DEFAULT_PROMPTS_DIR = PROJECT_DIR / "prompts"
LANGUAGES = ("nl", "de", "en")  # languages with a words.toml (and prompt templates)
_in_use = [DEFAULT_PROMPTS_DIR]


def use_prompts_dir(prompts_dir: Path) -> None:
    """Read the word lists from `prompts_dir` from now on (one prompts folder per process)."""
    _in_use[0] = Path(prompts_dir)


def prompts_dir_in_use() -> Path:
    return _in_use[0]


@lru_cache(maxsize=64)
def _read(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def read_words(name: str, prompts_dir: Path | None = None) -> dict:
    """The TOML file `name` (e.g. "followup.toml", "nl/words.toml") of `prompts_dir` (default: the one in use)."""
    return _read(Path(prompts_dir or _in_use[0]) / name)


@dataclass(frozen=True)
class WordLists:
    """The lists of words.toml (shared) and <lang>/words.toml (per language), by purpose."""

    language_markers: dict[str, frozenset[str]]  # language -> short words that identify it (detection only)
    not_name_words: frozenset[str]  # never a name, nor the first word of one ("De Europese Commissie")
    not_names: frozenset[str]  # answer words that are never names ("ja", "yes")
    not_subjects: frozenset[str]  # generic acronyms, country adjectives, roles: not what a question asks about
    stop_words: frozenset[str]  # carry no content of their own (what a question or answer says beyond them)
    choice_words: dict[str, str]  # language -> the word of a choice ("Nvidia or AMD?")
    number_words: dict[str, str]  # spelled-out number -> digits
    one_before_scale: frozenset[str]  # words that are 1 before a scale word ("a million", "een miljoen")
    scales: dict[str, int]  # scale word (lower case) -> power of ten
    scale_language: dict[str, str]  # scale word -> the one language it belongs to (absent: shared)
    write_scale: dict[tuple[str, int], str]  # (language, power of ten) -> how that language writes it
    unit_words: frozenset[str]  # currency words that carry no language
    canonical_units: dict[str, str]  # unit, currency or percent word -> one token (answer matching in evaluation)
    articles: frozenset[str]  # articles of the three languages (answer matching in evaluation)
    aliases: dict[str, frozenset[str]]  # word or name -> every form of it (itself included), from aliases.toml
    inside_names: frozenset[str] = frozenset()  # generic acronyms a name of several words runs on through ("EU AI Act")


@lru_cache(maxsize=4)
def load_word_lists(prompts_dir: Path) -> WordLists:
    shared = read_words("words.toml", prompts_dir)
    markers, choices, number_words, write_scale = {}, {}, {}, {}
    scales = {w.lower(): int(p) for w, p in shared.get("scale_words", {}).items()}
    scale_language: dict[str, str] = {}
    one = set(shared.get("one_before_scale", []))
    for language in LANGUAGES:
        data = read_words(f"{language}/words.toml", prompts_dir)
        markers[language] = frozenset(data.get("language_markers", []))
        choices[language] = data.get("choice_word", "")
        for digits, spelled in data.get("number_words", {}).items():
            number_words.update(dict.fromkeys(spelled, digits))
            one.update(spelled if digits == "1" else [])
        for word, power in data.get("scale_words", {}).items():
            scales[word.lower()] = int(power)
            scale_language[word.lower()] = language
        write_scale.update({(language, int(p)): w for p, w in data.get("write_scale", {}).items()})
    aliases: dict[str, frozenset[str]] = {}
    for group in read_words("aliases.toml", prompts_dir).get("groups", []):
        forms = frozenset(form.lower() for form in group)
        for form in forms:
            aliases[form] = aliases.get(form, frozenset()) | forms
    units = {form: token for token, forms in shared.get("canonical_units", {}).items() for form in forms}
    return WordLists(markers, frozenset(shared.get("not_name_words", [])), frozenset(shared.get("not_names", [])),
                     frozenset(shared.get("not_subjects", [])), frozenset(shared.get("stop_words", [])), choices,
                     number_words, frozenset(one), scales, scale_language, write_scale,
                     frozenset(shared.get("unit_words", [])), units, frozenset(shared.get("articles", [])), aliases,
                     frozenset(shared.get("inside_names", [])))


def word_lists() -> WordLists:
    """The lists of the prompts folder in use."""
    return load_word_lists(_in_use[0])
