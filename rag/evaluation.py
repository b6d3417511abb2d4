"""Offline evaluation against a gold question set: answer correctness, retrieval, citations,
abstention, answer language and latency, without a judge model.

Gold file format (JSON Lines, one question per line, UTF-8; blank lines are ignored)::

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

Metric definitions are in METRICS below; every metric is reported overall, per question language and
for same- versus cross-language questions (question language vs. the gold article's language).
"""

from __future__ import annotations

import json
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.errors import ConfigError, InputError

# -- normalisation ------------------------------------------------------------------------------

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)+")
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)([^\W\d_]+)")
_CURRENCY_FIRST = re.compile(r"([$€])\s?(\d+(?:[.,]\d+)*)(\s?(?:billion|million|trillion|bn|mn)\b)?")
_SYMBOLS = {"$": "usd", "€": "eur"}  # "$500 billion" is read as "500 billion usd", like "500 miljard dollar"
_SPLIT = re.compile(r"[-‐‑–—/]+")

# Words mapped to one canonical token so that Dutch, German and English answers compare equal.
# German "Billion" (10^12) collides with English "billion" (10^9); English wins, "Billionen" is 10^12.
_CANONICAL = {
    **dict.fromkeys(["miljard", "miljarden", "milliarde", "milliarden", "mrd", "billion", "billions", "bn",
                     "bln"], "bn"),
    **dict.fromkeys(["miljoen", "miljoenen", "million", "millionen", "millions", "mio", "mln"], "mn"),
    **dict.fromkeys(["biljoen", "biljoenen", "billionen", "trillion", "trillions", "tn"], "tn"),
    **dict.fromkeys(["dollar", "dollars", "usd"], "usd"),
    **dict.fromkeys(["euro", "euros", "eur"], "eur"),
    **dict.fromkeys(["procent", "prozent", "percent", "pct"], "pct"),
    **dict.fromkeys(["kilowatt", "kw"], "kw"),
    **dict.fromkeys(["gigawatt", "gw"], "gw"),
    **dict.fromkeys(["ton", "tons", "tonne", "tonnes", "tonnen"], "ton"),
    **dict.fromkeys(["twee", "zwei", "two"], "2"),
    **dict.fromkeys(["drie", "drei", "three"], "3"),
    **dict.fromkeys(["vier", "four"], "4"),
    **dict.fromkeys(["vijf", "funf", "five"], "5"),
    **dict.fromkeys(["zes", "sechs", "six"], "6"),
    **dict.fromkeys(["zeven", "sieben", "seven"], "7"),
    **dict.fromkeys(["acht", "eight"], "8"),
    **dict.fromkeys(["negen", "neun", "nine"], "9"),
    **dict.fromkeys(["tien", "zehn", "ten"], "10"),
    **dict.fromkeys(["elf", "eleven"], "11"),
    **dict.fromkeys(["twaalf", "zwolf", "twelve"], "12"),
}
_ONE = {"een", "ein", "eine", "one", "a"}  # "een miljoen" = "eine Million" = "one million" = "1 mn"
_SCALES = {"bn", "mn", "tn"}
_CANONICAL_TOKENS = set(_CANONICAL.values())
_ARTICLES = {"de", "het", "een", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem",
             "einer", "eines", "the", "a", "an"}


@lru_cache(maxsize=1)
def _edge_punct() -> str:
    """Punctuation and symbol characters (Unicode P*/S*) stripped from token edges; built on first use."""
    return "".join(chr(c) for c in range(0x2FFF) if unicodedata.category(chr(c))[0] in "PS")


def strip_markers(text: str) -> str:
    """The text without [n] citation markers, which are not part of the answer's wording."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", _MARKER.sub(" ", text or ""))


def cited_numbers(text: str) -> list[int]:
    """Every number cited as [n] (also [1, 2]) in order of appearance, with repeats."""
    return [int(n) for group in _MARKER.findall(text or "") for n in re.split(r"\s*[,;]\s*", group)]


def normalize_number(token: str) -> str:
    """One spelling per number: 9.000 / 9,000 -> 9000, 8,2 -> 8.2, 1.234,5 -> 1234.5.

    A separator followed by exactly three digits is a thousands separator (so 1.250 is 1250, as written
    in Dutch and German); any other single separator is a decimal point."""
    parts = re.split(r"[.,]", token)
    seps = re.findall(r"[.,]", token)
    if len(parts) == 1:
        return token
    if all(len(p) == 3 for p in parts[1:]) and len(set(seps)) == 1:
        return "".join(parts)
    if len(set(seps)) == 1 and len(seps) == 1:
        return f"{parts[0]}.{parts[1]}"
    return "".join(parts[:-1]) + "." + parts[-1]  # mixed: the last separator is the decimal one


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Normalised tokens: case-folded, accents and edge punctuation removed, compounds split at hyphens,
    numbers in one format, and scale, currency, percent, unit and small number words made canonical."""
    text = _strip_accents(unicodedata.normalize("NFKC", text or "")).casefold()
    text = _CURRENCY_FIRST.sub(lambda m: f" {m.group(2)}{m.group(3) or ''} {_SYMBOLS[m.group(1)]} ", text)
    text = text.replace("$", " usd ").replace("€", " eur ").replace("%", " pct ")
    text = _NUMBER.sub(lambda m: normalize_number(m.group(0)), text)
    text = _NUMBER_UNIT.sub(r"\1 \2", text)  # 500bn -> 500 bn, 100kw -> 100 kw
    edge = _edge_punct()
    out: list[str] = []
    for raw in text.split():
        raw = raw.strip(edge)
        for part in _SPLIT.split(raw):
            part = part.strip(edge)
            if not part:
                continue
            part = _CANONICAL.get(part, part)
            if part == "usd" and out and out[-1] == "us":  # "US-Dollar", "US dollar"
                out.pop()
            if part in _SCALES and out and out[-1] in _ONE:
                out[-1] = "1"
            out.append(part)
    return out


def normalize_text(text: str) -> str:
    """Lower-cased, whitespace-collapsed text without edge punctuation and with canonical numbers."""
    return " ".join(tokens(text))


# -- answer metrics ----------------------------------------------------------------------------


def _token_matches(gold: str, token: str) -> bool:
    """Exact, or a prefix for words of 3+ letters so inflections still match (Konkurrent/Konkurrenten);
    numbers, canonical tokens and short words must match exactly (50 must not match 500)."""
    if gold == token:
        return True
    if len(gold) < 3 or gold in _CANONICAL_TOKENS or any(c.isdigit() for c in gold):
        return False
    return token.startswith(gold)


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    if n == 0:
        return False
    for i in range(len(haystack) - n + 1):
        if all(_token_matches(g, t) for g, t in zip(needle, haystack[i:i + n])):
            return True
    return False


def answer_correct(answer_text: str, answers: Iterable[str]) -> bool:
    """True when the normalised answer contains any normalised gold answer as a token sequence."""
    have = tokens(strip_markers(answer_text))
    return any(_contains(have, tokens(gold)) for gold in answers)


def token_f1(answer_text: str, answers: Iterable[str]) -> float:
    """SQuAD-style token F1 (articles dropped), the best over the gold answers; 0.0 without gold answers."""
    have = [t for t in tokens(strip_markers(answer_text)) if t not in _ARTICLES]
    best = 0.0
    for gold in answers:
        want = [t for t in tokens(gold) if t not in _ARTICLES]
        if not want or not have:
            best = max(best, float(want == have))
            continue
        common = sum((Counter(have) & Counter(want)).values())
        if common:
            precision, recall = common / len(have), common / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


# -- retrieval metrics -------------------------------------------------------------------------


def doc_hit(retrieved_docs: Sequence[str], gold_docs: Iterable[str], k: int) -> bool:
    """A passage from a gold article is among the first k."""
    gold = set(gold_docs)
    return any(doc in gold for doc in retrieved_docs[:k])


def reciprocal_rank(retrieved_docs: Sequence[str], gold_docs: Iterable[str]) -> float:
    """1/rank of the first passage from a gold article, 0.0 when none was retrieved."""
    gold = set(gold_docs)
    for rank, doc in enumerate(retrieved_docs, 1):
        if doc in gold:
            return 1.0 / rank
    return 0.0


def gold_rank(retrieved_docs: Sequence[str], gold_docs: Iterable[str]) -> int | None:
    rr = reciprocal_rank(retrieved_docs, gold_docs)
    return round(1 / rr) if rr else None


def _light(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def evidence_in_passage(evidence: str, passage: str, min_evidence: float = 0.5,
                        min_passage: float = 0.6) -> bool:
    """Whether a passage holds the evidence, allowing for chunk boundaries that cut it.

    After case-folding and collapsing whitespace: the passage contains the evidence, or their longest
    common substring covers >= 50% of the evidence (the chunk cut it) or >= 60% of the passage (a short
    passage lying inside a long evidence)."""
    e, p = _light(evidence), _light(passage)
    if not e or not p:
        return False
    if e in p:
        return True
    size = SequenceMatcher(None, e, p, autojunk=False).find_longest_match(0, len(e), 0, len(p)).size
    return size >= min_evidence * len(e) or size >= min_passage * len(p)


def evidence_hit(passage_texts: Sequence[str], evidences: Iterable[str], k: int) -> bool:
    """Any of the first k passages holds any of the evidence strings."""
    evidences = [e for e in evidences if e]
    return any(evidence_in_passage(e, p) for p in passage_texts[:k] for e in evidences)


# -- citation metrics --------------------------------------------------------------------------


def citation_precision(cited_docs: Sequence[str], gold_docs: Iterable[str]) -> float | None:
    """Share of citations that point into a gold article; None when nothing is cited."""
    if not cited_docs:
        return None
    gold = set(gold_docs)
    return sum(doc in gold for doc in cited_docs) / len(cited_docs)


def invalid_citations(text: str, valid_numbers: Iterable[int]) -> list[int]:
    """[n] markers in the text that match no citation (each bad number once, in order)."""
    valid = set(valid_numbers)
    seen: list[int] = []
    for n in cited_numbers(text):
        if n not in valid and n not in seen:
            seen.append(n)
    return seen


# -- aggregation helpers -----------------------------------------------------------------------


def percentile(values: Iterable[float | None], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, ignoring None; None for no values."""
    data = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    data = [float(v) for v in values if v is not None]
    return sum(data) / len(data) if data else None


# -- gold questions ----------------------------------------------------------------------------

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


def load_gold(path: str | Path, articles: str | Path | None = None) -> list[GoldQuestion]:
    """Read and check a gold JSONL file; with `articles` (a folder) also check ids and evidence quotes.

    Raises InputError naming the line and the problem, so a hand-written file is quick to fix."""
    path = Path(path)
    remedy = "See the gold format in the rag.evaluation docstring (README, Evaluation)."
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"Gold file not found: {path}", "Pass the path of a .jsonl gold file.") from None
    except UnicodeDecodeError:
        raise InputError(f"Gold file {path} is not UTF-8.", "Re-save it as UTF-8.") from None
    questions: list[GoldQuestion] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).",
                             remedy) from None
        problem = _gold_problem(item)
        if problem:
            raise InputError(f"{path}, line {number}: {problem}.", remedy)
        if item["id"] in seen:
            raise InputError(f"{path}, line {number}: id {item['id']!r} already used on line {seen[item['id']]}.",
                             "Give every question a unique id.")
        seen[item["id"]] = number
        docs = tuple(item.get("docs") or ([item["doc"]] if item["doc"] else []))
        evidence_all = tuple(item.get("evidence_all") or ([item["evidence"]] if item["evidence"] else []))
        questions.append(GoldQuestion(
            id=item["id"], question=item["question"].strip(), lang=item["lang"], answers=tuple(item["answers"]),
            doc=item["doc"], evidence=item["evidence"], answerable=item["answerable"], docs=docs,
            evidence_all=evidence_all, tags=tuple(item.get("tags") or ())))
    if not questions:
        raise InputError(f"Gold file {path} has no questions.", remedy)
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


# -- scoring one answer ------------------------------------------------------------------------


def _detect_language(text: str) -> str | None:
    """The answer's language, or None when it has none to tell (numbers and names, e.g. "Jensen Huang").

    Short Dutch sentences are often detected as a neighbour (Swedish, Afrikaans); when lingua's pick is
    not a supported language but a supported one has confidence >= 0.25, that one is taken instead."""
    from rag.language import SUPPORTED, confidences, detect, has_language

    clean = strip_markers(text)
    if not has_language(clean):
        return None
    found = detect(clean, default="") or None
    if found and found not in SUPPORTED:
        best, value = max(confidences(clean).items(), key=lambda kv: kv[1])
        if value >= 0.25:
            return best
    return found


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def score_answer(question: GoldQuestion, answer: Any, article_language: str | None = None,
                 elapsed_ms: float | None = None) -> dict[str, Any]:
    """One flat record: the question, what the assistant returned, and every per-question metric."""
    passages = list(getattr(answer, "passages", []) or [])
    citations = list(getattr(answer, "citations", []) or [])
    timings = dict(getattr(answer, "timings", {}) or {})
    text = getattr(answer, "text", "") or ""
    abstained = bool(getattr(answer, "abstained", False))
    retrieved = [p.doc_id for p in passages]
    texts = [p.text for p in passages]
    cited_docs = [c.doc_id for c in citations]
    answerable = question.answerable
    correct = (not abstained and answer_correct(text, question.answers)) if answerable else None
    f1 = (0.0 if abstained else token_f1(text, question.answers)) if answerable else None
    answer_lang = _detect_language(text)
    # no first token (None or 0) means nothing was generated, e.g. an abstention before the LLM ran
    first, total = timings.get("first_token_ms") or None, timings.get("total_ms", elapsed_ms)
    completion = timings.get("completion_tokens")
    decode_ms = (total - first) if total is not None and first is not None else None
    invalid = invalid_citations(text, [c.n for c in citations])
    record: dict[str, Any] = {
        "id": question.id,
        "question": question.question,
        "lang": question.lang,
        "doc": question.doc,
        "docs": list(question.docs),
        "article_lang": article_language,
        "crosslingual": (question.lang != article_language) if article_language else None,
        "answerable": answerable,
        "tags": list(question.tags),
        "gold_answers": list(question.answers),
        "evidence": question.evidence,
        "evidence_all": list(question.evidence_all),
        "answer": text,
        "notes": list(getattr(answer, "notes", []) or []),  # what verification changed, or why it abstained
        "confidence": getattr(answer, "confidence", None),  # the model's mean token probability
        "answer_lang": answer_lang,
        "abstained": abstained,
        "correct": correct,
        "f1": f1,
        "language_match": (answer_lang == question.lang) if answer_lang else None,
        "retrieved_docs": retrieved,
        "gold_rank": gold_rank(retrieved, question.docs) if answerable else None,
        "rr": reciprocal_rank(retrieved, question.docs) if answerable else None,
        "cited_docs": cited_docs,
        "cites": bool(citations),
        "citation_precision": citation_precision(cited_docs, question.docs) if answerable else None,
        "evidence_supported": (evidence_hit([c.text for c in citations], question.evidence_all, len(citations))
                               if answerable and citations else None),
        "invalid_citations": invalid,
        "citations": [{"n": c.n, "doc_id": c.doc_id, "quote": _excerpt(c.quote or c.text)} for c in citations],
        "passages": [{"n": p.n, "doc_id": p.doc_id, "score": round(float(p.score), 4),
                      "text": _excerpt(p.text, 160)} for p in passages],
        "retrieve_ms": timings.get("retrieve_ms"),
        "first_token_ms": first,
        "total_ms": total,
        "prompt_tokens": timings.get("prompt_tokens"),
        "completion_tokens": completion,
        "tokens_per_s": (completion / (decode_ms / 1000) if completion and decode_ms and decode_ms > 0 else None),
        "error": None,
    }
    for k in (1, 3, 5):
        record[f"hit@{k}"] = doc_hit(retrieved, question.docs, k) if answerable else None
        record[f"evidence_hit@{k}"] = evidence_hit(texts, question.evidence_all, k) if answerable else None
    record["failures"] = failure_reasons(record)
    return record


def failure_reasons(record: Mapping[str, Any]) -> list[str]:
    """Why a record counts as a failure in the report (empty: it passed)."""
    if record.get("error"):
        return [f"error: {record['error']}"]
    reasons = []
    if record["answerable"]:
        if record["abstained"]:
            reasons.append("abstained on an answerable question")
        elif not record["correct"]:
            reasons.append("answer does not contain a gold answer")
        elif not record["cites"]:
            reasons.append("correct but cites nothing")
    elif not record["abstained"]:
        reasons.append("answered an unanswerable question")
    if record["language_match"] is False:
        reasons.append(f"answered in {record['answer_lang']}, asked in {record['lang']}")
    if record["invalid_citations"]:
        reasons.append("invalid citation number(s): " + ", ".join(f"[{n}]" for n in record["invalid_citations"]))
    return reasons


def error_record(question: GoldQuestion, article_language: str | None, error: BaseException) -> dict[str, Any]:
    """A record for a question whose answer raised: counted wrong, shown in the report's failures."""
    from rag.results import Answer

    record = score_answer(question, Answer(question.question, "", question.lang, False), article_language)
    record["error"] = f"{type(error).__name__}: {error}"
    record["language_match"] = None
    record["failures"] = failure_reasons(record)
    return record


# -- aggregation -------------------------------------------------------------------------------

METRICS: dict[str, str] = {
    "n": "questions",
    "accuracy": "answerable answered correctly or unanswerable abstained",
    "answer_correct": "answerable: answer contains a gold answer (normalised)",
    "token_f1": "answerable: SQuAD token F1 against the best gold answer",
    "hit@1": "answerable: a gold-article passage ranked first",
    "hit@3": "answerable: a gold-article passage in the top 3",
    "hit@5": "answerable: a gold-article passage in the top 5",
    "evidence_hit@3": "answerable: a top-3 passage holds the gold evidence",
    "evidence_hit@5": "answerable: a top-5 passage holds the gold evidence",
    "mrr": "answerable: mean reciprocal rank of the first gold-article passage",
    "cite_rate": "answerable, not abstained: the answer cites at least one passage",
    "citation_precision": "citing answers: share of citations from a gold article",
    "evidence_support": "citing answers: a cited passage holds the gold evidence",
    "invalid_citation_rate": "answers with a [n] that matches no citation",
    "abstention_accuracy": "unanswerable: the assistant abstained",
    "false_abstention": "answerable: the assistant abstained",
    "language_match": "answer written in the question's language (detectable answers)",
    "first_token_ms_p50": "time to first token, median (ms)",
    "first_token_ms_p90": "time to first token, 90th percentile (ms)",
    "total_ms_p50": "total answer time, median (ms)",
    "total_ms_p90": "total answer time, 90th percentile (ms)",
    "retrieve_ms_p50": "retrieval time, median (ms)",
    "tokens_per_s": "completion tokens per second of generation after the first token",
    "errors": "questions whose answer raised an error",
}
_RATE_METRICS = {k for k in METRICS if k not in {"n", "errors", "tokens_per_s", "mrr", "token_f1"}
                 and "_ms_" not in k}


def summarize(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """All metrics for one group of records; None where a metric has no questions to count."""
    ans = [r for r in records if r["answerable"]]
    unans = [r for r in records if not r["answerable"]]
    attempted = [r for r in ans if not r["abstained"] and not r["error"]]
    citing = [r for r in ans if r["cites"]]
    decode_s = sum((r["total_ms"] - r["first_token_ms"]) / 1000 for r in records
                   if r["completion_tokens"] and r["total_ms"] is not None and r["first_token_ms"] is not None)
    completion = sum(r["completion_tokens"] or 0 for r in records
                     if r["total_ms"] is not None and r["first_token_ms"] is not None)
    return {
        "n": len(records),
        "n_answerable": len(ans),
        "n_unanswerable": len(unans),
        "accuracy": mean([r["correct"] for r in ans] + [r["abstained"] and not r["error"] for r in unans]),
        "answer_correct": mean(r["correct"] for r in ans),
        "token_f1": mean(r["f1"] for r in ans),
        "hit@1": mean(r["hit@1"] for r in ans),
        "hit@3": mean(r["hit@3"] for r in ans),
        "hit@5": mean(r["hit@5"] for r in ans),
        "evidence_hit@1": mean(r["evidence_hit@1"] for r in ans),
        "evidence_hit@3": mean(r["evidence_hit@3"] for r in ans),
        "evidence_hit@5": mean(r["evidence_hit@5"] for r in ans),
        "mrr": mean(r["rr"] for r in ans),
        "cite_rate": mean(r["cites"] for r in attempted),
        "citation_precision": mean(r["citation_precision"] for r in citing),
        "evidence_support": mean(r["evidence_supported"] for r in citing),
        "invalid_citation_rate": mean(bool(r["invalid_citations"]) for r in records if not r["error"]),
        "invalid_citations": sum(len(r["invalid_citations"]) for r in records),
        "abstention_accuracy": mean(r["abstained"] for r in unans if not r["error"]),
        "false_abstention": mean(r["abstained"] for r in ans if not r["error"]),
        "language_match": mean(r["language_match"] for r in records),
        "first_token_ms_p50": percentile((r["first_token_ms"] for r in records), 50),
        "first_token_ms_p90": percentile((r["first_token_ms"] for r in records), 90),
        "total_ms_p50": percentile((r["total_ms"] for r in records), 50),
        "total_ms_p90": percentile((r["total_ms"] for r in records), 90),
        "retrieve_ms_p50": percentile((r["retrieve_ms"] for r in records), 50),
        "tokens_per_s": completion / decode_s if completion and decode_s > 0 else None,
        "errors": sum(bool(r["error"]) for r in records),
    }


def compute_metrics(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overall, per question language, and same- vs cross-language (unanswerable ones have no article)."""
    langs = sorted({r["lang"] for r in records})
    groups = {"same": [r for r in records if r["crosslingual"] is False],
              "cross": [r for r in records if r["crosslingual"] is True]}
    return {
        "overall": summarize(records),
        "by_language": {lang: summarize([r for r in records if r["lang"] == lang]) for lang in langs},
        "by_crosslingual": {name: summarize(group) for name, group in groups.items() if group},
    }


# -- rendering ---------------------------------------------------------------------------------

_TABLE_METRICS = ("n", "accuracy", "answer_correct", "token_f1", "hit@1", "hit@3", "hit@5", "evidence_hit@3",
                  "mrr", "cite_rate", "citation_precision", "evidence_support", "invalid_citation_rate",
                  "abstention_accuracy", "false_abstention", "language_match", "first_token_ms_p50",
                  "first_token_ms_p90", "total_ms_p50", "total_ms_p90", "tokens_per_s", "errors")


def _fmt(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name in _RATE_METRICS:
        return f"{100 * value:.1f}%"
    if name in {"mrr", "token_f1"}:
        return f"{value:.3f}"
    if "_ms_" in name:
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return str(value)


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _group_columns(metrics: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    cols = [("all", metrics["overall"])]
    cols += [(f"q={lang}", m) for lang, m in metrics["by_language"].items()]
    names = {"same": "same-language", "cross": "cross-language"}
    cols += [(names[k], m) for k, m in metrics["by_crosslingual"].items()]
    return cols


def _md_quote(text: str) -> str:
    return "\n".join("> " + line for line in (text or "").splitlines() or [""])


# -- results -----------------------------------------------------------------------------------


@dataclass
class EvalResult:
    """Per-question records plus metrics; renders in notebooks and saves a report folder."""

    metrics: dict[str, Any]
    records: list[dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)
    gold_path: str | None = None
    started: str = ""
    duration_s: float = 0.0

    @classmethod
    def from_records(cls, records: list[dict[str, Any]], **kwargs: Any) -> EvalResult:
        return cls(compute_metrics(records), records, **kwargs)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["failures"]]

    def to_dataframe(self):
        """One row per question (lists become comma-separated text; quotes and passages are left out)."""
        import pandas as pd

        rows = []
        for r in self.records:
            row = {k: v for k, v in r.items() if k not in {"citations", "passages", "evidence_all"}}
            for key in ("docs", "tags", "gold_answers", "retrieved_docs", "cited_docs", "failures"):
                row[key] = ", ".join(str(v) for v in r[key])
            row["invalid_citations"] = len(r["invalid_citations"])
            rows.append(row)
        return pd.DataFrame.from_records(rows).set_index("id") if rows else pd.DataFrame()

    def summary_markdown(self) -> str:
        overall = self.metrics["overall"]
        return _md_table(["metric", "value", "meaning"],
                         [(m, _fmt(m, overall.get(m)), METRICS.get(m, "")) for m in _TABLE_METRICS])

    def groups_markdown(self) -> str:
        cols = _group_columns(self.metrics)
        return _md_table(["metric"] + [name for name, _ in cols],
                         [[m] + [_fmt(m, g.get(m)) for _, g in cols] for m in _TABLE_METRICS])

    def to_markdown(self) -> str:
        """The full report: summary, per-language table, then every failure with its evidence."""
        s = self.settings
        head = [f"# Bron evaluation — {self.metrics['overall']['n']} questions", ""]
        meta = [f"started {self.started}" if self.started else "",
                f"{self.duration_s:.0f} s" if self.duration_s else "",
                f"gold `{self.gold_path}`" if self.gold_path else ""]
        if s:
            meta += [f"{k}: `{s[k]}`" for k in ("llm", "embedder", "index", "top_k", "hybrid", "chunk_size") if k in s]
        head += [" · ".join(m for m in meta if m), ""]
        parts = head + ["## Summary", "", self.summary_markdown(), "",
                        "## By question language and same/cross-language", "", self.groups_markdown(), "",
                        ("Same-language: the question is in the gold article's language; cross-language: it is "
                         "not (unanswerable questions have no article and count in neither)."), "",
                        "![metrics by language](metrics_by_language.png)", "", "![latency](latency.png)", "",
                        f"## Failures ({len(self.failures)})", ""]
        for r in self.failures:
            arrow = f"{r['lang']} → {r['article_lang']} article" if r["article_lang"] else f"{r['lang']}, unanswerable"
            parts += [f"### {r['id']} ({arrow}): {r['question']}", "",
                      "- **Why:** " + "; ".join(r["failures"]),
                      "- **Gold answers:** " + (", ".join(r["gold_answers"]) or "– (should abstain)"),
                      f"- **Retrieved:** {', '.join(r['retrieved_docs']) or '–'}"
                      + (f" (gold rank {r['gold_rank']})" if r["gold_rank"] else ""),
                      "", "**Answer:**", "", _md_quote(r["answer"] or "(empty)"), ""]
            if r.get("notes"):
                parts += ["**Verification:** " + "; ".join(r["notes"]), ""]
            if r["citations"]:
                parts += ["**Citations:**", ""]
                parts += [f"- [{c['n']}] `{c['doc_id']}`: “{c['quote']}”" for c in r["citations"]]
                parts.append("")
            for doc, evidence in zip(r["docs"], r["evidence_all"]):
                parts += [f"**Gold evidence** (`{doc}`):", "", _md_quote(evidence), ""]
        return "\n".join(parts).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return (f"**Bron evaluation — {self.metrics['overall']['n']} questions, {len(self.failures)} failures**"
                f"\n\n{self.groups_markdown()}\n")

    def _repr_html_(self) -> str:
        import html

        cols = _group_columns(self.metrics)
        head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in cols)
        body = "".join(
            f"<tr><td title='{html.escape(METRICS.get(m, ''))}'>{html.escape(m)}</td>"
            + "".join(f"<td>{html.escape(_fmt(m, g.get(m)))}</td>" for _, g in cols) + "</tr>"
            for m in _TABLE_METRICS)
        return (f"<div><b>Bron evaluation — {self.metrics['overall']['n']} questions, {len(self.failures)} "
                f"failures</b><table><tr><th>metric</th>{head}</tr>{body}</table></div>")

    def to_json(self) -> dict[str, Any]:
        return {"metrics": self.metrics, "settings": self.settings, "gold_path": self.gold_path,
                "started": self.started, "duration_s": self.duration_s, "records": self.records}

    def save(self, out_dir: str | Path) -> Path:
        """Write report.json, report.md, metrics_by_language.png and latency.png; returns the folder."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1, default=str),
                                         encoding="utf-8")
        (out / "report.md").write_text(self.to_markdown(), encoding="utf-8")
        _plot_groups(self.metrics, out / "metrics_by_language.png")
        _plot_latency(self.records, out / "latency.png")
        return out


def _new_figure(width: float, height: float):
    """A figure on the Agg canvas, without pyplot, so nothing global (backend, open figures) changes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _plot_groups(metrics: Mapping[str, Any], path: Path) -> None:
    shown = ("accuracy", "answer_correct", "hit@3", "evidence_hit@3", "citation_precision", "abstention_accuracy",
             "language_match")
    cols = _group_columns(metrics)
    fig = _new_figure(10, 4.2)
    ax = fig.add_subplot()
    width = 0.8 / len(cols)
    for i, (name, group) in enumerate(cols):
        values = [math.nan if group.get(m) is None else 100 * group[m] for m in shown]  # nan: no bar
        ax.bar([x + i * width for x in range(len(shown))], values, width, label=f"{name} (n={group['n']})")
    ax.set_xticks([x + width * (len(cols) - 1) / 2 for x in range(len(shown))], shown, rotation=20, ha="right")
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title("Metrics by question language and same/cross-language")
    fig.legend(fontsize="small", loc="outside right upper")
    fig.savefig(path)


def _plot_latency(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    fig = _new_figure(9, 4)
    ax_hist, ax_lang = fig.subplots(1, 2)
    series = {key: [r[key] / 1000 for r in records if r[key] is not None] for key in ("first_token_ms", "total_ms")}
    everything = [v for values in series.values() for v in values]
    if everything:
        count = min(20, max(5, len(everything) // 6))
        low, high = min(everything), max(everything) or 1.0
        edges = [low + (high - low) * i / count for i in range(count + 1)] if high > low else count
        for key, values in series.items():
            if values:
                ax_hist.hist(values, bins=edges, alpha=0.6, label=key.replace("_ms", ""))
    ax_hist.set_xlabel("seconds")
    ax_hist.set_ylabel("questions")
    ax_hist.set_title("Latency per question")
    if ax_hist.has_data():
        ax_hist.legend()
    langs = sorted({r["lang"] for r in records})
    data = [[r["total_ms"] / 1000 for r in records if r["lang"] == lang and r["total_ms"] is not None]
            for lang in langs]
    if any(data):
        ax_lang.boxplot([d or [0.0] for d in data], tick_labels=langs)
    ax_lang.set_title("Total time by question language")
    ax_lang.set_ylabel("seconds")
    fig.savefig(path)


# -- running -----------------------------------------------------------------------------------


def _settings_dict(settings: Any) -> dict[str, Any]:
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
    from rag import Assistant

    if settings is None:
        return Assistant.from_settings(**overrides)
    if isinstance(settings, Mapping):
        return Assistant.from_settings(**{**settings, **overrides})
    if isinstance(settings, (str, Path)):
        return Assistant.from_settings(settings, **overrides)
    return Assistant(settings.replace(**overrides) if overrides else settings)


def _article_languages(settings: Any) -> dict[str, str]:
    """Language per article id, detected by the corpus loader (the same way the index sees them)."""
    from rag.config import PROJECT_DIR
    from rag.corpus import load_corpus

    folder = getattr(settings, "seeds_dir", None) or PROJECT_DIR / "seeds"
    try:
        return {doc.id: doc.language for doc in load_corpus(Path(folder))}
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
    from rag.config import PROJECT_DIR

    folder = getattr(settings, "seeds_dir", None) or PROJECT_DIR / "seeds"
    return Path(folder) / "gold.jsonl"


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


# -- comparing two configurations --------------------------------------------------------------

_COMPARED = ("n", "accuracy", "answer_correct", "token_f1", "hit@1", "hit@3", "evidence_hit@3", "mrr",
             "cite_rate", "citation_precision", "evidence_support", "invalid_citation_rate",
             "abstention_accuracy", "false_abstention", "language_match", "first_token_ms_p50", "total_ms_p50",
             "total_ms_p90", "tokens_per_s", "errors")


@dataclass
class Comparison:
    """Two evaluations of the same questions: metrics side by side and the questions whose outcome differs."""

    a: EvalResult
    b: EvalResult
    labels: tuple[str, str] = ("A", "B")

    @property
    def metrics(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{group: {metric: {"a": .., "b": .., "delta": b - a}}} for overall, each language, same/cross."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        groups_a = dict(_group_columns(self.a.metrics))
        groups_b = dict(_group_columns(self.b.metrics))
        for name in list(groups_a) + [g for g in groups_b if g not in groups_a]:
            ga, gb = groups_a.get(name, {}), groups_b.get(name, {})
            out[name] = {}
            for m in _COMPARED:
                va, vb = ga.get(m), gb.get(m)
                delta = vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
                out[name][m] = {"a": va, "b": vb, "delta": delta}
        return out

    @property
    def differences(self) -> list[dict[str, Any]]:
        """Questions (in both runs) where correctness, abstention or pass/fail changed."""
        by_id = {r["id"]: r for r in self.b.records}
        diffs = []
        for ra in self.a.records:
            rb = by_id.get(ra["id"])
            if rb is None:
                continue
            keys = ("correct", "abstained")
            if any(ra[k] != rb[k] for k in keys) or bool(ra["failures"]) != bool(rb["failures"]):
                diffs.append({"id": ra["id"], "question": ra["question"], "lang": ra["lang"],
                              "answerable": ra["answerable"], "correct_a": ra["correct"], "correct_b": rb["correct"],
                              "abstained_a": ra["abstained"], "abstained_b": rb["abstained"],
                              "failed_a": bool(ra["failures"]), "failed_b": bool(rb["failures"]),
                              "answer_a": ra["answer"], "answer_b": rb["answer"]})
        return diffs

    def to_markdown(self) -> str:
        la, lb = self.labels
        overall = self.metrics["all"]
        rows = [(m, _fmt(m, v["a"]), _fmt(m, v["b"]),
                 "–" if v["delta"] is None else (f"{100 * v['delta']:+.1f} pt" if m in _RATE_METRICS
                                                 else f"{v['delta']:+.1f}"))
                for m, v in overall.items()]
        parts = [f"# Bron comparison: {la} vs {lb}", ""]
        for label, result in ((la, self.a), (lb, self.b)):
            changed = {k: v for k, v in result.settings.items()
                       if k in {"llm", "embedder", "index", "top_k", "hybrid", "chunk_size", "chunk_overlap",
                                "score_gap", "context_chars", "grammar", "verify", "index_type", "candidates"}}
            parts.append(f"- **{label}:** " + (", ".join(f"{k}=`{v}`" for k, v in changed.items()) or "–"))
        parts += ["", "## Metrics (all questions)", "", _md_table(["metric", la, lb, "Δ"], rows), ""]
        groups = [g for g in self.metrics if g != "all"]
        if groups:
            header = ["metric"] + [f"{g} {la}/{lb}" for g in groups]
            body = [[m] + [f"{_fmt(m, self.metrics[g][m]['a'])} / {_fmt(m, self.metrics[g][m]['b'])}"
                           for g in groups] for m in ("accuracy", "answer_correct", "hit@3", "language_match")]
            parts += ["## By group", "", _md_table(header, body), ""]
        diffs = self.differences
        parts += [f"## Questions with a different outcome ({len(diffs)})", ""]
        if diffs:
            def yn(v):
                return "–" if v is None else ("yes" if v else "no")

            parts.append(_md_table(["id", "lang", "question", f"correct {la}", f"correct {lb}", f"abstained {la}",
                                    f"abstained {lb}"],
                                   [(d["id"], d["lang"], d["question"], yn(d["correct_a"]), yn(d["correct_b"]),
                                     yn(d["abstained_a"]), yn(d["abstained_b"])) for d in diffs]))
        return "\n".join(parts).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def to_json(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "settings": {self.labels[0]: self.a.settings,
                                                          self.labels[1]: self.b.settings},
                "metrics": self.metrics, "differences": self.differences}

    def save(self, out_dir: str | Path) -> Path:
        """Write comparison.md and comparison.json, and each side's full report in a subfolder."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for label, result in zip(self.labels, (self.a, self.b)):
            result.save(out / re.sub(r"[^\w.-]+", "_", label))
        (out / "comparison.json").write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1, default=str),
                                             encoding="utf-8")
        (out / "comparison.md").write_text(self.to_markdown(), encoding="utf-8")
        return out


def compare(a: Any, b: Any, gold: str | Path | Sequence[GoldQuestion] | None = None, limit: int | None = None,
            labels: tuple[str, str] = ("A", "B"), progress: bool = True,
            doc_languages: Mapping[str, str] | None = None) -> Comparison:
    """Evaluate two configurations on the same questions. `a`/`b`: an EvalResult (reused), an assistant
    (has .answer), a Settings, a dict of setting overrides, or a bron.toml path."""

    def run(x: Any) -> EvalResult:
        if isinstance(x, EvalResult):
            return x
        if hasattr(x, "answer"):
            return evaluate(gold, assistant=x, limit=limit, progress=progress, doc_languages=doc_languages)
        return evaluate(gold, settings=x, limit=limit, progress=progress, doc_languages=doc_languages)

    return Comparison(run(a), run(b), labels)


evaluate_compare = compare
