"""Start-up: `import rag`, `bron --help` and a cold ask, each in a new process, with peak RSS.

* import rag: a fresh interpreter times `import rag` itself (perf_counter around the import); the
  process wall time and peak RSS are recorded too. One extra run with `-X importtime` lists the
  slowest imports.
* bron --help: `.venv/bin/bron --help`, else `python -m rag.cli --help`; skipped if neither exists.
* cold ask: a new process runs `Assistant.from_settings().stream(question)` and reports the time from
  just before the parent spawned it to the first streamed delta (wall clock, so interpreter start,
  imports, model loading, retrieval and prompt evaluation are all in it). If the CLI exists,
  `bron ask "<question>"` is also timed (wall, first stdout byte, peak RSS).

"Cold" means a new process; the OS page cache is warm (the GGUF and the embedder were read before),
as after any earlier use of Bron. Dropping caches would need root and disturb the shared machine.
Likewise the prompt cache (`<cache_dir>/prompt-cache/`, the KV state of each language's system prompt
and worked examples) exists after any earlier question in that language; the first run writes it.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from benchmarks.common import PROJECT_DIR, bench_env, log, run_measured, stat

IMPORT_SNIPPET = "import time; t = time.perf_counter(); import rag; print(round(time.perf_counter() - t, 6))"

ASK_SNIPPET = r"""
import json, sys, time
spawned = float(sys.argv[1])


def mem():  # RSS, peak RSS, anonymous RSS, file-backed RSS (mmapped model pages), MB
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return [round(int(fields[k].split()[0]) / 1024) if k in fields else None
            for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")]


stages = {"start": mem()}
t = time.perf_counter()
from rag import Assistant
import_s = time.perf_counter() - t
assistant = Assistant.from_settings()
_ = assistant.retriever
stages["embedder+index"] = mem()
_ = assistant.generator
stages["llm"] = mem()
first = None
n = 0
for item in assistant.stream(sys.argv[2]):
    if isinstance(item, str):
        if first is None and item:
            first = time.time()
            stages["first_token"] = mem()
        n += 1
    elif type(item).__name__ == "Answer":  # not the Found that comes first
        answer = item
stages["end"] = mem()
print(json.dumps({"first_token_s": first - spawned if first else None, "total_s": time.time() - spawned,
                  "import_s": import_s, "tokens": n, "text": answer.text[:200],
                  "timings": answer.timings, "rss_stages_mb": stages}))
"""


def cli_command() -> list[str] | None:
    exe = Path(sys.executable).parent / "bron"
    if exe.is_file():
        return [str(exe)]
    if (PROJECT_DIR / "rag" / "cli.py").is_file():
        return [sys.executable, "-m", "rag.cli"]
    return None


def slowest_imports(top: int = 8) -> list[dict]:
    """Cumulative import times (ms) of the slowest modules under `import rag`, from -X importtime."""
    res = run_measured([sys.executable, "-X", "importtime", "-c", "import rag"], env=bench_env())
    rows = []
    for line in res["stderr"].splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append(
                {"module": m.group(4), "cumulative_ms": int(m.group(2)) / 1000, "depth": len(m.group(3))}
            )
    top_level = [r for r in rows if r["depth"] <= 3]
    return sorted(top_level, key=lambda r: -r["cumulative_ms"])[:top]


def bench_startup(question: str, repeats: int = 3, env_extra: dict | None = None, ask: bool = True) -> dict:
    env = bench_env(**(env_extra or {}))
    out: dict = {}
    imports, walls, peaks = [], [], []
    for _ in range(max(repeats, 3)):
        res = run_measured([sys.executable, "-c", IMPORT_SNIPPET], env=env)
        if res["returncode"] == 0:
            imports.append(float(res["stdout"].strip().splitlines()[-1]))
            walls.append(res["wall_s"])
            peaks.append(res["peak_rss_mb"])
        else:
            out["import_error"] = res["stderr"][-500:]
    out["import_rag_s"] = stat(imports, "s")
    out["import_process_wall_s"] = stat(walls, "s")
    out["import_peak_rss_mb"] = stat(peaks, "MB")
    out["slowest_imports"] = slowest_imports()
    log(f"startup: import rag {out['import_rag_s']['median']} s")

    cli = cli_command()
    out["cli"] = " ".join(cli) if cli else None
    if cli:
        walls, peaks = [], []
        for _ in range(max(repeats, 3)):
            res = run_measured([*cli, "--help"], env=env)
            if res["returncode"] == 0:
                walls.append(res["wall_s"])
                peaks.append(res["peak_rss_mb"])
            else:
                out["help_error"] = res["stderr"][-500:]
        out["help_s"] = stat(walls, "s")
        out["help_peak_rss_mb"] = stat(peaks, "MB")
        log(f"startup: --help {out['help_s']['median']} s")
    else:
        out["help_s"] = stat([], "s", note="no bron console script and no rag/cli.py yet")

    if not ask:
        return out
    firsts, totals, peaks, runs = [], [], [], []
    for r in range(repeats):
        res = run_measured([sys.executable, "-c", ASK_SNIPPET, repr(time.time()), question], env=env)
        info = {}
        if res["returncode"] == 0:
            try:
                info = json.loads(res["stdout"].strip().splitlines()[-1])
            except (ValueError, IndexError):
                info = {}
        runs.append(
            {
                "returncode": res["returncode"],
                "wall_s": res["wall_s"],
                "peak_rss_mb": res["peak_rss_mb"],
                **{k: info.get(k) for k in ("first_token_s", "import_s", "tokens", "text", "rss_stages_mb")},
                "error": None if info else res["stderr"][-800:],
            }
        )
        if info.get("first_token_s") is not None:
            firsts.append(info["first_token_s"])
            totals.append(res["wall_s"])
            peaks.append(res["peak_rss_mb"])
        log(
            f"startup: cold ask run {r + 1}: rc {res['returncode']}, "
            f"first token {info.get('first_token_s')}, "
            f"wall {res['wall_s']:.1f} s, peak {res['peak_rss_mb']} MB"
        )
    out["cold_ask_first_token_s"] = stat(firsts, "s")
    out["cold_ask_total_s"] = stat(totals, "s")
    out["cold_ask_peak_rss_mb"] = stat(peaks, "MB")
    out["cold_ask_runs"] = runs
    if cli:
        walls, firsts, peaks = [], [], []
        for _ in range(repeats):
            res = run_measured([*cli, "ask", question], env=env)
            if res["returncode"] == 0:
                walls.append(res["wall_s"])
                firsts.append(res["first_stdout_s"])
                peaks.append(res["peak_rss_mb"])
            else:
                out["cli_ask_error"] = res["stderr"][-800:]
        out["cli_ask_total_s"] = stat(walls, "s")
        out["cli_ask_first_stdout_s"] = stat(firsts, "s")
        out["cli_ask_peak_rss_mb"] = stat(peaks, "MB")
    return out
