# Copied from templates/package/fal_bindings/testing/_queue.py by falgen. Edit the source, then run make generate.
"""fal's queue host: submit, status (with queue positions and logs), result and cancel of queued
requests, and the webhook call when one completes."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from starlette.responses import JSONResponse, Response

from ._answers import Answers, error_message
from ._controls import Behavior, WebhookDelivery
from ._http import QUEUE, Exchange, HTTPError
from ._specs import EndpointSpec
from ._webhooks import deliver

_CANCELLED = "Request was cancelled"
_NOT_DONE = "Request is still in progress"


@dataclass
class Job:
    """A queued request. Its outcome is decided at submission; polls only reveal it."""

    request_id: str
    spec: EndpointSpec
    app_path: str
    behavior: Behavior
    created: float
    result_status: int
    result_body: Any
    error: str | None
    error_type: str | None
    webhook: str | None
    logs: list[dict[str, Any]]
    polls: int = 0
    done: bool = False


class Queue(Answers):
    jobs: dict[str, Job]
    deliveries: list[WebhookDelivery]
    allow_external_webhooks: bool
    _tasks: set[asyncio.Task[None]]  # webhook deliveries under way, kept from garbage collection

    async def _submit(self, exchange: Exchange, spec: EndpointSpec) -> Response:
        payload = await self._json_body(exchange)
        behavior = self.behavior(spec.endpoint_id)
        # Like fal's queue, submission accepts any JSON; the app's verdict (a 422 included)
        # becomes the request's result.
        status, body = self._execute(spec, payload, behavior)
        error, error_type = _error_summary(status, body)
        request_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc).isoformat()
        logs = [
            {
                "message": f"Processing step {step}/{behavior.progress_polls}",
                "level": "INFO",
                "source": "user",
                "timestamp": now,
            }
            for step in range(1, behavior.progress_polls + 1)
        ]
        job = Job(
            request_id=request_id,
            spec=spec,
            app_path=queue_app_path(spec.endpoint_id),
            behavior=behavior,
            created=time.monotonic(),
            result_status=status,
            result_body=body,
            error=error,
            error_type=error_type,
            webhook=exchange.request.query_params.get("fal_webhook"),
            logs=logs,
        )
        with self.lock:
            self.jobs[request_id] = job
        if job.webhook:
            task = asyncio.get_running_loop().create_task(self._deliver_webhook(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        body = {
            "status": "IN_QUEUE",
            "queue_position": max(behavior.queue_polls - 1, 0),
            **self._job_urls(job),
            "logs": None,
            "metrics": {},
        }
        return JSONResponse(body, headers={"x-fal-request-id": request_id})

    async def _status(self, exchange: Exchange, job: Job) -> Response:
        with_logs = exchange.request.query_params.get("logs", "0").lower() in ("1", "true")
        with self.lock:
            job.polls += 1
            state, count = self._state(job)
        body: dict[str, Any] = {"status": state, **self._job_urls(job)}
        if state == "IN_QUEUE":
            body.update(queue_position=count, logs=None)
            return JSONResponse(body, 202)
        if state == "IN_PROGRESS":
            body["logs"] = job.logs[:count] if with_logs else None
            return JSONResponse(body, 202)
        body.update(
            logs=job.logs if with_logs else None,
            metrics={"inference_time": job.behavior.processing_time},
        )
        if job.error is not None:
            body.update(error=job.error, error_type=job.error_type)
        return JSONResponse(body)

    def _state(self, job: Job) -> tuple[str, int]:
        """(status, queue position or log lines shown) after `job.polls` polls; needs `lock`."""
        if not job.done:
            queued, progressing = job.behavior.queue_polls, job.behavior.progress_polls
            if queued + progressing > 0 and job.polls <= queued + progressing:
                if job.polls <= queued:
                    return "IN_QUEUE", max(queued - max(job.polls, 1), 0)
                return "IN_PROGRESS", job.polls - queued
            if time.monotonic() - job.created < job.behavior.processing_time:
                return "IN_PROGRESS", progressing
            job.done = True
        return "COMPLETED", len(job.logs)

    async def _result(self, job: Job) -> Response:
        with self.lock:
            state, _ = self._state(job)
        if state != "COMPLETED":
            raise HTTPError(400, _NOT_DONE)
        return JSONResponse(
            job.result_body, job.result_status, headers={"x-fal-request-id": job.request_id}
        )

    async def _cancel(self, job: Job) -> Response:
        with self.lock:
            state, _ = self._state(job)
            if state == "COMPLETED":
                return JSONResponse({"status": "ALREADY_COMPLETED"}, 400)
            # A cancelled request completes at once: the sync client keeps polling after its
            # client_timeout cancel, and would otherwise poll forever.
            job.done = True
            job.result_status, job.result_body = 400, {"detail": _CANCELLED}
            job.error, job.error_type = _CANCELLED, None
        return JSONResponse({"status": "CANCELLATION_REQUESTED"}, 202)

    def _job_urls(self, job: Job) -> dict[str, str]:
        base = f"{self.base_url}{QUEUE}/{job.app_path}/requests/{job.request_id}"
        return {
            "request_id": job.request_id,
            "response_url": base,
            "status_url": base + "/status",
            "cancel_url": base + "/cancel",
        }

    async def _deliver_webhook(self, job: Job) -> None:
        wait = job.created + job.behavior.processing_time - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        with self.lock:
            job.done = True
            status, result = job.result_status, job.result_body
        body: dict[str, Any] = {
            "request_id": job.request_id,
            "gateway_request_id": job.request_id,
            "status": "OK" if status < 400 else "ERROR",
            "payload": result,
        }
        if status >= 400:
            body["error"] = f"Invalid status code: {status}"
        assert job.webhook is not None
        delivery = await deliver(
            job.webhook, job.request_id, body, allow_external=self.allow_external_webhooks
        )
        with self.lock:
            self.deliveries.append(delivery)


def queue_app_path(endpoint_id: str) -> str:
    """`fal-ai/flux-2/klein/4b/base` -> `fal-ai/flux-2`: fal's queue URLs drop the app sub-path
    (the `workflows/` and `comfy/` namespaces are kept)."""
    parts = endpoint_id.split("/")
    size = 3 if parts[0] in ("workflows", "comfy") else 2
    return "/".join(parts[:size])


def _error_summary(status: int, body: Any) -> tuple[str | None, str | None]:
    """COMPLETED's `error` and `error_type` for a failed result."""
    if status < 400:
        return None, None
    detail = body.get("detail") if isinstance(body, dict) else body
    error_type = body.get("error_type") if isinstance(body, dict) else None
    if status == 422 and error_type is None:
        error_type = "validation_error"
    return error_message(detail), error_type
