"""The helper that starts servers for tests and benchmarks (tests/support/servers.py), with the fake LLM
server as the process: ready when its URL answers, stopped as a process group, and a clear error with the
log when the process dies during start-up."""

from __future__ import annotations

import sys
import urllib.request

import pytest

from tests.support.servers import free_port, start_process


def test_a_server_is_started_waited_for_and_stopped(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    cmd = [sys.executable, "-m", "tests.support.fake_llm", str(port)]
    with start_process(cmd, url + "/models", url, tmp_path / "fake.log", timeout=60, name="fake LLM") as server:
        with urllib.request.urlopen(server.url + "/models", timeout=5) as response:
            assert b"fake-llm" in response.read()
    assert server.proc.poll() is not None  # stopped on leaving the block


def test_a_process_that_dies_at_start_up_raises_with_its_log(tmp_path):
    cmd = [sys.executable, "-c", "print('no model here', flush=True); raise SystemExit(3)"]
    url = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(RuntimeError, match=r"(?s)exited \(3\).*no model here"):
        start_process(cmd, url, url, tmp_path / "dead.log", timeout=60, name="dead server")
