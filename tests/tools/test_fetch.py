"""`falgen fetch` against a local HTTP server: success, 404, timeout, malformed page, retries.

The server (http.server in a thread on 127.0.0.1, port 0) serves a saved-HTML version of a real
text page, and misbehaving routes. On failure the output directory must stay byte-identical.
"""

from __future__ import annotations

import html
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.docs.parse import parse
from tests.conftest import falgen
from tests.tools.conftest import KLEIN, specs_from_text

KLEIN_ID = "fal-ai/flux-2/klein/4b/base"
KLEIN_FILE = "fal-ai__flux-2__klein__4b__base.html"
SLOW_SECONDS = 3.0


def text_page_to_html(text: str) -> str:
    """A saved page as a browser would keep it: one `<p>` per text line, JSON examples in `<pre>`."""
    out = ["<!doctype html>", "<html><head><title>API | fal</title><script>window.x = {};</script></head>", "<body><main>"]
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() in ("{", "["):
            block: list[str] = []
            depth = 0
            while index < len(lines):
                block.append(lines[index])
                stripped = lines[index].strip()
                depth += stripped.count("{") + stripped.count("[") - stripped.count("}") - stripped.count("]")
                index += 1
                if depth <= 0:
                    break
            out.append("<pre><code>" + html.escape("\n".join(block)) + "</code></pre>")
            continue
        if line.strip():
            out.append("<p>" + html.escape(line) + "</p>")
        index += 1
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


KLEIN_HTML = text_page_to_html(KLEIN.read_text(encoding="utf-8")).encode()
FLAKY_HTML = text_page_to_html(KLEIN.read_text(encoding="utf-8").replace(KLEIN_ID, "fal-ai/flaky")).encode()
NO_SCHEMA_HTML = b"<html><body><h1>fal-ai/no-schema</h1><p>A model.</p><p>Coming soon.</p></body></html>\n"


class _Server:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout test)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server.lock:
                    server.hits[self.path] += 1
                    hit = server.hits[self.path]
                route = self.path.removeprefix("/models/").removesuffix("/api")
                if route == KLEIN_ID:
                    self._send(200, KLEIN_HTML)
                elif route == "fal-ai/no-schema":
                    self._send(200, NO_SCHEMA_HTML)
                elif route == "fal-ai/other-id":  # a valid page, but for another endpoint
                    self._send(200, KLEIN_HTML)
                elif route == "fal-ai/slow":
                    time.sleep(SLOW_SECONDS)
                    self._send(200, KLEIN_HTML)
                elif route == "fal-ai/flaky":
                    self._send(503, b"busy") if hit <= 2 else self._send(200, FLAKY_HTML)
                elif route == "fal-ai/rate-limited" and hit == 1:
                    self._send(429, b"slow down", {"Retry-After": "0"})
                elif route == "fal-ai/always-500":
                    self._send(500, b"boom")
                else:
                    self._send(404, b"not found")

        return Handler

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    with _Server() as running:
        yield running


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output directory that already holds pages (which failures must not touch)."""
    out = tmp_path / "project" / "specs" / "sources"
    out.mkdir(parents=True)
    (out / KLEIN_FILE).write_text("<html><body>an older copy of the page</body></html>\n")
    (out / "fal-ai__missing.html").write_text("<html><body>kept from an earlier fetch</body></html>\n")
    (out / "000_bundle.txt").write_text("scraped text\n")
    return out


def fetch(server: _Server, out: Path, *args: str) -> tuple[int, str]:
    done = falgen("fetch", "--base-url", server.url, "--out", str(out), "--backoff", "0.01", *args)
    return done.returncode, done.stdout + done.stderr


def no_leftovers(out: Path) -> None:
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".falgen-fetch-")]


@pytest.mark.slow
def test_fetch_saves_a_page_that_parses_into_that_endpoint(server: _Server, tmp_path: Path) -> None:
    out = tmp_path / "sources"
    code, output = fetch(server, out, KLEIN_ID)
    assert code == 0, output
    saved = out / KLEIN_FILE
    assert saved.read_bytes() == KLEIN_HTML
    assert f"ok      {KLEIN_ID}" in output
    from_html = parse([saved], overlays=None).endpoint(KLEIN_ID)
    from_text = parse([KLEIN], overlays=None).endpoint(KLEIN_ID)
    assert from_html is not None and from_text is not None
    assert from_html.model_dump(exclude={"provenance", "sources"}, mode="json") != {}
    for schema_html, schema_text in zip(from_html.all_schemas(), from_text.all_schemas(), strict=True):
        assert [(f.name, f.type, f.required, f.default) for f in schema_html.fields] == [
            (f.name, f.type, f.required, f.default) for f in schema_text.fields
        ]
    assert from_html.capabilities == from_text.capabilities
    no_leftovers(out)


@pytest.mark.slow
def test_each_failure_is_reported_and_nothing_is_touched(server: _Server, out_dir: Path) -> None:
    before = snapshot(out_dir)
    started = time.perf_counter()
    code, output = fetch(
        server, out_dir, KLEIN_ID, "fal-ai/missing", "fal-ai/slow", "fal-ai/no-schema", "fal-ai/other-id",
        "--timeout", "0.5", "--retries", "1",
    )
    elapsed = time.perf_counter() - started
    assert code == 1, output
    lines = {line.split(":")[0].split()[-1]: line for line in output.splitlines() if "FAILED" in line}
    assert "HTTP 404" in lines["fal-ai/missing"]
    assert "timeout after 2 attempt(s)" in lines["fal-ai/slow"]
    assert "malformed page" in lines["fal-ai/no-schema"] and "no schema section" in lines["fal-ai/no-schema"]
    assert "malformed page" in lines["fal-ai/other-id"] and KLEIN_ID in lines["fal-ai/other-id"]
    assert KLEIN_ID not in lines  # it succeeded, but was not written: all or nothing
    assert "not written" in output and "no file was touched" in output
    assert snapshot(out_dir) == before
    assert server.hits["/models/fal-ai/missing/api"] == 1  # 404 is not retried
    assert elapsed < SLOW_SECONDS + 5
    no_leftovers(out_dir)


@pytest.mark.slow
def test_partial_keeps_the_pages_that_succeeded(server: _Server, out_dir: Path) -> None:
    before = snapshot(out_dir)
    code, output = fetch(server, out_dir, KLEIN_ID, "fal-ai/missing", "--partial")
    assert code == 1, output
    after = snapshot(out_dir)
    assert after[KLEIN_FILE] == KLEIN_HTML
    assert after["fal-ai__missing.html"] == before["fal-ai__missing.html"]  # the failing page's file is untouched
    assert {k: v for k, v in after.items() if k != KLEIN_FILE} == {k: v for k, v in before.items() if k != KLEIN_FILE}
    no_leftovers(out_dir)


@pytest.mark.slow
def test_retries_5xx_and_429_with_backoff_then_gives_up(server: _Server, tmp_path: Path) -> None:
    out = tmp_path / "sources"
    code, output = fetch(server, out, "fal-ai/always-500", "--retries", "2")
    assert code == 1
    assert "HTTP 500" in output and "after 3 attempt(s)" in output
    assert server.hits["/models/fal-ai/always-500/api"] == 3
    assert not out.exists()

    code, output = fetch(server, out, "fal-ai/rate-limited", "--retries", "2")
    assert server.hits["/models/fal-ai/rate-limited/api"] == 2  # 429, then the 404 page (not retried)
    assert "HTTP 404" in output


@pytest.mark.slow
def test_flaky_page_succeeds_after_retries(server: _Server, tmp_path: Path) -> None:
    """503 twice, then the page: saved after three attempts."""
    out = tmp_path / "sources"
    code, output = fetch(server, out, "fal-ai/flaky", "--retries", "3")
    assert code == 0, output
    assert server.hits["/models/fal-ai/flaky/api"] == 3
    assert "fal-ai/flaky: saved" in output and "(3 attempt(s)" in output
    assert (out / "fal-ai__flaky.html").read_bytes() == FLAKY_HTML


@pytest.mark.slow
def test_connection_refused_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "sources"
    done = falgen("fetch", "--base-url", f"http://127.0.0.1:{port}", "--out", str(out), "--retries", "1", "--backoff", "0.01", KLEIN_ID)
    assert done.returncode == 1
    assert "connection error" in done.stderr and "after 2 attempt(s)" in done.stderr
    assert not out.exists()


@pytest.mark.slow
def test_all_reads_ids_from_the_specs(server: _Server, tmp_path: Path) -> None:
    specs = specs_from_text(KLEIN.read_text(encoding="utf-8"), tmp_path, "project")
    out = tmp_path / "fetched"
    code, output = fetch(server, out, "--all", "--specs", str(specs))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [KLEIN_FILE]


def test_usage_errors(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.tools.fetch import fetch_command

    def exit_code(*args: str) -> int:
        return CliRunner().invoke(fetch_command, list(args)).exit_code

    assert exit_code() == 2
    assert exit_code("../../etc/passwd", "--out", str(tmp_path)) == 2
    assert exit_code("fal-ai/../x", "--out", str(tmp_path)) == 2
    assert exit_code("--all", "fal-ai/flux-2", "--out", str(tmp_path)) == 2
    assert exit_code("--all", "--specs", str(tmp_path / "missing"), "--out", str(tmp_path)) == 2
