"""A fake OpenAI-compatible LLM server on 127.0.0.1 that streams one fixed cited answer, for testing the
plumbing around the LLM without running it: several chat users at once (benchmarks/users.py) and the HTTP
backend's concurrency. Standard library only.

    with FakeLLM(answer="Stargate [1].", delay=0.05) as llm:
        Settings.load(llm_url=llm.url)

`delay` is the pause between streamed words; `active`/`max_active` count streams being served at once.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "fake-llm"


class FakeLLM:
    def __init__(self, answer: str = "Stargate [1].", delay: float = 0.0, port: int = 0):
        self.answer, self.delay = answer, delay
        self.requests = 0
        self.active = self.max_active = 0
        self._count = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.rstrip("/") == "/v1/models":
                    body = json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model"}]}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                fake._enter()
                try:
                    words = fake.answer.split(" ")
                    for i, word in enumerate(words):
                        time.sleep(fake.delay)
                        self._event({"choices": [{"index": 0, "delta": {"content": word if i == 0 else " " + word},
                                                  "finish_reason": None}]})
                    self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                    self._event({"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": len(words)}})
                    self._write("data: [DONE]\n\n")
                    self.wfile.write(b"0\r\n\r\n")
                finally:
                    fake._leave()
                self.close_connection = True

            def _event(self, data: dict) -> None:
                self._write(f"data: {json.dumps(data)}\n\n")

            def _write(self, text: str) -> None:
                data = text.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _enter(self) -> None:
        with self._count:
            self.requests += 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def _leave(self) -> None:
        with self._count:
            self.active -= 1

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":  # python -m tests.support.fake_llm PORT: serve until interrupted
    import sys

    server = FakeLLM(delay=0.05, port=int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    print(server.url, flush=True)
    try:
        server._thread.join()
    except KeyboardInterrupt:
        server.stop()
