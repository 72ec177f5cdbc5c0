# Copied from templates/package/fal_bindings/testing/_examples.py by falgen. Edit the source, then run make generate.
"""Example input/output payloads per endpoint, guaranteed to validate against their schemas."""

from __future__ import annotations

import copy
import threading
from typing import Any, Literal

from .._runtime.spec import SpecError, resolve
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
    # The bindings' Input models (nested ones too) reject keys the schema does not declare (typos
    # fail loudly), so a fixture keeps only declared ones, even where the docs' example shows more
    # (`falgen parse` reports those examples: `example-mismatch`).
    value = _declared_only(spec, {"$ref": spec.input_pointer}, _input_object(spec), 0)
    assert isinstance(value, dict)
    return value


def example_output(endpoint_id: str, *, specs: SpecSource | None = None) -> Any:
    """The endpoint's documented output example, repaired if it does not match its own schema.

    Without an example, a full output is synthesized; its file URLs use the never-resolving
    `fal-emulator.invalid` host (a running emulator serves its own instead). A JSON object, except
    where the Output schema is not one (then any JSON value it allows; `{}` gives an object).
    """
    value = corrected_example(lookup(load_specs(specs), endpoint_id), "output")
    return copy.deepcopy(value)


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


def _input_object(spec: EndpointSpec) -> dict[str, Any]:
    # fal's queue takes a JSON object as the request body (fal-client sends nothing else).
    value = corrected_example(spec, "input")
    if not isinstance(value, dict):
        raise SpecError(f"{spec.source}: the input schema of {spec.endpoint_id!r} is not an object")
    return copy.deepcopy(value)


_MAX_DEPTH = 64


def _declared_only(spec: EndpointSpec, node: Any, value: Any, depth: int) -> Any:
    """`value` without the keys of closed objects (`properties`, no `additionalProperties`) that
    their schema does not declare, at any depth (through `$ref`s, lists and unions)."""
    node = _resolved(spec, node)
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [_declared_only(spec, node["items"], item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    properties = node.get("properties")
    if (
        isinstance(properties, dict)
        and properties
        and node.get("additionalProperties") in (None, False)
    ):
        return {
            key: _declared_only(spec, properties[key], item, depth + 1)
            for key, item in value.items()
            if key in properties
        }
    variants = [v for key in ("anyOf", "oneOf", "allOf") for v in node.get(key) or []]
    objects = [_resolved(spec, v) for v in variants]
    objects = [v for v in objects if isinstance(v.get("properties"), dict) and v["properties"]]
    if objects:  # the object variant that declares most of the value's keys
        best = max(objects, key=lambda v: len(value.keys() & v["properties"].keys()))
        return _declared_only(spec, best, value, depth + 1)
    return value


def _resolved(spec: EndpointSpec, node: Any) -> dict[str, Any]:
    """`node` with its `$ref`s and single-member `allOf`s followed (`{}` for a schema that is not
    an object, e.g. `true`); a dangling `$ref` is a SpecError naming the spec and the `$ref`."""
    return resolve(spec.document, node, spec.source) if isinstance(node, dict) else {}
