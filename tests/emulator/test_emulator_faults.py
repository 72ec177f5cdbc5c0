"""Errors the way fal answers them, and injected faults: what the real fal_client makes of them."""

from __future__ import annotations

import time
from typing import Any

import fal_client
import httpx
import pytest
from fal_bindings.testing import AppError, Emulator, Fault, emulator

from tests.golden.trees import specs as golden_specs

SPECS = golden_specs("emulator")
FLUX = "fal-ai/flux-2/klein/4b/base"
STREAM = "fal-ai/flux-krea-lora/stream"


def http_error(call: Any, *args: Any, **kwargs: Any) -> fal_client.FalClientHTTPError:
    with pytest.raises(fal_client.FalClientHTTPError) as info:
        call(*args, **kwargs)
    return info.value


@pytest.mark.parametrize(
    "arguments, loc, kind",
    [
        ({}, ["body", "prompt"], "missing"),
        ({"prompt": ""}, ["body", "prompt"], "string_too_short"),
        ({"prompt": "p", "num_images": 9}, ["body", "num_images"], "less_than_equal"),
        ({"prompt": "p", "guidance_scale": "high"}, ["body", "guidance_scale"], "float_type"),
        ({"prompt": "p", "acceleration": "max"}, ["body", "acceleration"], "literal_error"),
        ({"prompt": "p", "image_size": "huge"}, ["body", "image_size"], "literal_error"),
        ({"prompt": "p", "image_size": {"width": 8}}, ["body", "image_size", "width"], "greater_than_equal"),
        ({"prompt": "p", "loras": [{"path": "x", "scale": 9}]}, ["body", "loras", 0, "scale"], "less_than_equal"),
        ({"prompt": "p", "loras": [{"path": "x", "weight": 1}]}, ["body", "loras", 0, "weight"], "extra_forbidden"),
        ({"prompt": "p", "seed": 1.5}, ["body", "seed"], "int_type"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(
    client: fal_client.SyncClient, arguments: dict[str, Any], loc: list[Any], kind: str
) -> None:
    error = http_error(client.run, FLUX, arguments)
    assert error.status_code == 422
    details: Any = error.message  # fal-client passes fal's `detail` list through as the message
    assert isinstance(details, list)
    assert {"loc": loc, "msg": details[0]["msg"], "type": kind} in details


def test_queued_invalid_input_completes_with_an_error(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    events: list[fal_client.Status] = []
    error = http_error(client.subscribe, FLUX, {"prompt": 3}, on_queue_update=events.append)
    assert error.status_code == 422
    details: Any = error.message
    assert details[0]["loc"] == ["body", "prompt"]
    completed = events[-1]
    assert isinstance(completed, fal_client.Completed)
    assert completed.error == "body.prompt: Input should be a valid string"
    assert completed.error_type == "validation_error"


def test_malformed_json_is_a_422(fal_emulator: Emulator) -> None:
    response = httpx.post(
        f"{fal_emulator.base_url}/{FLUX}", content=b"{nope", headers={"Authorization": f"Key {fal_emulator.key}"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_missing_or_wrong_key_is_401(fal_emulator: Emulator) -> None:
    error = http_error(fal_client.SyncClient(key="wrong").run, FLUX, {"prompt": "p"})
    assert error.status_code == 401
    assert error.message == "Invalid API key"
    response = httpx.post(f"{fal_emulator.base_url}/{FLUX}", json={"prompt": "p"})
    assert response.status_code == 401
    assert "Authorization" in response.json()["detail"]
    assert all("wrong" not in str(record) for record in fal_emulator.requests)


def test_the_key_never_reaches_the_request_log(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    client.subscribe(FLUX, {"prompt": "p"})
    assert fal_emulator.requests
    assert all(r.headers["authorization"] == "Key <redacted>" for r in fal_emulator.requests)
    assert fal_emulator.key not in repr(fal_emulator.requests)


def test_unknown_endpoint_is_404(client: fal_client.SyncClient) -> None:
    error = http_error(client.run, "fal-ai/no-such-model", {"prompt": "p"})
    assert error.status_code == 404
    assert "fal-ai/no-such-model" in error.message
    assert http_error(client.submit, "fal-ai/no-such-model", {}).status_code == 404
    assert http_error(client.run, FLUX, {}, path="extra").status_code == 404


def test_429_is_retried_until_it_succeeds(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.inject(Fault.http(429), times=2, on="submit")
    client.subscribe(FLUX, {"prompt": "p"})
    submits = [r.status for r in fal_emulator.requests if r.operation == "submit"]
    assert submits == [429, 429, 200]


def test_500_surfaces_without_retry(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.inject(Fault.http(500, "boom"), endpoint=FLUX, on="run")
    error = http_error(client.run, FLUX, {"prompt": "p"})
    assert (error.status_code, error.message) == (500, "boom")
    assert [r.status for r in fal_emulator.requests] == [500]
    assert client.run(FLUX, {"prompt": "p"})["prompt"] == "p"  # the fault was used up


def test_503_is_retried_only_when_it_looks_like_the_ingress(
    fal_emulator: Emulator, client: fal_client.SyncClient
) -> None:
    fal_emulator.inject(Fault.http(503, ingress=True), times=2)
    client.run(FLUX, {"prompt": "p"})
    fal_emulator.inject(Fault.http(503))
    assert http_error(client.run, FLUX, {"prompt": "p"}).status_code == 503
    assert [r.status for r in fal_emulator.requests] == [503, 503, 200, 503]


def test_faults_until_cleared_exhaust_the_retries(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.inject(Fault.http(429), times=None, on=["status"])
    handle = client.submit(FLUX, {"prompt": "p"})
    assert http_error(handle.status).status_code == 429
    assert len([r for r in fal_emulator.requests if r.operation == "status"]) == 3  # fast_retries: 3 attempts
    fal_emulator.clear_faults()
    assert isinstance(handle.status(), fal_client.Completed)


def test_dropped_connection_is_retried(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.inject(Fault.dropped(), on="result")
    assert client.subscribe(FLUX, {"prompt": "p"})["prompt"] == "p"
    results = [r.status for r in fal_emulator.requests if r.operation == "result"]
    assert results == [None, 200]


def test_slow_responses_and_latency(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.inject(Fault.slow(0.3), on="run")
    started = time.perf_counter()
    client.run(FLUX, {"prompt": "p"})
    assert time.perf_counter() - started >= 0.3
    fal_emulator.configure(FLUX, latency=0.2)
    started = time.perf_counter()
    client.run(FLUX, {"prompt": "p"})
    assert time.perf_counter() - started >= 0.2


def test_completed_with_an_app_error(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(FLUX, error=AppError(500, "CUDA out of memory", "runner_error"))
    events: list[fal_client.Status] = []
    error = http_error(client.subscribe, FLUX, {"prompt": "p"}, on_queue_update=events.append)
    assert (error.status_code, error.message, error.error_type) == (500, "CUDA out of memory", "runner_error")
    assert events[-1] == fal_client.Completed(
        logs=None, metrics={"inference_time": 0.0}, error="CUDA out of memory", error_type="runner_error"
    )
    assert http_error(client.run, FLUX, {"prompt": "p"}).status_code == 500
    fal_emulator.configure(FLUX, error=None)
    assert client.run(FLUX, {"prompt": "p"})["prompt"] == "p"


def test_oversized_bodies_get_413() -> None:
    with emulator(specs=SPECS, max_body_bytes=1000):
        client = fal_client.SyncClient(key="test-key")
        error = http_error(client.run, FLUX, {"prompt": "x" * 1000})
        assert error.status_code == 413
        assert error.message == "Request body too large: 1013 bytes (limit 1000)"  # {"prompt":"x…"}
        assert client.run(FLUX, {"prompt": "x" * 900})["prompt"] == "x" * 900
        vars(client)["_client"].close()


def test_controls_reject_bad_settings(fal_emulator: Emulator) -> None:
    with pytest.raises(KeyError, match="did you mean"):
        fal_emulator.configure("fal-ai/flux-2/klein/4b/bse", queue_polls=1)
    with pytest.raises(TypeError, match="queue_pols"):
        fal_emulator.configure(queue_pols=1)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="queue_polls"):
        fal_emulator.configure(queue_polls=-1)
    with pytest.raises(ValueError, match="unknown operations"):
        fal_emulator.inject(Fault.http(500), on="runn")
    with pytest.raises(ValueError, match="needs a status"):
        Fault()
    assert fal_emulator.behavior() == fal_emulator.behavior(FLUX)


def test_reset_forgets_everything(fal_emulator: Emulator, client: fal_client.SyncClient) -> None:
    fal_emulator.configure(FLUX, queue_polls=3)
    fal_emulator.inject(Fault.http(500), times=None)
    fal_emulator.reset()
    assert client.subscribe(FLUX, {"prompt": "p"})["prompt"] == "p"
    assert [r.operation for r in fal_emulator.requests] == ["submit", "status", "result"]
