"""A local fal model API (`GET /v1/models`) over a folder of fal OpenAPI documents.

It behaves like the API in fal's reference (see README, "`falgen fetch catalog`"): cursor pagination
with opaque cursors, a `limit` capped by the server (lower with `expand=openapi-3.0`), `endpoint_id`
batches of 1 to 50 (51 -> 400), `category`, `status`, `q`, `expand=openapi-3.0` (without it a
model has no `openapi` field); and it misbehaves on demand: 429 with `Retry-After`, injected
5xx, malformed entries, models that disappear or are deprecated between runs, gzip bodies.

fal's listing metadata is synthesized deterministically from each document (fal's documents
do not carry it): the display name from the id (`fal-ai/flux/dev` -> `Flux Dev`), the fine
category from the document's coarse category and its Input fields (`image` with an
`image_url` -> `image-to-image`), tags from the coarse category, plus keys falgen does not keep
(`updated_at`, `thumbnail_url`, `kind`). A document that already holds `info.x-fal-model` (one
`falgen fetch catalog` wrote) is served with that metadata instead, so serving a fetched folder
gives back the same files.

Used by the tests (`with ModelAPI(folder) as api: ... api.url`) and by hand:
`python -m tests.support.model_api DIR`. It listens on 127.0.0.1 only, every handler
is bounded, and it shuts itself down after `lifetime` seconds whatever its user does.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import gzip
import hashlib
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

EXPAND_OPENAPI = "openapi-3.0"
MAX_IDS = 50
X_MODEL = "x-fal-model"
MALFORMED_KINDS = ("openapi-not-object", "no-endpoint-id", "not-an-object", "other-endpoint", "no-openapi")
"""What `break_entry` can do to a model's entry."""


def display_name(endpoint_id: str) -> str:
    """`fal-ai/kling-video/v2.1/pro` -> `Kling Video V2.1 Pro` (the owner is left out)."""
    parts = endpoint_id.split("/")[1:] or endpoint_id.split("/")
    words = [word for part in parts for word in part.replace("_", "-").split("-") if word]
    return " ".join(word[:1].upper() + word[1:] for word in words)


def _input_fields(document: dict[str, Any]) -> set[str]:
    for path, item in (document.get("paths") or {}).items():
        post = item.get("post") if isinstance(item, dict) else None
        if isinstance(post, dict) and "{request_id}" not in path:
            schema = post.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
            node = (document.get("components") or {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
            return set(node.get("properties") or {}) if isinstance(node, dict) else set()
    return set()


def fine_category(endpoint_id: str, coarse: str, document: dict[str, Any]) -> str:
    """A plausible fal category (`text-to-image`) from the id, else the coarse family and the
    Input's file fields."""
    for part in endpoint_id.split("/"):
        if "-to-" in part:
            return part
    fields = _input_fields(document)
    has = {kind for kind in ("image", "video", "audio") if any(n.startswith(kind) and n.endswith(("_url", "_urls")) for n in fields)}
    source = next((kind for kind in ("video", "image", "audio") if kind in has), "text")
    target = {"image": "image", "video": "video", "audio": "audio", "speech": "speech", "3d": "3d"}.get(coarse)
    if target is None:
        return coarse
    return f"{source}-to-{target}" if source != target else f"{target}-to-{target}"


@dataclass
class Model:
    """One model the API knows: its document (without `x-fal-model`) and listing metadata."""

    endpoint_id: str
    document: Any
    metadata: dict[str, Any]
    broken: str | None = None
    """A MALFORMED_KINDS entry: how its listing entry is served broken."""
    relisted: list[Any] = field(default_factory=list)
    """Documents of further entries for this model, served right after its own (fal listing a
    model more than once)."""

    def entry(self, expand: bool) -> Any:
        entry: dict[str, Any] = {"endpoint_id": self.endpoint_id, "metadata": self.metadata}
        if expand:
            entry["openapi"] = self.document
        if self.broken == "not-an-object":
            return [self.endpoint_id]
        if self.broken == "no-endpoint-id":
            del entry["endpoint_id"]
        elif self.broken == "openapi-not-object" and expand:
            entry["openapi"] = "<html>internal error</html>"
        elif self.broken == "no-openapi":
            entry.pop("openapi", None)
        elif self.broken == "other-endpoint" and expand:
            entry["openapi"] = copy.deepcopy(self.document)
            entry["openapi"]["info"]["x-fal-metadata"]["endpointId"] = "someone/else"
        return entry


    def again(self, expand: bool) -> list[Any]:
        """The further entries `relisted` asks for."""
        return [{"endpoint_id": self.endpoint_id, "metadata": self.metadata, **({"openapi": d} if expand else {})} for d in self.relisted]


def model_from_document(document: dict[str, Any], fallback_id: str = "") -> Model:
    """A model for a fal document: metadata from its `x-fal-model` when it has one, else made
    up from the document (see the module's docstring)."""
    document = copy.deepcopy(document)
    info = document.setdefault("info", {})
    facts = info.get("x-fal-metadata") or {}
    endpoint_id = facts.get("endpointId") or fallback_id
    coarse = str(facts.get("category") or "unknown")
    kept = info.pop(X_MODEL, None)
    if isinstance(kept, dict):
        metadata = {
            "display_name": kept.get("displayName"), "category": kept.get("category"),
            "description": kept.get("description"), "status": kept.get("status", "active"),
            "tags": kept.get("tags", []), "date": kept.get("date"),
        }
        metadata = {key: value for key, value in metadata.items() if value is not None}
    else:
        metadata = {
            "display_name": display_name(endpoint_id),
            "category": fine_category(endpoint_id, coarse, document),
            "description": f"{display_name(endpoint_id)} (a test fixture)",
            "status": "active",
            "tags": [coarse],
            "date": "2025-01-01T00:00:00Z",
        }
    metadata.update({
        "updated_at": "2025-06-01T00:00:00Z",
        "thumbnail_url": f"https://example.invalid/{endpoint_id}.png",
        "model_url": f"https://fal.run/{endpoint_id}",
        "highlighted": False,
        "pinned": False,
        "kind": "inference",  # a key falgen does not know
    })
    return Model(endpoint_id, document, metadata)


@dataclass
class Request:
    """One request the API answered (no header values: `authorized` says if a key came)."""

    path: str
    params: list[tuple[str, str]]
    status: int
    authorized: bool
    at: float

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.params if key == name]


@dataclass
class _Fault:
    status: int | None
    """None: answer normally (after `delay`)."""
    times: int
    retry_after: str | None = None
    after: int = 0
    """Requests answered normally before this fault starts."""
    delay: float = 0.0


@dataclass
class ModelAPI:
    """The API over `folder` (every `*.json` in it, by `info.x-fal-metadata.endpointId`)."""

    folder: Path | None = None
    default_limit: int = 20
    max_limit: int = 100
    max_limit_expanded: int = 20
    key: str | None = None
    """When set, a request with another key gets 401 (no key is allowed, as on fal)."""
    gzip: bool = False
    lifetime: float = 600.0
    models: dict[str, Model] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.folder is not None:
            for path in sorted(self.folder.glob("*.json")):
                self.put(model_from_document(json.loads(path.read_bytes()), path.stem.replace("__", "/")))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._timer = threading.Timer(self.lifetime, self._httpd.shutdown)
        self._timer.daemon = True

    # -- the catalogue, changed by tests between runs --------------------------------------

    def put(self, model: Model) -> None:
        with self._lock:
            self.models[model.endpoint_id] = model

    def add(self, document: dict[str, Any]) -> Model:
        model = model_from_document(document)
        self.put(model)
        return model

    def remove(self, endpoint_id: str) -> None:
        with self._lock:
            del self.models[endpoint_id]

    def deprecate(self, endpoint_id: str) -> None:
        with self._lock:
            self.models[endpoint_id].metadata["status"] = "deprecated"

    def change(self, endpoint_id: str, edit: Any) -> None:
        """Apply `edit(document)` to a model's document (and touch `updated_at`)."""
        with self._lock:
            model = self.models[endpoint_id]
            edit(model.document)
            model.metadata["updated_at"] = "2025-07-01T00:00:00Z"

    def break_entry(self, endpoint_id: str, kind: str) -> None:
        assert kind in MALFORMED_KINDS, kind
        with self._lock:
            self.models[endpoint_id].broken = kind

    def relist(self, endpoint_id: str, edit: Any) -> None:
        """List the model once more, right after its own entry, with `edit(copy of its document)`."""
        with self._lock:
            model = self.models[endpoint_id]
            document = copy.deepcopy(model.document)
            edit(document)
            model.relisted.append(document)

    def inject(self, status: int, times: int = 1, retry_after: str | None = None, after: int = 0) -> None:
        """After `after` more requests, the next `times` answer `status` (with `Retry-After`)."""
        with self._lock:
            self._faults.append(_Fault(status, times, retry_after, after))

    def stall(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests wait `seconds` before their answer (at most 30 s)."""
        with self._lock:
            self._faults.append(_Fault(None, times, delay=min(seconds, 30.0)))

    def listing_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/v1/models"]

    # -- serving ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> ModelAPI:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, path: str, params: list[tuple[str, str]], authorization: str | None) -> tuple[int, dict[str, str], Any]:
        fault = self._next_fault()
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            return fault.status, headers, {"detail": "injected failure"}
        if path != "/v1/models":
            return 404, {}, {"detail": "Not Found"}
        if authorization is not None and (self.key is None or authorization != f"Key {self.key}"):
            return 401, {}, {"detail": "Invalid key"}
        return self._models(params)

    def _next_fault(self) -> _Fault | None:
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            if fault.after > 0:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                self._faults.pop(0)
            return fault

    def _models(self, params: list[tuple[str, str]]) -> tuple[int, dict[str, str], Any]:
        single = {key: value for key, value in params}
        ids = [value for key, value in params if key == "endpoint_id"]
        expand = EXPAND_OPENAPI in [value for key, value in params if key == "expand"]
        if len(ids) > MAX_IDS:
            return 400, {}, {"detail": f"at most {MAX_IDS} endpoint_id values per request"}
        status = single.get("status")
        if status not in (None, "active", "deprecated"):
            return 400, {}, {"detail": "status must be active or deprecated"}
        cap = self.max_limit_expanded if expand else self.max_limit
        try:
            limit = min(int(single.get("limit", self.default_limit)), cap)
        except ValueError:
            return 400, {}, {"detail": "limit must be an integer"}
        if limit < 1:
            return 400, {}, {"detail": "limit must be at least 1"}
        query = sorted((k, v) for k, v in params if k not in ("cursor", "limit"))
        fingerprint = hashlib.sha256(json.dumps(query).encode()).hexdigest()[:12]
        offset = 0
        if "cursor" in single:
            try:
                state = json.loads(base64.urlsafe_b64decode(single["cursor"].encode()))
                offset = int(state["o"])
                assert state["q"] == fingerprint and offset >= 0
            except Exception:  # noqa: BLE001 - any bad cursor is the client's error
                return 400, {}, {"detail": "invalid cursor"}
        with self._lock:
            chosen = [m for _, m in sorted(self.models.items()) if self._matches(m, ids, single)]
            page = chosen[offset : offset + limit]
            entries = [entry for model in page for entry in [model.entry(expand), *model.again(expand)]]
        more = offset + limit < len(chosen)
        cursor = base64.urlsafe_b64encode(json.dumps({"o": offset + limit, "q": fingerprint}).encode()).decode() if more else None
        return 200, {}, {"models": entries, "next_cursor": cursor, "has_more": more}

    @staticmethod
    def _matches(model: Model, ids: list[str], single: dict[str, str]) -> bool:
        if ids and model.endpoint_id not in ids:
            return False
        for key in ("status", "category"):
            if key in single and model.metadata.get(key) != single[key]:
                return False
        wanted = single.get("q", "").lower()
        return not wanted or wanted in model.endpoint_id.lower() or wanted in str(model.metadata.get("display_name", "")).lower()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 30  # a client that stalls mid-request is dropped

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                params = parse_qsl(parts.query, keep_blank_values=True)
                authorization = self.headers.get("Authorization")
                status, headers, body = api._answer(parts.path, params, authorization)
                with api._lock:
                    api.requests.append(Request(parts.path, params, status, authorization is not None, time.monotonic()))
                data = json.dumps(body, ensure_ascii=False).encode()
                if api.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    data = gzip.compress(data, mtime=0)
                    headers = {**headers, "Content-Encoding": "gzip"}
                try:
                    self.send_response(status)
                    for key, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up

        return Handler


def documents_in(folders: Iterable[Path]) -> Path:
    """The first folder that exists and holds a `*.json` document."""
    for folder in folders:
        if folder.is_dir() and any(folder.glob("*.json")):
            return folder
    raise FileNotFoundError("no folder of fal documents")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve a folder of fal OpenAPI documents as fal's model API.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--lifetime", type=float, default=3600.0, help="Seconds before it stops by itself.")
    args = parser.parse_args()
    with ModelAPI(args.folder, lifetime=args.lifetime) as api:
        print(f"serving {len(api.models)} model(s) at {api.url}/v1/models (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            api._thread.join()


if __name__ == "__main__":
    main()
