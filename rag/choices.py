"""The model's choice among the standalone questions the follow-up rules wrote (rag.followups.options).

Where a pronoun or an ellipsis can mean several names, which one is a matter of meaning; the rules write the
question once per name and the model only writes a number (one token, a grammar of the numbers). What it chooses
is a question the rules wrote, so it cannot leave a pronoun in or bring in a name. "None of these" falls back to
the model's own rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from rag.referents import Turn

if TYPE_CHECKING:
    from rag.llm import Generator

CHOICE_MAX_TOKENS = 2  # the number of one of at most four questions the rules wrote


@dataclass(frozen=True)
class ChoicePrompt:
    """prompts/choose/: the instructions, worked examples, the request and its options; a turn is written as
    for the rewrite (prompts/rewrite/turn.txt)."""

    system: str
    turn: Template
    user: Template
    option: Template
    none: str  # the last option: none of the questions means what the follow-up asks
    examples: tuple[tuple[str, str], ...]

    def messages(self, turns: list[Turn], question: str, choices: list[str]) -> list[dict[str, str]]:
        """The request lists `choices` by number and then "none of these" (`none`) as the last number."""
        earlier = "\n".join(self.turn.safe_substitute(question=t.question, answer=t.answer or "-") for t in turns)
        listed = "\n".join(self.option.safe_substitute(number=i, question=q)
                           for i, q in enumerate([*choices, self.none], 1))
        user = self.user.safe_substitute(turns=earlier, followup=question.strip(), options=listed)
        return [*self.prefix_messages()[:-1], {"role": "user", "content": user}]

    def prefix_messages(self) -> list[dict[str, str]]:
        """The instructions and examples every choice starts with: kept in the prompt cache."""
        from rag.prompting import fixed_prefix

        return fixed_prefix(self.system, self.examples)


@lru_cache(maxsize=2)
def load_choice_prompt(prompts_dir: Path) -> ChoicePrompt:
    from rag.prompting import parse_examples, read_prompt_file

    folder = Path(prompts_dir) / "choose"
    texts = {name: read_prompt_file(folder / name)
             for name in ("system.txt", "user.txt", "option.txt", "none.txt", "examples.txt")}
    examples = parse_examples(texts["examples.txt"], folder / "examples.txt")
    turn = read_prompt_file(Path(prompts_dir) / "rewrite" / "turn.txt")  # an earlier turn, as for the rewrite
    return ChoicePrompt(texts["system.txt"], Template(turn), Template(texts["user.txt"]), Template(texts["option.txt"]),
                        texts["none.txt"], examples)


def choose(generator: Generator, prompts_dir: Path, question: str, turns: list[Turn],
           choices: list[str]) -> str | None:
    """The one of `choices` the model reads the follow-up as (a grammar allows only their numbers and the one of
    "none of these"), or None: then the model rewrites the follow-up itself."""
    from rag.llm import Generation

    grammar = "root ::= " + " | ".join(f'"{i}"' for i in range(1, len(choices) + 2))
    messages = load_choice_prompt(prompts_dir).messages(turns, question, choices)
    text = "".join(generator.stream(messages, CHOICE_MAX_TOKENS, 0.0, grammar, Generation())).strip()
    return choices[int(text) - 1] if text.isdigit() and 1 <= int(text) <= len(choices) else None
