"""What a project that installed `fal-bindings` relies on, checked against the installed package
only: in this repository's suite the editable install of generated/, in the release workflow
(and tests/render/test_install.py) the built wheel in a fresh environment. Imports nothing of
this repository, so the folder runs anywhere: `pytest tests/downstream` from a copy.

A stable sample of endpoints keeps the suite quick at thousands of endpoints;
`FAL_BINDINGS_TEST_ALL=1` (the release workflow) checks every one."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import fal_bindings
import pytest
from fal_bindings.testing import Emulator, example_input, example_output

SAMPLE = 25


def _sample(ids: tuple[str, ...]) -> list[str]:
    if os.environ.get("FAL_BINDINGS_TEST_ALL") == "1" or len(ids) <= SAMPLE:
        return list(ids)
    step = len(ids) / SAMPLE
    return [ids[int(index * step)] for index in range(SAMPLE)]


def test_the_distribution_carries_its_version_types_and_data() -> None:
    assert importlib.metadata.version("fal-bindings") == fal_bindings.__version__
    package = files("fal_bindings")
    assert package.joinpath("py.typed").is_file()
    catalog = json.loads(package.joinpath("_catalog.json").read_text(encoding="utf-8"))
    assert sorted(entry["id"] for entry in catalog) == list(fal_bindings.ENDPOINT_IDS)
    specs = [entry.name for entry in package.joinpath("_specs").iterdir() if entry.name.endswith(".json")]
    assert len(specs) == len(fal_bindings.ENDPOINT_IDS) > 0


@pytest.mark.parametrize("endpoint_id", _sample(fal_bindings.ENDPOINT_IDS))
def test_an_endpoint_loads_and_its_examples_validate(endpoint_id: str) -> None:
    endpoint = fal_bindings.endpoint(endpoint_id)
    assert endpoint.endpoint_id == endpoint_id
    endpoint.Input.model_validate(example_input(endpoint_id))
    endpoint.Output.model_validate(example_output(endpoint_id))


def test_a_typed_call_reaches_the_emulator_through_fal_client(fal_emulator: Emulator) -> None:
    """The `fal_emulator` fixture arrives through the installed pytest plugin (entry point)."""
    endpoint_id = fal_bindings.ENDPOINT_IDS[0]
    endpoint = fal_bindings.endpoint(endpoint_id)
    output = endpoint.subscribe(**example_input(endpoint_id))
    assert isinstance(output, endpoint.Output)
    assert any(record.endpoint_id == endpoint_id for record in fal_emulator.requests)


@pytest.mark.slow  # starts the console script
def test_the_console_script_lists_every_endpoint() -> None:
    script = Path(sys.executable).parent / "fal-bindings"
    done = subprocess.run([str(script), "list", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert sorted(entry["id"] for entry in listed) == list(fal_bindings.ENDPOINT_IDS)
