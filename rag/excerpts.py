"""Less to read: the model may read each passage's best sentences instead of the whole passage.

Reading the prompt is most of the wait on a laptop (about 30 prompt tokens/s on 2 AVX2 cores, so the
passages of one question cost 10-15 s). With `passage_sentences = N`, each passage the model reads keeps
its N sentences closest to the question (cosine of the embedder, which is loaded anyway), in their order,
with "…" where text was left out. Citations, checks and the chat still use the whole passage: the excerpt
is a part of it, so whatever the answer rests on is in the passage it cites.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.results import Passage
from rag.textrules import split_sentences

GAP = "…"


def excerpt(question: str, passages: list[Passage], embedder, sentences: int) -> list[Passage]:
    """`passages` with each text cut to its `sentences` best sentences (0: unchanged)."""
    if sentences <= 0:
        return passages
    splits = [split_sentences(p.text) for p in passages]
    longer = [i for i, parts in enumerate(splits) if len(parts) > sentences]
    if not longer:
        return passages
    flat = [s for i in longer for s in splits[i]]
    scores = embedder.encode_passages(flat) @ embedder.encode_queries([question])[0]
    result, start = list(passages), 0
    for i in longer:
        parts = splits[i]
        own = scores[start:start + len(parts)]
        start += len(parts)
        keep = sorted(np.argsort(-own, kind="stable")[:sentences].tolist())
        result[i] = replace(passages[i], text=join_kept(parts, keep))
    return result


def join_kept(parts: list[str], keep: list[int]) -> str:
    """The kept sentences in order, with a gap mark wherever sentences were left out."""
    pieces, last = [], -1
    for j in keep:
        if j != last + 1:
            pieces.append(GAP)
        pieces.append(parts[j])
        last = j
    if last != len(parts) - 1:
        pieces.append(GAP)
    return " ".join(pieces)
