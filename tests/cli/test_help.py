"""`--help` (golden files), `list`, `show`, and the start-up promise: answering `--help`, `list`
or `run ID --help` imports neither pydantic, fal_client, rich nor any endpoint module.

Rewrite the golden files with `UPDATE_GOLDEN=1 pytest tests/cli/test_help.py` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .helpers import CATALOG, IDS, Result, check_output, cli_command, cli_env, run_cli

pytestmark = pytest.mark.slow  # every test here starts a process

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN = {
    "root": [],
    "run": ["run"],
    "flux-2": ["run", "fal-ai/flux-2"],
    "flux-2-lora-edit": ["run", "fal-ai/flux-2/lora/edit"],
    "kling-video-video-to-audio": ["run", "fal-ai/kling-video/video-to-audio"],
}


@pytest.mark.parametrize("name", list(GOLDEN))
def test_help_matches_golden(name: str) -> None:
    result = run_cli(*GOLDEN[name], "--help")
    assert result.returncode == 0, str(result)
    assert result.stderr == ""
    path = GOLDEN_DIR / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert result.stdout == path.read_text(encoding="utf-8")


def test_endpoint_help_shows_every_field_with_type_default_choices_and_required_mark() -> None:
    result = run_cli("run", "fal-ai/flux-2", "-h")
    text = " ".join(result.stdout.split())  # undo click's wrapping
    assert "--prompt TEXT The prompt to generate an image from. [required]" in text
    assert (
        "--acceleration CHOICE The acceleration level to use for the image generation. "
        "[choices: none, regular, high; default: regular]" in text
    )
    assert "--num-images INTEGER The number of images to generate. [default: 1]" in text
    assert "--enable-safety-checker / --no-enable-safety-checker" in text
    assert "--image-size CHOICE|JSON" in text and "JSON ImageSize {width: integer, height: integer}" in text


def test_list_reads_the_catalog() -> None:
    result = run_cli("list")
    assert result.returncode == 0, str(result)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "CATEGORY", "CAPABILITIES", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == IDS
    assert any(
        line.startswith("fal-ai/flux-2 ") and "queue,streaming" in line and "Flux 2 Text to Image" in line
        for line in lines
    )


def test_list_filters_and_json() -> None:
    streaming = run_cli("list", "--capability", "streaming", "--json")
    assert streaming.returncode == 0, str(streaming)
    expected = [e["id"] for e in CATALOG if "streaming" in e["capabilities"]]
    data = streaming.json()
    assert [e["id"] for e in data] == expected and len(expected) > 1
    assert set(data[0]) == {"id", "title", "description", "category", "capabilities"}

    realtime = run_cli("list", "--capability", "realtime", "--json")
    assert [e["id"] for e in realtime.json()] == [e["id"] for e in CATALOG if "realtime" in e["capabilities"]]

    videos = run_cli("list", "--category", "text-to-video")
    ids = [line.split()[0] for line in videos.stdout.splitlines()[1:]]
    assert ids == [e["id"] for e in CATALOG if e["category"] == "text-to-video"]

    bad = run_cli("list", "--capability", "teleport")
    assert bad.returncode == 2 and "teleport" in bad.stderr


def test_show_prints_inputs_outputs_and_types() -> None:
    result = run_cli("show", "fal-ai/flux-2")
    assert result.returncode == 0, str(result)
    out = result.stdout
    assert out.startswith("fal-ai/flux-2 - Flux 2 Text to Image")
    for fragment in (
        "Input",
        "Output",
        "Type ImageSize",
        "Type ImageFile",
        "--image-size",
        "landscape_4_3",
        "square_hd",
        "--output-format",
        "jpeg, png,",
        "images",
        "list[ImageFile]",
        "yes",
        "The prompt to",
    ):
        assert fragment in out, fragment
    row = next(line for line in out.splitlines() if line.strip().startswith("--image-size"))
    assert "ImageSize |" in row and "landscape_4_3" in row
    limits = run_cli("show", "fal-ai/kling-video/video-to-audio")
    assert "max length 200" in limits.stdout, str(limits)


LAZY_FORBIDDEN = ("pydantic", "fal_client", "httpx", "rich", "fal_bindings.endpoints", "fal_bindings.types")


@pytest.mark.parametrize(
    "args", [["--help"], ["list"], ["list", "--json"], ["run", "fal-ai/flux-2", "--help"]], ids=" ".join
)
def test_help_and_list_stay_lazy(args: list[str]) -> None:
    proc = subprocess.run(
        [cli_command([])[0], "-X", "importtime", *cli_command(args)[1:]],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    loaded = sorted(m for m in imported if m.split(".")[0] in LAZY_FORBIDDEN or m.startswith(LAZY_FORBIDDEN))
    assert loaded == [], f"{' '.join(args)} imported {loaded}"
    assert "click" in imported


def test_console_script_entry_point_matches_python_m() -> None:
    # What the `fal-bindings` console script runs: `fal_bindings.cli:main`.
    script = "import sys; from fal_bindings.cli import main; sys.argv = ['fal-bindings', 'list', '--json']; main()"
    proc = subprocess.run([cli_command([])[0], "-c", script], env=cli_env(), capture_output=True, text=True, timeout=60)
    result = check_output(Result(["list", "--json"], proc.returncode, proc.stdout, proc.stderr))
    assert result.returncode == 0, str(result)
    assert result.stdout == run_cli("list", "--json").stdout
