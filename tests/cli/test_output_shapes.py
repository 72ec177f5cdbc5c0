"""The CLI's readable output for every Output shape fal's documents have, in-process: an Output
whose schema is `{}` (`FalValue`) holds any JSON value, an object or not."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fal_bindings
import pytest
from fal_bindings._runtime import FalValue
from fal_bindings.cli.output import output_json, summary_lines
from fal_bindings.testing import Emulator, emulator, example_input, load_specs

from .driver import run_in_process
from .helpers import SECRET, cli_env, example_args

LIVE_SPECS = Path(fal_bindings.__file__).resolve().parent / "_specs"


def _says_nothing(schema: dict[str, Any]) -> bool:
    return all(key in ("title", "description") or key.startswith("x-") for key in schema)


# Endpoints of the live corpus whose Output schema says nothing about its value (fal's `{}`).
ANY_VALUE = [i for i, spec in load_specs().items() if _says_nothing(spec.schema(spec.output_pointer))]


@pytest.mark.parametrize(
    ("value", "lines"),
    [
        ({"text": "hi", "n": 2}, ["text: hi", "n: 2"]),
        ({}, []),
        ("a caption", ["value: a caption"]),
        ([1, "two"], ['value: [1, "two"]']),
        (None, ["value: null"]),
        (3.5, ["value: 3.5"]),
    ],
)
def test_an_any_value_output_is_summarised_whatever_it_holds(value: object, lines: list[str]) -> None:
    output = FalValue.model_validate(value)
    assert summary_lines(output) == lines
    assert output_json(output) == value


@pytest.fixture(scope="module")
def live_emulator() -> Iterator[Emulator]:
    with emulator(key=SECRET, fast_retries=True) as running:
        yield running


@pytest.mark.skipif(not ANY_VALUE, reason="no endpoint with a `{}` Output in the corpus")
def test_run_prints_an_any_value_output(live_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` of an endpoint of the corpus whose Output schema is `{}`, against the emulator: the
    summary and `--json`."""
    endpoint_id = ANY_VALUE[0]
    for name, value in cli_env(live_emulator.env, live=True).items():
        monkeypatch.setenv(name, value)
    arguments = ["run", endpoint_id, *example_args(endpoint_id, example_input(endpoint_id), LIVE_SPECS)]
    summary, as_json = run_in_process([arguments, [*arguments, "--json"]])
    # stderr holds only the request id (printed without a terminal).
    for done in (summary, as_json):
        assert done["returncode"] == 0 and re.fullmatch(r"request id: \S+\n", str(done["stderr"])), done
    assert json.loads(str(as_json["stdout"])) == {}
