"""Indexing: Bron's full index build (rag.index.sync) against the bare sentence-transformers encoder.

Per scale (1x = the seed articles, s x = benchmarks.synthetic.synthetic_corpus(seeds, s)):

* Bron:  ``rag.index.sync(tmp, docs, embedder, settings, rebuild=True, progress=False)``: chunking,
  embedding (in slices of 256 through Embedder.encode_passages), FAISS build, fsync'ed save.
* bare:  ``embedder.model.encode(texts, prompt="passage: ", batch_size=32, normalize_embeddings=True)``
  on exactly the chunk texts Bron embeds, with the same model object in the same process.

ratio = (chunks/s Bron) / (chunks/s bare) = bare seconds / Bron seconds (target >= 0.9). The two
alternate order on every repeat so drift on the shared machine hits both; small corpora (< 200 chunks)
get twice the repeats. Bron's own work around the encoder is also timed directly (`overhead_s`:
sync with a NullEmbedder that returns vectors instantly), which the noise cannot hide. Scales above 10x run
Bron's path once (no bare comparison) to show how build time and memory grow.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import Timer, log, peak_rss_mb, reset_peak_rss, rss_mb, stat
from benchmarks.synthetic import synthetic_corpus


def _bron_build(index_path: Path, docs, embedder, settings) -> tuple[float, float, float, object]:
    from rag import index

    shutil.rmtree(index_path, ignore_errors=True)
    reset_peak_rss()
    before = rss_mb() or 0.0
    with Timer() as t:
        report = index.sync(index_path, docs, embedder, settings, rebuild=True, progress=False)
    return t.seconds, peak_rss_mb(), peak_rss_mb() - before, report


def _bare_encode(embedder, texts: list[str]) -> tuple[float, float, float]:
    reset_peak_rss()
    before = rss_mb() or 0.0
    with Timer() as t:
        embedder.model.encode(texts, prompt="passage: ", batch_size=32, normalize_embeddings=True)
    return t.seconds, peak_rss_mb(), peak_rss_mb() - before


class NullEmbedder:
    """Same interface as rag.embedding.Embedder, but returns constant vectors instantly: timing
    rag.index.sync with it measures Bron's own work around the encoder (chunking, hashing, FAISS
    build, JSON + fsync'ed save), which is steadier than the difference of two noisy timings."""

    def __init__(self, real):
        self.model_id, self.fingerprint, self.dim = real.model_id, real.fingerprint, real.dim

    def encode_passages(self, texts, progress: bool = False):
        out = np.zeros((len(texts), self.dim), np.float32)
        out[:, 0] = 1.0
        return out

    encode_queries = encode_passages


def _overhead(index_path: Path, docs, embedder, settings, runs: int = 3) -> list[float]:
    from rag import index

    null, seconds = NullEmbedder(embedder), []
    for _ in range(runs):
        shutil.rmtree(index_path, ignore_errors=True)
        with Timer() as t:
            index.sync(index_path, docs, null, settings, rebuild=True, progress=False)
        seconds.append(t.seconds)
    shutil.rmtree(index_path, ignore_errors=True)
    return seconds


def bench_indexing(
    settings,
    embedder,
    scales=(1, 10, 100),
    repeats: int = 3,
    seed: int = 0,
    compare_up_to: int = 10,
    workdir: Path | None = None,
) -> dict:
    """Build times, chunks/s, Bron/bare ratio and peak RSS per corpus scale."""
    from rag.chunking import chunk_documents
    from rag.corpus import load_corpus

    seeds = load_corpus(settings.seeds_dir)
    embedder.model.encode(["passage: warm-up"] * 8, batch_size=8)  # first-call costs out of the way
    own_tmp = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="bron-bench-index-")) if own_tmp else Path(workdir)
    rows = []
    try:
        for scale in scales:
            docs = synthetic_corpus(seeds, scale, seed)
            with Timer() as t_chunk:
                chunks = chunk_documents(docs, settings.chunk_size, settings.chunk_overlap)
            texts = [c.text for c in chunks]
            compare = scale <= compare_up_to
            runs = repeats if compare else 1
            if compare and repeats > 1 and len(texts) < 200:  # small and quick: twice the repeats
                runs = 2 * repeats
            log(
                f"indexing {scale}x: {len(docs)} articles, {len(texts)} chunks, {runs} run(s)"
                + (" + bare encoder" if compare else "")
            )
            bron_s, bare_s, ratios, peaks, deltas, bare_peaks, kinds = [], [], [], [], [], [], set()
            for r in range(runs):
                steps = ["bron", "bare"] if r % 2 == 0 else ["bare", "bron"]
                got = {}
                for step in steps:
                    if step == "bron":
                        seconds, peak, delta, report = _bron_build(
                            workdir / f"x{scale}", docs, embedder, settings
                        )
                        assert report.chunks == len(texts), (report.chunks, len(texts))
                        kinds.add(report.index_type)
                        bron_s.append(seconds)
                        peaks.append(peak)
                        deltas.append(delta)
                        got["bron"] = seconds
                    elif compare:
                        seconds, peak, _ = _bare_encode(embedder, texts)
                        bare_s.append(seconds)
                        bare_peaks.append(peak)
                        got["bare"] = seconds
                if "bare" in got:
                    ratios.append(got["bare"] / got["bron"])
                log(
                    f"  run {r + 1}: Bron {got['bron']:.1f} s"
                    + (f", bare {got['bare']:.1f} s, ratio {ratios[-1]:.3f}" if "bare" in got else "")
                )
                shutil.rmtree(workdir / f"x{scale}", ignore_errors=True)
            overhead = _overhead(workdir / f"x{scale}-null", docs, embedder, settings)
            n = len(texts)
            rows.append(
                {
                    "scale": scale,
                    "articles": len(docs),
                    "chunks": n,
                    "characters": sum(len(d.text) for d in docs),
                    "index_type": ",".join(sorted(kinds)),
                    "chunking_s": t_chunk.seconds,
                    "overhead_s": stat(overhead, "s"),
                    "bron_build_s": stat(bron_s, "s"),
                    "bron_chunks_per_s": stat([n / s for s in bron_s], "chunks/s"),
                    "bare_encode_s": stat(bare_s, "s"),
                    "bare_chunks_per_s": stat([n / s for s in bare_s], "chunks/s"),
                    "ratio": stat(ratios, "x"),
                    "peak_rss_mb": stat(peaks, "MB"),
                    "rss_growth_mb": stat(deltas, "MB"),
                    "bare_peak_rss_mb": stat(bare_peaks, "MB"),
                }
            )
    finally:
        if own_tmp:
            shutil.rmtree(workdir, ignore_errors=True)
    base = rows[0]
    for row in rows:  # growth relative to the first (smallest) scale: time per chunk should stay flat
        if base["bron_build_s"]["median"] and row["bron_build_s"]["median"]:
            row["time_growth"] = row["bron_build_s"]["median"] / base["bron_build_s"]["median"]
            row["chunk_growth"] = row["chunks"] / base["chunks"]
            row["ms_per_chunk"] = 1000 * row["bron_build_s"]["median"] / row["chunks"]
    return {"scales": rows, "seeds": len(seeds), "seed": seed}
