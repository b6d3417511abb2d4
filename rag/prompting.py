"""Prompt templates from prompts/<lang>/: the model sees numbered passages with title and date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from rag.errors import ConfigError
from rag.language import prompt_language
from rag.results import Passage

if TYPE_CHECKING:
    from rag.referents import Turn

TEMPLATE_FILES = ("system.txt", "user.txt", "passage.txt", "abstain.txt", "retry.txt")
EVIDENCE_FOLDER = "evidence"  # per language: the evidence-first layout's own templates (rag.evidence)
EXAMPLES_FILE = "examples.txt"  # optional worked examples, shown as earlier turns of the chat
LANGUAGES_FILE = "languages.toml"  # in an instructions folder (settings.instructions): the answer languages' names
_TURN = re.compile(r"^### (user|assistant)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class PassagePrompt:
    """A whole prompt (`messages`) and its passages' texts, in order, as they appear in its last message:
    a backend with passage KV states (rag.llm.passage_states) reads only the rest, others read `messages`."""

    messages: list[dict[str, str]]
    passages: tuple[str, ...]


@dataclass(frozen=True)
class PromptSet:
    """The templates of one language."""

    language: str
    system: str
    user: Template
    passage: Template
    abstain: str
    retry: str  # asks for the same answer again in the right language
    examples: tuple[tuple[str, str], ...] = ()  # (role, content) turns between system prompt and question
    evidence: bool = False  # evidence first (rag.evidence): sentences numbered, the answer names one first

    def passage_texts(self, passages: list[Passage]) -> list[str]:
        """Each passage as the model reads it: its number, title, date and text (one numbered sentence a line
        in the evidence layout)."""
        from rag.evidence import numbered

        return [self.passage.safe_substitute(n=p.n, title=p.title, date=f" ({p.date})" if p.date else "",
                                             text=numbered(p.n, p.text) if self.evidence else p.text.strip())
                for p in passages]

    def passages_block(self, passages: list[Passage]) -> str:
        return "\n".join(self.passage_texts(passages))

    def messages(self, question: str, passages: list[Passage]) -> list[dict[str, str]]:
        user = self.user.safe_substitute(passages=self.passages_block(passages), question=question.strip())
        return [{"role": "system", "content": self.system},
                *({"role": role, "content": content} for role, content in self.examples),
                {"role": "user", "content": user}]

    def passage_prompt(self, question: str, passages: list[Passage]) -> PassagePrompt:
        """`messages`, with each passage's text marked, for a backend that keeps a KV state per passage."""
        return PassagePrompt(self.messages(question, passages), tuple(self.passage_texts(passages)))

    def prefix_messages(self) -> list[dict[str, str]]:
        """The part of every prompt in this language (system prompt, examples) and a stub question."""
        return self.messages("?", [])[:-1] + [{"role": "user", "content": "?"}]


@dataclass(frozen=True)
class FixedPrompt:
    """Instructions and worked examples that do not change with the question (the second reading's, the question
    translation's), shaped like a PromptSet's prefix, so that their KV state is saved to and read from the prompt
    cache as each language's is (a cold process skips ~400 tokens)."""

    system: str
    examples: tuple[tuple[str, str], ...]

    def prefix_messages(self) -> list[dict[str, str]]:
        return fixed_prefix(self.system, self.examples)


def fixed_prefix(system: str, examples) -> list[dict[str, str]]:
    """Instructions and worked examples with a stub question: the part of a prompt whose KV state the prompt
    cache keeps (the rewrite's, the choice's, the second reading's)."""
    return [{"role": "system", "content": system}, *({"role": r, "content": c} for r, c in examples),
            {"role": "user", "content": "?"}]


def read_prompt_file(path: Path) -> str:
    """A prompt file's text, stripped; a clear error when the prompts folder lacks it."""
    if not path.is_file():
        raise ConfigError(f"Prompt template missing: {path}", "Restore the prompts/ folder from git.")
    return path.read_text(encoding="utf-8").strip()


def parse_examples(text: str, where: Path) -> tuple[tuple[str, str], ...]:
    """`### user` / `### assistant` blocks, alternating and starting with a user turn."""
    parts = _TURN.split(text)
    if parts[0].strip():
        raise ConfigError(f"{where} has text before its first '### user' line.", "Start the file with '### user'.")
    turns = tuple((role, content.strip()) for role, content in zip(parts[1::2], parts[2::2]))
    roles = [role for role, _ in turns]
    if roles != ["user", "assistant"] * (len(roles) // 2) or not all(content for _, content in turns):
        raise ConfigError(f"{where} must alternate '### user' and '### assistant' blocks, none empty, "
                          "starting with user and ending with assistant.", "Fix the example file or delete it.")
    return turns


def prompts_for(settings, language: str) -> PromptSet:
    """The templates `settings` asks for: the language's, in the evidence-first layout when it is on; with
    `instructions` set (and evidence first), that folder's instructions for every language."""
    if settings.instructions and settings.evidence_first:
        return load_instructions(settings.prompts_dir, settings.instructions, language)
    return load_prompts(settings.prompts_dir, language, settings.evidence_first)


@lru_cache(maxsize=16)
def load_instructions(prompts_dir: Path, instructions: str, language: str) -> PromptSet:
    """The evidence-first templates of the folder `instructions` (e.g. prompts/english/) for a question in
    `language`: the same system prompt and examples for every language, the answer language named just before
    the question ("Answer in Dutch."), and the language's own abstention sentence. A 1.5B model reads English
    instructions best; the shared prefix is also the same for every language."""
    import tomllib

    folder, own = Path(prompts_dir) / instructions, Path(prompts_dir) / prompt_language(language)
    names = folder / LANGUAGES_FILE
    if not names.is_file():
        raise ConfigError(f"Instructions folder {folder} has no {LANGUAGES_FILE}.",
                          "Set instructions = \"\" (the question's language) or restore the prompts/ folder.")
    with open(names, "rb") as fh:
        name = tomllib.load(fh).get(prompt_language(language), {}).get("name", "English")
    texts = {}
    for file, where in (("system.txt", folder), ("user.txt", folder), ("passage.txt", folder),
                        ("retry.txt", folder), ("abstain.txt", own), (EXAMPLES_FILE, folder)):
        if not (where / file).is_file():
            raise ConfigError(f"Prompt template missing: {where / file}", "Restore the prompts/ folder from git.")
        texts[file] = Template((where / file).read_text(encoding="utf-8").strip()).safe_substitute(language=name)
    examples = parse_examples(texts[EXAMPLES_FILE], folder / EXAMPLES_FILE)
    return PromptSet(own.name, texts["system.txt"], Template(texts["user.txt"]), Template(texts["passage.txt"] + "\n"),
                     texts["abstain.txt"], texts["retry.txt"], examples, evidence=True)


@lru_cache(maxsize=16)
def load_prompts(prompts_dir: Path, language: str, evidence: bool = False) -> PromptSet:
    """Templates for `language` (English for languages without their own folder). The evidence layout takes
    a file from the language's `evidence/` folder where it has one (system prompt, examples)."""
    folder = Path(prompts_dir) / prompt_language(language)
    texts = {}
    for name in TEMPLATE_FILES:
        path = _layout_file(folder, name, evidence)
        if not path.is_file():
            raise ConfigError(f"Prompt template missing: {path}", "Restore the prompts/ folder from git.")
        texts[name] = path.read_text(encoding="utf-8").strip() + ("\n" if name == "passage.txt" else "")
    examples_path = _layout_file(folder, EXAMPLES_FILE, evidence)
    examples = parse_examples(examples_path.read_text(encoding="utf-8"), examples_path) \
        if examples_path.is_file() else ()
    return PromptSet(folder.name, texts["system.txt"], Template(texts["user.txt"]),
                     Template(texts["passage.txt"]), texts["abstain.txt"].strip(), texts["retry.txt"].strip(),
                     examples, evidence)


def _layout_file(folder: Path, name: str, evidence: bool) -> Path:
    special = folder / EVIDENCE_FOLDER / name
    return special if evidence and special.is_file() else folder / name


@lru_cache(maxsize=64)
def answer_grammar(prompts_dir: Path, abstain: str, n_passages: int) -> str:
    """GBNF text: the abstention sentence, or sentences that cite only existing passage numbers."""
    base = (Path(prompts_dir) / "answer.gbnf").read_text(encoding="utf-8")
    numbers = " | ".join(f'"{n}"' for n in range(1, n_passages + 1)) or '"1"'
    escaped = abstain.replace("\\", "\\\\").replace('"', '\\"')
    return f'{base}\nabstain   ::= "{escaped}"\ncitation  ::= {numbers}\n'


@dataclass(frozen=True)
class RewritePrompt:
    """prompts/rewrite/: the instructions, worked examples, and the templates of a turn and the request."""

    system: str
    turn: Template
    user: Template
    examples: tuple[tuple[str, str], ...]

    def messages(self, turns: list[Turn], question: str, language_name: str) -> list[dict[str, str]]:
        earlier = "\n".join(self.turn.safe_substitute(question=t.question, answer=t.answer or "-") for t in turns)
        user = self.user.safe_substitute(turns=earlier, followup=question.strip(), language=language_name)
        return [*self.prefix_messages()[:-1], {"role": "user", "content": user}]

    def prefix_messages(self) -> list[dict[str, str]]:
        """The instructions and examples every rewrite starts with: kept in the prompt cache."""
        return fixed_prefix(self.system, self.examples)


@lru_cache(maxsize=2)
def load_rewrite_prompt(prompts_dir: Path) -> RewritePrompt:
    folder = Path(prompts_dir) / "rewrite"
    texts = {name: read_prompt_file(folder / name) for name in ("system.txt", "turn.txt", "user.txt")}
    examples_path = folder / "examples.txt"
    examples = parse_examples(examples_path.read_text(encoding="utf-8"), examples_path) \
        if examples_path.is_file() else ()
    return RewritePrompt(texts["system.txt"], Template(texts["turn.txt"]), Template(texts["user.txt"]), examples)
