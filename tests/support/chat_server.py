"""Run the chat on a throwaway copy of the seed articles (for tests/integration/test_chat_api.py and test_browser.py).

The real models are used; only the index lives in a temporary folder, so uploads made by tests never touch
the project's index. One server per process: both test files share it (the LLM loads once).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rag.config import PROJECT_DIR
from tests.support.servers import free_port

_LOCK = threading.Lock()
_SERVER: ChatServer | None = None


@dataclass
class ChatServer:
    url: str
    assistant: object
    demo: object
    root: Path


def _wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "config", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def shared_server(seeds: Path | None = None) -> ChatServer:
    """Start (once per process) the chat on 127.0.0.1 with an index of a temporary copy of `seeds`."""
    global _SERVER
    with _LOCK:
        if _SERVER is not None:
            return _SERVER
        from rag.answering import Assistant
        from rag.config import Settings
        from rag.readers import reader_for
        from ui.app import launch

        root = Path(tempfile.mkdtemp(prefix="bron-ui-"))
        tmp_seeds = root / "seeds"
        tmp_seeds.mkdir()
        for path in sorted((seeds or PROJECT_DIR / "seeds").glob("*")):
            if reader_for(path) is not None:
                shutil.copy2(path, tmp_seeds / path.name)
        settings = Settings.load(index="uitest", index_dir=root / "indexes", seeds_dir=tmp_seeds)
        assistant = Assistant(settings)
        assistant.sync_index(progress=False)
        port = free_port()
        demo = launch(host="127.0.0.1", port=port, assistant=assistant, prevent_thread_lock=True)
        url = f"http://127.0.0.1:{port}/"
        _wait_until_up(url)
        _SERVER = ChatServer(url, assistant, demo, root)
        atexit.register(_stop)
        return _SERVER


def _stop() -> None:
    global _SERVER
    if _SERVER is None:
        return
    try:
        _SERVER.demo.close()
    finally:
        shutil.rmtree(_SERVER.root, ignore_errors=True)
        _SERVER = None
