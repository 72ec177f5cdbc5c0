# Copied from templates/package/fal_bindings/testing/_examples.py by falgen. Edit the source, then run make generate.
"""Example input/output payloads per endpoint, guaranteed to validate against their schemas."""

from __future__ import annotations

import copy
import threading
from typing import Any, Literal

from .._runtime.spec import SpecError
from ._specs import EndpointSpec, SpecSource, load_specs, lookup
from ._synth import Synthesizer, placeholder_file_url

Kind = Literal["input", "output"]

_lock = threading.Lock()
_corrected: dict[tuple[EndpointSpec, Kind], Any] = {}


def example_input(endpoint_id: str, *, specs: SpecSource | None = None) -> dict[str, Any]:
    """The endpoint's documented input example, repaired if it does not match its own schema.

    Without an example, the smallest valid input (required fields only) is synthesized.
    `specs` defaults to the package's bundled specs.
    """
    spec = lookup(load_specs(specs), endpoint_id)
    value = _as_object(spec, "input")
    # The bindings' Input models reject keys the schema does not declare (typos fail loudly),
    # so a fixture keeps only declared ones, even where the page's example shows more.
    declared = spec.schema(spec.input_pointer).get("properties")
    if isinstance(declared, dict) and declared:
        value = {key: item for key, item in value.items() if key in declared}
    return value


def example_output(endpoint_id: str, *, specs: SpecSource | None = None) -> dict[str, Any]:
    """The endpoint's documented output example, repaired if it does not match its own schema.

    Without an example, a full output is synthesized; its file URLs use the never-resolving
    `fal-emulator.invalid` host (a running emulator serves its own instead).
    """
    return _as_object(lookup(load_specs(specs), endpoint_id), "output")


def corrected_example(spec: EndpointSpec, kind: Kind) -> Any:
    """The (cached, shared: copy before mutating) valid example of an endpoint's input or output."""
    with _lock:
        if (spec, kind) in _corrected:
            return _corrected[spec, kind]
    pointer = spec.input_pointer if kind == "input" else spec.output_pointer
    synthesizer = Synthesizer(spec, placeholder_file_url, required_only=kind == "input")
    example = spec.example(pointer)
    value = (
        synthesizer.synthesize(pointer) if example is None else synthesizer.repair(example, pointer)
    )
    with _lock:
        _corrected[spec, kind] = value
    return value


def _as_object(spec: EndpointSpec, kind: Kind) -> dict[str, Any]:
    value = corrected_example(spec, kind)
    if not isinstance(value, dict):
        raise SpecError(
            f"{spec.source}: the {kind} schema of {spec.endpoint_id!r} is not an object"
        )
    return copy.deepcopy(value)
