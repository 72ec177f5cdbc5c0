# Copied from templates/package/fal_bindings/testing/_specs.py by falgen. Edit the source, then run make generate.
"""Load the per-endpoint OpenAPI documents (layout in specs/README.md) and index them by endpoint id."""

from __future__ import annotations

import difflib
import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .._runtime.spec import SpecError, io_pointer, pointer_target
from ._refs import check_refs

SpecSource = str | os.PathLike[str] | Iterable[Mapping[str, Any]]
"""A directory (or single file) of OpenAPI JSON documents, or the documents themselves."""

DEFAULT_SPECS_DIR = Path(__file__).resolve().parent.parent / "_specs"
"""Where the generated package ships its specs (package data `fal_bindings/_specs/`)."""

CAPABILITIES = ("queue", "streaming", "realtime")


@dataclass(frozen=True, eq=False)  # identity hash: usable as a cache key
class EndpointSpec:
    """One endpoint: its id, capabilities, and where its Input/Output schemas sit in `document`."""

    endpoint_id: str
    capabilities: tuple[str, ...]
    document: Mapping[str, Any] = field(repr=False)
    input_pointer: str
    output_pointer: str
    source: str
    """The file the document came from (or `specs[<index>]` for in-memory documents)."""

    def schema(self, pointer: str) -> dict[str, Any]:
        """The schema at a `#/...` JSON pointer inside this endpoint's document."""
        return pointer_target(self.document, pointer, self.source)

    def validator(self, pointer: str) -> Draft202012Validator:
        """A 2020-12 validator for the schema at `pointer`, resolving refs against the document."""
        # The whole document is the root resource, so `#/components/schemas/...` refs resolve; the
        # OpenAPI top-level keys are not JSON Schema keywords and are ignored by the validator.
        root = {**self.document, "$ref": pointer}
        return Draft202012Validator(root)

    @cached_property
    def input_validator(self) -> Draft202012Validator:
        return self.validator(self.input_pointer)

    @cached_property
    def output_validator(self) -> Draft202012Validator:
        return self.validator(self.output_pointer)

    def example(self, pointer: str) -> Any | None:
        """The first example of the schema at `pointer` (`examples[0]`, or OpenAPI's `example`)."""
        schema = self.schema(pointer)
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        return schema.get("example")


def load_specs(source: SpecSource | None = None) -> dict[str, EndpointSpec]:
    """Index every endpoint of `source` (default: the package's `_specs/`) by endpoint id.

    A directory is read again when a file in it changes; the package's own specs, like its
    modules, are read once per process."""
    if source is None:
        with _cache_lock:
            if not _package_specs:
                # falgen wrote these and the suite checks their $refs (test_emulator_spec_refs.py);
                # checking them here would add ~40 ms to a process's first emulator (1,053 specs).
                _package_specs.update(_load_path(DEFAULT_SPECS_DIR, check=False))
        return dict(_package_specs)
    if isinstance(source, (str, os.PathLike)):
        return dict(_load_path(Path(source)))
    if isinstance(source, Mapping):
        raise SpecError(
            "specs= takes a directory or an iterable of spec documents, not one document"
        )
    return _index((document, f"specs[{index}]") for index, document in enumerate(source))


_cache_lock = threading.RLock()
_package_specs: dict[str, EndpointSpec] = {}
_path_cache: dict[
    tuple[Path, bool], tuple[tuple[tuple[str, int, int], ...], dict[str, EndpointSpec]]
] = {}


def _load_path(path: Path, check: bool = True) -> dict[str, EndpointSpec]:
    # Cached per directory while no file changes: thousands of specs are parsed once per process,
    # not once per emulator.
    # The check runs on every call (`example_input(id)` per endpoint), so it is one stat per file.
    path = path.resolve()
    if path.is_file():
        stat = path.stat()
        signature: tuple[tuple[str, int, int], ...] = ((str(path), stat.st_mtime_ns, stat.st_size),)
    elif path.is_dir():
        signature = tuple(sorted(_json_files(str(path))))
    else:
        raise SpecError(f"spec directory not found: {path}")
    with _cache_lock:
        cached = _path_cache.get((path, check))
        if cached and cached[0] == signature:
            return cached[1]
    specs = _index(((_read_json(Path(f)), f) for f, _, _ in signature), check)
    with _cache_lock:
        _path_cache[path, check] = (signature, specs)
    return specs


def _json_files(directory: str) -> Iterator[tuple[str, int, int]]:
    """(path, mtime, size) of every `*.json` file under `directory` (as `rglob` finds them:
    symlinked files followed, symlinked directories not)."""
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                yield from _json_files(entry.path)
            elif entry.name.endswith(".json") and entry.is_file():
                stat = entry.stat()
                yield entry.path, stat.st_mtime_ns, stat.st_size


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read spec: {exc}") from exc


def _index(documents: Iterable[tuple[Any, str]], check: bool = True) -> dict[str, EndpointSpec]:
    specs: dict[str, EndpointSpec] = {}
    for document, source in documents:
        spec = _endpoint(document, source, check)
        if spec.endpoint_id in specs:
            other = specs[spec.endpoint_id].source
            raise SpecError(f"{source}: endpoint {spec.endpoint_id!r} is also defined in {other}")
        specs[spec.endpoint_id] = spec
    return dict(sorted(specs.items()))


def _endpoint(document: Any, source: str, check: bool) -> EndpointSpec:
    if not isinstance(document, dict):
        raise SpecError(f"{source}: a spec must be a JSON object, got {type(document).__name__}")
    info = document.get("info")
    metadata = info.get("x-fal-metadata") if isinstance(info, dict) else None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("endpointId"), str):
        raise SpecError(f"{source}: info.x-fal-metadata.endpointId is missing")
    endpoint_id: str = metadata["endpointId"]
    capabilities = metadata.get("capabilities", ["queue"])
    if not isinstance(capabilities, list):
        raise SpecError(
            f"{source}: info.x-fal-metadata.capabilities must be a list, got {capabilities!r}"
        )
    unknown = [c for c in capabilities if c not in CAPABILITIES]
    if unknown:
        raise SpecError(
            f"{source}: unknown capabilities {unknown} (known: {', '.join(CAPABILITIES)})"
        )
    input_pointer = io_pointer(document, endpoint_id, "Input", source)
    output_pointer = io_pointer(document, endpoint_id, "Output", source)
    for pointer in (input_pointer, output_pointer):
        pointer_target(document, pointer, source)  # a dangling $ref fails here, not mid-request
    if check:  # so do the $refs the schemas reach, and cycles of them validation never leaves
        check_refs(document, (input_pointer, output_pointer), f"{source} ({endpoint_id})")
    return EndpointSpec(
        endpoint_id=endpoint_id,
        capabilities=tuple(capabilities),
        document=document,
        input_pointer=input_pointer,
        output_pointer=output_pointer,
        source=source,
    )


def lookup(specs: Mapping[str, EndpointSpec], endpoint_id: str) -> EndpointSpec:
    """The endpoint with this id, or a KeyError that suggests near misses."""
    spec = specs.get(endpoint_id)
    if spec is None:
        close = difflib.get_close_matches(endpoint_id, list(specs), n=3)
        hint = (
            f"; did you mean {', '.join(map(repr, close))}?"
            if close
            else f" ({len(specs)} endpoints loaded)"
        )
        raise KeyError(f"unknown endpoint {endpoint_id!r}{hint}")
    return spec
