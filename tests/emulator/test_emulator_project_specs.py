"""Endpoints of specs/openapi/ through a running emulator with the real fal_client, untyped: every
streaming and realtime endpoint with each of its capabilities, and a deterministic sample of the
others (typed `subscribe` of every endpoint: tests/runtime/test_corpus_e2e.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fal_client
import pytest
from fal_bindings.testing import Emulator, emulator, example_input, load_specs

from tests.support.sampling import stable_sample

PROJECT_SPECS = Path(__file__).resolve().parents[2] / "specs" / "openapi"
SPECS = load_specs(PROJECT_SPECS) if any(PROJECT_SPECS.rglob("*.json")) else {}
CASES = sorted({*stable_sample(SPECS, 16), *(i for i, spec in SPECS.items() if set(spec.capabilities) - {"queue"})})
pytestmark = pytest.mark.skipif(not SPECS, reason=f"no specs in {PROJECT_SPECS}")


@pytest.fixture(scope="module")
def project_emulator() -> Iterator[Emulator]:
    with emulator(specs=PROJECT_SPECS, fast_retries=True) as emu:
        yield emu


@pytest.fixture(scope="module")
def project_client(project_emulator: Emulator) -> Iterator[fal_client.SyncClient]:
    client = fal_client.SyncClient(key=project_emulator.key)
    yield client
    pool = vars(client).get("_client")
    if pool is not None:
        pool.close()


def test_the_cases_hold_every_streaming_and_realtime_endpoint() -> None:
    for endpoint_id, spec in SPECS.items():
        assert endpoint_id in CASES or spec.capabilities == ("queue",), endpoint_id


@pytest.mark.parametrize("endpoint_id", CASES or ["none"])
def test_every_capability_of_the_endpoint(project_client: fal_client.SyncClient, endpoint_id: str) -> None:
    spec = SPECS[endpoint_id]
    arguments = example_input(endpoint_id, specs=PROJECT_SPECS)
    outputs: list[Any] = [project_client.subscribe(endpoint_id, arguments)]
    if "streaming" in spec.capabilities:
        outputs += list(project_client.stream(endpoint_id, arguments))
    if "realtime" in spec.capabilities:
        with project_client.realtime(endpoint_id) as connection:
            connection.send(arguments)
            outputs.append(connection.recv())
    for output in outputs:
        assert [e.message for e in spec.output_validator.iter_errors(output)] == []
