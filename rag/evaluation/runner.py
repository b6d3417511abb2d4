"""Running an evaluation: ask every gold question, score each answer, and collect an EvalResult.

One broken question is recorded as an error rather than ending a long run."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rag.errors import ConfigError, InputError
from rag.evaluation.gold import GoldQuestion, load_gold
from rag.evaluation.report import EvalResult
from rag.evaluation.scoring import error_record, score_answer


def _seeds_dir(settings: Any) -> Path:
    from rag.config import PROJECT_DIR

    return Path(getattr(settings, "seeds_dir", None) or PROJECT_DIR / "seeds")


def _settings_dict(settings: Any) -> dict[str, Any]:
    """The settings as report.json stores them (paths as text); empty when unknown."""
    if settings is None:
        return {}
    if isinstance(settings, Mapping):
        raw = dict(settings)
    elif hasattr(settings, "as_dict"):
        raw = settings.as_dict()
    else:
        return {}
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in raw.items()}


def _make_assistant(settings: Any, overrides: Mapping[str, Any]):
    """The assistant for `settings`: a Settings object, a dict of overrides, a config-file path or None."""
    from rag.answering import Assistant

    if settings is None:
        return Assistant.from_settings(**overrides)
    if isinstance(settings, Mapping):
        return Assistant.from_settings(**{**settings, **overrides})
    if isinstance(settings, (str, Path)):
        return Assistant.from_settings(settings, **overrides)
    return Assistant(settings.replace(**overrides) if overrides else settings)


def _article_languages(settings: Any) -> dict[str, str]:
    """Language per article id, detected by the corpus loader (the same way the index sees them)."""
    from rag.corpus import load_corpus

    try:
        return {doc.id: doc.language for doc in load_corpus(_seeds_dir(settings))}
    except InputError:
        return {}


def _spread(items: Sequence[Any], limit: int | None) -> list[Any]:
    """`limit` items spread evenly over the list, so a quick run still covers every article and language."""
    if limit is None or limit >= len(items):
        return list(items)
    if limit <= 0:
        return []
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def default_gold_path(settings: Any = None) -> Path:
    """gold.jsonl in the settings' article folder (seeds/ by default): the gold set sits with its articles."""
    return _seeds_dir(settings) / "gold.jsonl"


def evaluate(gold: str | Path | Sequence[GoldQuestion] | None = None, settings: Any = None, assistant: Any = None,
             limit: int | None = None, progress: bool = True, doc_languages: Mapping[str, str] | None = None,
             **overrides: Any) -> EvalResult:
    """Ask every gold question and score the answers.

    `gold`: a JSONL path or loaded questions (default: seeds/gold.jsonl). `assistant`: anything with
    `.answer(question) -> Answer`; by default one is built from `settings` (a Settings, a dict of
    overrides or a bron.toml path) and `overrides`. `limit` picks that many questions spread evenly
    over the file. `doc_languages` maps article id -> language (default: detected from the articles)."""
    if assistant is not None and overrides:
        raise ConfigError(f"Settings overrides ({', '.join(sorted(overrides))}) cannot apply to a ready assistant.",
                          "Pass either assistant=... or settings/overrides, not both.")
    gold_path = None
    if gold is None or isinstance(gold, (str, Path)):
        gold_path = Path(gold) if gold is not None else default_gold_path(settings)
        questions = load_gold(gold_path)
    else:
        questions = list(gold)
    questions = _spread(questions, limit)
    if assistant is None:
        assistant = _make_assistant(settings, overrides)
    used_settings = getattr(assistant, "settings", None) or settings
    languages = dict(doc_languages) if doc_languages is not None else _article_languages(used_settings)

    from tqdm import tqdm

    started = time.strftime("%Y-%m-%d %H:%M:%S")
    t0 = time.perf_counter()
    records: list[dict[str, Any]] = []
    bar = tqdm(questions, desc="evaluating", unit="q", disable=not progress)
    for question in bar:
        article_lang = languages.get(question.doc) if question.doc else None
        q_start = time.perf_counter()
        try:
            answer = assistant.answer(question.question)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - one broken question must not lose a long run; reported
            records.append(error_record(question, article_lang, exc))
            continue
        if article_lang is None and question.doc:  # fall back on the passages' own language
            article_lang = next((p.language for p in answer.passages if p.doc_id == question.doc and p.language),
                                None)
        records.append(score_answer(question, answer, article_lang, (time.perf_counter() - q_start) * 1000))
        done = [r for r in records if not r["error"]]
        ok = sum(bool(r["correct"]) if r["answerable"] else r["abstained"] for r in done)
        bar.set_postfix(accuracy=f"{ok / max(1, len(done)):.0%}")
    bar.close()
    return EvalResult.from_records(records, settings=_settings_dict(used_settings),
                                   gold_path=str(gold_path) if gold_path else None, started=started,
                                   duration_s=time.perf_counter() - t0)
