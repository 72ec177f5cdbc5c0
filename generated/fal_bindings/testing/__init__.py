"""Testing support for fal bindings: a local fal.ai emulator, example payloads, a pytest plugin.

    from fal_bindings.testing import emulator, example_input

    with emulator() as emu:                      # TLS on 127.0.0.1; fal-client points at it
        result = fal_client.subscribe("fal-ai/flux-2", example_input("fal-ai/flux-2"))

The pytest plugin (`fal_bindings.testing.plugin`) provides the `fal_emulator` fixture.
"""

from ._controls import OPERATIONS, AppError, Behavior, BehaviorChanges, Fault, RequestRecord, WebhookDelivery
from ._emulator import Emulator, emulator
from ._examples import example_input, example_output
from ._patch import fast_retries
from ._specs import DEFAULT_SPECS_DIR, EndpointSpec, SpecError, SpecSource, load_specs

__all__ = [
    "DEFAULT_SPECS_DIR",
    "OPERATIONS",
    "AppError",
    "Behavior",
    "BehaviorChanges",
    "Emulator",
    "EndpointSpec",
    "Fault",
    "RequestRecord",
    "SpecError",
    "SpecSource",
    "WebhookDelivery",
    "emulator",
    "example_input",
    "example_output",
    "fast_retries",
    "load_specs",
]
