"""Fixtures for the runtime tests: `fal_bindings.endpoints.fal_ai.example` is generated from
tests/golden/runtime/specs (see `tests.golden.trees.mount`).

`trap` points the real fal_client at a loopback port whose listener accepts and immediately
closes every connection, counting them. A test that expects "no network I/O" asserts that the
count stays 0; a positive control shows that a valid call does reach the port (and fails fast with
APIConnectionError, because `fal_client.client.MAX_ATTEMPTS` is lowered to 1).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.golden.trees import mount

# The runtime is tested with real generated code: the golden tree `runtime` (the endpoint
# `fal-ai/example`, tests/golden/runtime/specs) is mounted into the installed package.
mount("runtime")


@dataclass
class Trap:
    port: int
    _count: list[int] = field(default_factory=lambda: [0])

    def connections(self, settle: float = 0.02) -> int:
        """Connections accepted so far (after letting in-flight ones arrive)."""
        time.sleep(settle)
        return self._count[0]

    def sync_client(self):  # type: ignore[no-untyped-def]
        import fal_client

        return fal_client.SyncClient(key="test-key")

    def async_client(self):  # type: ignore[no-untyped-def]
        import fal_client

        return fal_client.AsyncClient(key="test-key")


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> Iterator[Trap]:
    import fal_client.client as fc

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    srv.settimeout(0.05)
    port = srv.getsockname()[1]
    result = Trap(port)
    stop = threading.Event()

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            result._count[0] += 1
            conn.close()

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    base = f"127.0.0.1:{port}"
    monkeypatch.setattr(fc, "RUN_URL_FORMAT", f"https://{base}/")
    monkeypatch.setattr(fc, "QUEUE_URL_FORMAT", f"https://{base}/__queue__/")
    monkeypatch.setattr(fc, "REALTIME_URL_FORMAT", f"wss://{base}/")
    monkeypatch.setattr(fc, "REST_URL", f"https://{base}/__rest__")
    monkeypatch.setattr(fc, "CDN_URL", f"https://{base}/__cdn__")
    monkeypatch.setattr(fc, "MAX_ATTEMPTS", 1)
    monkeypatch.setenv("FAL_KEY", "test-key")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for var in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(var, raising=False)
    try:
        yield result
    finally:
        stop.set()
        thread.join(timeout=2)
        srv.close()


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "pixel.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    return path
