"""Evidence first (issue 24): the model names the sentence that states the answer before it answers.

The passages are shown with each sentence numbered (`[2.3]`: passage 2, sentence 3, one per line), and the
answer grammar makes the model write `Evidence: [2.3]` (or `Evidence: none`, which abstains) on its first
line and the short answer on the next. Bron then cites the passages of the named sentences, checks the
answer's names and numbers against those sentences alone (not the whole passage), and shows them as the
citation's quote. The model's probability of "none" at that first choice is what `strictness` reads.

Why: an answer that is true, in a cited passage on the right subject, can still answer another question.
Naming the one sentence first makes the model commit to its evidence, and makes that evidence checkable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rag.results import Passage
from rag.textrules import split_sentences

LEAD = "Evidence: "  # the first line's opening, the same in every language (the model reads English best)
NONE = "none"
ABSTAIN_PATH = LEAD + NONE  # what the abstention probability is measured along
_LABEL = re.compile(r"\[(\d+)\.(\d+)\]")
_FIRST_LINE = re.compile(r"^\s*Evidence:\s*(none\b|(?:\[\d+\.\d+\]\s*)+)\s*\n?", re.IGNORECASE)


def sentences_of(text: str) -> list[str]:
    """The sentences of a passage as the model sees them numbered (the one sentence splitter)."""
    return split_sentences(text) or ([text.strip()] if text.strip() else [])


def numbered(n: int, text: str) -> str:
    """A passage's text with one numbered sentence per line: "[n.1] ...\\n[n.2] ..."."""
    return "\n".join(f"[{n}.{i}] {s}" for i, s in enumerate(sentences_of(text), 1))


def sentence_table(passages: Iterable[Passage]) -> dict[tuple[int, int], str]:
    """(passage number, sentence number) -> the sentence, for the passages the model read."""
    return {(p.n, i): s for p in passages for i, s in enumerate(sentences_of(p.text), 1)}


def grammar(table: dict[tuple[int, int], str], avoid: str = "") -> str:
    """GBNF: "Evidence: none", or "Evidence: " one or two existing sentence labels, a newline and the answer
    (one line without brackets: Bron adds the citations from the labels). `avoid`: letters or digits the answer
    may not begin with, in either case (an answer asked for again must begin otherwise, rag.retries)."""
    labels = " | ".join(f'"[{n}.{i}]"' for n, i in sorted(table)) or '"[1.1]"'
    first = "".join(sorted({c for c in avoid.lower() + avoid.upper() if c.isalnum()}))
    answer = f"[^\\[\\]\\n {first}] [^\\[\\]\\n]*" if first else "[^\\[\\]\\n]+"
    return (f'root   ::= "{LEAD}" ("{NONE}" | label (" " label)? "\\n" answer)\n'
            f"label  ::= {labels}\n"
            f"answer ::= {answer}\n")


@dataclass(frozen=True)
class Evidence:
    """What the model named on its first line, and its answer."""

    labels: tuple[tuple[int, int], ...] = ()  # (passage, sentence), in the order named; () for "none"
    answer: str = ""  # the answer line, without citations
    named: bool = False  # False: the first line was not there (no grammar, or another backend's text)

    @property
    def none(self) -> bool:
        return self.named and not self.labels

    def passages(self) -> list[int]:
        """The cited passage numbers, in the order first named."""
        return list(dict.fromkeys(n for n, _ in self.labels))

    def cited_text(self, abstain: str) -> str:
        """The answer as Bron shows it: the answer with the named passages cited, or the abstention."""
        if not self.named:
            return self.answer
        if self.none or not self.answer.strip():
            return abstain
        answer = self.answer.strip().rstrip(".").strip()
        cites = " ".join(f"[{n}]" for n in self.passages())
        return f"{answer} {cites}." if cites else f"{answer}."


@dataclass(frozen=True)
class Located:
    """Where the answer's facts are: passage number -> its sentence(s), and whether that is not where the
    model pointed (`moved`: neither the named sentences nor their neighbours hold the facts, another does)."""

    sentences: dict[int, str]
    moved: bool = False
    labels: tuple[tuple[int, int], ...] = ()


def locate(found: Evidence, table: dict[tuple[int, int], str], holds=None) -> Located:
    """The evidence sentences for the answer. `holds(sentence)` says whether a sentence has every name and
    number of the answer. The named sentences are kept when they hold the facts; a named sentence one off
    (a small model's usual slip) gives way to the neighbour that holds them; failing both, the one sentence
    of the passages read that holds them all is taken and marked `moved`, which the second reading must
    confirm (rag.checking). Nothing found: the named sentences, which the check then rejects."""
    named = [label for label in found.labels if label in table]
    if not named or holds is None or holds(" ".join(table[label] for label in named)):
        return _located(named, table)
    near = []
    for n, i in named:
        near.append(next((x for x in ((n, i), (n, i - 1), (n, i + 1)) if x in table and holds(table[x])), (n, i)))
    if holds(" ".join(table[label] for label in near)):
        return _located(near, table)
    first = named[0][0]
    anywhere = next((x for x in sorted(table, key=lambda x: (x[0] != first, x)) if holds(table[x])), None)
    return _located([anywhere], table, moved=True) if anywhere else _located(named, table)


def _located(labels: list[tuple[int, int]], table: dict[tuple[int, int], str], moved: bool = False) -> Located:
    found: dict[int, list[str]] = {}
    for label in dict.fromkeys(labels):
        found.setdefault(label[0], []).append(table[label])
    return Located({n: " ".join(parts) for n, parts in found.items()}, moved, tuple(dict.fromkeys(labels)))


def parse(text: str) -> Evidence:
    """Read the model's output; text without the first line is returned as the answer, unnamed."""
    match = _FIRST_LINE.match(text)
    if not match:
        return Evidence(answer=text.strip())
    named = match.group(1)
    if named.lower().startswith(NONE):
        return Evidence(named=True)
    labels = tuple(dict.fromkeys((int(a), int(b)) for a, b in _LABEL.findall(named)))
    return Evidence(labels, text[match.end():].strip(), named=True)


@dataclass
class HideFirstLine:
    """Holds back the streamed text until the evidence line is complete, then passes on the answer only;
    text that does not open with the evidence line passes unchanged."""

    seen: str = ""
    passing: bool = False

    def feed(self, delta: str) -> Iterator[str]:
        if self.passing:
            yield delta
            return
        self.seen += delta
        if not LEAD.startswith(self.seen[:len(LEAD)]):  # not the evidence layout: show everything
            self.passing = True
            yield self.seen
            return
        if "\n" in self.seen:
            self.passing = True
            rest = self.seen.split("\n", 1)[1]
            if rest:
                yield rest
