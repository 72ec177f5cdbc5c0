"""`--download DIR` through the real `fal-bindings` console script, against an emulator whose
app returns hostile file names: every file lands inside DIR under a safe name, and a file that
exists is never replaced unless `--overwrite` says so."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fal_bindings.testing import Emulator, emulator

from .helpers import CLI_SPECS, SECRET, Result, check_output, cli_env

pytestmark = pytest.mark.slow  # every test here starts a process

FLUX = "fal-ai/flux-2"
CONSOLE_SCRIPT = Path(sys.executable).parent / "fal-bindings"

# What a hostile (third-party) app returns: names that climb out, absolute paths, control
# characters, a dotfile taken from the URL. The emulator serves every URL from itself.
HOSTILE_IMAGES = [
    {"url": "https://cdn.example/files/.bashrc", "file_name": "..", "content_type": "image/png"},
    {"url": "https://cdn.example/files/a.png", "file_name": "../../escaped.png", "content_type": "image/png"},
    {"url": "https://cdn.example/files/b.png", "file_name": "/tmp/absolute.png", "content_type": "image/png"},
    {"url": "https://cdn.example/files/c.png", "file_name": "red\x1b[31m\n.png", "content_type": "image/png"},
    {"url": "https://cdn.example/files/d.png", "file_name": ".", "content_type": "image/png"},
]


def hostile_spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CLI_SPECS / "fal-ai__flux-2.json").read_text(encoding="utf-8"))
    document = copy.deepcopy(document)
    document["components"]["schemas"]["Flux2Output"]["examples"] = [
        {"images": HOSTILE_IMAGES, "seed": 1, "has_nsfw_concepts": [False] * len(HOSTILE_IMAGES), "prompt": "x"}
    ]
    return document


@pytest.fixture(scope="module")
def hostile_emu() -> Iterator[Emulator]:
    with emulator([hostile_spec()], key=SECRET, fast_retries=True) as running:
        yield running


def run_script(*args: str, env: dict[str, str], cwd: Path) -> Result:
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        env=cli_env(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd,
    )
    return check_output(Result(list(args), done.returncode, done.stdout, done.stderr))


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_hostile_file_names_stay_inside_the_download_folder(hostile_emu: Emulator, tmp_path: Path) -> None:
    work = tmp_path / "work"
    out = work / "out"
    out.mkdir(parents=True)
    (work / "mine.txt").write_text("the user's file")
    result = run_script("run", FLUX, "--prompt", "x", "--json", "--download", str(out), env=hostile_emu.env, cwd=work)
    assert result.returncode == 0, str(result)
    images = result.json()["images"]
    assert [img["file_name"] for img in images] == [i["file_name"] for i in HOSTILE_IMAGES]
    # `..` and `.` are no names: the URL's last segment (the emulator's file) is used instead
    url_names = [img["url"].rsplit("/", 1)[-1] for img in images]
    files = tree(work)
    assert set(files) == {
        "mine.txt",
        f"out/{url_names[0]}",
        "out/escaped.png",
        "out/absolute.png",
        "out/red_[31m_.png",
        f"out/{url_names[4]}",
    }
    assert all(content for content in files.values())
    saved = [line.removeprefix("saved ") for line in result.stderr.splitlines() if line.startswith("saved ")]
    assert sorted(saved) == sorted(str(work / name) for name in files if name.startswith("out/"))


def test_a_second_run_numbers_its_files_and_overwrite_replaces(hostile_emu: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "escaped.png").write_bytes(b"mine")
    first = run_script("run", FLUX, "--prompt", "x", "--download", str(out), "--quiet", env=hostile_emu.env, cwd=tmp_path)
    assert first.returncode == 0, str(first)
    assert (out / "escaped.png").read_bytes() == b"mine"
    assert (out / "escaped-1.png").exists()
    second = run_script("run", FLUX, "--prompt", "x", "--download", str(out), env=hostile_emu.env, cwd=tmp_path)
    assert second.returncode == 0, str(second)
    assert {"escaped-2.png", "absolute-1.png", "red_[31m_-1.png"} <= set(tree(out))
    before = set(tree(out))
    replaced = run_script(
        "run", FLUX, "--prompt", "x", "--download", str(out), "--overwrite", env=hostile_emu.env, cwd=tmp_path
    )
    assert replaced.returncode == 0, str(replaced)
    assert set(tree(out)) == before  # the same names, replaced in place
    assert (out / "escaped.png").read_bytes() != b"mine"
