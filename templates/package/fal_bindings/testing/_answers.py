"""What the emulated app answers to an input: validation errors, the configured error, or an
output (queued by `next_output`, configured, or the endpoint's example); the run host returns it
as is, the queue, stream and realtime parts wrap it."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse, Response

from .._runtime.spec import carries_files, dig
from ._app_state import AppState
from ._controls import Behavior
from ._examples import corrected_example
from ._http import FILES, Exchange
from ._outputs import InvalidOutput, OutputRule, OutputSource, produce
from ._specs import EndpointSpec
from ._synth import Synthesizer, localize_file_urls
from ._validate import describe, validation_errors


class Answers(AppState):
    next_outputs: list[OutputRule]
    _outputs: dict[str, Any]  # the example output per endpoint, built once

    async def _run(self, exchange: Exchange, spec: EndpointSpec) -> Response:
        payload = await self._json_body(exchange)
        behavior = self.behavior(spec.endpoint_id)
        status, body = self._execute(spec, payload, behavior)
        if behavior.processing_time:
            await asyncio.sleep(behavior.processing_time)
        return JSONResponse(body, status, headers={"x-fal-request-id": str(uuid.uuid4())})

    def _execute(self, spec: EndpointSpec, payload: Any, behavior: Behavior) -> tuple[int, Any]:
        """The app's answer to `payload`: (HTTP status, JSON body)."""
        details = validation_errors(spec.input_validator, payload)
        if details:
            return 422, {"detail": details}
        if behavior.error is not None:
            return behavior.error.status, behavior.error.body()
        source = self._take_output(spec.endpoint_id)
        if source is None:
            source = behavior.output
        if source is None:
            return 200, self.output(spec, payload)
        try:
            return 200, produce(spec, source, payload)
        except InvalidOutput as exc:
            return 500, {"detail": str(exc), "error_type": "emulator_output_invalid"}

    def _take_output(self, endpoint_id: str) -> OutputSource | None:
        """The output `next_output` queued for the endpoint's next request, if any."""
        rule = self._take(self.next_outputs, lambda rule: rule.endpoint_id == endpoint_id)
        return None if rule is None else rule.source

    def output(self, spec: EndpointSpec, payload: Mapping[str, Any]) -> Any:
        """A schema-valid output: the endpoint's (repaired) example with emulator-served file URLs,
        echoing top-level input fields the output also has (e.g. `prompt`, `seed`) when valid.
        Values that hold files are not echoed: an output's files are the emulator's to serve."""
        base = self._base_output(spec)
        output = copy.deepcopy(base)
        if not isinstance(output, dict):
            return output
        properties = dig(spec.schema(spec.output_pointer), "properties")
        properties = properties if isinstance(properties, dict) else {}
        shared = [
            name
            for name in output
            if name in payload
            and not carries_files(properties.get(name) or {})
            and self._holds_no_file(spec, {name: payload[name]})
        ]
        if not shared:
            return output
        everything = {**output, **{name: payload[name] for name in shared}}
        if spec.output_validator.is_valid(everything):  # the usual case: one validation
            return everything
        for name in shared:
            candidate = {**output, name: payload[name]}
            if spec.output_validator.is_valid(candidate):
                output = candidate
        return output

    def _holds_no_file(self, spec: EndpointSpec, part: dict[str, Any]) -> bool:
        """Whether the top-level output fields `part` hold no URL the emulator would serve."""
        own = self.base_url + "/"
        served = localize_file_urls(part, lambda _s, _e: own, own, spec, spec.output_pointer)
        return bool(served == part)

    def _base_output(self, spec: EndpointSpec) -> Any:
        with self.lock:
            if spec.endpoint_id in self._outputs:
                return self._outputs[spec.endpoint_id]
        files = self.base_url + FILES + "/generated"

        def file_url(stem: str, extension: str) -> str:
            return f"{files}/{stem}.{extension}"

        output = localize_file_urls(
            corrected_example(spec, "output"),
            file_url,
            self.base_url + "/",
            spec,
            spec.output_pointer,
        )
        if not spec.output_validator.is_valid(output):
            output = Synthesizer(spec, file_url).synthesize(spec.output_pointer)
        with self.lock:
            self._outputs[spec.endpoint_id] = output
        return output


def error_message(detail: Any) -> str:
    """An error `detail` as one line: validation details described, anything else as JSON."""
    if isinstance(detail, list) and all(isinstance(d, dict) and "loc" in d for d in detail):
        return describe(detail)
    return detail if isinstance(detail, str) else json.dumps(detail)
