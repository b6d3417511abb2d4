"""Offline evaluation against a gold question set: answer correctness, retrieval, citations,
abstention, answer language and latency, without a judge model.

One concern per module, metrics computed apart from reporting:

- ``gold``: the gold file format (see its docstring), ``load_gold``, ``check_gold``
- ``normalize``: tokens and numbers in one spelling, so answers in nl/de/en compare equal
- ``metrics``: per-question metrics as pure functions (answer_correct, token_f1, hit@k, MRR, ...)
- ``scoring``: one record per answered question, and why it failed
- ``aggregate``: the metrics of a group of records (overall, per language, same/cross-language)
- ``catalogue``: the metrics the reports show, with their meaning and format
- ``report``, ``plots``: EvalResult and its Markdown, notebook, DataFrame and folder renderings
- ``followup``: follow-up conversations (``bron eval --followup``), against the same questions asked alone
- ``runner``: ``evaluate`` (ask every question, score it); ``compare``: two configurations side by side

Every metric is reported overall, per question language and for same- versus cross-language
questions (question language vs. the gold article's language). Importing this package loads no heavy
library: pandas, matplotlib and tqdm are imported where they are used.
"""

from rag.evaluation.aggregate import compute_metrics, group_columns, summarize
from rag.evaluation.catalogue import CATALOGUE, METRICS, Metric
from rag.evaluation.compare import Comparison, compare
from rag.evaluation.followup import FollowUpResult, evaluate_followups, load_followups
from rag.evaluation.gold import GoldQuestion, check_gold, load_gold
from rag.evaluation.metrics import (
    answer_correct,
    citation_precision,
    doc_hit,
    evidence_hit,
    evidence_in_passage,
    gold_rank,
    invalid_citations,
    mean,
    percentile,
    reciprocal_rank,
    token_f1,
)
from rag.evaluation.normalize import cited_numbers, normalize_number, normalize_text, strip_markers, tokens
from rag.evaluation.report import EvalResult
from rag.evaluation.runner import _spread as _spread
from rag.evaluation.runner import default_gold_path, evaluate
from rag.evaluation.scoring import error_record, failure_reasons, score_answer

__all__ = [
    "CATALOGUE", "METRICS", "Comparison", "EvalResult", "FollowUpResult", "GoldQuestion", "Metric", "answer_correct",
    "check_gold", "evaluate_followups", "load_followups",
    "citation_precision", "cited_numbers", "compare", "compute_metrics", "default_gold_path", "doc_hit",
    "error_record", "evaluate", "evidence_hit", "evidence_in_passage", "failure_reasons", "gold_rank",
    "group_columns", "invalid_citations", "load_gold", "mean", "normalize_number", "normalize_text", "percentile",
    "reciprocal_rank", "score_answer", "strip_markers", "summarize", "token_f1", "tokens",
]
