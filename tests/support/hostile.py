"""Hostile input made by the tests themselves (tests/reliability): decompression bombs, damaged archives, a
misbehaving OpenAI-compatible server on 127.0.0.1, and a way to run code in a fresh process and read its
peak memory. Standard library only.
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.testfiles import make_pdf

MB = 1 << 20


# -- bombs and damaged files ---------------------------------------------------------------------------------
def deflate_repeated(block: bytes, times: int) -> bytes:
    """Raw deflate data of `block` repeated `times` times, made in milliseconds: one block compressed with a
    full flush (which makes the piece independent of what came before) repeated, then a final empty block."""
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = piece.compress(block) + piece.flush(zlib.Z_FULL_FLUSH)
    return segment * times + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def zlib_repeated(block: bytes, times: int) -> bytes:
    """`deflate_repeated` with the zlib header and checksum (a PDF's FlateDecode stream)."""
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(block, adler)
    return b"\x78\xda" + deflate_repeated(block, times) + struct.pack(">I", adler)


def pdf_bomb(inflated: int = 400 * MB) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes (of text operators)."""
    block = (b"BT /F1 11 Tf 72 770 Td (" + b"A" * 1000 + b") Tj ET\n") * 1000
    return make_pdf([["x"]], streams=[zlib_repeated(block, inflated // len(block))])


def pdf_text_layer(chars: int) -> bytes:
    """A small PDF (a few KB) whose one page holds about `chars` characters of text."""
    line = b"(Stargate krijgt 500 miljard dollar van OpenAI en Softbank voor datacenters.) Tj T*\n"
    ops = b"BT /F1 11 Tf 14 TL 72 770 Td\n" + line * (chars // 75 + 1) + b"ET\n"
    return make_pdf([["x"]], streams=[zlib.compress(ops, 9)])


def zip_archive(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive written by hand: (name, raw deflate data, declared size, declared CRC) per member, so
    that the directory may lie about the sizes and checksums."""
    out, central = bytearray(), bytearray()
    for name, data, size, crc in members:
        encoded = name.encode()
        offset = len(out)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += header + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def deflated(text: bytes) -> tuple[bytes, int, int]:
    """(raw deflate data, size, CRC) of `text`: an honest member for zip_archive."""
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    return piece.compress(text) + piece.flush(), len(text), zlib.crc32(text)


def word_document(*paragraphs: str, heading: str | None = None, core_properties: bool = True) -> bytes:
    """A .docx made by python-docx; without `core_properties` its docProps/core.xml part is left out (as some
    converters write them)."""
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    if core_properties:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    members = []
    for name in source.namelist():
        content = source.read(name)
        if name == "docProps/core.xml":
            continue
        if name in ("_rels/.rels", "[Content_Types].xml"):  # drop the references to the part too
            content = re.sub(rb"<(Relationship|Override)\b[^>]*core[-.]?(properties|xml)[^>]*/>", b"", content)
        members.append((name, *deflated(content)))
    return zip_archive(members)


def understated_bomb(kind: str, real: int = 1024 * MB, declared: int = 2_000) -> bytes:
    """A genuine .docx or .odt (about 1 MB) whose main part declares `declared` bytes but inflates to `real`
    (its CRC is that of the declared bytes: the attacker's best case, the truncated part checks out)."""
    from tests.support.testfiles import make_odt

    main = "word/document.xml" if kind == "docx" else "content.xml"
    good = word_document("Stargate") if kind == "docx" else make_odt([("p", "Stargate")])
    source = zipfile.ZipFile(io.BytesIO(good))
    members = [(name, *deflated(source.read(name))) for name in source.namelist() if name != main]
    bomb = (main, deflate_repeated(b"\0" * MB, real // MB), declared, zlib.crc32(b"\0" * declared))
    return zip_archive([*members, bomb])


def damaged_zip(good: bytes, member: str, how: str) -> bytes:
    """`good` (a zip archive) with `member` damaged: "crc" changes a byte of its stored data (the CRC no longer
    matches), "deflate" overwrites the start of its compressed data with bytes that are no deflate stream."""
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            method = zipfile.ZIP_STORED if info.filename == member and how == "crc" else zipfile.ZIP_DEFLATED
            archive.writestr(info.filename, source.read(info), compress_type=method)
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    if how == "crc":
        data[start + info.compress_size // 2] ^= 0x20
    else:
        data[start:start + 8] = b"\xff" * 8  # block type 3: "invalid block type"
    return bytes(data)


# -- a fresh process and its peak memory ---------------------------------------------------------------------
MEASURE = """
import json, re, sys, time
started = time.monotonic()
try:
{body}
finally:
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the forking test process's over exec)
    with open("/proc/self/status") as status:
        peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
    print(json.dumps({{"seconds": round(time.monotonic() - started, 2), "peak_rss_mb": round(peak_kb / 1024)}}))
"""


def run_measured(body: str, *args: str, timeout: float = 300, cwd=None) -> tuple[str, dict]:
    """Run `body` (Python, indented by the caller's dedent) in a new interpreter with `args`; returns what it
    printed before the last line, and the last line: {"seconds", "peak_rss_mb"} of that process."""
    code = MEASURE.format(body="\n".join("    " + line for line in body.strip().splitlines()))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr
    return "\n".join(lines[:-1]) + done.stderr, json.loads(lines[-1])


# -- a misbehaving OpenAI-compatible server ------------------------------------------------------------------
def sse(data: object) -> bytes:
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n".encode()


def delta(text: str) -> bytes:
    return sse({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})


class HostileLLM:
    """Serves /v1/models as a normal server does (or with the bytes `models()` yields), and answers
    /v1/chat/completions with the bytes `body()` yields (then closes the connection), on 127.0.0.1.
    `streams` counts the answers begun and `open` the ones still being sent (a client that stops reading
    ends them)."""

    def __init__(self, body: Callable[[], Iterable[bytes]], models: Callable[[], Iterable[bytes]] | None = None):
        self.body, self.models = body, models  # models: the body of /v1/models instead of a model list
        self.streams = self.open = 0
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                payload = json.dumps({"object": "list", "data": [{"id": "hostile", "object": "model"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if hostile.models is None:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    for part in hostile.models() if hostile.models is not None else [payload]:
                        self.wfile.write(part)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                hostile.streams += 1
                hostile.open += 1
                try:
                    for part in hostile.body():
                        self.wfile.write(part)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what it should do
                finally:
                    hostile.open -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HostileLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def forever(part: bytes, pause: float = 0.0) -> Callable[[], Iterable[bytes]]:
    """A body that sends `part` again and again (with `pause` seconds between)."""
    def body():
        while True:
            yield part
            if pause:
                time.sleep(pause)
    return body
