"""Downloads stay inside their folder and never replace a file silently.

A fal app controls its outputs: the `file_name` it returns and the URL's last path segment are
hostile input. A small loopback HTTP server serves any path (the URL's name is whatever the test
puts in it); every download goes into `tmp_path / "target"`, and afterwards nothing may exist
outside it.
"""

from __future__ import annotations

import asyncio
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fal_bindings._runtime import FalFile
from fal_bindings._runtime.downloads import safe_file_name

BODY = b"GIF89a-served"


class OutputFile(FalFile):
    url: str
    file_name: str | None = None


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serves BODY at every path."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "target"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text("the user's file")
    return folder


def everything_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


# (file_name the app returns, URL path, the name the file must get)
HOSTILE = [
    ("..", "/files/.bashrc", "bashrc"),  # the reported attack: DIR/../.bashrc
    (".", "/files/report.txt", "report.txt"),
    ("", "/files/cat.png", "cat.png"),
    (None, "/files/%2E%2E", "download"),  # the URL's own name is `..`
    (None, "/files/..%2F..%2Fetc%2Fpasswd", "passwd"),
    ("../../escape.png", "/x", "escape.png"),
    ("/etc/passwd", "/x", "passwd"),
    ("..\\..\\windows.png", "/x", "windows.png"),
    ("bad\x1b[2J\nname\x07.png", "/x", "bad_[2J_name_.png"),
    ("\u009b31mred.png", "/x", "_31mred.png"),  # an 8-bit CSI
    (".env", "/x", "env"),  # never a hidden or configuration file
    ("NUL.txt", "/x", "_NUL.txt"),
    ("x" * 300 + ".png", "/x", "x" * 196 + ".png"),
]


@pytest.mark.parametrize(("file_name", "path", "expected"), HOSTILE, ids=[repr(c[0])[:24] for c in HOSTILE])
def test_a_hostile_name_is_replaced_and_the_file_stays_inside(
    server: str, target: Path, file_name: str | None, path: str, expected: str
) -> None:
    saved = OutputFile(url=server + path, file_name=file_name).download(target)
    assert saved.parent == target and saved.name == expected
    assert saved.read_bytes() == BODY
    assert everything_under(target.parent) == {"outside.txt", "target", f"target/{expected}"}
    assert (target.parent / "outside.txt").read_text() == "the user's file"


def test_safe_names_are_left_alone() -> None:
    for name in ("cat.png", "a b (1).mp4", "ünïcode.wav", "___", "archive.tar.gz"):
        assert safe_file_name(name) == name
    for name in ("", ".", "..", "...", " .. ", "/", "\\", "\x1b", "../.."):
        assert safe_file_name(name) is None


def test_an_existing_file_gets_a_numbered_name(server: str, target: Path) -> None:
    (target / "cat.png").write_text("mine")
    first = OutputFile(url=f"{server}/a/cat.png").download(target)
    second = OutputFile(url=f"{server}/b/cat.png").download(target)
    assert (first.name, second.name) == ("cat-1.png", "cat-2.png")
    assert (target / "cat.png").read_text() == "mine"
    replaced = OutputFile(url=f"{server}/c/cat.png").download(target, overwrite=True)
    assert replaced == target / "cat.png" and replaced.read_bytes() == BODY
    assert sorted(everything_under(target)) == ["cat-1.png", "cat-2.png", "cat.png"]


def test_an_explicit_file_path_is_never_replaced_silently(server: str, target: Path) -> None:
    mine = target / "kept.bin"
    mine.write_text("mine")
    with pytest.raises(FileExistsError) as info:
        OutputFile(url=f"{server}/x.bin").download(mine)
    assert "overwrite=True" in str(info.value)
    assert mine.read_text() == "mine" and everything_under(target) == {"kept.bin"}
    assert OutputFile(url=f"{server}/x.bin").download(mine, overwrite=True) == mine
    assert mine.read_bytes() == BODY


def test_symlinks_in_the_folder_are_never_written_through(server: str, target: Path) -> None:
    outside = target.parent / "outside.txt"
    (target / "cat.png").symlink_to(outside)
    (target / "cat.png.part").symlink_to(outside)  # where the old code staged its download
    saved = OutputFile(url=f"{server}/cat.png").download(target)
    assert saved == target / "cat-1.png"
    assert outside.read_text() == "the user's file"
    assert (target / "cat.png").is_symlink() and os.readlink(target / "cat.png") == str(outside)


def test_the_async_twin_follows_the_same_rules(server: str, target: Path) -> None:
    (target / "bashrc").write_text("mine")

    async def main() -> list[Path]:
        hostile = OutputFile(url=f"{server}/files/.bashrc", file_name="..")
        return [await hostile.adownload(target), await hostile.adownload(target)]

    saved = asyncio.run(main())
    assert [p.name for p in saved] == ["bashrc-1", "bashrc-2"]
    assert (target / "bashrc").read_text() == "mine"
    assert everything_under(target.parent) == {"outside.txt", "target", "target/bashrc", "target/bashrc-1", "target/bashrc-2"}


def test_a_failed_download_leaves_nothing(target: Path) -> None:
    with pytest.raises(ValueError):
        OutputFile(url="data:image/png;base64", file_name="x.png").download(target)  # no ',' in it
    assert everything_under(target) == set()
