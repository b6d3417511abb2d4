"""Several chat users at once: the real chat (`bron chat`, its Gradio `/ask` endpoint) in front of an LLM server.

    python -m benchmarks.run --only users --questions-per-user 2 --merge     # opt-in, not in `make bench`

Starts `python -m llama_cpp.server` with the default GGUF on 127.0.0.1 (tests/support/servers.py, the helper
tests/integration/test_llm_server.py uses too), then `bron chat` on a free port with `llm_url` pointing at it
and `chat_concurrency` = the largest user count, on the run's temporary index of the seed articles. After
one warm-up question, for each user count (1, 4, 8) that many threads, each with its own
`gradio_client.Client`, start together and ask `--questions-per-user` gold questions each (seeds/gold.jsonl,
nl/de/en in turn, each user starting at another question) through `/ask`, one after the other.

Per request: time to first streamed answer text (TTFT: the first output whose chat shows answer text, not
the "Searching" placeholder or the passages found; polled every 50 ms, each output read once) and total
time (the job finished), both from submit; an error is a raised exception or an answer that is Bron's
error message. `llm_url` may point at an existing server instead (e.g. tests/support/fake_llm.py, to check
the plumbing without a model).

llama_cpp.server answers one request at a time (it has no batching), so with it more users mostly means
more waiting: this measures that the chat stays correct and how the wait is shared, not a batching speed-up
(vLLM or llama.cpp's `llama-server --parallel N` would batch).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.common import bench_env, log
from rag.evaluation import percentile

POLL_SECONDS = 0.05  # TTFT is seconds here; a finer poll only costs the server's CPU
REQUEST_TIMEOUT = 900.0


@dataclass
class Request:
    users: int
    user: int
    question: str
    language: str
    ttft_s: float | None
    total_s: float
    error: str = ""


def _text(message) -> str:
    content = message.get("content") if isinstance(message, dict) else message
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _answer_text(output) -> str:
    """The last assistant message of an /ask output (question box, chat, sources), or ''."""
    chat = output[1] if isinstance(output, (list, tuple)) and len(output) > 1 else None
    if not chat or not isinstance(chat[-1], dict) or chat[-1].get("role") != "assistant":
        return ""
    text = _text(chat[-1])
    # Before the answer streams the chat shows "Searching…", then the passages found: neither is answer text.
    return text if 'class="bron-cursor"' in text or 'class="bron-answer"' in text else ""


def ask(client, question: str, top_k: int = 4, timeout: float = REQUEST_TIMEOUT) -> tuple[float | None, float, str]:
    """One question through /ask: (TTFT s, total s, error text or '')."""
    started = time.perf_counter()
    ttft = None
    try:
        job = client.submit(question, top_k, api_name="/ask")
        seen = 0  # outputs already looked at: each is read once (8 users re-reading every output starved the CPU)
        while not job.done():
            outputs = job.outputs()
            if ttft is None and any(_answer_text(o) for o in outputs[seen:]):
                ttft = time.perf_counter() - started
            seen = len(outputs)
            if time.perf_counter() - started > timeout:
                job.cancel()
                return ttft, time.perf_counter() - started, f"no answer within {timeout:.0f} s"
            time.sleep(POLL_SECONDS)
        final = job.result()
        total = time.perf_counter() - started
        text = _answer_text(final)
        if ttft is None and text:
            ttft = total
        if "bron-error" in text or not text:
            return ttft, total, f"error answer: {text[:200]}" if text else "no answer in the chat"
        return ttft, total, ""
    except Exception as exc:  # noqa: BLE001 - counted, not fatal
        return ttft, time.perf_counter() - started, f"{type(exc).__name__}: {str(exc)[:200]}"


def run_step(url: str, users: int, questions: list[dict], per_user: int) -> tuple[list[Request], float]:
    """`users` threads with their own Client, started together, each asking `per_user` questions in turn.
    Returns the requests and the wall time from the start (the clients connect before it) to the last answer."""
    from gradio_client import Client

    clients = [Client(url, verbose=False) for _ in range(users)]
    began: list[float] = []
    start = threading.Barrier(users, action=lambda: began.append(time.perf_counter()))
    results: list[Request] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        start.wait()
        for j in range(per_user):
            q = questions[(i * per_user + j) % len(questions)]
            ttft, total, error = ask(clients[i], q["question"])
            with lock:
                results.append(Request(users, i, q["question"], q["lang"], ttft, total, error))

    threads = [threading.Thread(target=user, args=(i,), name=f"bench-user-{i}") for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began[0]
    for c in clients:
        c.close()
    return results, wall


def summarise(requests: list[Request], users: int, wall: float) -> dict:
    ttft = [r.ttft_s for r in requests if not r.error and r.ttft_s is not None]
    total = [r.total_s for r in requests if not r.error]
    errors = [r for r in requests if r.error]

    def pct(values, p):
        return percentile(values, p) if values else None

    return {"users": users, "requests": len(requests), "errors": len(errors),
            "ttft_p50_s": pct(ttft, 50), "ttft_p90_s": pct(ttft, 90),
            "total_p50_s": pct(total, 50), "total_p90_s": pct(total, 90), "wall_s": wall,
            "answers_per_minute": 60 * (len(requests) - len(errors)) / wall if wall else None,
            "error_samples": [f"{r.language} {r.question[:40]!r}: {r.error}" for r in errors[:5]]}


def _interleaved(questions: list[dict]) -> list[dict]:
    """nl, de, en, nl, de, en, ... (load_questions gives them grouped by language)."""
    groups: dict[str, list[dict]] = {}
    for q in questions:
        groups.setdefault(q["lang"], []).append(q)
    out = []
    for i in range(max((len(g) for g in groups.values()), default=0)):
        out += [g[i] for g in groups.values() if i < len(g)]
    return out


def bench_users(config_file: Path, user_counts=(1, 4, 8), per_user: int = 3, workdir: Path | None = None,
                llm_url: str | None = None, gold: Path | None = None) -> dict:
    """Start the LLM server (unless `llm_url`) and the chat, then run every user count (module docstring)."""
    import tempfile

    from benchmarks.answering import load_questions
    from rag.config import Settings
    from tests.support.servers import start_chat, start_llm_server

    work = Path(workdir or tempfile.mkdtemp(prefix="bron-users-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = Settings.load(config_file)
    by_language = load_questions(gold or Path(settings.seeds_dir) / "gold.jsonl", max(user_counts) * per_user)
    questions = _interleaved(by_language)
    concurrency = max(user_counts)
    llm = None
    try:
        if llm_url is None:
            log("users: starting llama_cpp.server")
            llm = start_llm_server(work / "llm-server.log")
            llm_url = llm.url
        env = bench_env(BRON_CONFIG=str(config_file), BRON_LLM_URL=llm_url, BRON_CHAT_CONCURRENCY=str(concurrency))
        log(f"users: starting the chat (llm_url {llm_url}, chat_concurrency {concurrency})")
        with start_chat(work / "chat.log", env) as chat:
            # The warm-up loads what loads lazily. Its question is never measured: asked again, its prompt is
            # still in the server's KV cache, which made one user's first answer look almost free (2026-12-02).
            warm, _ = run_step(chat.url, 1, questions[-1:], 1)
            steps, requests = [], []
            for users in user_counts:
                done, wall = run_step(chat.url, users, questions, per_user)
                steps.append(summarise(done, users, wall))
                requests += done
                s = steps[-1]
                log(f"users={users}: {s['requests']} requests, {s['errors']} errors, TTFT p50 "
                    f"{s['ttft_p50_s'] or 0:.2f} s, total p50 {s['total_p50_s'] or 0:.2f} s")
    finally:
        if llm is not None:
            llm.stop()
    server = "llama_cpp.server (default GGUF, --interrupt_requests False)" if llm is not None else llm_url
    return {"steps": steps, "requests": [asdict(r) for r in requests], "warm_up": [asdict(r) for r in warm],
            "per_user": per_user, "chat_concurrency": concurrency, "llm": server,
            "setup": f"`bron chat` with llm_url -> {server}, chat_concurrency={concurrency}; each user a thread "
                     f"with its own gradio_client.Client, {per_user} gold questions each (nl/de/en) through /ask, "
                     "started together; TTFT = submit to the first streamed answer text; after one warm-up "
                     "question."}
