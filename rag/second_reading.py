"""A second, short reading (issue 24): does the named sentence state what is asked?

After the model has named its evidence sentence and answered (rag.evidence), a second model context reads
only the question, that sentence and the answer, after a fixed instruction prefix with worked examples
(`prompts/second_reading/`, English for every language: the model reads English best), and writes one token,
"yes" or "no". Its probability of "yes" is a second signal beside the first reading's probability of "none":
the first reading saw four passages and picked the closest sentence; the second sees one sentence and only
has to judge it. The prefix stays in the second context's KV cache, so a reading costs the ~60 new tokens.
`second_reading_min` abstains below a probability chosen by cross-validation (README); 0 only records it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from rag.errors import ConfigError
from rag.prompting import FixedPrompt

if TYPE_CHECKING:
    from rag.llm import Generator
    from rag.probe import Probe

FOLDER = "second_reading"
GRAMMAR = 'root ::= "yes" | "no"\n'


@dataclass(frozen=True)
class Reading:
    """The second reading's verdict: the probability of "yes" (None: the backend does not report it)."""

    yes: float | None
    said_yes: bool
    ms: float
    probe: float | None = None  # a linear probe's P(stated) on the model's state before that token (rag.probe)


def fixed_prompt(prompts_dir: Path) -> FixedPrompt:
    fixed, _turn = load(prompts_dir)
    return FixedPrompt(fixed[0]["content"], tuple((m["role"], m["content"]) for m in fixed[1:]))


@lru_cache(maxsize=4)
def load(prompts_dir: Path) -> tuple[list[dict[str, str]], Template]:
    """The fixed messages (instructions and examples) and the template of the question's turn."""
    from rag.prompting import parse_examples

    folder = Path(prompts_dir) / FOLDER
    try:
        system = (folder / "system.txt").read_text(encoding="utf-8").strip()
        examples_path = folder / "examples.txt"
        examples = parse_examples(examples_path.read_text(encoding="utf-8"), examples_path)
        turn = Template((folder / "turn.txt").read_text(encoding="utf-8").strip())
    except FileNotFoundError as exc:
        raise ConfigError(f"Second-reading prompt missing: {exc.filename}",
                          "Restore the prompts/ folder from git.") from exc
    return [{"role": "system", "content": system}, *({"role": r, "content": c} for r, c in examples)], turn


def read_again(generator: Generator, prompts_dir: Path, question: str, sentence: str, answer: str,
               probe: Probe | None = None) -> Reading:
    """One "yes"/"no" token from `generator` on the question, the sentence and the answer; with `probe`, also
    the probe's probability on the model's state at the end of that prompt."""
    from rag.llm import Generation

    fixed, turn = load(prompts_dir)
    started = time.perf_counter()
    record = Generation()
    text = turn.safe_substitute(question=question.strip(), sentence=" ".join(sentence.split()),
                                answer=answer.strip())
    said = "".join(generator.stream([*fixed, {"role": "user", "content": text}], max_tokens=2, temperature=0.0,
                                    grammar=GRAMMAR, record=record, abstain="yes")).strip().lower()
    yes = math.exp(record.abstain_logprob) if record.abstain_logprob is not None else None
    state = generator.last_prompt_state(probe.layer) if probe is not None else None
    return Reading(yes, said.startswith("yes"), (time.perf_counter() - started) * 1000,
                   probe.probability(state) if state is not None else None)
