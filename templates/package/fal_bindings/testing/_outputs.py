"""Outputs tests choose: a fixed value or a function of the input, per endpoint
(`Emulator.configure(id, output=...)`) or for the next calls (`Emulator.next_output`), always
checked against the endpoint's Output schema so a test cannot feed its code an answer fal would
never give."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._specs import EndpointSpec
from ._validate import Detail, validation_errors

OutputFunction = Callable[[dict[str, Any]], Any]
OutputSource = Mapping[str, Any] | OutputFunction
"""What an endpoint answers: a JSON object, or a function of the input (a dict, the JSON the
client sent) returning one."""


class InvalidOutput(ValueError):
    """A chosen output does not match the endpoint's Output schema (the message names where)."""


@dataclass
class OutputRule:
    """`next_output`: answer the next `remaining` requests of `endpoint_id` (None: all)."""

    endpoint_id: str
    source: OutputSource
    remaining: int | None


def _where(details: list[Detail]) -> str:
    shown = []
    for detail in details[:5]:
        loc = [str(part) for part in detail["loc"] if part != "body"]
        shown.append(f"{'.'.join(loc) or '<root>'}: {detail['msg']}")
    more = f" (+{len(details) - 5} more)" if len(details) > 5 else ""
    return "; ".join(shown) + more


def check_source(spec: EndpointSpec, source: object) -> None:
    """A fixed output must validate now; a function is checked on each call (`produce`)."""
    if callable(source):
        return
    if not isinstance(source, Mapping):
        raise TypeError(
            f"output for {spec.endpoint_id} must be a JSON object (a dict) or a function of the "
            f"input returning one, got {type(source).__name__}"
        )
    details = validation_errors(spec.output_validator, dict(source))
    if details:
        raise InvalidOutput(
            f"output for {spec.endpoint_id} does not match its Output schema: {_where(details)}"
        )


def produce(spec: EndpointSpec, source: OutputSource, payload: Any) -> Any:
    """The output `source` gives for `payload`; `InvalidOutput` when a function's answer does not
    match the Output schema (the emulator then answers 500 with this message)."""
    if not callable(source):
        return copy.deepcopy(dict(source))
    try:
        value = source(copy.deepcopy(payload) if isinstance(payload, dict) else {})
    except Exception as exc:  # the test's function failed: say so, do not crash the server
        raise InvalidOutput(
            f"the output function for {spec.endpoint_id} raised {type(exc).__name__}: {exc}"
        ) from exc
    details = validation_errors(spec.output_validator, value)
    if details:
        raise InvalidOutput(
            f"the output function for {spec.endpoint_id} returned an output that does not match "
            f"its Output schema: {_where(details)}"
        )
    return value
