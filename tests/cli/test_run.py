"""Real runs through the emulator: outputs, local file inputs, downloads, the queue commands,
streaming and uploads."""

from __future__ import annotations

import base64
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fal_bindings.testing import Emulator, load_specs

from .helpers import CLI_SPECS, PNG_BYTES, Result, cli_example_input, example_args, file_urls, records, run_cli

# At least ten endpoints, across categories; the ones with a `*_url` image input get a local PNG.
RUNS: dict[str, str | None] = {
    "creatify/lipsync": None,  # video-to-video
    "decart/lucy-5b/image-to-video": "--image-url",  # image-to-video
    "fal-ai/dreamomni2/edit": "--image-urls",  # image-to-image, list of files
    "fal-ai/flux-2": None,  # text-to-image
    "fal-ai/flux-2/klein/realtime": "--image-url",  # realtime endpoint, through the queue; raw bytes out
    "fal-ai/hidream-i1-full": None,  # no category; image_size as a JSON object
    "fal-ai/imagen4/preview": None,  # text-to-image
    "fal-ai/kandinsky5/text-to-video": None,  # text-to-video
    "fal-ai/kling-video/video-to-audio": None,  # video-to-audio
    "fal-ai/minimax-music": None,  # text-to-audio
    "fal-ai/luma-dream-machine/ray-2/reframe": None,  # video-to-video
    "fal-ai/wan-trainer/t2v": None,  # training; its example output has empty file URLs
}

NO_FILES = {"fal-ai/flux-2/klein/realtime", "fal-ai/wan-trainer/t2v"}


def _args(endpoint_id: str, png: Path) -> list[str]:
    example = cli_example_input(endpoint_id)
    option = RUNS[endpoint_id]
    if option is not None:
        key = option[2:].replace("-", "_")
        example[key] = [str(png), *example[key][1:]] if isinstance(example[key], list) else str(png)
    return example_args(endpoint_id, example)


@pytest.fixture(scope="module")
def runs(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Path]]:
    base = tmp_path_factory.mktemp("runs")
    png = base / "local input.png"
    png.write_bytes(PNG_BYTES)

    def one(endpoint_id: str) -> tuple[Result, Path]:
        target = base / endpoint_id.replace("/", "_")
        return run_cli(
            "run", endpoint_id, *_args(endpoint_id, png), "--json", "--download", str(target), env=emu.env
        ), target

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(RUNS, pool.map(one, RUNS), strict=True))


def test_runs_cover_ten_endpoints_and_several_categories() -> None:
    assert len(RUNS) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("endpoint_id", list(RUNS))
def test_run_prints_the_output_and_downloads_its_files(
    runs: dict[str, tuple[Result, Path]], emu: Emulator, endpoint_id: str
) -> None:
    result, target = runs[endpoint_id]
    assert result.returncode == 0, str(result)
    output = result.json()
    # The schema of the endpoint the CLI ran (the CLI package's spec): the live package may hold
    # a different endpoint of the same id (fal's document rather than the golden tree's page).
    spec = load_specs(CLI_SPECS)[endpoint_id]
    assert [e.message for e in spec.output_validator.iter_errors(output)] == []
    urls = file_urls(output)
    assert urls or endpoint_id in NO_FILES, f"{endpoint_id} returned no file"
    saved = sorted(target.iterdir()) if target.exists() else []
    assert len(saved) == len(urls), str(result)
    assert all(p.stat().st_size > 0 for p in saved)
    assert not any(p.name.endswith(".part") for p in saved)
    # stdout is only JSON; the request id and the saved paths are reported on stderr; no progress
    # (not a TTY)
    request_line, *saved_lines = result.stderr.splitlines()
    assert request_line.startswith("request id: ")
    assert sorted(line.removeprefix("saved ") for line in saved_lines) == sorted(map(str, saved))
    # the submitted body: what the example said, the local file as a data URI
    submits = [r for r in records(emu) if r.operation == "submit" and r.endpoint_id == endpoint_id]
    assert len(submits) == 1
    if RUNS[endpoint_id] is not None:
        key = RUNS[endpoint_id][2:].replace("-", "_")  # type: ignore[index]
        sent = submits[0].body[key]
        uri = sent[0] if isinstance(sent, list) else sent
        assert uri.startswith("data:image/png;base64,")
        assert base64.b64decode(uri.split(",", 1)[1]) == PNG_BYTES


@pytest.mark.slow
def test_default_output_is_a_readable_summary(emu: Emulator) -> None:
    result = run_cli("run", "fal-ai/flux-2", "--prompt", "a fox", env=emu.env)
    assert result.returncode == 0, str(result)
    lines = result.stdout.splitlines()
    assert lines[0] == "images:"
    assert lines[1].startswith("  [0] https://127.0.0.1:") and lines[1].endswith(".png")
    assert "prompt: a fox" in lines
    assert any(line.startswith("seed: ") for line in lines)
    assert result.stderr.startswith("request id: ") and result.stderr.count("\n") == 1


@pytest.mark.slow
def test_submit_then_status_result_and_cancel(emu: Emulator, tmp_path: Path) -> None:
    submitted = run_cli("run", "fal-ai/ovi", "--prompt", "hello", "--submit", env=emu.env)
    assert submitted.returncode == 0, str(submitted)
    request_id = submitted.stdout.strip()
    assert request_id and "\n" not in request_id

    status = run_cli("status", "fal-ai/ovi", request_id, "--json", "--logs", env=emu.env)
    assert status.returncode == 0, str(status)
    assert status.json()["status"] in ("IN_QUEUE", "IN_PROGRESS", "COMPLETED")

    result = run_cli("result", "fal-ai/ovi", request_id, "--json", "--download", str(tmp_path), env=emu.env)
    assert result.returncode == 0, str(result)
    assert file_urls(result.json()) and all(p.stat().st_size > 0 for p in tmp_path.iterdir())

    done = run_cli("status", "fal-ai/ovi", request_id, env=emu.env)
    assert done.returncode == 0 and done.stdout.startswith("COMPLETED"), str(done)

    # cancel a request that stays queued
    emu.configure("fal-ai/sora-2/text-to-video/pro", queue_polls=10_000)
    try:
        queued = run_cli("run", "fal-ai/sora-2/text-to-video/pro", "--prompt", "x", "--submit", "--json", env=emu.env)
        assert queued.returncode == 0, str(queued)
        queued_id = queued.json()["request_id"]
        position = run_cli("status", "fal-ai/sora-2/text-to-video/pro", queued_id, env=emu.env)
        assert position.stdout.startswith("IN_QUEUE (position "), str(position)
        cancelled = run_cli("cancel", "fal-ai/sora-2/text-to-video/pro", queued_id, env=emu.env)
        assert cancelled.returncode == 0, str(cancelled)
        assert cancelled.stdout.strip() == f"cancelled request {queued_id}"
    finally:
        emu.configure("fal-ai/sora-2/text-to-video/pro", queue_polls=0)
    cancels = [r for r in records(emu) if r.operation == "cancel"]
    assert [r.method for r in cancels] == ["PUT"] and queued_id in cancels[0].path


@pytest.mark.slow
def test_status_of_an_unknown_request_is_a_remote_error(emu: Emulator) -> None:
    result = run_cli("status", "fal-ai/ovi", "no-such-request", env=emu.env)
    assert result.returncode == 1, str(result)
    assert "404" in result.stderr and "no-such-request" in result.stderr


@pytest.mark.slow
def test_stream_prints_events_as_json_lines(emu: Emulator, tmp_path: Path) -> None:
    emu.configure("fal-ai/flux-2/klein/4b/base", stream_events=3)
    try:
        result = run_cli(
            "run",
            "fal-ai/flux-2/klein/4b/base",
            "--prompt",
            "x",
            "--stream",
            "--download",
            str(tmp_path),
            env=emu.env,
        )
    finally:
        emu.configure("fal-ai/flux-2/klein/4b/base", stream_events=2)
    assert result.returncode == 0, str(result)
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(events) == 4  # three partial events, then the final output
    assert file_urls(events[-1])
    assert [p.stat().st_size > 0 for p in tmp_path.iterdir()] == [True] * len(file_urls(events[-1]))
    assert [r.operation for r in records(emu) if r.endpoint_id == "fal-ai/flux-2/klein/4b/base"][:1] == ["stream"]


@pytest.mark.slow
def test_stream_on_a_queue_only_endpoint_is_a_usage_error() -> None:
    result = run_cli("run", "fal-ai/ovi", "--prompt", "x", "--stream")
    assert result.returncode == 2, str(result)
    assert "does not support streaming" in result.stderr


def test_upload_files_uploads_local_files(emu: Emulator, png: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Uploads go to fal's REST/CDN hosts, which fal_client only lets a process set in Python (no
    # environment variable), so this one runs the CLI in the test process, where the emulator
    # patched them.
    from fal_bindings.cli.app import main

    code = main(
        [
            "run",
            "fal-ai/flux-pro/kontext/max",
            "--prompt",
            "x",
            "--image-url",
            str(png),
            "--upload-files",
            "--json",
            "--quiet",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert file_urls(json.loads(captured.out))
    submit = next(r for r in records(emu) if r.operation == "submit" and r.endpoint_id == "fal-ai/flux-pro/kontext/max")
    sent = submit.body["image_url"]
    assert sent.startswith("https://127.0.0.1:") and not sent.startswith("data:")
    assert any(r.operation == "upload" for r in records(emu))
