"""Small helpers shared by the benchmark sections: statistics, memory, machine and versions."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGES = (
    "faiss-cpu",
    "sentence-transformers",
    "torch",
    "transformers",
    "llama_cpp_python",
    "numpy",
    "langchain-text-splitters",
    "bm25s",
    "tokenizers",
)


def stat(values, unit: str = "", **extra) -> dict:
    """Median, min and max of repeated measurements (the machine is noisy: quote medians)."""
    values = [float(v) for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "unit": unit, "values": [], **extra}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "unit": unit,
        "values": [round(v, 6) for v in values],
        **extra,
    }


class Timer:
    """with Timer() as t: ...; t.seconds"""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


# -- memory -----------------------------------------------------------------------------------------
def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    kb = _status_kb("VmRSS")
    return kb / 1024 if kb is not None else None


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) to the current RSS; Linux >= 4.0. False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """Peak RSS of this process since start or the last reset_peak_rss()."""
    kb = _status_kb("VmHWM")
    if kb is None:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def run_measured(cmd: list[str], env: dict | None = None, timeout: float = 900) -> dict:
    """Run a command: wall time, time to its first stdout byte, exit code, output, peak RSS.

    Peak RSS comes from `/usr/bin/time -v` when available, else from getrusage(RUSAGE_CHILDREN)
    (which is the maximum over all children so far, so only trusted when it grew)."""
    import tempfile

    time_bin = Path("/usr/bin/time")
    use_time = time_bin.is_file() and os.access(time_bin, os.X_OK)
    full = [str(time_bin), "-v", *cmd] if use_time else cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            full,
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            cwd=PROJECT_DIR,
            bufsize=0,
            start_new_session=True,
        )  # its own process group: killed as a whole
        try:
            first_byte = proc.stdout.read(1)
            first_s = time.perf_counter() - started if first_byte else None
            try:
                rest, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                rest, _ = proc.communicate()
        except BaseException:  # interrupted or terminated: do not leave the child running
            _kill_group(proc)
            raise
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read()
    peak = None
    if use_time:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        peak = int(match.group(1)) / 1024 if match else None
        stderr = stderr.split("\tCommand being timed:")[0]
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak = after / 1024 if after > before else None
    stdout = (first_byte + rest).decode("utf-8", "replace")
    return {
        "wall_s": wall,
        "first_stdout_s": first_s,
        "returncode": proc.returncode,
        "stdout": stdout,
        "stderr": stderr[-2000:],
        "peak_rss_mb": peak,
    }


def _kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def bench_env(**extra: str) -> dict:
    """Environment for child processes: the project importable, no network, extra BRON_* settings."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_DIR) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.update(extra)
    return env


def settings_toml(settings) -> str:
    """A bron.toml that pins every setting, so child processes use exactly the parent's settings
    (defaults may change in rag/config.py while a long run is going)."""
    lines = ["[bron]"]
    for key, value in settings.as_dict().items():
        if value is None:  # unset (llm_url, qdrant_url, ...): TOML has no null, and "None" is not a URL
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int | float):
            text = repr(value)
        else:
            text = json.dumps(str(value), ensure_ascii=False)
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def rag_sources_digest() -> str:
    """Digest of rag/**/*.py: tells whether the code under test changed during a run."""
    digest = hashlib.sha256()
    rag = PROJECT_DIR / "rag"
    for path in sorted(rag.rglob("*.py")):
        digest.update(path.relative_to(rag).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# -- machine and versions ---------------------------------------------------------------------------
def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram_gb = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    flags = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        have = set(re.search(r"^flags\s*:(.*)$", text, re.M).group(1).split())
        flags = " ".join(
            f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "f16c") if f in have
        )
    except (OSError, AttributeError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "cpu_flags": flags,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def library_versions() -> dict:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        import rag

        out["bron"] = rag.__version__
    except Exception:  # noqa: BLE001 - a broken rag/ must not stop the report
        out["bron"] = None
    out["git_commit"] = _git("rev-parse", "--short", "HEAD")
    out["rag_sources"] = rag_sources_digest()
    dirty = _git("status", "--porcelain", "--", "rag")
    out["git_rag_dirty"] = bool(dirty) if dirty is not None else None
    return out


def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], capture_output=True, text=True, cwd=PROJECT_DIR, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
