"""What the first use of an endpoint loads: its module, its models and the core runtime, not
the network, file-upload, streaming or realtime machinery (those load when a call needs them).
The time this saves is measured by `make bench`; this test keeps the import graph honest."""

from __future__ import annotations

import json
import subprocess
import sys

import fal_bindings
import pytest
from fal_bindings.testing import example_input

NOT_ON_FIRST_USE = [
    "fal_client",
    "httpx",
    "mimetypes",
    "pydantic.functional_serializers",
    "fal_bindings._runtime.handles",
    "fal_bindings._runtime.streaming",
    "fal_bindings._runtime.realtime",
    "fal_bindings.testing",
    "fal_bindings.cli",
]


@pytest.mark.slow
def test_first_use_loads_only_what_validation_needs() -> None:
    # A streaming endpoint of the live corpus (its module mentions Stream), whichever comes first.
    endpoint_id = next(i for i in fal_bindings.ENDPOINT_IDS if "streaming" in fal_bindings.registry.endpoint_class(i).capabilities)
    probe = (
        "import json, sys, fal_bindings\n"
        f"e = fal_bindings.endpoint({endpoint_id!r})\n"
        "e.input_model.model_validate(json.loads(sys.argv[1]))\n"
        f"print(json.dumps([m for m in {NOT_ON_FIRST_USE!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(example_input(endpoint_id))], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []


def test_a_call_still_finds_the_machinery_it_needs() -> None:
    """The deferred imports resolve: a stream handle type is importable through the runtime."""
    from fal_bindings._runtime import AsyncRequestHandle, RequestHandle, Stream

    assert RequestHandle.__module__.endswith("handles") and AsyncRequestHandle and Stream
