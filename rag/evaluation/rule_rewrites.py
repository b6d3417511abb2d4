"""The follow-up rules measured without the model: does the question the rules make carry what the gold
standalone question asks about?

A model run of `bron eval --followup` takes minutes per conversation and mixes three things: the rewrite,
the search and the small model's answer. This measure isolates the first. Each conversation's history is
built as the eval builds it (rag.evaluation.followup: every earlier question asked in turn, each with the
earlier answers as its history), but the earlier answers are taken from the records of earlier runs; where
no run recorded one it is unknown, which the rules read as an abstention. The model's rewrite is not asked
(a generator that writes nothing), so a follow-up the rules cannot make standalone is "left to the model".
With `--model` the configured model rewrites what the rules leave (seconds per follow-up, no answers), and
its rewrites are scored like the rules' ("rejected": the checks did not trust it).

What counts (`score`): the subject of the gold standalone question, its name words and numbers, that the
conversation said (a name only the article knows cannot be found by any rewrite: "not in the conversation").
Topic switches must be searched as asked. Run:

    python -m rag.evaluation.rule_rewrites --gold seeds/gold_followup_blind.jsonl --records DIR [DIR ...]
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

OUTCOMES = ("right", "partly", "wrong subject", "subject missing", "left to the model", "rejected",
            "not in the conversation", "searched as asked")
MADE = ("substituted", "chosen", "rewritten")  # the methods that made a standalone question
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class _Silent:
    """A generator that writes nothing: the model's rewrite comes out empty and is rejected."""

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        return iter(())


def read_records(folders: Sequence[str | Path]) -> dict[str, dict[str, Any]]:
    """The earlier answers per conversation id, from the followup.jsonl of earlier runs (the first folder that
    has a conversation wins)."""
    found: dict[str, dict[str, Any]] = {}
    for folder in folders:
        path = Path(folder) / "followup.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
            record = json.loads(line)
            if line.strip() and not record.get("error") and record.get("history_answers"):
                found.setdefault(record["id"], record)
    return found


def _language(question: str, history: list) -> str:
    """The language Bron answers in, as rag.pipeline.prepare decides it."""
    from rag import language as lang
    from rag.followups import followup_language
    from rag.wordlists import prompts_dir_in_use

    detected = lang.detect(question)
    if history:
        detected = followup_language(question, detected, history, prompts_dir_in_use())
    return detected if lang.supported(detected) else "en"


@lru_cache(maxsize=1)
def _embed() -> Any:
    """The configured question encoder: the rules place a fragment by meaning (rag.fragments)."""
    from rag.config import Settings
    from rag.embedding import Embedder

    return Embedder.from_settings(Settings.load()).encode_queries


def rule_rewrite(question: str, history: list, generator: Any = None, embed: Any = None) -> Any:
    """The Rewrite the rules make of `question` after `history` (Answers), with no model unless `generator`,
    and with `embed` (the question encoder) the fragments placed by meaning."""
    from rag.followups import rewrite_question
    from rag.wordlists import prompts_dir_in_use

    return rewrite_question(generator or _Silent(), prompts_dir_in_use(), question, history,
                            _language(question, history), max_turns=_history_turns(), embed=embed,
                            spellings=_spellings())


@lru_cache(maxsize=1)
def _spellings() -> Any:
    """How the configured index's articles write their names (rag.spelling), as the pipeline reads them."""
    from rag import index, spelling
    from rag.config import Settings

    return spelling.for_documents(index.load_texts(Settings.load().index_path).documents)


@lru_cache(maxsize=1)
def _history_turns() -> int:
    """How many earlier turns the model's rewrite reads, as the pipeline's setting says (BRON_HISTORY_TURNS)."""
    from rag.config import Settings

    return Settings.load().history_turns


def build_history(questions: Sequence[str], answers: Sequence[str | None], generator: Any = None,
                  embed: Any = None) -> list:
    """The earlier turns as Answers, each question made standalone by the rules from the turns before it; an
    answer that is None (no run recorded it) or the abstention is an abstained turn."""
    from rag.prompting import load_prompts
    from rag.results import Answer
    from rag.wordlists import prompts_dir_in_use

    history: list = []
    for i, question in enumerate(questions):
        language = _language(question, history)
        text = answers[i] if i < len(answers) else None
        abstain = load_prompts(prompts_dir_in_use(), language).abstain.strip()
        abstained = text is None or text.strip() == abstain
        made = rule_rewrite(question, history, generator, embed)
        searched = made.question if made.method in MADE else ""
        history.append(Answer(question, abstain if abstained else str(text), language, abstained,
                              searched_for=searched))
    return history


def subject(text: str, language: str) -> set[str]:
    """What a question asks about: its name words (textrules.subject_words) and its numbers."""
    from rag.textrules import subject_words

    return subject_words(text, language) | {n.replace(",", ".") for n in _NUMBER.findall(text)}


def _has(word: str, words: set[str]) -> bool:
    return any(word[:5] == w[:5] for w in words)  # "Nvidias" carries "Nvidia", as other_subject reads it


def score(item: Any, rewrite: Any, history: list, generator: Any = None) -> tuple[str, list[str], list[str]]:
    """The outcome (OUTCOMES), the gold subject's words the rewrite lacks, and the subjects it names that the
    gold question and the follow-up do not (another question than the one asked). What the rewrite must bring
    is what the gold question names and the follow-up does not; "partly" when it brings some of it (the
    person, not the summit the gold question also names)."""
    from rag.evaluation.followup import leaked, other_subject

    generator = generator or _Silent()
    if item.kind == "switch":
        if rewrite.method != "alone":
            return ("left to the model" if rewrite.method == "rejected" else "wrong subject"), [], []
        return ("wrong subject" if leaked(rewrite.question, item.question, item.not_in_search)
                else "searched as asked"), [], []
    said = " ".join([*item.history, item.question] + [a.text for a in history if not a.abstained])
    said_words = subject(said, item.lang) | set(re.findall(r"[\w.,]+", said.lower()))
    asked = subject(item.question, item.lang)
    needed = {w for w in subject(item.standalone, item.lang) if not _has(w, asked)}
    knowable = {w for w in needed if _has(w, said_words)}
    record = {"error": None, "followup": {"abstained": False}, "kind": item.kind, "lang": item.lang,
              "searched_for": rewrite.question, "question": item.question, "standalone": item.standalone}
    other = other_subject(record) if rewrite.method in MADE else []
    missing = sorted(w for w in knowable if not _has(w, subject(rewrite.question, item.lang)))
    if other:
        return "wrong subject", missing, other
    if rewrite.method == "alone":
        return "searched as asked", missing, []
    if rewrite.method not in MADE:  # a name only the article knows: no rewrite can bring it
        left = "rejected" if not isinstance(generator, _Silent) else "left to the model"
        return ("not in the conversation" if needed and not knowable else left), missing, []
    if not missing:
        return "right", [], []
    return ("partly" if len(missing) < len(knowable) else "subject missing"), missing, []


def ideal_answer(question: str, standalone: str, said: str, language: str) -> str | None:
    """What a right answer to an earlier question for a name would have said: the gold question's names that
    the conversation does not (None when the question asks for no name or nothing is missing)."""
    from rag.asking import asks
    from rag.followups import _marks
    from rag.mentions import spans
    from rag.wordlists import prompts_dir_in_use

    if not asks(question, language, _marks(prompts_dir_in_use()), "asks_for_name"):
        return None
    names = [standalone[s.start:s.end] for s in spans(standalone, language) if s.kind == "name"]
    missing = [n for n in names if not _has(n.lower(), subject(said, language) | set(said.lower().split()))]
    return (", ".join(missing) + ".") if missing else None


def _answers(item: Any, recorded: list[str] | None, ideal: bool) -> list[str | None]:
    """The earlier answers: as recorded, else unknown, or with `ideal` the last question for a name answered
    right (ideal_answer) and the others unknown."""
    if recorded:
        return list(recorded)
    answers: list[str | None] = [None] * len(item.history)
    if ideal:
        said = " ".join([*item.history, item.question])
        for i in reversed(range(len(item.history))):
            answers[i] = ideal_answer(item.history[i], item.standalone, said, item.lang)
            if answers[i]:
                break
    return answers


def measure(gold: str | Path, folders: Sequence[str | Path], ideal: bool = False,
            generator: Any = None, kind: str | None = None, embed: Any = None) -> list[dict[str, Any]]:
    """Each conversation's rule rewrite (and with `generator`, the model's) and its outcome."""
    from rag.evaluation.followup import load_followups

    records = read_records(folders)
    rows = []
    for item in load_followups(gold):
        if kind and item.kind != kind:
            continue
        earlier = records.get(item.id, {}).get("history_answers")
        history = build_history(item.history, _answers(item, earlier, ideal), generator, embed)
        made = rule_rewrite(item.question, history, generator, embed)
        outcome, missing, other = score(item, made, history, generator)
        rows.append({"id": item.id, "kind": item.kind, "lang": item.lang, "question": item.question,
                     "standalone": item.standalone, "rewrite": made.question, "method": made.method,
                     "answers_known": bool(earlier), "outcome": outcome, "missing": missing, "other": other,
                     "note": made.note})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Outcomes by kind and language (counts)."""
    groups = [("all", rows)] + [(k, [r for r in rows if r["kind"] == k]) for k in ("pronoun", "ellipsis", "switch")]
    groups += [(f"lang {code}", [r for r in rows if r["lang"] == code]) for code in sorted({r["lang"] for r in rows})]
    lines = ["| group | n | " + " | ".join(OUTCOMES) + " |", "|---|---|" + "---|" * len(OUTCOMES)]
    for name, group in groups:
        if group:
            counts = [sum(r["outcome"] == o for r in group) for o in OUTCOMES]
            lines.append(f"| {name} | {len(group)} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(lines)


def details(rows: list[dict[str, Any]]) -> str:
    lines = ["| id | kind | answers | asked | made | method | outcome |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        why = f" (missing {', '.join(r['missing'])})" if r["missing"] else ""
        why += f" (other: {', '.join(r['other'])})" if r["other"] else ""
        why += f" ({r['note']})" if r["method"] == "rejected" and r.get("note") else ""
        lines.append(f"| {r['id']} | {r['kind']} | {'known' if r['answers_known'] else 'unknown'} | {r['question']} "
                     f"| {r['rewrite'] if r['method'] != 'rejected' else '-'} | {r['method']} | {r['outcome']}{why} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The follow-up rules' rewrites scored without the model.")
    parser.add_argument("--gold", required=True, help="follow-up gold file (JSON Lines)")
    parser.add_argument("--records", nargs="*", default=[], help="folders of earlier `bron eval --followup` runs")
    parser.add_argument("--details", action="store_true", help="also list every conversation")
    parser.add_argument("--ideal", action="store_true", help="an earlier answer no run recorded: the right one "
                        "where it asked for a name (else unknown, read as an abstention)")
    parser.add_argument("--model", action="store_true", help="the configured model rewrites what the rules leave")
    parser.add_argument("--kind", choices=("pronoun", "ellipsis", "switch"), help="only conversations of this kind")
    args = parser.parse_args(argv)
    from rag.errors import BronError

    try:
        generator = None
        if args.model:
            from rag.config import Settings
            from rag.llm import make_generator

            generator = make_generator(Settings.load())
        rows = measure(args.gold, args.records, args.ideal, generator, args.kind, _embed())
    except BronError as exc:  # a gold file with a wrong line: say which and how to fix it, no traceback
        raise SystemExit(f"error: {exc}") from None
    print(table(rows))
    if args.details:
        print("\n" + details(rows))


if __name__ == "__main__":
    main()
