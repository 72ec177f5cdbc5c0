"""`run ID --dry-run` for every endpoint, with its example input given as command-line options:
the CLI tests' own endpoints (CLI_SPECS) and every endpoint of the live corpus (the installed
package, whatever specs/openapi holds).

The printed request JSON must be exactly the example (wire names, only the fields given), and
nothing may reach the emulator. The runs are started concurrently once per module.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fal_bindings
import pytest
from fal_bindings.testing import Emulator, example_input

from tests.conftest import ROOT

from .helpers import CLI_SPECS, IDS, SECRET, Result, cli_example_input, example_args, records, run_cli

LIVE_IDS = list(fal_bindings.ENDPOINT_IDS)
LIVE_SPECS = Path(fal_bindings.__file__).resolve().parent / "_specs"
CASES = [("cli", endpoint_id) for endpoint_id in IDS] + [("live", endpoint_id) for endpoint_id in LIVE_IDS]


def _example(package: str, endpoint_id: str) -> dict[str, object]:
    return example_input(endpoint_id) if package == "live" else cli_example_input(endpoint_id)


@pytest.fixture(scope="module")
def dry_runs(emu: Emulator) -> dict[tuple[str, str], Result]:
    before = len(records(emu))

    def one(case: tuple[str, str]) -> Result:
        package, endpoint_id = case
        specs = LIVE_SPECS if package == "live" else CLI_SPECS
        args = example_args(endpoint_id, _example(package, endpoint_id), specs)
        return run_cli("run", endpoint_id, *args, "--dry-run", env=emu.env, live=package == "live")

    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2))) as pool:
        results = dict(zip(CASES, pool.map(one, CASES), strict=True))
    assert len(records(emu)) == before, "--dry-run must not touch the network"
    return results


def _ids_of(specs: Path) -> list[str]:
    return sorted(json.loads(p.read_text(encoding="utf-8"))["info"]["x-fal-metadata"]["endpointId"] for p in specs.glob("*.json"))


def test_every_endpoint_is_covered() -> None:
    """Both lists come from the specs: every spec of each side is dry-run."""
    assert sorted(IDS) == _ids_of(CLI_SPECS)
    assert sorted(LIVE_IDS) == _ids_of(ROOT / "specs" / "openapi")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}:{case[1]}")
def test_dry_run_prints_the_example_request(dry_runs: dict[tuple[str, str], Result], case: tuple[str, str]) -> None:
    result = dry_runs[case]
    assert result.returncode == 0, str(result)
    assert result.json() == _example(*case), str(result)
    assert result.stderr == ""


@pytest.mark.slow
def test_dry_run_shows_local_files_as_truncated_data_uris(png: Path) -> None:
    result = run_cli("run", "fal-ai/flux-pro/kontext/max", "--prompt", "x", "--image-url", str(png), "--dry-run")
    assert result.returncode == 0, str(result)
    shown = result.json()["image_url"]
    assert shown.startswith("data:image/png;base64,iVBORw0KGgo")
    assert str(png) in shown and len(shown) < 200


@pytest.mark.slow
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


@pytest.mark.slow
def test_input_json_is_merged_and_options_win(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"prompt": "from file", "num_images": 2, "image_size": {"width": 512, "height": 640}}))
    result = run_cli("run", "fal-ai/flux-2", "--input-json", str(source), "--prompt", "from option", "--dry-run")
    assert result.returncode == 0, str(result)
    assert result.json() == {"prompt": "from option", "num_images": 2, "image_size": {"width": 512, "height": 640}}
    piped = run_cli("run", "fal-ai/flux-2", "--input-json", "-", "--dry-run", input='{"prompt": "stdin"}')
    assert piped.returncode == 0 and piped.json() == {"prompt": "stdin"}, str(piped)


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_key_is_masked_even_when_typed_into_an_input() -> None:
    result = run_cli("run", "fal-ai/flux-2", "--prompt", f"my key is {SECRET}", "--dry-run")
    assert result.returncode == 0
    assert result.json() == {"prompt": "my key is ***"}
