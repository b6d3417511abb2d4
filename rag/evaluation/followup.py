"""Follow-up questions in conversations: the `bron eval --followup` section.

The gold file (JSON Lines, seeds/gold_followup.jsonl) has one conversation per line::

    {"id": "fu-01", "lang": "nl", "kind": "pronoun", "history": ["Wie leidt OpenAI?"],
     "question": "Hoe oud is hij?", "standalone": "Hoe oud is Sam Altman?", "answers": ["39"],
     "doc": "000_fb622f302fa41b5f", "evidence": "OpenAI baas Sam Altman (39)", "answerable": true,
     "not_in_search": []}

- ``kind``: "pronoun" or "ellipsis" (the follow-up leans on the history) or "switch" (a new topic that must be
  searched as if asked alone; then ``standalone`` equals ``question``).
- ``history``: earlier questions, answered live by Bron before the follow-up.
- ``standalone``: the follow-up as a question that stands alone; it is also asked on its own, so the
  follow-up's accuracy is compared with the same question asked without a conversation.
- ``not_in_search``: names from the history that must not appear in what a switch question searches for.
- ``answers``, ``doc``, ``evidence``, ``answerable``: as in the gold question file (rag.evaluation.gold).

"other subject" counts answered follow-ups whose search named a subject that neither the standalone form nor the
follow-up names: answers to another question than the one asked.

Order per conversation: the standalone question first (alone), then the history, then the follow-up, so
that the follow-up does not start from the standalone question's KV cache and the time difference is the
rewrite's cost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.evaluation.gold import GoldQuestion, _gold_problem, read_checked_lines
from rag.evaluation.metrics import mean, percentile
from rag.results import Timing

KINDS = ("pronoun", "ellipsis", "switch")
_KEYS = {"id", "lang", "kind", "history", "question", "standalone", "answers", "doc", "evidence", "answerable",
         "not_in_search"}


@dataclass(frozen=True)
class FollowUp:
    """One follow-up conversation of the gold file: the earlier questions, the follow-up and its standalone form."""

    id: str
    lang: str
    kind: str  # pronoun | ellipsis | switch (KINDS)
    history: tuple[str, ...]  # the earlier questions, asked in order before the follow-up
    question: str
    standalone: str
    not_in_search: tuple[str, ...]  # names of the history that a switch question must not search for
    gold: GoldQuestion  # the standalone question with its answers, as the scorer takes it

    def gold_for(self, question: str) -> GoldQuestion:
        return GoldQuestion(**{**self.gold.__dict__, "question": question})


def _problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "expected a JSON object {...}"
    missing, unknown = sorted(_KEYS - set(item)), sorted(set(item) - _KEYS)
    if missing or unknown:
        return f"missing field(s) {', '.join(missing) or '-'}; unknown field(s) {', '.join(unknown) or '-'}"
    if item["kind"] not in KINDS:
        return f"'kind' must be one of {', '.join(KINDS)}, got {item['kind']!r}"
    for key in ("history", "not_in_search"):
        if not isinstance(item[key], list) or not all(isinstance(v, str) and v.strip() for v in item[key]):
            return f"'{key}' must be a list of non-empty strings"
    if not item["history"]:
        return "'history' needs at least one earlier question"
    if item["kind"] == "switch" and item["standalone"] != item["question"]:
        return "a switch question stands alone: 'standalone' must equal 'question'"
    gold = {k: item[k] for k in ("id", "lang", "answers", "doc", "evidence", "answerable")}
    return _gold_problem({**gold, "question": item["standalone"]}) or _gold_problem({**gold, **{
        "question": item["question"]}})


def load_followups(path: str | Path) -> list[FollowUp]:
    """Read and check a follow-up gold file; an InputError names the line and the problem."""
    remedy = "See the format in the rag.evaluation.followup docstring (README, Evaluation)."
    items = []
    for item in read_checked_lines(path, "Follow-up gold file", remedy, _problem):
        gold = GoldQuestion(item["id"], item["standalone"], item["lang"], tuple(item["answers"]), item["doc"],
                            item["evidence"], item["answerable"], tuple([item["doc"]] if item["doc"] else []),
                            tuple([item["evidence"]] if item["evidence"] else []), (item["kind"],))
        items.append(FollowUp(item["id"], item["lang"], item["kind"], tuple(item["history"]), item["question"],
                              item["standalone"], tuple(item["not_in_search"]), gold))
    return items


def leaked(searched_for: str, question: str, not_in_search: Sequence[str], language: str = "en") -> list[str]:
    """What a switch question's search carried along that the question does not name: the gold's
    `not_in_search` terms, and any subject of the search the question lacks ("Welche US-Firma hat ... verboten,
    Elon Musks Produkte zu nutzen?" after "Hoe oud is Elon Musk?"). Most gold files leave `not_in_search`
    empty, so the subjects are what makes the measure able to fail."""
    from rag.textrules import subject_words

    searched, asked = searched_for.lower(), question.lower()
    terms = [term for term in not_in_search if term.lower() in searched and term.lower() not in asked]
    if searched == asked:
        return terms
    named = subject_words(question, language)
    carried = sorted(word for word in subject_words(searched_for, language)
                     if not any(word[:5] == n[:5] for n in named) and word[:5] not in asked)
    return terms + [word for word in carried if not any(word in term.lower() for term in terms)]


def other_subject(record: dict[str, Any]) -> list[str]:
    """The subjects an answered follow-up searched for that neither its standalone form nor the follow-up names
    ("Wie viel Geld hat Musk verbrannt?" for "... hat xAI ..."): an answer to another question than the one asked."""
    from rag.textrules import subject_words

    if record.get("error") or record["followup"]["abstained"] or record["kind"] == "switch":
        return []
    searched = subject_words(record.get("searched_for") or record["question"], record["lang"])
    meant = subject_words(record["standalone"], record["lang"]) | subject_words(record["question"], record["lang"])
    return sorted(word for word in searched if not any(word[:5] == m[:5] for m in meant))


def _ok(record: dict[str, Any]) -> bool:
    return bool(record["correct"]) if record["answerable"] else bool(record["abstained"])


@dataclass
class FollowUpResult:
    records: list[dict[str, Any]] = field(default_factory=list)
    duration_s: float = 0.0

    def metrics(self, records: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Accuracy as a follow-up and asked alone, topic switches kept clean, the rewrite's extra time."""
        rows = [r for r in (self.records if records is None else records) if not r["error"]]
        leaning = [r for r in rows if r["kind"] != "switch"]
        switches = [r for r in rows if r["kind"] == "switch"]
        extra = [r["followup"]["first_token_ms"] - r["alone"]["first_token_ms"] for r in rows
                 if r["followup"]["first_token_ms"] and r["alone"]["first_token_ms"]]
        extra_leaning = [r["followup"]["first_token_ms"] - r["alone"]["first_token_ms"] for r in leaning
                         if r["followup"]["first_token_ms"] and r["alone"]["first_token_ms"]]
        followup_acc = mean(_ok(r["followup"]) for r in rows)
        alone_acc = mean(_ok(r["alone"]) for r in rows)
        return {
            "conversations": len(rows),
            "errors": sum(1 for r in (self.records if records is None else records) if r["error"]),
            "followup_accuracy": followup_acc,
            "standalone_accuracy": alone_acc,
            "accuracy_gap": None if followup_acc is None or alone_acc is None else alone_acc - followup_acc,
            "followup_abstained": mean(r["followup"]["abstained"] for r in rows),
            "standalone_abstained": mean(r["alone"]["abstained"] for r in rows),
            "other_subject": sum(1 for r in leaning if other_subject(r)),
            "substituted": mean(r["method"] == "substituted" for r in leaning),
            "chosen": mean(r["method"] == "chosen" for r in leaning),
            "rewritten": mean(r["method"] == "rewritten" for r in leaning),
            "rejected": mean(r["method"] == "rejected" for r in leaning),
            "switch_clean": mean(not r["leaked"] for r in switches),
            "switch_searched_alone": mean(r["method"] == "alone" for r in switches),
            "extra_ttft_ms_p50": percentile(extra, 50),
            "extra_ttft_ms_p50_followups": percentile(extra_leaning, 50),
            "rewrite_ms_p50": percentile([r["rewrite_ms"] for r in leaning if r["rewrite_ms"]], 50),
        }

    def summary_markdown(self) -> str:
        def pct(x):
            return "-" if x is None else f"{100 * x:.1f}%"

        def ms(x):
            return "-" if x is None else f"{x:.0f} ms"

        groups = [("all", self.records)] + [(k, [r for r in self.records if r["kind"] == k]) for k in KINDS] + \
            [(f"lang {lang}", [r for r in self.records if r["lang"] == lang])
             for lang in sorted({r["lang"] for r in self.records})]
        lines = ["## Follow-up questions", "",
                 "| group | n | follow-up acc. | asked alone | gap | abstained (follow-up / alone) | by rules "
                 "| chosen by the model | by the model | rejected | switch clean | other subject | extra TTFT p50 |",
                 "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for name, rows in groups:
            if not rows:
                continue
            m = self.metrics(rows)
            gap = "-" if m["accuracy_gap"] is None else f"{100 * m['accuracy_gap']:+.1f} pt"
            lines.append(f"| {name} | {m['conversations']} | {pct(m['followup_accuracy'])} | "
                         f"{pct(m['standalone_accuracy'])} | {gap} | {pct(m['followup_abstained'])} / "
                         f"{pct(m['standalone_abstained'])} | {pct(m['substituted'])} | {pct(m['chosen'])} | "
                         f"{pct(m['rewritten'])} | "
                         f"{pct(m['rejected'])} | {pct(m['switch_clean'])} | {m['other_subject']} | "
                         f"{ms(m['extra_ttft_ms_p50'])} |")
        m = self.metrics()
        lines += ["", f"Rewrite time p50 {ms(m['rewrite_ms_p50'])}; extra time to first token for the follow-ups "
                  f"that lean on the history (pronoun, ellipsis) p50 {ms(m['extra_ttft_ms_p50_followups'])}; "
                  f"errors {m['errors']}; {self.duration_s / 60:.1f} min.", "", "### Each conversation", "",
                  "| id | kind | asked | searched for | method | follow-up | alone |", "|---|---|---|---|---|---|---|"]
        for r in self.records:
            mark = ("ok" if _ok(r["followup"]) else "wrong") if not r["error"] else "error"
            alone = "ok" if not r["error"] and _ok(r["alone"]) else "wrong"
            leak = f" (leaked: {', '.join(r['leaked'])})" if r.get("leaked") else ""
            leak += f" (other subject: {', '.join(other_subject(r))})" if not r["error"] and other_subject(r) else ""
            lines.append(f"| {r['id']} | {r['kind']} | {r['question']} | {r.get('searched_for', '')}{leak} | "
                         f"{r.get('method', '')} | {mark} | {alone} |")
        return "\n".join(lines)

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "followup.jsonl", "w", encoding="utf-8") as fh:
            for r in self.records:
                fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
        (folder / "followup.md").write_text(self.summary_markdown() + "\n", encoding="utf-8")
        (folder / "followup_metrics.json").write_text(json.dumps(self.metrics(), indent=1), encoding="utf-8")
        return folder


def evaluate_followups(path: str | Path, assistant: Any, limit: int | None = None, progress: bool = True,
                       reuse: str | Path | None = None) -> FollowUpResult:
    """Ask every conversation (standalone form alone, then history and follow-up) and score both answers.

    `reuse`: the folder of an earlier run on the same file. What the follow-up rules cannot change is taken
    from it instead of asked again: the standalone question's answer and the first turn (asked with no
    history). A before/after comparison of the rules then costs only the turns that lean on the history."""
    from tqdm import tqdm

    from rag.evaluation.runner import _spread

    items = _spread(load_followups(path), limit)
    earlier = _earlier_records(reuse)
    result = FollowUpResult()
    started = time.perf_counter()
    for item in tqdm(items, desc="follow-ups", unit="conv", disable=not progress):
        result.records.append(_ask_conversation(item, assistant, earlier.get(item.id)))
    result.duration_s = time.perf_counter() - started
    return result


def _ask_conversation(item: FollowUp, assistant: Any, earlier: dict[str, Any] | None) -> dict[str, Any]:
    from rag.evaluation.scoring import score_answer

    record: dict[str, Any] = {"id": item.id, "lang": item.lang, "kind": item.kind, "question": item.question,
                              "standalone": item.standalone, "history": list(item.history),
                              "answerable": item.gold.answerable, "error": None, "leaked": []}
    try:
        if earlier:  # the same questions asked alone before: their answers do not depend on the rules
            alone_score = earlier["alone"]
            conv = assistant.conversation()
            conv.answers.append(_answer_from_record(item.history[0], earlier["history_answers"][0], assistant))
            record["history_answers"] = [earlier["history_answers"][0]] + [conv.ask(q).text for q in item.history[1:]]
        else:
            alone_score = score_answer(item.gold, assistant.answer(item.standalone), None)
            conv = assistant.conversation()
            record["history_answers"] = [conv.ask(q).text for q in item.history]
        follow = conv.ask(item.question)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one broken conversation must not lose a long run; reported
        record["error"] = f"{type(exc).__name__}: {exc}"
        return record
    searched = follow.searched_for or follow.question
    record.update(
        searched_for=searched, method=_method(follow), rewrite_ms=follow.timings.get(Timing.REWRITE_MS, 0.0),
        leaked=leaked(searched, item.question, item.not_in_search, item.lang),
        followup=score_answer(item.gold_for(item.question), follow, None), alone=alone_score,
        reused=bool(earlier))
    return record


def _earlier_records(folder: str | Path | None) -> dict[str, dict[str, Any]]:
    if not folder:
        return {}
    path = Path(folder) / "followup.jsonl"
    if not path.is_file():
        from rag.errors import InputError

        raise InputError(f"No earlier follow-up run in {folder} (followup.jsonl is missing).",
                         "Pass the --out folder of an earlier `bron eval --followup` run on the same file.")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["id"]: r for r in records if not r.get("error") and r.get("history_answers")}


def _answer_from_record(question: str, text: str, assistant: Any) -> Any:
    """The first turn's Answer as the conversation keeps it, rebuilt from an earlier run's text."""
    from rag import language as lang
    from rag.prompting import load_prompts
    from rag.results import Answer

    language = lang.prompt_language(lang.detect(question))
    abstained = text.strip() == load_prompts(assistant.settings.prompts_dir, language).abstain.strip()
    return Answer(question, text, language, abstained)


def _method(answer: Any) -> str:
    return answer.rewrite_method or "alone"
