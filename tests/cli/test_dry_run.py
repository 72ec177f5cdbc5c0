"""`run ID --dry-run` for every endpoint, with its example input given as command-line options.

The printed request JSON must be exactly the example (wire names, only the fields given), and
nothing may reach the emulator. The runs are started concurrently once per module.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fal_bindings.testing import Emulator, example_input

from .helpers import IDS, SECRET, Result, example_args, records, run_cli


@pytest.fixture(scope="module")
def dry_runs(emu: Emulator) -> dict[str, Result]:
    before = len(records(emu))

    def one(endpoint_id: str) -> Result:
        args = example_args(endpoint_id, example_input(endpoint_id))
        return run_cli("run", endpoint_id, *args, "--dry-run", env=emu.env)

    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2))) as pool:
        results = dict(zip(IDS, pool.map(one, IDS), strict=True))
    assert len(records(emu)) == before, "--dry-run must not touch the network"
    return results


def test_every_endpoint_is_covered() -> None:
    assert len(IDS) >= 35


@pytest.mark.parametrize("endpoint_id", IDS)
def test_dry_run_prints_the_example_request(dry_runs: dict[str, Result], endpoint_id: str) -> None:
    result = dry_runs[endpoint_id]
    assert result.returncode == 0, str(result)
    assert result.json() == example_input(endpoint_id), str(result)
    assert result.stderr == ""


def test_dry_run_shows_local_files_as_truncated_data_uris(png: Path) -> None:
    result = run_cli("run", "fal-ai/flux-pro/kontext/max", "--prompt", "x", "--image-url", str(png), "--dry-run")
    assert result.returncode == 0, str(result)
    shown = result.json()["image_url"]
    assert shown.startswith("data:image/png;base64,iVBORw0KGgo")
    assert str(png) in shown and len(shown) < 200


def test_dry_run_with_upload_files_shows_the_path(png: Path) -> None:
    result = run_cli(
        "run",
        "fal-ai/dreamomni2/edit",
        "--prompt",
        "x",
        "--image-urls",
        str(png),
        "--image-urls",
        "https://example.com/a.png",
        "--upload-files",
        "--dry-run",
    )
    assert result.returncode == 0, str(result)
    assert result.json()["image_urls"] == [f"<upload: {png}>", "https://example.com/a.png"]


def test_input_json_is_merged_and_options_win(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"prompt": "from file", "num_images": 2, "image_size": {"width": 512, "height": 640}}))
    result = run_cli("run", "fal-ai/flux-2", "--input-json", str(source), "--prompt", "from option", "--dry-run")
    assert result.returncode == 0, str(result)
    assert result.json() == {"prompt": "from option", "num_images": 2, "image_size": {"width": 512, "height": 640}}
    piped = run_cli("run", "fal-ai/flux-2", "--input-json", "-", "--dry-run", input='{"prompt": "stdin"}')
    assert piped.returncode == 0 and piped.json() == {"prompt": "stdin"}, str(piped)


def test_typed_values_reach_the_request() -> None:
    result = run_cli(
        "run",
        "fal-ai/flux-2/lora/edit",
        "--prompt",
        "p",
        "--image-urls",
        "https://e.com/1.png",
        "--image-urls",
        '["https://e.com/2.png", "https://e.com/3.png"]',
        "--loras",
        "[]",
        "--image-size",
        "square_hd",
        "--num-images",
        "2",
        "--guidance-scale",
        "3",
        "--no-enable-safety-checker",
        "--dry-run",
    )
    assert result.returncode == 0, str(result)
    assert result.json() == {
        "prompt": "p",
        "image_urls": ["https://e.com/1.png", "https://e.com/2.png", "https://e.com/3.png"],
        "loras": [],
        "image_size": "square_hd",
        "num_images": 2,
        "guidance_scale": 3.0,
        "enable_safety_checker": False,
    }
    # JSON types are kept: an integer stays an integer, a float a float
    assert '"num_images": 2,' in result.stdout and '"guidance_scale": 3.0' in result.stdout


def test_the_key_is_masked_even_when_typed_into_an_input() -> None:
    result = run_cli("run", "fal-ai/flux-2", "--prompt", f"my key is {SECRET}", "--dry-run")
    assert result.returncode == 0
    assert result.json() == {"prompt": "my key is ***"}
