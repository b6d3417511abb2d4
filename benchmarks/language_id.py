"""Question language detection (rag.language.detect) measured on questions whose language is known.

    python -m benchmarks.language_id              # the sets below; misses listed
    python -m benchmarks.language_id --quiet      # counts only

Sets: `benchmarks/data/language_questions.jsonl` (360 nl/de/en questions, short ones and chat fragments,
written for this test by someone who had not read rag/language.py or the word lists), the questions and
follow-up turns of `seeds/gold*.jsonl`, and XQuAD's de and en questions (CC BY-SA 4.0, beside the project).
A question answered in the wrong language is wrong from its first word, so this is measured apart.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from benchmarks.common import PROJECT_DIR

BLIND = PROJECT_DIR / "benchmarks" / "data" / "language_questions.jsonl"
XQUAD_DIR = PROJECT_DIR.parent / "shared" / "bench" / "data" / "xquad"


def blind_questions(path: Path = BLIND) -> list[tuple[str, str, str]]:
    """(question, language, kind: full, short or fragment)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["question"], r["lang"], r["kind"]) for r in rows]


def gold_questions(seeds: Path = PROJECT_DIR / "seeds") -> list[tuple[str, str, str]]:
    """The gold files' questions, and the follow-up files' follow-ups as asked."""
    from rag.evaluation.followup import load_followups
    from rag.evaluation.gold import load_gold

    out = []
    for path in sorted(seeds.glob("gold*.jsonl")):
        if path.name.startswith("gold_followup"):
            out += [(f.question, f.lang, "follow-up") for f in load_followups(path)]
        else:
            out += [(q.question, q.lang, "question") for q in load_gold(path)]
    return out


def xquad_questions(language: str) -> list[tuple[str, str, str]]:
    path = XQUAD_DIR / f"xquad.{language}.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [(qa["question"], language, "xquad") for article in data for p in article["paragraphs"]
            for qa in p["qas"]]


def accuracy(questions: list[tuple[str, str, str]]) -> tuple[Counter, Counter, list[tuple[str, str, str]]]:
    """Right and total per (language, kind), and the misses as (language, detected, question)."""
    from rag.language import detect

    right, total, misses = Counter(), Counter(), []
    for question, language, kind in questions:
        found = detect(question)
        total[(language, kind)] += 1
        if found == language:
            right[(language, kind)] += 1
        else:
            misses.append((language, found, question))
    return right, total, misses


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.language_id", description=__doc__.split("\n\n")[0])
    p.add_argument("--quiet", action="store_true", help="counts only, no misses")
    args = p.parse_args(argv)
    sets = {"blind": blind_questions(), "gold": gold_questions(),
            "xquad": xquad_questions("de") + xquad_questions("en")}
    print("| set | language | kind | right | n | % |\n|---|---|---|---|---|---|")
    all_misses = []
    for name, questions in sets.items():
        right, total, misses = accuracy(questions)
        all_misses += [(name, *m) for m in misses]
        for key in sorted(total):
            share = 100 * right[key] / total[key]
            print(f"| {name} | {key[0]} | {key[1]} | {right[key]} | {total[key]} | {share:.1f} |")
        n = sum(total.values())
        if n:
            print(f"| {name} | all | all | {sum(right.values())} | {n} | {100 * sum(right.values()) / n:.1f} |")
    if not args.quiet:
        for name, language, found, question in all_misses:
            print(f"- {name}: {language} read as {found}: {question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
