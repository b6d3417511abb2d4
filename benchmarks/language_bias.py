"""The embedder's language bias, measured without the model: how often the gold evidence reaches the prompt when
passages in another language than the question get `other_language_bonus` added to their cosine (which decides what
the prompt holds, not its order: rag.searching.trim), and the bonus chosen leave-one-file-out over the single-question
gold files (README, "Cross-lingual retrieval").

    python -m benchmarks.language_bias [--bonuses 0 0.01 0.02 0.03 0.04 0.05 0.06 0.08]

Uses the configured index (default "seeds", built by `make`); a question counts when its gold evidence (or its
first or last 50 characters, for evidence that straddles two passages) is in a passage the prompt gets; "first"
counts the questions whose evidence is in the prompt's first passage, split by same-language and cross-lingual.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from rag.config import PROJECT_DIR, Settings

GOLD_FILES = ("gold.jsonl", "gold_nearmiss*.jsonl", "gold_why_blind.jsonl", "gold_question_phrases*.jsonl")


def questions() -> list[tuple[str, dict]]:
    """(file name, gold item) for every answerable question with evidence."""
    paths = sorted({p for pattern in GOLD_FILES for p in (PROJECT_DIR / "seeds").glob(pattern)})
    items = [(p.stem, json.loads(line)) for p in paths for line in p.read_text(encoding="utf-8").splitlines()]
    return [(name, x) for name, x in items if x.get("answerable") and x.get("evidence")]


def reaches_prompt(passages, item: dict) -> bool:
    evidence = item.get("evidence_all") or [item["evidence"]]
    return any(e in p.text or e[:50] in p.text or e[-50:] in p.text for p in passages for e in evidence)


def crosslingual(item: dict, documents: dict) -> bool:
    doc = documents.get(item.get("doc"))
    return doc is not None and doc.language != item.get("lang")


def main() -> None:
    from rag.answering import Assistant
    from rag.searching import search

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bonuses", type=float, nargs="+", default=[0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08])
    args = parser.parse_args()
    items, base = questions(), Settings.load()
    hits: dict[float, list[bool]] = {}
    assistant = Assistant(base)
    for bonus in args.bonuses:
        assistant.settings = replace(base, other_language_bonus=bonus)
        assistant.retriever.other_language_bonus = bonus
        found = [search(x["question"], assistant.retriever, assistant.data.documents.values(),
                        assistant.settings).passages for _, x in items]
        hits[bonus] = [reaches_prompt(passages, x) for passages, (_, x) in zip(found, items)]
        cross = [crosslingual(x, assistant.data.documents) for _, x in items]
        first = [bool(passages) and reaches_prompt(passages[:1], x) for passages, (_, x) in zip(found, items)]
        print(f"bonus {bonus:.2f}: evidence in the prompt for {sum(hits[bonus])} of {len(items)} "
              f"(cross-lingual {sum(h for h, c in zip(hits[bonus], cross) if c)} of {sum(cross)}, same language "
              f"{sum(h for h, c in zip(hits[bonus], cross) if not c)} of {len(cross) - sum(cross)}); in the first "
              f"passage: cross-lingual {sum(f for f, c in zip(first, cross) if c)}, same language "
              f"{sum(f for f, c in zip(first, cross) if not c)}; passages per prompt "
              f"{sum(map(len, found)) / len(found):.2f}, characters "
              f"{sum(len(p.text) for ps in found for p in ps) / len(found):.0f}")
    files = sorted({name for name, _ in items})
    before = after = 0
    for held in files:
        inside = [i for i, (name, _) in enumerate(items) if name == held]
        chosen = max(args.bonuses, key=lambda b: (sum(h for i, h in enumerate(hits[b]) if i not in inside), -b))
        first, then = sum(hits[args.bonuses[0]][i] for i in inside), sum(hits[chosen][i] for i in inside)
        before, after = before + first, after + then
        print(f"{held}: bonus {chosen:.2f} chosen on the others; held out {first} -> {then} of {len(inside)}")
    print(f"held out, all files: {before} -> {after} of {len(items)}")


if __name__ == "__main__":
    main()
