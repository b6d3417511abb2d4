"""The benchmark harness on tiny sizes, so it never rots: it runs, writes its report, and the numbers
it reports are sane (no timing assertions: the machine is shared and noisy)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from benchmarks import answering, report, retrieval, run, stores, synthetic, users
from rag.config import PROJECT_DIR
from rag.corpus import load_corpus

SEEDS = PROJECT_DIR / "seeds"


def test_synthetic_corpus_is_deterministic_and_grows_linearly():
    seeds = load_corpus(SEEDS)
    one = synthetic.synthetic_corpus(seeds, 1)
    assert [d.id for d in one] == [d.id for d in seeds]
    three = synthetic.synthetic_corpus(seeds, 3, seed=7)
    assert len(three) == 3 * len(seeds) and three == synthetic.synthetic_corpus(seeds, 3, seed=7)
    assert three != synthetic.synthetic_corpus(seeds, 3, seed=8)
    assert len({d.id for d in three}) == len(three) and len({d.content_hash for d in three}) == len(three)
    new = three[len(seeds) :]
    assert all(d.text and d.language == seeds[i % len(seeds)].language for i, d in enumerate(new))
    size = sum(len(d.text) for d in three) / sum(len(d.text) for d in one)
    assert 2.5 < size < 3.5


def test_clustered_vectors_are_unit_length_and_reproducible():
    a = synthetic.clustered_vectors(500, seed=1)
    assert a.shape == (500, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(a, synthetic.clustered_vectors(500, seed=1))
    few = synthetic.clustered_vectors(500, n_centres=10, seed=1)
    q = synthetic.clustered_queries(10, n_centres=10, seed=1)
    assert not np.array_equal(q, few[:10])
    assert float((q @ few.T).max(axis=1).min()) > 0.5  # queries land in the data's clusters


def test_faiss_bench_on_tiny_sizes():
    res = retrieval.bench_faiss(sizes=(600,), repeats=1, n_queries=20, seed=0)
    rows = {r["kind"]: r for r in res["rows"]}
    assert set(rows) == {"raw IndexFlatIP", "flat", "hnsw", "ivfpq"}
    for row in rows.values():
        assert "error" not in row, row
        assert 0.0 <= row["recall_at_10"] <= 1.0
        assert row["p50_ms"]["median"] > 0 and row["bytes_per_vector"] > 0
    assert rows["flat"]["recall_at_10"] == 1.0 and rows["raw IndexFlatIP"]["recall_at_10"] == 1.0
    assert rows["flat"]["bytes_per_vector"] >= 384 * 4
    assert rows["ivfpq"]["bytes_per_vector"] < rows["flat"]["bytes_per_vector"]
    assert {s["param"] for s in res["sweeps"]} == {"efSearch", "nprobe"}
    assert all(0.0 <= s["recall_at_10"] <= 1.0 for s in res["sweeps"])
    analysis = retrieval.analyse(res)
    assert "flat" in analysis["kinds_meeting_target"] and analysis["flat_max_n_within_budget"] > 0


def test_exact_top_k_is_the_brute_force_order():
    xb = synthetic.clustered_vectors(300, seed=2)
    xq = synthetic.clustered_queries(7, seed=2)
    top = stores.exact_top_k(xb, xq, 5, block=3)
    assert np.array_equal(top, np.argsort(-(xq @ xb.T), axis=1, kind="stable")[:, :5])


def test_users_summary_and_question_order():
    R = users.Request
    done = [R(2, 0, "q1", "nl", 1.0, 3.0), R(2, 1, "q2", "de", 2.0, 5.0), R(2, 1, "q3", "en", None, 9.0, "boom")]
    out = users.summarise(done, 2, 10.0)
    assert (out["requests"], out["errors"]) == (3, 1) and out["ttft_p50_s"] == pytest.approx(1.5)
    assert out["total_p90_s"] <= 5.0 and out["answers_per_minute"] == pytest.approx(12.0)
    assert "boom" in out["error_samples"][0]
    qs = [{"lang": lang, "question": f"{lang}{i}"} for lang in ("nl", "de", "en") for i in range(2)]
    assert [q["question"] for q in users._interleaved(qs)] == ["nl0", "de0", "en0", "nl1", "de1", "en1"]
    from ui import render

    searching = [{"role": "user", "content": "q"}, {"role": "assistant", "content": render.searching_message()}]
    assert users._answer_text(("", searching, "")) == ""
    from rag.results import Found

    found = [{"role": "assistant", "content": render.reading_message(Found([], ""))}]
    assert users._answer_text(("", found, "")) == ""  # the passages shown first are not answer text
    streamed = [{"role": "assistant", "content": [{"type": "text", "text": render.streaming_message("Ja [1]", 1)}]}]
    assert "Ja" in users._answer_text(("", streamed, ""))


def test_recall_at_k_counts_overlap():
    truth = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    assert retrieval.recall_at_k(truth, truth) == 1.0
    assert retrieval.recall_at_k(np.array([[4, 3, -1, 9], [0, 0, 0, 0]]), truth) == 0.25


def _fake_runs():
    runs = []
    for r in range(2):
        for q, tps in (("a", 20.0), ("b", 22.0)):
            for variant, factor, ttft in (
                ("bron", 0.99, 2100.0),
                ("raw", 1.0, 1900.0),
                ("raw+grammar", 1.0, 1950.0),
            ):
                runs.append(
                    {
                        "repeat": r,
                        "question": q,
                        "variant": variant,
                        "ttft_ms": ttft,
                        "total_ms": 5000.0,
                        "tokens": 30,
                        "gen_tps": tps * factor,
                        "prompt_tokens": 800,
                        "retrieve_ms": 40.0,
                        "same_passages": True,
                    }
                )
    return runs


def test_answering_summary_from_fake_runs():
    out = answering.summarise(_fake_runs(), repeats=2)
    assert out["tps_ratio_vs_raw"]["median"] == pytest.approx(0.99)
    assert out["ttft_extra_ms_vs_raw"]["median"] == pytest.approx(200.0)
    assert out["variants"]["bron"]["ttft_ms"]["n"] == 2 and out["passages_identical"]


def test_questions_cover_three_languages():
    qs = answering.load_questions(SEEDS / "gold.jsonl", per_language=2)
    assert [q["lang"] for q in qs] == ["nl", "nl", "de", "de", "en", "en"]


def test_quick_run_writes_report(tmp_path, monkeypatch, embedder):
    """The CLI end to end (indexing + retrieval, tiny sizes) on one small article; then the targets."""
    import rag.embedding

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    smallest = min(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    shutil.copy(smallest, seeds / smallest.name)
    shutil.copy(SEEDS / "gold.jsonl", seeds / "gold.jsonl")
    monkeypatch.setenv("BRON_SEEDS_DIR", str(seeds))
    monkeypatch.setattr(rag.embedding.Embedder, "from_settings", classmethod(lambda cls, s: embedder))
    out = tmp_path / "results"
    args = (
        "--quick --only ingestion,indexing,retrieval,stores --sizes 500 --kinds flat,hnsw --queries 20 --questions 4 "
        "--store-sizes 200".split()
    )
    code = run.main([*args, "--out", str(out)])  # IVF-PQ training is covered by the test above
    assert code == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 and files[0].endswith("-quick.json") and files[1].endswith("-quick.md")
    data = json.loads((out / files[0]).read_text())
    assert not data["errors"] and set(data["sections"]) == {"ingestion", "indexing", "retrieval", "stores"}
    ingestion = {r["format"]: r for r in data["sections"]["ingestion"]["rows"]}
    assert set(ingestion) == {"html", "pdf", "docx", "txt"}
    for fmt, r in ingestion.items():  # every fixture read by both variants, with passages and text
        assert r["files"] == 10 and r["passages"] >= r["files"] and r["bron_chars"] > 500 * r["files"], fmt
        assert r["bron_files_per_s"]["median"] > 0 and r["bare_files_per_s"]["median"] > 0 and r["ratio"]["n"] == 1
        assert r["detect_ms_per_file"]["median"] > 0  # (for txt it is all of Bron's time: no order to assert)
    assert data["machine"]["cores"] >= 1 and data["versions"]["faiss-cpu"]
    row = data["sections"]["indexing"]["scales"][0]
    assert row["chunks"] > 0 and row["ratio"]["median"] > 0 and row["bron_chunks_per_s"]["median"] > 0
    assert row["peak_rss_mb"]["median"] > 0
    ret = data["sections"]["retrieval"]
    assert ret["question_embedding"]["p50_ms"]["median"] > 0 and ret["retriever"]["chunks"] == row["chunks"]
    assert all(0.0 <= r["recall_at_10"] <= 1.0 for r in ret["faiss"]["rows"])
    assert next(r for r in ret["faiss"]["rows"] if r["kind"] == "flat")["recall_at_10"] == 1.0
    engines = {r["engine"]: r for r in data["sections"]["stores"]["rows"]}
    assert set(engines) == {"raw faiss IndexFlatIP", "FaissStore flat", "raw QdrantClient(path)",
                            "QdrantStore embedded"}
    assert all("error" not in r and r["recall_at_10"] == 1.0 and r["disk_bytes"] > 0 for r in engines.values())
    assert len(data["sections"]["stores"]["ratios"]) == 2
    targets = {t["target"]: t for t in data["targets"]}
    assert targets["Indexing speed vs bare encoder"]["measured"] > 0
    assert targets["import rag"]["pass"] is None  # start-up was not run
    md = (out / files[1]).read_text()
    assert "## Ingestion" in md and "| docx | 10 |" in md
    assert "## Targets" in md and "## Indexing" in md and "## Retrieval" in md and "| flat | yes |" in md
    assert "## Vector stores" in md and "| 200 | QdrantStore embedded |" in md


def test_report_targets_pass_and_fail(tmp_path):
    sections = {
        "answering": answering.summarise(_fake_runs(), repeats=2),
        "startup": {
            "import_rag_s": {"median": 0.7},
            "help_s": {"median": 0.2},
            "cold_ask_first_token_s": {"median": 9.0},
            "cold_ask_peak_rss_mb": {"max": 3000.0},
        },
    }
    results = {"date": "2000-01-01", "sections": sections, "errors": {}, "machine": {}, "versions": {}}
    json_path, md_path = report.write_report(results, tmp_path, "2000-01-01")
    verdict = {t["target"]: t["pass"] for t in json.loads(json_path.read_text())["targets"]}
    assert verdict["Warm time to first token p50"] is True and verdict["Warm total answer time p50"] is True
    assert verdict["Generation tok/s vs raw llama.cpp"] is True  # 0.99 >= 0.97
    assert verdict["import rag"] is False and verdict["bron --help"] is True
    assert verdict["Peak memory of a cold ask"] is False and verdict["Indexing speed vs bare encoder"] is None
    md = md_path.read_text()
    assert "**FAIL**" in md and "PASS" in md and "## Answering" in md


class _RecordingAssistant:
    """Stands in for the Assistant: answers with the gold answer unless its paragraph is left out."""

    def __init__(self):
        self.calls = []

    def answer(self, question, sources=None):
        from types import SimpleNamespace

        self.calls.append((question, sources))
        left_out = sources is not None and "p0001" not in sources
        text = "Die Quellen enthalten die Antwort nicht." if left_out else "1848 [1]"
        return SimpleNamespace(text=text, abstained=left_out, timings={"first_token_ms": 10.0, "total_ms": 20.0})


def test_xquad_leaves_out_only_the_questions_own_paragraph():
    from benchmarks import xquad

    asst = _RecordingAssistant()
    question = {"id": "q1", "question": "Wann?", "paragraph": 1, "answers": ["1848"]}
    everyone = xquad.paragraph_ids(3)
    searched = xquad.answer_metrics(asst, [question])
    left_out = xquad.answer_metrics(asst, [question], everyone)
    assert asst.calls == [("Wann?", None), ("Wann?", ["p0000", "p0002"])]
    assert searched["exact_match"] == 1.0 and searched["abstained"] == 0.0
    assert left_out["abstained"] == 1.0 and left_out["answered_with_gold"] == 0.0
    table = xquad.markdown_table({"retrieval": {"de": {"n": 1, "recall@1": 1.0, "recall@5": 1.0, "mrr": 1.0}},
                                  "answers": {"de": searched}, "left_out": {"de": left_out}})
    assert "| de | 1 | 1.000 | 1.000 | 1.000 | 0.000 |" in table and "own paragraph left out" in table
