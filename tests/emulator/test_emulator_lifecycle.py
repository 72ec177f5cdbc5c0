"""Starting and stopping: fast, and leaves no thread, socket, environment or constant behind."""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import fal_bindings.testing
import fal_client
import fal_client.client
import httpx
import pytest
from fal_bindings.testing import Emulator, SpecError, emulator, fast_retries

from tests.golden.trees import specs as golden_specs

SPECS = golden_specs("emulator")
FLUX = "fal-ai/flux-2/klein/4b/base"
CONSTANTS = (
    "RUN_URL_FORMAT",
    "QUEUE_URL_FORMAT",
    "REALTIME_URL_FORMAT",
    "REST_URL",
    "CDN_URL",
    "MAX_ATTEMPTS",
    "BASE_DELAY",
    "MAX_DELAY",
)


def snapshot() -> dict[str, Any]:
    return {
        "threads": set(threading.enumerate()),
        "env": dict(os.environ),
        "constants": {name: getattr(fal_client.client, name) for name in CONSTANTS},
        "fds": len(os.listdir("/proc/self/fd")),
    }


def test_start_and_stop_leave_nothing_behind() -> None:
    before = snapshot()
    started = time.perf_counter()
    with emulator(specs=SPECS, fast_retries=True) as emu:
        startup = time.perf_counter() - started
        assert os.environ["FAL_KEY"] == "test-key"
        assert os.environ["FAL_QUEUE_RUN_HOST"] == emu.base_url.removeprefix("https://") + "/__queue__"
        assert os.environ["SSL_CERT_FILE"] == str(emu.ca_path)
        assert emu.base_url + "/__rest__" == fal_client.client.REST_URL
        assert fal_client.client.MAX_ATTEMPTS == 3
        # The module-level client keeps a TLS keep-alive connection open: stop must cope.
        assert fal_client.subscribe(FLUX, {"prompt": "p"})["prompt"] == "p"
        ca_path = emu.ca_path
        stopping = time.perf_counter()
    shutdown = time.perf_counter() - stopping
    after = snapshot()
    assert startup < 1.0 and shutdown < 1.0, (startup, shutdown)
    assert after["threads"] == before["threads"]
    assert after["env"] == before["env"]
    assert after["constants"] == before["constants"]
    assert after["fds"] == before["fds"]
    assert not ca_path.exists()


def test_nested_emulators_restore_in_order() -> None:
    original = fal_client.client.RUN_URL_FORMAT
    with emulator(specs=SPECS) as outer:
        with emulator(specs=SPECS, key="inner") as inner:
            assert os.environ["FAL_KEY"] == "inner"
            assert inner.base_url + "/" == fal_client.client.RUN_URL_FORMAT
        assert os.environ["FAL_KEY"] == "test-key"
        assert outer.base_url + "/" == fal_client.client.RUN_URL_FORMAT
    assert original == fal_client.client.RUN_URL_FORMAT


def test_stop_is_idempotent_and_restart_is_refused() -> None:
    emu = Emulator(SPECS).start()
    with pytest.raises(RuntimeError, match="already running"):
        emu.start()
    emu.stop()
    emu.stop()


def test_fast_retries_restores_the_constants() -> None:
    before = (fal_client.client.MAX_ATTEMPTS, fal_client.client.BASE_DELAY, fal_client.client.MAX_DELAY)
    with fast_retries(max_attempts=2):
        assert fal_client.client.MAX_ATTEMPTS == 2
    assert before == (fal_client.client.MAX_ATTEMPTS, fal_client.client.BASE_DELAY, fal_client.client.MAX_DELAY)


def test_default_specs_are_the_package_data(tmp_path: Path) -> None:
    default = Path(fal_bindings.testing.__file__).parent.parent / "_specs"
    assert default.resolve() == fal_bindings.testing.DEFAULT_SPECS_DIR
    with pytest.raises(SpecError, match="not found"):
        Emulator(tmp_path / "missing")


def test_bad_specs_are_reported_with_their_file(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{\n  "openapi": "3.1.0",\n  oops\n}')
    with pytest.raises(SpecError, match=r"broken\.json:3: invalid JSON"):
        Emulator(tmp_path)
    (tmp_path / "broken.json").write_text('{"openapi": "3.1.0", "info": {}}')
    with pytest.raises(SpecError, match=r"broken\.json: info\.x-fal-metadata\.endpointId is missing"):
        Emulator(tmp_path)
    dangling = json.loads((SPECS / "fal-ai__flux-2__klein__4b__base.json").read_text())
    del dangling["components"]["schemas"]["Flux2Klein4bBaseOutput"]
    (tmp_path / "broken.json").write_text(json.dumps(dangling))
    with pytest.raises(SpecError, match=r"broken\.json: \$ref '#/components/schemas/Flux2Klein4bBaseOutput' does not"):
        Emulator(tmp_path)
    (tmp_path / "broken.json").unlink()
    spec = (SPECS / "fal-ai__flux-2__klein__4b__base.json").read_text()
    (tmp_path / "a.json").write_text(spec)
    (tmp_path / "b.json").write_text(spec)
    with pytest.raises(
        SpecError, match=r"b\.json: endpoint 'fal-ai/flux-2/klein/4b/base' is also defined in .*a\.json"
    ):
        Emulator(tmp_path)


def test_plugin_fixture_uses_the_options(fal_emulator: Emulator) -> None:
    assert fal_emulator.endpoints == sorted(p.stem.replace("__", "/") for p in SPECS.glob("*.json"))
    assert fal_client.client.MAX_ATTEMPTS == 3  # the fixture turns fast retries on


@pytest.mark.slow
def test_serve_command_prints_a_working_environment() -> None:
    package_root = Path(fal_bindings.testing.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_root), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "fal_bindings.testing", "serve", "--specs", str(SPECS), "--key", "cli-key"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("export NO_PROXY"):
            line = process.stdout.readline()
            assert line, f"serve stopped before printing its exports: {lines}"
            lines.append(line)
        exports = dict(re.findall(r"^export (\w+)=(\S+)$", "".join(lines), re.MULTILINE))
        assert exports["FAL_KEY"] == "cli-key"
        response = httpx.post(
            f"https://{exports['FAL_RUN_HOST']}/{FLUX}",
            json={"prompt": "from curl"},
            headers={"Authorization": "Key cli-key"},
            verify=ssl.create_default_context(cafile=exports["SSL_CERT_FILE"]),
        )
        assert response.json()["prompt"] == "from curl"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
