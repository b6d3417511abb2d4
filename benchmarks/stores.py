"""Vector stores side by side: Bron's FaissStore and QdrantStore (embedded), and the raw libraries.

For each size n, `clustered_vectors(n)` (dim 384) and 200 `clustered_queries` are generated once; the
ground truth is exact brute force in numpy (top 10 by inner product). Every engine then:

* builds / upserts the n vectors (`build_s`; for Bron's Qdrant store that is `build` + `save`, which
  writes the collection with a small payload per point ({"row": i}; a real index adds the passage's ids,
  offsets, date and language), and for raw Qdrant the batched upserts of 512 bare points, as Bron's save
  batches them; FAISS indexes are built in memory, their file size counted without writing it);
* is measured for memory: RSS growth of this process from before the build to after the first search
  (what keeping the store loaded costs), its peak during the build, and the bytes it writes to disk;
* searches the queries one at a time, k=10 (p50/p90 per repeat, median/min/max over repeats), and
  recall@10 against the ground truth.

Engines: raw `faiss.IndexFlatIP`; `FaissStore` flat and the kind `choose_kind` picks at n (hnsw from
`exact_below`); raw `QdrantClient(path=...)`; `QdrantStore` with `qdrant_path` in a temporary folder
(kind from its `choose_kind`; embedded Qdrant searches exactly whatever the kind, a server would not).
Embedded Qdrant is qdrant-client's local mode (numpy and SQLite inside this process), not the Qdrant
server, so its numbers say what `vector_store = "qdrant"` without `qdrant_url` costs, not what a
Qdrant server costs.
"""

from __future__ import annotations

import gc
import shutil
from functools import partial
from pathlib import Path

import numpy as np

from benchmarks.common import Timer, log, peak_rss_mb, reset_peak_rss, rss_mb
from benchmarks.retrieval import index_bytes, recall_at_k, timed_search
from benchmarks.synthetic import clustered_queries, clustered_vectors

BATCH = 512  # raw Qdrant upserts in batches of this size (as rag.stores.qdrant does)


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int, block: int = 50) -> np.ndarray:
    """Ids of the k largest inner products per query, best first (numpy brute force: the ground truth)."""
    out = np.empty((len(queries), k), np.int64)
    for start in range(0, len(queries), block):
        sims = queries[start:start + block] @ vectors.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        out[start:start + block] = np.take_along_axis(top, order, axis=1)
    return out


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# Engine builders: each returns (search function, bytes on disk, close function, parameters).
def _raw_faiss(vectors: np.ndarray):
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index.search, index_bytes(index), lambda: None, ""


def _bron_faiss(vectors: np.ndarray, kind: str):
    """Bron's FaissStore; its file (faiss.index) is what write_index writes, counted like the raw index's."""
    from rag.stores.faiss import FaissStore

    store = FaissStore.build(vectors, kind)
    return store.search, index_bytes(store.index), lambda: None, kind


def _bron_qdrant(vectors: np.ndarray, work: Path):
    """Bron's QdrantStore, embedded with qdrant_path: built, saved (the collection written), loaded."""
    from rag.config import Settings
    from rag.stores.qdrant import QdrantStore

    kind = QdrantStore.choose_kind(len(vectors))
    settings = Settings().replace(vector_store="qdrant", qdrant_path=work / "qdrant-bron")
    folder = work / "qdrant-version"
    folder.mkdir(parents=True)
    QdrantStore.build(vectors, kind, settings=settings).save(folder)
    store = QdrantStore.load(folder, kind, settings)
    return (store.search, folder_bytes(work / "qdrant-bron"), lambda: QdrantStore.discard(folder),
            f"{kind}, qdrant_path")


def _raw_qdrant(vectors: np.ndarray, path: Path):
    """A raw embedded QdrantClient holding `vectors` (ids = rows)."""
    from qdrant_client import QdrantClient, models

    client = QdrantClient(path=str(path))
    client.create_collection("raw", vectors_config=models.VectorParams(size=vectors.shape[1],
                                                                       distance=models.Distance.DOT))
    for start in range(0, len(vectors), BATCH):
        part = vectors[start:start + BATCH]
        client.upsert("raw", points=[models.PointStruct(id=start + i, vector=v.tolist())
                                     for i, v in enumerate(part)], wait=True)

    def search(q: np.ndarray, k: int):
        points = client.query_points("raw", query=q[0].tolist(), limit=k, with_payload=False).points
        return (np.array([[p.score for p in points]], np.float32), np.array([[p.id for p in points]], np.int64))

    return search, folder_bytes(path), client.close, "local mode, Distance.DOT"


def _measure(name: str, n: int, build, xq, truth, k: int, repeats: int) -> dict:
    """Build with `build()` -> (search, disk_bytes, close, params); time, memory, latency and recall."""
    gc.collect()
    reset_peak_rss()
    before = rss_mb() or 0.0
    with Timer() as t_build:
        search, disk_bytes, close, params = build()
    peak = peak_rss_mb() - before
    search(xq[:1], k)  # the first search loads what a store loads lazily
    held = (rss_mb() or 0.0) - before
    timed = timed_search(search, xq, k, repeats)
    row = {"n": n, "engine": name, "build_s": t_build.seconds, "p50_ms": timed["p50_ms"], "p90_ms": timed["p90_ms"],
           "recall_at_10": recall_at_k(timed["found"], truth), "rss_growth_mb": held, "build_peak_rss_mb": peak,
           "disk_bytes": disk_bytes, "params": params}
    close()
    log(f"  {name}: build {t_build.seconds:.1f} s, p50 {row['p50_ms']['median']:.3f} ms, "
        f"recall@{k} {row['recall_at_10']:.3f}, RSS +{held:.0f} MB, disk {disk_bytes / 1e6:.1f} MB")
    return row


def bench_stores(sizes=(10_000, 100_000), repeats: int = 3, n_queries: int = 200, k: int = 10, seed: int = 0,
                 workdir: Path | None = None) -> dict:
    """FAISS and embedded Qdrant, through Bron's stores and raw, at each size (see the module docstring)."""
    import tempfile

    import faiss
    import qdrant_client  # noqa: F401 - imported before any measurement, so no engine pays for it

    import rag.stores.qdrant  # noqa: F401
    from rag.stores.faiss import FaissStore

    work = Path(tempfile.mkdtemp(prefix="bron-stores-", dir=workdir))
    rows = []
    try:
        for n in sizes:
            with Timer() as t_gen:
                xb = clustered_vectors(n, seed=seed)
                xq = clustered_queries(n_queries, seed=seed)
                truth = exact_top_k(xb, xq, k)
            log(f"stores n={n:,}: vectors and ground truth in {t_gen.seconds:.1f} s")
            here = work / f"n{n}"

            engines = [("raw faiss IndexFlatIP", partial(_raw_faiss, xb)),
                       ("FaissStore flat", partial(_bron_faiss, xb, "flat"))]
            auto = FaissStore.choose_kind(n)
            if auto != "flat":
                engines.append((f"FaissStore {auto} (auto)", partial(_bron_faiss, xb, auto)))
            engines += [("raw QdrantClient(path)", partial(_raw_qdrant, xb, here / "qdrant-raw")),
                        ("QdrantStore embedded", partial(_bron_qdrant, xb, here))]
            for name, build in engines:
                try:
                    rows.append(_measure(name, n, build, xq, truth, k, repeats))
                except Exception as exc:  # noqa: BLE001 - one engine failing must not lose the others
                    log(f"  {name}: failed: {exc}")
                    rows.append({"n": n, "engine": name, "error": f"{type(exc).__name__}: {exc}"[:300]})
                gc.collect()
            shutil.rmtree(here, ignore_errors=True)
            del xb, xq, truth
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"rows": rows, "n_queries": n_queries, "k": k, "seed": seed, "dim": 384, "folder": str(work.parent),
            "omp_threads": faiss.omp_get_max_threads(),
            "generator": "clustered_vectors(n, dim=384, n_centres=1000, noise=0.75, decay=0.5)",
            "truth": "numpy brute force (exact inner product)"}


def ratios(result: dict) -> list[dict]:
    """Bron's store vs its raw library at each n: p50 latency, build time and RSS growth ratios."""
    pairs = (("FaissStore flat", "raw faiss IndexFlatIP"), ("QdrantStore embedded", "raw QdrantClient(path)"))
    ok = {(r["n"], r["engine"]): r for r in result.get("rows", []) if "error" not in r}
    out = []
    for n in sorted({n for n, _ in ok}):
        for bron, raw in pairs:
            a, b = ok.get((n, bron)), ok.get((n, raw))
            if a and b and b["p50_ms"]["median"] and b["build_s"]:
                out.append({"n": n, "store": bron, "raw": raw,
                            "p50_ratio": a["p50_ms"]["median"] / b["p50_ms"]["median"],
                            "build_ratio": a["build_s"] / b["build_s"]})
    return out
