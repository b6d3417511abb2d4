"""Deterministic synthetic data for the benchmarks: a larger corpus and clustered vectors.

Corpus (`synthetic_corpus`)
    Scale 1 is the seed articles themselves. Scale s adds (s - 1) x len(seeds) new articles. New
    article j copies the *shape* of seed article j % len(seeds) (language, date, number of paragraphs
    and roughly its length) and fills it with sentences drawn, with a `random.Random(seed)`, from all
    seed sentences of the same language. So the text is real Dutch/German news prose, chunk counts
    grow linearly with s (about 58 x s chunks at the default chunk size), and the same
    (seeds, scale, seed) always gives byte-identical articles.

Vectors (`clustered_vectors`)
    Stand-ins for e5 passage embeddings at sizes we cannot embed (1e5, 1e6): `n_centres` centres drawn
    from a standard normal distribution in `dim` dimensions and normalised; each point is a centre
    (chosen uniformly) plus noise, then normalised to unit length (cosine = inner product, as in Bron).
    The noise has total expected norm `noise` and a power-law spectrum: along a fixed random orthonormal
    basis, axis i has standard deviation proportional to (i + 1) ** -decay. decay=0 is isotropic
    noise (a worst case for approximate search: every one of the 384 directions matters equally);
    the default 0.5 gives the decaying spectrum that real sentence embeddings have, so that neighbours
    are decided by a few dozen directions. Queries are drawn the same way with another stream of the
    same generator (`clustered_queries`), so they land in the same clusters as the data. With
    noise=0.75 a point's cosine to its centre is about 0.8, and two points of one cluster about 0.65.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from functools import lru_cache

import numpy as np

from rag.documents import Document, content_hash

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘»A-Z0-9ÄÖÜ])")


def split_sentences(text: str) -> list[str]:
    """Sentences of an article (simple punctuation rule; good enough to recombine prose)."""
    out = []
    for paragraph in text.split("\n"):
        out += [s.strip() for s in _SENTENCE.split(paragraph) if len(s.strip()) > 20]
    return out


def synthetic_corpus(seeds: list[Document], scale: int, seed: int = 0) -> list[Document]:
    """The seed articles plus (scale - 1) x len(seeds) recombined ones, deterministically."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    seeds = sorted(seeds, key=lambda d: d.id)
    pools: dict[str, list[str]] = {}
    for doc in seeds:
        pools.setdefault(doc.language, []).extend(split_sentences(doc.text))
    rng = random.Random(seed)
    docs = list(seeds)
    for j in range((scale - 1) * len(seeds)):
        model = seeds[j % len(seeds)]
        pool = pools.get(model.language) or [s for p in pools.values() for s in p]
        paragraphs = [p for p in model.text.split("\n\n") if p.strip()] or [model.text]
        out = []
        for paragraph in paragraphs:
            target, text = len(paragraph), []
            while sum(len(s) + 1 for s in text) < target:
                text.append(rng.choice(pool))
            out.append(" ".join(text))
        body = "\n\n".join(out)
        doc_id = f"syn{scale}_{j:06d}_{model.id[:3]}"
        raw = (f"date {model.date}\n" if model.date else "") + body
        docs.append(
            replace(
                model,
                id=doc_id,
                title=out[0][:80],
                text=body,
                path=f"synthetic/{doc_id}.txt",
                content_hash=content_hash(raw),
            )
        )
    return docs


@lru_cache(maxsize=8)
def _noise_basis(dim: int, decay: float, noise: float, seed: int) -> np.ndarray:
    """A (dim, dim) matrix M: z @ M for z ~ N(0, I) has the documented noise spectrum."""
    rng = np.random.default_rng([seed, 1])
    basis, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    scale = (np.arange(1, dim + 1, dtype=np.float64)) ** -decay
    scale *= noise / np.sqrt(np.sum(scale**2))  # E|noise|^2 = noise^2
    return (scale[:, None] * basis.T).astype(np.float32)


def _centres(n_centres: int, dim: int, seed: int) -> np.ndarray:
    c = np.random.default_rng([seed, 0]).standard_normal((n_centres, dim)).astype(np.float32)
    return c / np.linalg.norm(c, axis=1, keepdims=True)


def _draw(
    n: int, dim: int, n_centres: int, noise: float, decay: float, seed: int, stream: int, block: int = 100_000
) -> np.ndarray:
    centres = _centres(n_centres, dim, seed)
    mix = _noise_basis(dim, decay, noise, seed)
    rng = np.random.default_rng([seed, stream])
    out = np.empty((n, dim), np.float32)
    for start in range(0, n, block):  # in blocks: 1e6 x 384 float32 is 1.5 GB, keep temporaries small
        m = min(block, n - start)
        x = centres[rng.integers(0, n_centres, m)] + rng.standard_normal((m, dim), dtype=np.float32) @ mix
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def clustered_vectors(
    n: int, dim: int = 384, n_centres: int = 1000, noise: float = 0.75, decay: float = 0.5, seed: int = 0
) -> np.ndarray:
    """n unit vectors around n_centres random centres (see the module docstring)."""
    return _draw(n, dim, n_centres, noise, decay, seed, stream=2)


def clustered_queries(
    n: int, dim: int = 384, n_centres: int = 1000, noise: float = 0.75, decay: float = 0.5, seed: int = 0
) -> np.ndarray:
    """Queries from the same distribution as `clustered_vectors` (same centres), another stream."""
    return _draw(n, dim, n_centres, noise, decay, seed, stream=3)
