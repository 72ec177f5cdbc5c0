"""Testing support for fal bindings: a local fal.ai emulator, example payloads, a pytest plugin.

    from fal_bindings.testing import emulator, example_input

    with emulator() as emu:                      # TLS on 127.0.0.1; fal-client points at it
        result = fal_client.subscribe("fal-ai/flux-2", example_input("fal-ai/flux-2"))

The pytest plugin (`fal_bindings.testing.plugin`) provides the `fal_emulator` fixture (an
`Emulator`). Steering: `Emulator.configure` (queue, latency, `error=AppError(...)`,
`output=...`), `Emulator.next_output`, `Emulator.inject(Fault...)`; inspecting:
`Emulator.requests` (`RequestRecord`), `Emulator.webhooks` (`WebhookDelivery`). The README's
"Testing against a local fal emulator" documents all of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `X as X`: explicit re-exports for type checkers
    from .._runtime.spec import SpecError as SpecError
    from ._controls import OPERATIONS as OPERATIONS
    from ._controls import AppError as AppError
    from ._controls import Behavior as Behavior
    from ._controls import BehaviorChanges as BehaviorChanges
    from ._controls import Fault as Fault
    from ._controls import RequestRecord as RequestRecord
    from ._controls import WebhookDelivery as WebhookDelivery
    from ._emulator import Emulator as Emulator
    from ._emulator import emulator as emulator
    from ._examples import example_input as example_input
    from ._examples import example_output as example_output
    from ._outputs import InvalidOutput as InvalidOutput
    from ._outputs import OutputSource as OutputSource
    from ._patch import fast_retries as fast_retries
    from ._specs import DEFAULT_SPECS_DIR as DEFAULT_SPECS_DIR
    from ._specs import EndpointSpec as EndpointSpec
    from ._specs import SpecSource as SpecSource
    from ._specs import load_specs as load_specs

# Names are imported on first use: the pytest plugin loads this package in every test session,
# and the server stack (uvicorn, starlette, fal_client, cryptography) takes ~0.4 s to import.
_EXPORTS = {
    "OPERATIONS": "_controls",
    "AppError": "_controls",
    "Behavior": "_controls",
    "BehaviorChanges": "_controls",
    "Fault": "_controls",
    "RequestRecord": "_controls",
    "WebhookDelivery": "_controls",
    "Emulator": "_emulator",
    "emulator": "_emulator",
    "example_input": "_examples",
    "example_output": "_examples",
    "InvalidOutput": "_outputs",
    "OutputSource": "_outputs",
    "fast_retries": "_patch",
    "DEFAULT_SPECS_DIR": "_specs",
    "EndpointSpec": "_specs",
    "SpecError": "_specs",
    "SpecSource": "_specs",
    "load_specs": "_specs",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next access skips this function
    return value


def __dir__() -> list[str]:
    """The loaded names and the lazily loaded ones: `dir()` and completion show them all."""
    return sorted(set(globals()) | set(__all__))
