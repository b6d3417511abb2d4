"""Several chat users at once: the chat_concurrency setting, the local model's one-at-a-time lock, the HTTP
backend's streams side by side, and the Assistant shared by threads (fake generators, no LLM)."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest

from rag.config import SERVER_CHAT_CONCURRENCY, Settings
from rag.errors import ConfigError
from rag.llm import Generation, Generator
from tests.support.fake_llm import FakeLLM

MESSAGES = [{"role": "user", "content": "Hoeveel?"}]


# -- the setting ----------------------------------------------------------------------------------
def test_chat_concurrency_defaults_by_backend(monkeypatch):
    monkeypatch.delenv("BRON_CHAT_CONCURRENCY", raising=False)
    monkeypatch.delenv("BRON_LLM_URL", raising=False)
    assert Settings().chat_concurrency == 0 and Settings().chat_workers == 1  # local GGUF: one at a time
    server = Settings(llm_url="http://127.0.0.1:8080/v1")
    assert server.chat_workers == SERVER_CHAT_CONCURRENCY == 4  # a server batches
    assert Settings(chat_concurrency=2).chat_workers == 2  # set: used as it is, whatever the backend
    assert server.replace(chat_concurrency=8).chat_workers == 8


def test_chat_concurrency_from_the_environment_and_its_range(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRON_CHAT_CONCURRENCY", "6")
    assert Settings.load().chat_workers == 6
    for bad in ("65", "-1"):
        monkeypatch.setenv("BRON_CHAT_CONCURRENCY", bad)
        with pytest.raises(ConfigError, match="chat_concurrency"):
            Settings.load()
    monkeypatch.setenv("BRON_CHAT_CONCURRENCY", "many")
    with pytest.raises(ConfigError, match="chat_concurrency"):
        Settings.load()


def test_the_chat_uses_the_setting_and_keeps_uploads_one_at_a_time():
    """/ask runs chat_workers at once; uploads join its queue only when it runs one (the local model)."""
    from ui import app

    def events(settings):
        demo = app.build_app(_FakeAssistant(settings))
        return {fn.api_name: (fn.concurrency_id, fn.concurrency_limit) for fn in demo.fns.values()}

    local = events(Settings())
    assert local["ask"] == (app.QUEUE, 1) and local["add_articles"] == (app.QUEUE, 1)
    served = events(Settings(llm_url="http://127.0.0.1:8080/v1"))
    assert served["ask"] == (app.QUEUE, 4) and served["add_articles"] == (app.INDEX_QUEUE, 1)
    assert events(Settings(chat_concurrency=8))["ask"] == (app.QUEUE, 8)


class _FakeAssistant:
    """What build_app reads from an Assistant at build time."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.embedder = type("E", (), {"model_id": "fake"})()
        self.generator = type("G", (), {"model_name": "fake"})()
        self.uploads_dir = Path("/nonexistent")
        self.data = type("D", (), {"documents": {}})()  # the chat's source filter lists the indexed sources


# -- the local model: one generation at a time, whatever the setting -------------------------------
class _FakeLlama:
    """Stands in for BronLlama: counts the generations running at once."""

    def __init__(self):
        self.active = self.max_active = 0
        self.n_tokens = 0
        self.last_sampler = None
        self.prefix_states = []
        self._count = threading.Lock()

    def tokenize(self, text, add_bos=False, special=False):
        return list(text)

    def n_ctx(self):
        return 4096

    def create_chat_completion(self, **kwargs):
        with self._count:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            for word in ("Stargate", " [1]", "."):
                time.sleep(0.02)  # other threads get every chance to start theirs
                yield {"choices": [{"delta": {"content": word}, "finish_reason": None}]}
            yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}
        finally:
            with self._count:
                self.active -= 1


def _run_together(n: int, target) -> list:
    results: list = [None] * n
    errors: list = []
    start = threading.Barrier(n)

    def run(i):
        start.wait()
        try:
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


def test_the_local_model_never_runs_two_generations_at_once(tmp_path):
    from rag.llm.llamacpp import LlamaCppGenerator

    generator = LlamaCppGenerator(tmp_path / "model.gguf", load=False)
    fake = generator._llm = _FakeLlama()

    def answer(_i):
        record = Generation()
        text = "".join(generator.stream(MESSAGES, record=record, abstain="Niet in de bronnen."))
        return text, record.text, record.completion_tokens

    results = _run_together(4, answer)
    assert fake.max_active == 1, "two generations ran at once on the local model"
    assert all(r == ("Stargate [1].", "Stargate [1].", 3) for r in results), results
    generator._lock = contextlib.nullcontext()  # without the lock the fake sees them overlap: the check works
    _run_together(4, answer)
    assert fake.max_active > 1


def test_the_http_backend_streams_side_by_side():
    """One generator, four threads: the server sees the requests at the same time (no lock around them)."""
    from rag.llm.openai_http import OpenAIHTTPGenerator

    with FakeLLM(answer="Stargate kost 500 miljard [1].", delay=0.05) as llm:
        generator = OpenAIHTTPGenerator(llm.url)

        def answer(_i):
            record = Generation()
            return "".join(generator.stream(MESSAGES, record=record)), record.text

        results = _run_together(4, answer)
        generator.close()
    assert llm.max_active >= 2, "the HTTP backend sent the requests one at a time"
    assert all(r == ("Stargate kost 500 miljard [1].",) * 2 for r in results), results


# -- the Assistant shared by threads ---------------------------------------------------------------
class _SlowGenerator(Generator):
    """A slow generator with a prompt-prefix state, shared by the questions of several threads."""

    model_name = "slow"

    def __init__(self):
        self.loaded_prefixes: list[Path] = []

    def prefix_cache_path(self, prompts, cache_dir):
        return Path(cache_dir) / f"{prompts.system[:8]}.npz"

    def load_prefix(self, path):
        time.sleep(0.05)
        self.loaded_prefixes.append(path)
        return False

    def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        record = record if record is not None else Generation()
        for word in ("Het", " is", " 500", " miljard", " [1]."):
            time.sleep(0.01)
            record.text += word
            record.completion_tokens += 1
            yield word


def test_questions_in_threads_share_one_assistant(tmp_path, monkeypatch):
    from rag.answering import Assistant
    from rag.results import Passage

    asst = Assistant(Settings(cache_dir=tmp_path, verify=False, grammar=False), generator=_SlowGenerator())
    passage = Passage(n=1, doc_id="a", title="A", date=None, chunk_id="a-0", text="Het is 500 miljard.", start=0,
                      end=19, score=1.0, dense_score=1.0, language="nl")
    monkeypatch.setattr(Assistant, "load", lambda self, checker=True: self)
    monkeypatch.setattr(Assistant, "retrieve", lambda self, question, top_k=None: [passage])
    answers = _run_together(6, lambda i: asst.answer(f"Hoeveel geld gaat er naar Stargate, vraag {i}?"))
    assert all(a.text.startswith("Het is 500 miljard") for a in answers), [a.text for a in answers]
    assert len(asst.generator.loaded_prefixes) == 1  # the Dutch prefix state was read once, not per thread
