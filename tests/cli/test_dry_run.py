"""`run ID --dry-run` for every endpoint, with its example input given as command-line options:
the CLI tests' own endpoints (CLI_SPECS) and every endpoint of the live corpus (the installed
package, whatever specs/openapi holds).

The printed request JSON must be exactly the example (wire names, only the fields given), and
nothing may reach the emulator. The CLI's `main` runs in-process for every endpoint (the live
corpus in the test process, the CLI package in one subprocess of its own); a deterministic sample
of the live corpus also runs as `python -m fal_bindings`, a process each, concurrently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fal_bindings
import pytest
from fal_bindings.testing import Emulator, example_input

from tests.conftest import ROOT
from tests.support.sampling import failures_message, stable_sample

from .driver import run_in_process
from .helpers import (
    CLI_SPECS,
    IDS,
    SECRET,
    Result,
    check_output,
    cli_env,
    cli_example_input,
    example_args,
    records,
    run_cli,
)

LIVE_IDS = list(fal_bindings.ENDPOINT_IDS)
LIVE_SPECS = Path(fal_bindings.__file__).resolve().parent / "_specs"
SUBPROCESS_SAMPLE = stable_sample(LIVE_IDS, 6)


def _example(package: str, endpoint_id: str) -> dict[str, object]:
    return example_input(endpoint_id) if package == "live" else cli_example_input(endpoint_id)


def _argv(package: str, endpoint_id: str) -> list[str]:
    specs = LIVE_SPECS if package == "live" else CLI_SPECS
    return ["run", endpoint_id, *example_args(endpoint_id, _example(package, endpoint_id), specs), "--dry-run"]


def _results(argvs: list[list[str]], raw: list[dict[str, object]]) -> list[Result]:
    return [
        check_output(Result(argv, int(str(r["returncode"])), str(r["stdout"]), str(r["stderr"])))
        for argv, r in zip(argvs, raw, strict=True)
    ]


@pytest.fixture(scope="module")
def dry_runs(emu: Emulator) -> dict[tuple[str, str], Result]:
    """(package, endpoint id) -> the dry run; package "live" (in-process), "cli" (in one
    subprocess), "process" (a `python -m fal_bindings` process per sampled live endpoint)."""
    before = len(records(emu))
    results: dict[tuple[str, str], Result] = {}
    cli_argvs = [_argv("cli", endpoint_id) for endpoint_id in IDS]
    done = subprocess.run(
        [sys.executable, "-m", "tests.cli.driver"],
        input=json.dumps(cli_argvs),
        env=cli_env(emu.env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results.update(zip([("cli", i) for i in IDS], _results(cli_argvs, json.loads(done.stdout)), strict=True))
    live_argvs = [_argv("live", endpoint_id) for endpoint_id in LIVE_IDS]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in cli_env(emu.env, live=True).items():
            patch.setenv(name, value)
        results.update(zip([("live", i) for i in LIVE_IDS], _results(live_argvs, run_in_process(live_argvs)), strict=True))

    def one(endpoint_id: str) -> Result:
        return run_cli(*_argv("live", endpoint_id), env=emu.env, live=True)

    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2))) as pool:
        results.update(zip([("process", i) for i in SUBPROCESS_SAMPLE], pool.map(one, SUBPROCESS_SAMPLE), strict=True))
    assert len(records(emu)) == before, "--dry-run must not touch the network"
    return results


def _ids_of(specs: Path) -> list[str]:
    return sorted(json.loads(p.read_text(encoding="utf-8"))["info"]["x-fal-metadata"]["endpointId"] for p in specs.glob("*.json"))


def test_every_endpoint_is_covered() -> None:
    """Both lists come from the specs: every spec of each side is dry-run."""
    assert sorted(IDS) == _ids_of(CLI_SPECS)
    assert sorted(LIVE_IDS) == _ids_of(ROOT / "specs" / "openapi")


@pytest.mark.slow
@pytest.mark.parametrize("package", ["cli", "live", "process"])
def test_dry_run_prints_the_example_request(dry_runs: dict[tuple[str, str], Result], package: str) -> None:
    cases = {endpoint_id: result for (side, endpoint_id), result in dry_runs.items() if side == package}
    assert cases
    failures: dict[str, str] = {}
    for endpoint_id, result in cases.items():
        expected = _example("cli" if package == "cli" else "live", endpoint_id)
        if result.returncode != 0 or result.stderr != "":
            failures[endpoint_id] = str(result)[-600:]
        elif result.json() != expected:
            failures[endpoint_id] = f"printed {result.stdout[:300]!r}, expected {json.dumps(expected)[:300]}"
    assert not failures, failures_message("--dry-run did not print the example request", failures, len(cases))


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
