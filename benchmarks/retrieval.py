"""Retrieval: question embedding, Bron's hybrid search, and FAISS search alone per index kind.

FAISS part: for each size n, `clustered_vectors(n)` (benchmarks.synthetic) is indexed with every kind
Bron may choose, built through ``rag.stores.faiss.FaissStore.build(vectors, kind)``, plus a raw
``faiss.IndexFlatIP`` built in the same run as the baseline. 200 queries from the same distribution
are searched one at a time (batch of 1, k=10, as Bron does per question); per repeat we take the p50
(and p90) latency over the queries, and quote median/min/max of those p50s over repeats.
recall@10 is measured against exact search (the raw flat index). Bytes per vector = size of the
serialised index / n (faiss.write_index into a byte counter, no copy). HNSW and IVF-PQ are also swept
over efSearch / nprobe without rebuilding, and IVF-PQ with an exact re-rank of its top 100 from
the stored float vectors (which Bron keeps in vectors.npy anyway).
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import Timer, log, peak_rss_mb, reset_peak_rss, rss_mb, stat
from benchmarks.synthetic import clustered_queries, clustered_vectors
from rag.evaluation import percentile

KINDS = ("flat", "hnsw", "ivfpq")
EF_SWEEP = (16, 32, 64, 96, 128, 192, 256)
NPROBE_SWEEP = (8, 16, 32, 64, 128, 256)


def index_bytes(index) -> int:
    """Size of the serialised index (what faiss.write_index would write), counted without copying."""
    import faiss

    total = 0

    def count(chunk):
        nonlocal total
        total += len(chunk)
        return len(chunk)

    writer = faiss.PyCallbackIOWriter(count)
    faiss.write_index(index, writer)
    return total


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean over queries of |found ∩ truth| / k (ids; -1 never matches)."""
    k = truth.shape[1]
    hits = sum(len(set(f[f >= 0].tolist()) & set(t.tolist())) for f, t in zip(found, truth))
    return hits / (k * len(truth))


def single_query_latencies(search, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    """Search one query at a time; per-query ms and the ids found (n_queries x k)."""
    found = np.full((len(queries), k), -1, np.int64)
    lat = []
    for i in range(len(queries)):
        q = queries[i : i + 1]
        t = time.perf_counter()
        _, ids = search(q, k)
        lat.append((time.perf_counter() - t) * 1000)
        found[i, : ids.shape[1]] = ids[0]
    return lat, found


def timed_search(search, queries, k, repeats) -> dict:
    p50s, p90s, found = [], [], None
    for _ in range(repeats):
        lat, got = single_query_latencies(search, queries, k)
        found = got if found is None else found
        p50s.append(percentile(lat, 50))
        p90s.append(percentile(lat, 90))
    return {"p50_ms": stat(p50s, "ms"), "p90_ms": stat(p90s, "ms"), "found": found}


def rerank_search(store, vectors: np.ndarray, fetch: int):
    """Search `fetch` candidates in the approximate index, re-rank them exactly by inner product."""

    def search(q, k):
        _, ids = store.search(q, fetch)
        ids = ids[0][ids[0] >= 0]
        scores = vectors[ids] @ q[0]
        order = np.argsort(-scores)[:k]
        return scores[order][None, :], ids[order][None, :]

    return search


def bench_faiss(
    sizes=(1_000, 100_000, 1_000_000),
    kinds=KINDS,
    repeats: int = 3,
    n_queries: int = 200,
    k: int = 10,
    seed: int = 0,
    sweeps: bool = True,
) -> dict:
    """Latency, recall@10, build time and bytes/vector for each size x kind (see module docstring)."""
    import faiss

    from rag.stores.faiss import FaissStore, choose_index_type

    rows, sweep_rows = [], []
    for n in sizes:
        with Timer() as t_gen:
            xb = clustered_vectors(n, seed=seed)
            xq = clustered_queries(n_queries, seed=seed)
        log(f"faiss n={n:,}: generated in {t_gen.seconds:.1f} s")
        with Timer() as t_build:
            raw = faiss.IndexFlatIP(xb.shape[1])
            raw.add(xb)
        _, truth = raw.search(xq, k)
        timed = timed_search(raw.search, xq, k, repeats)
        rows.append(
            {
                "n": n,
                "kind": "raw IndexFlatIP",
                "build_s": t_build.seconds,
                "p50_ms": timed["p50_ms"],
                "p90_ms": timed["p90_ms"],
                "recall_at_10": recall_at_k(timed["found"], truth),
                "bytes_per_vector": index_bytes(raw) / n,
                "build_peak_rss_mb": None,
                "auto_choice": choose_index_type(n),
            }
        )
        del raw
        for kind in kinds:
            reset_peak_rss()
            before = rss_mb() or 0.0
            try:
                with Timer() as t_build:
                    store = FaissStore.build(xb, kind)
            except Exception as exc:  # noqa: BLE001 - e.g. IVF-PQ cannot train on too few vectors
                log(f"  {kind}: build failed: {exc}")
                rows.append({"n": n, "kind": kind, "error": f"{type(exc).__name__}: {exc}"[:300]})
                continue
            build_growth = peak_rss_mb() - before
            timed = timed_search(store.search, xq, k, repeats)
            row = {
                "n": n,
                "kind": kind,
                "build_s": t_build.seconds,
                "p50_ms": timed["p50_ms"],
                "p90_ms": timed["p90_ms"],
                "recall_at_10": recall_at_k(timed["found"], truth),
                "bytes_per_vector": index_bytes(store.index) / n,
                "build_peak_rss_mb": build_growth,
                "auto_choice": choose_index_type(n),
            }
            if kind == "hnsw":
                row["params"] = (
                    f"M={store.HNSW_M}, efConstruction={store.index.hnsw.efConstruction}, "
                    f"efSearch={store.index.hnsw.efSearch}"
                )
            elif kind == "ivfpq":
                row["params"] = f"nlist={store.index.nlist}, nprobe={store.index.nprobe}, PQ48x8"
            rows.append(row)
            log(
                f"  {kind}: build {t_build.seconds:.1f} s, p50 {row['p50_ms']['median']:.3f} ms, "
                f"recall@{k} {row['recall_at_10']:.3f}"
            )
            if sweeps and kind == "hnsw":
                default = store.index.hnsw.efSearch
                for ef in EF_SWEEP:
                    store.index.hnsw.efSearch = ef
                    timed = timed_search(store.search, xq, k, 1)
                    sweep_rows.append(
                        {
                            "n": n,
                            "kind": "hnsw",
                            "param": "efSearch",
                            "value": ef,
                            "p50_ms": timed["p50_ms"]["median"],
                            "recall_at_10": recall_at_k(timed["found"], truth),
                        }
                    )
                store.index.hnsw.efSearch = default
            if sweeps and kind == "ivfpq":
                default = store.index.nprobe
                for nprobe in NPROBE_SWEEP:
                    if nprobe > store.index.nlist:
                        continue
                    store.index.nprobe = nprobe
                    for fetch in (None, 100):
                        search = store.search if fetch is None else rerank_search(store, xb, fetch)
                        timed = timed_search(search, xq, k, 1)
                        sweep_rows.append(
                            {
                                "n": n,
                                "kind": "ivfpq" if fetch is None else "ivfpq+rerank100",
                                "param": "nprobe",
                                "value": nprobe,
                                "p50_ms": timed["p50_ms"]["median"],
                                "recall_at_10": recall_at_k(timed["found"], truth),
                            }
                        )
                store.index.nprobe = default
            del store
        del xb
    return {
        "rows": rows,
        "sweeps": sweep_rows,
        "n_queries": n_queries,
        "k": k,
        "seed": seed,
        "omp_threads": faiss.omp_get_max_threads(),
        "generator": "clustered_vectors(n, dim=384, n_centres=1000, noise=0.75, decay=0.5)",
    }


def bench_question_embedding(embedder, questions: list[str], repeats: int = 3) -> dict:
    """Time of embedder.encode_queries([q]) per question; median over questions, per repeat."""
    embedder.encode_queries(["warm-up"])
    medians, p90s = [], []
    for _ in range(repeats):
        lat = []
        for q in questions:
            with Timer() as t:
                embedder.encode_queries([q])
            lat.append(t.seconds * 1000)
        medians.append(percentile(lat, 50))
        p90s.append(percentile(lat, 90))
    return {"p50_ms": stat(medians, "ms"), "p90_ms": stat(p90s, "ms"), "questions": len(questions)}


def bench_retriever(data, embedder, settings, questions: list[str], repeats: int = 3) -> dict:
    """Bron's whole retrieval step (embed + FAISS [+ BM25 + fusion]) over a loaded index, dense-only
    and hybrid (the configured mode is `hybrid`; the other is measured too, for the trade-off)."""
    import inspect

    from rag.retrieval import Retriever

    extra = {}
    if "bm25_weight" in inspect.signature(Retriever).parameters and hasattr(settings, "bm25_weight"):
        extra["bm25_weight"] = settings.bm25_weight
    out = {"chunks": len(data.chunks), "hybrid": settings.hybrid, "top_k": settings.top_k}
    for hybrid in (False, True):
        with Timer() as t_init:
            retriever = Retriever(data, embedder, hybrid, settings.candidates, **extra)
        retriever.search(questions[0], settings.top_k)
        medians = []
        for _ in range(repeats):
            lat = []
            for q in questions:
                with Timer() as t:
                    retriever.search(q, settings.top_k)
                lat.append(t.seconds * 1000)
            medians.append(percentile(lat, 50))
        name = "hybrid" if hybrid else "dense"
        out[f"{name}_p50_ms"] = stat(medians, "ms")
        out[f"{name}_init_s"] = t_init.seconds
    out["p50_ms"] = out["hybrid_p50_ms" if settings.hybrid else "dense_p50_ms"]
    return out


def analyse(faiss_result: dict, budget_ms: float = 5.0, min_recall: float = 0.95) -> dict:
    """Which kinds meet the target at the largest n, the cheapest efSearch/nprobe that does, and
    the largest n at which exact search still fits the latency budget (flat time grows ~linearly)."""
    rows = [r for r in faiss_result["rows"] if "error" not in r]
    if not rows:
        return {}
    largest = max(r["n"] for r in rows)
    meets = [
        r["kind"]
        for r in rows
        if r["n"] == largest
        and r["kind"] != "raw IndexFlatIP"
        and r["p50_ms"]["median"] <= budget_ms
        and r["recall_at_10"] >= min_recall
    ]
    out = {
        "largest_n": largest,
        "kinds_meeting_target": meets,
        "budget_ms": budget_ms,
        "min_recall": min_recall,
    }
    flat = sorted((r for r in rows if r["kind"] == "flat"), key=lambda r: r["n"])
    if flat:
        big = flat[-1]
        per_vector_ms = big["p50_ms"]["median"] / big["n"]
        out["flat_ms_per_1e5_vectors"] = per_vector_ms * 1e5
        out["flat_max_n_within_budget"] = int(budget_ms / per_vector_ms) if per_vector_ms > 0 else None
    for kind, param in (("hnsw", "efSearch"), ("ivfpq", "nprobe"), ("ivfpq+rerank100", "nprobe")):
        sweep = sorted(
            (s for s in faiss_result["sweeps"] if s["kind"] == kind and s["n"] == largest),
            key=lambda s: s["value"],
        )
        ok = [s for s in sweep if s["recall_at_10"] >= min_recall and s["p50_ms"] <= budget_ms]
        out[f"{kind}_best"] = (
            {
                "param": param,
                "value": ok[0]["value"],
                "p50_ms": ok[0]["p50_ms"],
                "recall_at_10": ok[0]["recall_at_10"],
            }
            if ok
            else None
        )
    return out
