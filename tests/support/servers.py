"""Processes the tests and benchmarks start on 127.0.0.1: the real LLM server (`python -m llama_cpp.server`
with the default GGUF) and the Bron chat (`bron chat`), each in its own process group, stopped as a whole.

One home for starting, waiting and stopping: tests/integration/test_llm_server.py and benchmarks/users.py
both use it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LLM_STARTUP_SECONDS = 600  # loading the 1.1 GB model on 2 busy cores
CHAT_STARTUP_SECONDS = 300  # the embedder, the index and gradio


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    """A started server: its process (own process group), its base URL and its log file."""

    proc: subprocess.Popen
    url: str
    log_path: Path

    def stop(self) -> None:
        """SIGTERM to the whole group, SIGKILL after 30 s."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """SIGKILL at once (a server dying mid-answer)."""
        os.killpg(self.proc.pid, signal.SIGKILL)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.is_file() else ""

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_process(cmd: list[str], ready_url: str, base_url: str, log_path: Path, timeout: float,
                  env: dict | None = None, name: str = "server") -> Process:
    """Start `cmd` with its output in `log_path`; return once `ready_url` answers 200 (else stop it and raise)."""
    log_path = Path(log_path)
    with open(log_path, "wb") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = Process(proc, base_url, log_path)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as response:
                    if response.status == 200:
                        return server
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"{name} did not answer {ready_url} within {timeout:.0f} s:\n{server.log_tail()}")
    except BaseException:
        server.stop()
        raise


def start_llm_server(log_path: Path, model: Path | None = None, extra: tuple[str, ...] = (),
                     timeout: float = LLM_STARTUP_SECONDS) -> Process:
    """`python -m llama_cpp.server` with `model` (default: Bron's GGUF) on a free port; url ends in /v1.

    Run as Bron runs its local model (n_ctx, threads, flash attention from the settings; the server's own
    default is half the cores), and with --interrupt_requests False: otherwise a new request cancels the
    one being streamed (several users)."""
    from rag.config import Settings

    settings = Settings.load()
    if model is None:
        from rag.models import resolve_llm

        model = resolve_llm(settings)
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port",
           str(port), "--interrupt_requests", "False", "--n_ctx", str(settings.n_ctx), "--n_threads",
           str(settings.threads), "--n_threads_batch", str(settings.threads), "--flash_attn", "True", *extra]
    return start_process(cmd, url + "/models", url, log_path, timeout, name="llama_cpp.server")


def start_chat(log_path: Path, env: dict, extra: tuple[str, ...] = (),
               timeout: float = CHAT_STARTUP_SECONDS) -> Process:
    """`bron chat` (python -m rag.cli chat) on a free port of 127.0.0.1; settings come from `env` (BRON_*)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "rag.cli", "chat", "--host", "127.0.0.1", "--port", str(port), *extra]
    return start_process(cmd, url + "config", url, log_path, timeout, env=env, name="bron chat")
