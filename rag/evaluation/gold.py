"""The gold question file (JSON Lines, one question per line, UTF-8; blank lines are ignored)::

    {"id": "001-07", "question": "Hoeveel Starlink-satellieten zijn er momenteel in de ruimte?",
     "lang": "nl", "answers": ["9.000", "9000", "9,000"], "doc": "001_7cb9b078a8c546f5",
     "evidence": "Met slechts 9.000 Starlink-satellieten momenteel in de ruimte", "answerable": true}

- ``id``: unique string. ``question``: the question. ``lang``: the question's language (ISO 639-1).
- ``answers``: short acceptable answers (a number with unit, a name), in several languages and number
  formats. An answer counts as correct when, after normalisation (case, accents, punctuation, number
  formats such as 8,2 = 8.2 and 9.000 = 9000, miljard/Milliarden/billion), it contains one of them.
  Include at least one variant in the article's own language.
- ``doc``: the id (file stem) of the article that answers it, ``null`` when unanswerable.
- ``evidence``: an exact substring of that article supporting the answer (``null`` when unanswerable).
- ``answerable``: ``false`` for questions the articles cannot answer; the assistant should abstain.
- Optional ``docs`` (all gold article ids, ``doc`` first or included) with ``evidence_all`` (one evidence
  per entry of ``docs``) for questions that need, or can be answered from, two articles.
- Optional ``tags``: free labels such as "number", "name", "date", "reason", "multi", "unanswerable".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.errors import InputError

_GOLD_KEYS = {"id", "question", "lang", "answers", "doc", "evidence", "answerable", "docs", "evidence_all",
              "tags"}
_REQUIRED = ("id", "question", "lang", "answers", "doc", "evidence", "answerable")


@dataclass(frozen=True)
class GoldQuestion:
    """One gold question; `docs`/`evidence_all` always list every gold article and its evidence."""

    id: str
    question: str
    lang: str
    answers: tuple[str, ...]
    doc: str | None
    evidence: str | None
    answerable: bool
    docs: tuple[str, ...] = ()
    evidence_all: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def _gold_problem(item: Any) -> str | None:
    """What is wrong with one parsed gold line, or None."""
    if not isinstance(item, dict):
        return "expected a JSON object {...}"
    missing = [k for k in _REQUIRED if k not in item]
    if missing:
        return f"missing field(s): {', '.join(missing)}"
    unknown = sorted(set(item) - _GOLD_KEYS)
    if unknown:
        return f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(sorted(_GOLD_KEYS))})"
    for key in ("id", "question"):
        if not isinstance(item[key], str) or not item[key].strip():
            return f"'{key}' must be a non-empty string"
    if not isinstance(item["lang"], str) or not re.fullmatch(r"[a-z]{2}", item["lang"]):
        return f"'lang' must be a two-letter language code such as \"nl\", got {item['lang']!r}"
    if not isinstance(item["answerable"], bool):
        return f"'answerable' must be true or false, got {item['answerable']!r}"
    answers = item["answers"]
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        return "'answers' must be a list of non-empty strings"
    for key in ("docs", "evidence_all", "tags"):
        value = item.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            return f"'{key}' must be a list of strings"
    if item["answerable"]:
        if not answers:
            return "an answerable question needs at least one entry in 'answers'"
        if not isinstance(item["doc"], str) or not item["doc"]:
            return "an answerable question needs 'doc' (the article id, i.e. its file name without suffix)"
        if not isinstance(item["evidence"], str) or not item["evidence"].strip():
            return "an answerable question needs 'evidence' (an exact quote from the article)"
        docs, evidence_all = item.get("docs"), item.get("evidence_all")
        if docs is not None or evidence_all is not None:
            if docs is None or evidence_all is None or len(docs) != len(evidence_all):
                return "'docs' and 'evidence_all' go together and need the same number of entries"
            if item["doc"] not in docs:
                return "'docs' must include 'doc'"
    else:
        if item["doc"] is not None or item["evidence"] is not None:
            return "an unanswerable question needs \"doc\": null and \"evidence\": null"
    return None


def read_checked_lines(path: str | Path, what: str, remedy: str,
                       problem: Callable[[Any], str | None]) -> list[dict[str, Any]]:
    """The JSON objects of a hand-written JSONL file, each checked by `problem` and with a unique "id".

    An InputError names the file, the line and what is wrong, so the file is quick to fix."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}", "Pass the path of a .jsonl file.") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8.", "Re-save it as UTF-8.") from None
    items: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).",
                             remedy) from None
        found = problem(item)
        if found:
            raise InputError(f"{path}, line {number}: {found}.", remedy)
        if item["id"] in seen:
            raise InputError(f"{path}, line {number}: id {item['id']!r} already used on line {seen[item['id']]}.",
                             "Give every line a unique id.")
        seen[item["id"]] = number
        items.append(item)
    if not items:
        raise InputError(f"{what} {path} is empty.", remedy)
    return items


def load_gold(path: str | Path, articles: str | Path | None = None) -> list[GoldQuestion]:
    """Read and check a gold JSONL file; with `articles` (a folder) also check ids and evidence quotes.

    Raises InputError naming the line and the problem, so a hand-written file is quick to fix."""
    remedy = "See the gold format in the rag.evaluation.gold docstring (README, Evaluation)."
    questions: list[GoldQuestion] = []
    for item in read_checked_lines(path, "Gold file", remedy, _gold_problem):
        docs = tuple(item.get("docs") or ([item["doc"]] if item["doc"] else []))
        evidence_all = tuple(item.get("evidence_all") or ([item["evidence"]] if item["evidence"] else []))
        questions.append(GoldQuestion(
            id=item["id"], question=item["question"].strip(), lang=item["lang"], answers=tuple(item["answers"]),
            doc=item["doc"], evidence=item["evidence"], answerable=item["answerable"], docs=docs,
            evidence_all=evidence_all, tags=tuple(item.get("tags") or ())))
    if articles is not None:
        problems = check_gold(questions, articles)
        if problems:
            raise InputError(f"{path}: {len(problems)} problem(s) with the articles in {articles}:\n  "
                             + "\n  ".join(problems[:20]), "Fix the doc ids or quote the evidence exactly.")
    return questions


def check_gold(questions: Sequence[GoldQuestion], articles: str | Path) -> list[str]:
    """Problems with doc ids and evidence quotes against an article folder (empty list: all fine)."""
    from rag.corpus import load_corpus

    texts = {doc.id: doc.text for doc in load_corpus(Path(articles))}
    problems = []
    for q in questions:
        for doc, evidence in zip(q.docs, q.evidence_all):
            if doc not in texts:
                problems.append(f"{q.id}: article {doc!r} not found")
            elif evidence not in texts[doc]:
                problems.append(f"{q.id}: evidence is not an exact quote of {doc}: {evidence[:60]!r}")
    return problems

