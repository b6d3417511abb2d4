"""Run Bron's speed and memory benchmarks and write benchmarks/results/<YYYY-MM-DD>.{json,md}.

    python -m benchmarks.run                       # everything (~1 h on 2 cores: 100x corpus, 1e6 vectors)
    python -m benchmarks.run --quick               # tiny sizes, 1 repeat (a few minutes)
    python -m benchmarks.run --only retrieval --sizes 1000,100000
    python -m benchmarks.run --only answering --merge   # add a section to today's report
    python -m benchmarks.run --only stores --store-sizes 10000,100000 --merge
    python -m benchmarks.run --only users --merge       # opt-in: starts an LLM server (benchmarks/users.py)
    python -m benchmarks.run --only xquad --xquad-sample 20 --merge   # the external yardstick, smaller

The machine is shared and noisy: every number is repeated (--repeats) and the report quotes
median, min and max. Quick runs write <date>-quick.* so they never overwrite a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from benchmarks.common import (
    PROJECT_DIR,
    library_versions,
    log,
    machine_info,
    rag_sources_digest,
    settings_toml,
)
from benchmarks.report import write_report

SECTIONS = ("ingestion", "indexing", "retrieval", "stores", "answering", "startup", "xquad")  # the default run
OPT_IN = ("users",)  # run only when named in --only: it starts its own LLM server and chat
# answering (and users) last: a llama.cpp crash loses least
ORDER = ("ingestion", "indexing", "retrieval", "stores", "startup", "answering", "xquad", "users")
XQUAD_DIR = PROJECT_DIR.parent / "shared" / "bench" / "data" / "xquad"  # CC BY-SA 4.0, beside the project
COLD_ASK_QUESTION = "Hoeveel geld moet er in Stargate vloeien?"


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in text.split(",") if x.strip())


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes and 1 repeat, to check the harness")
    p.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default: {','.join(SECTIONS)}; opt-in: {','.join(OPT_IN)})",
    )
    p.add_argument("--repeats", type=int, default=None, help="repeats per measurement (default 3, quick 1)")
    p.add_argument("--out", type=Path, default=PROJECT_DIR / "benchmarks" / "results", help="output folder")
    p.add_argument(
        "--scale",
        default=None,
        help="corpus scales for indexing, e.g. 1,10,100 (default 1,10,100; quick 1). Scales up to "
        "10x are compared with the bare encoder; larger ones run Bron's build once",
    )
    p.add_argument(
        "--sizes",
        default=None,
        help="numbers of vectors for FAISS, e.g. 1000,100000,1000000 (default; quick 1000,10000); "
        "'none' skips FAISS (with --merge the previous FAISS results are kept)",
    )
    p.add_argument("--kinds", default="flat,hnsw,ivfpq", help="FAISS index kinds to measure")
    p.add_argument(
        "--store-sizes",
        default=None,
        help="numbers of vectors for the stores section (FAISS vs embedded Qdrant; default 10000,100000; "
        "quick 500)",
    )
    p.add_argument(
        "--store-dir",
        type=Path,
        default=None,
        help="stores section: folder for the stores' files (default: /dev/shm if there is one, else the run's "
        "temporary folder). Embedded Qdrant commits every point to SQLite (an fsync each; 1e5 points take "
        "many minutes on disk): on tmpfs that cost is left out. The report names the folder",
    )
    p.add_argument("--users", default="1,4,8", help="users section: simultaneous users per step")
    p.add_argument(
        "--users-llm-url",
        default=None,
        metavar="URL",
        help="users section: an LLM server that is already running (e.g. vLLM, or tests/support/fake_llm.py) "
        "instead of starting llama_cpp.server",
    )
    p.add_argument(
        "--questions-per-user", type=int, default=None, help="users section: questions each user asks (default 3)"
    )
    p.add_argument("--queries", type=int, default=200, help="single queries per FAISS measurement")
    p.add_argument(
        "--per-language",
        type=int,
        default=None,
        help="answering questions per language nl/de/en (default 2, quick 1)",
    )
    p.add_argument("--questions", type=int, default=20, help="gold questions for the retrieval timings")
    p.add_argument("--xquad", type=Path, default=XQUAD_DIR, help="xquad section: folder with xquad.de.json and "
                   "xquad.en.json (default: ../shared/bench/data/xquad)")
    p.add_argument("--xquad-sample", type=int, default=None, help="xquad section: questions per language answered "
                   "twice, with and without their paragraph (default 100: ~200 answers per language; quick 0, "
                   "retrieval only)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus and vectors")
    p.add_argument(
        "--name",
        default=None,
        help="report file stem (default <YYYY-MM-DD>; quick: <date>-quick)",
        metavar="STEM",
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="keep the other sections of an existing report with the same name (date, or --name)",
    )
    args = p.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS) - set(OPT_IN)
    if unknown:
        p.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS + OPT_IN)}")
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.scales = _ints(args.scale or ("1" if args.quick else "1,10,100"))
    sizes = args.sizes or ("1000,10000" if args.quick else "1000,100000,1000000")
    args.vector_sizes = () if sizes.strip().lower() in {"none", "0", ""} else _ints(sizes)
    shm = Path("/dev/shm")
    if args.store_dir is None and shm.is_dir() and os.access(shm, os.W_OK):
        args.store_dir = shm
    args.store_sizes = _ints(args.store_sizes or ("500" if args.quick else "10000,100000"))
    args.user_counts = _ints(args.users)
    args.questions_per_user = args.questions_per_user or 3
    args.previous = {}
    args.per_language = args.per_language or (1 if args.quick else 2)
    if args.xquad_sample is None:
        args.xquad_sample = 0 if args.quick else 100
    args.kind_list = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    return args


def gold_questions(settings, n: int = 20) -> list[str]:
    path = Path(settings.seeds_dir) / "gold.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows[:n]]


class Context:
    """Shared pieces, loaded on first use by Bron's own Assistant: the embedder, and a temporary index
    of the seed articles (the settings are the run's, with the index in the temporary folder)."""

    def __init__(self, tmp: Path):
        from rag.answering import Assistant
        from rag.config import Settings

        self.tmp = tmp
        self.settings = Settings.load()
        self._assistant = Assistant(self.settings.replace(index_dir=tmp / "indexes", index="bench-seeds"))
        self._indexed = False

    @property
    def embedder(self):
        return self._assistant.embedder

    @property
    def assistant(self):
        """The Assistant on the temporary seed index (built on first use)."""
        if not self._indexed:
            self._assistant.sync_index(rebuild=True, progress=False)
            self._indexed = True
        return self._assistant

    @property
    def bench_settings(self):
        """Settings pointing at the temporary seed index (built on first use)."""
        return self.assistant.settings

    def config_file(self) -> Path:
        """bench.toml pinning the benchmark's settings (and the temporary index) for child processes."""
        path = self.tmp / "bench.toml"
        path.write_text(settings_toml(self.bench_settings), encoding="utf-8")
        return path


def run_section(name: str, ctx: Context, args) -> dict:
    if name == "ingestion":
        from benchmarks.ingestion import bench_ingestion

        return bench_ingestion(ctx.settings, args.repeats)
    if name == "indexing":
        from benchmarks.indexing import bench_indexing

        return bench_indexing(
            ctx.settings, ctx.embedder, args.scales, args.repeats, args.seed, workdir=ctx.tmp / "indexing"
        )
    if name == "retrieval":
        from benchmarks import retrieval

        questions = gold_questions(ctx.settings, args.questions)
        out = {
            "question_embedding": retrieval.bench_question_embedding(ctx.embedder, questions, args.repeats)
        }
        out["retriever"] = retrieval.bench_retriever(
            ctx.assistant.data, ctx.embedder, ctx.bench_settings, questions, args.repeats
        )
        if args.vector_sizes:
            out["faiss"] = retrieval.bench_faiss(
                args.vector_sizes, args.kind_list, args.repeats, args.queries, seed=args.seed
            )
            out["analysis"] = retrieval.analyse(out["faiss"])
        elif args.previous.get("retrieval", {}).get("faiss"):  # --sizes none --merge: keep the old FAISS part
            old = args.previous["retrieval"]
            out["faiss"] = old["faiss"] | {"carried_over_from": old.get("ran_at")}
            out["analysis"] = old.get("analysis", {})
        return out
    if name == "stores":
        from benchmarks.stores import bench_stores, ratios

        out = bench_stores(args.store_sizes, args.repeats, args.queries, seed=args.seed, workdir=args.store_dir)
        out["ratios"] = ratios(out)
        return out
    if name == "users":
        from benchmarks.users import bench_users

        return bench_users(
            ctx.config_file(), args.user_counts, args.questions_per_user, ctx.tmp / "users", args.users_llm_url
        )
    if name == "answering":
        from benchmarks.answering import bench_answering, load_questions

        questions = load_questions(Path(ctx.settings.seeds_dir) / "gold.jsonl", args.per_language)
        return bench_answering(ctx.assistant, questions, args.repeats)
    if name == "startup":
        from benchmarks.startup import bench_startup

        return bench_startup(COLD_ASK_QUESTION, args.repeats, {"BRON_CONFIG": str(ctx.config_file())})
    if name == "xquad":
        from benchmarks.xquad import run_xquad

        if not (args.xquad / "xquad.de.json").is_file():
            return {"skipped": f"no XQuAD data in {args.xquad} (--xquad DIR)"}
        report = run_xquad(args.xquad, args.xquad_sample, skip_answers=args.xquad_sample <= 0)
        report["sample"] = args.xquad_sample
        return report
    raise ValueError(name)


def _terminate(signum, frame):  # SIGTERM: unwind (finally blocks kill child processes, remove temp files)
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    args = parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    day = time.strftime("%Y-%m-%d")
    stem = args.name or day + ("-quick" if args.quick else "")
    results: dict = {
        "date": day,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "quick": args.quick,
        "command": "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "args": {k: v for k, v in vars(args).items() if k not in {"out", "previous"}}
        | {"out": str(args.out)},
        "machine": machine_info(),
        "versions": library_versions(),
        "sections": {},
        "errors": {},
    }
    previous = args.out / f"{stem}.json"
    if args.merge and previous.is_file():
        old = json.loads(previous.read_text(encoding="utf-8"))
        args.previous = old.get("sections", {})
        results["sections"] = {k: v for k, v in old.get("sections", {}).items() if k not in args.sections}
        results["errors"] = {k: v for k, v in old.get("errors", {}).items() if k not in args.sections}
        results["merged_from"] = old.get("command")
        if old.get("settings") and results["sections"]:
            results["settings"] = old["settings"]  # the header keeps the first run's settings
    tmp = Path(tempfile.mkdtemp(prefix="bron-bench-"))
    try:
        ctx = Context(tmp)
        run_settings = {k: str(v) if isinstance(v, Path) else v for k, v in ctx.settings.as_dict().items()}
        results.setdefault("settings", run_settings)
        json_path, md_path = write_report(results, args.out, stem)
        for name in ORDER:
            if name not in args.sections:
                continue
            log(f"== {name}")
            started = time.perf_counter()
            try:
                results["sections"][name] = run_section(name, ctx, args)
                results["sections"][name]["seconds"] = time.perf_counter() - started
                results["sections"][name]["ran_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
                results["sections"][name]["settings"] = run_settings
                results["sections"][name]["rag_sources"] = rag_sources_digest()
                if results["sections"][name]["rag_sources"] != results["versions"]["rag_sources"]:
                    log(f"warning: rag/ changed while {name} ran; its numbers may mix two versions")
                results["sections"][name]["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
            except Exception:  # noqa: BLE001 - one broken section must not lose the others
                results["errors"][name] = traceback.format_exc()
                log(f"{name} failed:\n{results['errors'][name]}")
            results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
            json_path, md_path = write_report(results, args.out, stem)  # after every section
            log(f"{name} done in {time.perf_counter() - started:.0f} s; wrote {md_path}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(md_path.read_text(encoding="utf-8"))
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
