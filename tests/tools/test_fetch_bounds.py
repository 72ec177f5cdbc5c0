"""`falgen fetch` against hostile servers: every input it reads is bounded.

A local HTTP server (a thread on 127.0.0.1, port 0; every handler stops on its own) serves a
page that trickles a byte at a time, a page far over the size cap, a gzip bomb, redirects to
other hosts, a redirect loop, and a page that never comes (for SIGTERM and Ctrl-C).
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import BIN, ROOT, falgen
from tests.tools.conftest import KLEIN
from tests.tools.test_fetch import KLEIN_ID, text_page_to_html

pytestmark = pytest.mark.slow  # every test here starts a process

MOVED_HTML = text_page_to_html(KLEIN.read_text(encoding="utf-8").replace(KLEIN_ID, "fal-ai/moved")).encode()
MIB = 1024 * 1024
HANDLER_LIMIT = 20.0
"""No handler runs longer than this, whatever the client does."""


def gzip_bomb(decompressed: int) -> bytes:
    """A valid gzip stream of `decompressed` zero bytes (a multiple of 1 MiB), about 1,000 times
    smaller. Each MiB is compressed after a full flush, so its bytes are the same every time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(MIB)
    head = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    unit = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(decompressed // MIB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, decompressed & 0xFFFFFFFF)
    return header + head + unit * (decompressed // MIB - 1) + compressor.flush() + trailer


class _HostileServer:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.bomb = gzip_bomb(1024 * MIB)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
                pass

            def _head(self, status: int, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()

            def _redirect(self, location: str) -> None:
                self._head(302, {"Location": location, "Content-Length": "0"})

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server.lock:
                    server.hits[self.path] += 1
                route = self.path.removeprefix("/models/").removesuffix("/api")
                started = time.monotonic()
                try:
                    if route == "fal-ai/trickle":  # a byte every 0.1 s: each read is quick
                        self._head(200, {"Content-Type": "text/html", "Content-Length": str(MIB)})
                        while time.monotonic() - started < HANDLER_LIMIT:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(0.1)
                    elif route == "fal-ai/huge":  # 1 GiB, streamed without a length
                        self._head(200, {"Content-Type": "text/html", "Connection": "close"})
                        chunk = b"<p>" + b"x" * (MIB - 8) + b"</p>\n\n"
                        for _ in range(1024):
                            self.wfile.write(chunk)
                    elif route == "fal-ai/gzip-bomb":  # ~1 MB on the wire, 1 GiB once decoded
                        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
                        self._head(200, {**headers, "Content-Length": str(len(server.bomb))})
                        self.wfile.write(server.bomb)
                    elif route == "fal-ai/bad-gzip":
                        body = b"this is not gzip"
                        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
                        self._head(200, {**headers, "Content-Length": str(len(body))})
                        self.wfile.write(body)
                    elif route == "fal-ai/moved":
                        self._redirect("/moved-here/fal-ai/moved")
                    elif self.path == "/moved-here/fal-ai/moved":
                        self._head(200, {"Content-Type": "text/html", "Content-Length": str(len(MOVED_HTML))})
                        self.wfile.write(MOVED_HTML)
                    elif route == "fal-ai/to-other-host":  # the same machine under another name
                        self._redirect(f"http://localhost:{server.port}/elsewhere")
                    elif route == "fal-ai/to-other-port":
                        self._redirect("http://127.0.0.1:1/elsewhere")
                    elif route == "fal-ai/to-other-scheme":
                        self._redirect(f"https://127.0.0.1:{server.port}/elsewhere")
                    elif route == "fal-ai/loop":
                        self._redirect(self.path)
                    elif route == "fal-ai/never":  # holds the request until the client goes
                        self._head(200, {"Content-Type": "text/html", "Content-Length": str(MIB)})
                        while time.monotonic() - started < HANDLER_LIMIT:
                            time.sleep(0.05)
                    else:
                        self._head(404, {"Content-Length": "0"})
                except OSError:
                    pass  # the client gave up, as it should

        return Handler

    def __enter__(self) -> _HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[_HostileServer]:
    with _HostileServer() as running:
        yield running


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(".falgen-fetch-")]


def failure(output: str, endpoint_id: str) -> str:
    return next(line for line in output.splitlines() if f"FAILED  {endpoint_id}:" in line)


def test_a_trickling_page_is_cut_at_the_deadline(server: _HostileServer, tmp_path: Path) -> None:
    """httpx's timeout bounds each read; --timeout bounds the whole attempt."""
    out = tmp_path / "sources"
    started = time.monotonic()
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "--timeout", "1", "--retries", "1",
                  "--backoff", "0.01", "fal-ai/trickle")
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert "timeout after 2 attempt(s)" in failure(done.stderr, "fal-ai/trickle")
    assert elapsed < 10, f"two 1-second attempts took {elapsed:.1f}s"
    assert not out.exists() and not leftovers(out)


def _peak_memory_mib(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the falgen CLI in a fresh interpreter that reports its peak resident memory.

    VmHWM, not ru_maxrss: on Linux a child started with vfork inherits the parent's high-water
    mark in ru_maxrss at exec, so it would measure the pytest process (and depend on test order)."""
    script = (
        "import re, resource, sys\n"
        "from generator.cli import main\n"
        "def peak():\n"
        "    try:\n"
        "        return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "    except OSError:\n"
        "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    sys.argv = ['falgen', *sys.argv[1:]]\n"
        "    main()\n"
        "finally:\n"
        "    print('peak-kib', peak(), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    peak = next(line for line in done.stderr.splitlines() if line.startswith("peak-kib"))
    return done, int(peak.split()[1]) / 1024


@pytest.mark.parametrize("endpoint_id", ["fal-ai/huge", "fal-ai/gzip-bomb"])
def test_a_page_over_the_cap_is_refused_without_being_held_in_memory(
    server: _HostileServer, tmp_path: Path, endpoint_id: str
) -> None:
    """1 GiB of page (plain, or a 1 MB gzip bomb) against the default cap of 20 MiB."""
    out = tmp_path / "sources"
    done, peak = _peak_memory_mib("fetch", "--base-url", server.url, "--out", str(out), "--retries", "0", endpoint_id)
    assert done.returncode == 1, done.stdout + done.stderr
    reason = failure(done.stderr, endpoint_id)
    assert "page too large" in reason and str(20 * MIB) in reason
    if endpoint_id == "fal-ai/gzip-bomb":
        assert "decompressed" in reason
    assert peak < 300, f"peak memory {peak:.0f} MiB for a page capped at 20 MiB"
    assert not out.exists() and not leftovers(out)


def test_an_undecodable_body_fails_the_page_not_the_run(server: _HostileServer, tmp_path: Path) -> None:
    out = tmp_path / "sources"
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "fal-ai/bad-gzip", "fal-ai/moved", "--partial")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DecodingError" in failure(done.stderr, "fal-ai/bad-gzip")
    assert "Traceback" not in done.stderr
    assert (out / "fal-ai__moved.html").read_bytes() == MOVED_HTML


def test_the_cap_is_configurable(server: _HostileServer, tmp_path: Path) -> None:
    out = tmp_path / "sources"
    small = str(len(MOVED_HTML) - 1)
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "--max-page-bytes", small, "fal-ai/moved")
    assert done.returncode == 1 and "page too large" in failure(done.stderr, "fal-ai/moved")
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "--max-page-bytes", str(len(MOVED_HTML)),
                  "fal-ai/moved")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_redirect_within_the_host_is_followed(server: _HostileServer, tmp_path: Path) -> None:
    out = tmp_path / "sources"
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "fal-ai/moved")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "fal-ai__moved.html").read_bytes() == MOVED_HTML


@pytest.mark.parametrize(
    ("endpoint_id", "target"),
    [
        ("fal-ai/to-other-host", "http://localhost:{port}"),
        ("fal-ai/to-other-port", "http://127.0.0.1:1"),
        ("fal-ai/to-other-scheme", "https://127.0.0.1:{port}"),
    ],
)
def test_a_redirect_to_another_origin_is_a_clear_failure(
    server: _HostileServer, tmp_path: Path, endpoint_id: str, target: str
) -> None:
    out = tmp_path / "sources"
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "--retries", "2", endpoint_id)
    assert done.returncode == 1, done.stdout + done.stderr
    reason = failure(done.stderr, endpoint_id)
    assert f"redirected to another host ({target.format(port=server.port)})" in reason
    assert f"only redirects within {server.url} are followed" in reason
    assert server.hits["/elsewhere"] == 0
    assert server.hits[f"/models/{endpoint_id}/api"] == 1  # not retried: the page is elsewhere
    assert not out.exists() and not leftovers(out)


def test_a_redirect_loop_ends(server: _HostileServer, tmp_path: Path) -> None:
    out = tmp_path / "sources"
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "fal-ai/loop")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "more than 5 redirects" in failure(done.stderr, "fal-ai/loop")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_fetch_removes_the_temporary_folder(
    server: _HostileServer, tmp_path: Path, signum: int, code: int
) -> None:
    out = tmp_path / "project" / "sources"
    out.parent.mkdir()
    path = "/models/fal-ai/never/api"
    before = server.hits[path]
    process = subprocess.Popen(
        [str(BIN / "falgen"), "fetch", "--base-url", server.url, "--out", str(out), "--timeout", "60", "fal-ai/never"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 30
        while server.hits[path] == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.hits[path] > before, "the fetch never reached the server"
        assert leftovers(out), "the fetch should be staging its pages by now"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == code, stderr
    assert f"stopped by {signal.Signals(signum).name}; temporary files removed" in stderr
    assert "Traceback" not in stderr
    assert not leftovers(out) and not out.exists()
