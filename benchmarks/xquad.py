"""XQuAD as an external yardstick (evaluate on it, never tune to it).

Indexes the 240 German XQuAD paragraphs as documents (one document each) with Bron's own indexing
code, then reports
- retrieval: recall@1/@5 and MRR of the gold paragraph for all German questions and for all English
  questions (cross-lingual: English question, German paragraphs);
- answers: exact match, token F1 and containment of the full `answer()` pipeline on a fixed random
  sample (seed 0) of German and English questions;
- abstention (SQuAD 2.0's test of "no answer"): the same questions with their own paragraph left out of
  the search (every other paragraph, its article's siblings included, stays), where Bron should say the
  sources do not contain the answer. `answered_with_gold` counts the answers that still contain the gold
  answer: another paragraph may really state it, so these are not all errors.

The data is read from the path given on the command line (CC BY-SA 4.0; not copied into the repo):

    python -m benchmarks.xquad ../shared/bench/data/xquad --sample 100 --out benchmarks/results
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def load_xquad(folder: Path, lang: str) -> tuple[list[str], list[dict]]:
    """Paragraph texts and questions ({id, question, answers, paragraph}) of one language file."""
    data = json.loads((folder / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    paragraphs, questions = [], []
    for article in data["data"]:
        for para in article["paragraphs"]:
            index = len(paragraphs)
            paragraphs.append(para["context"])
            for qa in para["qas"]:
                questions.append({"id": qa["id"], "question": qa["question"], "paragraph": index,
                                  "answers": [a["text"] for a in qa["answers"]]})
    return paragraphs, questions


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation (lower case, no punctuation or articles), with German articles and quotes."""
    import re
    import string
    import unicodedata

    text = unicodedata.normalize("NFKC", text.lower())
    text = "".join(ch for ch in text if ch not in set(string.punctuation) | {"„", "“", "”", "«", "»", "–"})
    text = re.sub(r"\b(a|an|the|der|die|das|ein|eine|einen|einem|einer)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: list[str]) -> float:
    return float(any(squad_normalize(prediction) == squad_normalize(a) for a in answers))


def containment(prediction: str, answers: list[str]) -> float:
    pred = squad_normalize(prediction)
    return float(any(squad_normalize(a) and squad_normalize(a) in pred for a in answers))


def squad_f1(prediction: str, answers: list[str]) -> float:
    """Token F1 the way the SQuAD/XQuAD evaluation script computes it (squad_normalize, whitespace tokens),
    so it stays comparable with published XQuAD scores. Not rag.evaluation.token_f1: that one also makes
    numbers, scale and currency words language-neutral (9.000 = 9,000, Milliarden = billion), which suits
    the gold set but would score differently from the official metric."""
    from collections import Counter

    best = 0.0
    pred = squad_normalize(prediction).split()
    for answer in answers:
        gold = squad_normalize(answer).split()
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            p, r = common / len(pred), common / len(gold)
            best = max(best, 2 * p * r / (p + r))
    return best


def build_index(paragraphs: list[str], workdir: Path, settings):
    """Index the paragraphs with Bron's own code: one document per paragraph, id `p0000`."""
    from rag import index as ix
    from rag.answering import Assistant
    from rag.readers.text import parse_document

    docs = [parse_document(f"p{i:04d}", text) for i, text in enumerate(paragraphs)]
    asst = Assistant(settings)
    ix.sync(settings.index_path, docs, asst.embedder, settings, rebuild=True, progress=True)
    return asst


def retrieval_metrics(asst, questions: list[dict], k: int = 5) -> dict:
    """recall@1, recall@5 and MRR of the gold paragraph (a paragraph counts once, best chunk rank)."""
    from tqdm import tqdm

    r1 = r5 = rr = 0.0
    for q in tqdm(questions, desc="retrieval", unit="q", file=sys.stderr):
        passages = asst.retriever.search(q["question"], 20)
        ranked: list[str] = []
        for p in passages:
            if p.doc_id not in ranked:
                ranked.append(p.doc_id)
        gold = f"p{q['paragraph']:04d}"
        if gold in ranked:
            rank = ranked.index(gold) + 1
            r1 += rank == 1
            r5 += rank <= k
            rr += 1 / rank
    n = len(questions)
    return {"n": n, "recall@1": r1 / n, "recall@5": r5 / n, "mrr": rr / n}


def paragraph_ids(n: int) -> list[str]:
    return [f"p{i:04d}" for i in range(n)]


def answer_metrics(asst, questions: list[dict], leave_out: list[str] | None = None) -> dict:
    """The answer pipeline on `questions`; with `leave_out` (all paragraph ids), each question is searched
    among every paragraph but its own (through the public `sources` filter: a source name matches an id)."""
    from tqdm import tqdm

    from rag.language import detect
    from rag.verification import strip_citations

    rows = []
    desc = "answers (own paragraph left out)" if leave_out else "answers"
    for q in tqdm(questions, desc=desc, unit="q", file=sys.stderr):
        gold = f"p{q['paragraph']:04d}"
        sources = [p for p in leave_out if p != gold] if leave_out else None
        res = asst.answer(q["question"], sources=sources)
        text = strip_citations(res.text)
        rows.append({"id": q["id"], "question": q["question"], "answers": q["answers"], "prediction": res.text,
                     "abstained": res.abstained, "em": exact_match(text, q["answers"]),
                     "f1": squad_f1(text, q["answers"]), "contains": containment(text, q["answers"]),
                     "language": detect(text) if not res.abstained else None,
                     "first_token_ms": res.timings["first_token_ms"], "total_ms": res.timings["total_ms"]})
    n = len(rows)
    if not n:
        return {"n": 0, "rows": []}
    return {"n": n, "exact_match": sum(r["em"] for r in rows) / n, "token_f1": sum(r["f1"] for r in rows) / n,
            "containment": sum(r["contains"] for r in rows) / n, "abstained": sum(r["abstained"] for r in rows) / n,
            "answered_with_gold": sum(r["contains"] and not r["abstained"] for r in rows) / n,
            "first_token_ms_p50": statistics.median(r["first_token_ms"] for r in rows),
            "total_ms_p50": statistics.median(r["total_ms"] for r in rows), "rows": rows}


def run_xquad(data: Path, sample: int, skip_answers: bool = False, leave_out: bool = True,
              settings_overrides: dict | None = None) -> dict:
    """The whole yardstick in a temporary index: retrieval on all questions, and (unless skip_answers)
    answers and abstention on `sample` questions per language (the same ones in de and en)."""
    from rag.config import Settings

    paragraphs, de_questions = load_xquad(data, "de")
    _, en_questions = load_xquad(data, "en")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(index="xquad", index_dir=Path(tmp), **(settings_overrides or {}))
        started = time.perf_counter()
        asst = build_index(paragraphs, Path(tmp), settings)
        report = {"settings": {k: str(v) for k, v in settings.as_dict().items()},
                  "paragraphs": len(paragraphs), "index_s": time.perf_counter() - started,
                  "retrieval": {"de": retrieval_metrics(asst, de_questions),
                                "en": retrieval_metrics(asst, en_questions)}}
        if not skip_answers and sample > 0:
            rng = random.Random(0)
            ids = rng.sample(range(len(de_questions)), sample)  # the same questions in both languages
            chosen = {"de": [de_questions[i] for i in ids], "en": [en_questions[i] for i in ids]}
            report["answers"] = {lang: answer_metrics(asst, qs) for lang, qs in chosen.items()}
            if leave_out:
                everyone = paragraph_ids(len(paragraphs))
                report["left_out"] = {lang: answer_metrics(asst, qs, everyone) for lang, qs in chosen.items()}
    return report


def markdown_table(report: dict) -> str:
    lines = ["| XQuAD (240 German paragraphs) | n | recall@1 | recall@5 | MRR |", "|---|---|---|---|---|"]
    for lang, m in report["retrieval"].items():
        lines.append(f"| {lang} questions | {m['n']} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr']:.3f} |")
    if "answers" in report:
        lines += ["", "| answers (own paragraph searched) | n | exact match | SQuAD F1 | contains answer | abstained "
                  "(false abstention) | TTFT p50 | total p50 |", "|---|---|---|---|---|---|---|---|"]
        for lang, m in report["answers"].items():
            if m["n"]:
                lines.append(f"| {lang} | {m['n']} | {m['exact_match']:.3f} | {m['token_f1']:.3f} | "
                             f"{m['containment']:.3f} | {m['abstained']:.3f} | {m['first_token_ms_p50'] / 1000:.1f} s"
                             f" | {m['total_ms_p50'] / 1000:.1f} s |")
    if "left_out" in report:
        lines += ["", "| own paragraph left out (should abstain) | n | abstained | answered, containing the gold "
                  "answer | TTFT p50 |", "|---|---|---|---|---|"]
        for lang, m in report["left_out"].items():
            if m["n"]:
                lines.append(f"| {lang} | {m['n']} | {m['abstained']:.3f} | {m['answered_with_gold']:.3f} | "
                             f"{m['first_token_ms_p50'] / 1000:.1f} s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="folder with xquad.de.json and xquad.en.json")
    parser.add_argument("--sample", type=int, default=100, help="questions per language for the answer pipeline")
    parser.add_argument("--skip-answers", action="store_true", help="retrieval only")
    parser.add_argument("--no-leave-out", action="store_true", help="skip the abstention run (own paragraph left out)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)

    if not (args.data / "xquad.de.json").is_file():
        print(f"error: {args.data}/xquad.de.json not found (pass the XQuAD folder)", file=sys.stderr)
        return 2
    report = run_xquad(args.data, args.sample, args.skip_answers, not args.no_leave_out)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    (args.out / f"xquad-{stamp}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    table = markdown_table(report)
    (args.out / f"xquad-{stamp}.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
