"""Fidelity harness: do the generated models accept, round-trip and reject what fal's schemas say?

For each fal OpenAPI document and each side (Input, Output) of its endpoint:

1. **accept**: schema-valid instances drawn from fal's schema (see `schemas`, `draw`; Input
   instances come from the schema with open objects closed, the deliberate choice) must pass
   `model_validate`;
2. **round-trip**: `to_payload(model)` (Input) / `model_dump(mode="json", by_alias=True,
   exclude_unset=True)` (Output) must equal the instance as type-strict JSON; a default the model
   fills in must dump to the schema's default and already have its annotation's type;
3. **reject**: one invalid instance per keyword and location (see `mutate`) must raise
   `ValidationError`.

Failures are blamed on the features (report rows) of the schema node at the failing location
(see `walk`); `report` prints the tables, `run` is the command line, `oracle` runs the same
instances through datamodel-code-generator's models.
"""

from __future__ import annotations

import importlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import draw as drawing
from .mutate import TYPE_NULL, Mutation, mutations, valid_variants
from .schemas import SIDES, DocumentError, Extracted, Side, all_required, load_document
from .walk import ARRAY_KEYWORDS, NUMERIC_KEYWORDS, STRING_KEYWORDS, Location, iter_absent_defaults, walk

PLAIN = "(no keyword: plain value)"
MODEL_REQUIRES = "optional field required by the model"
DEFAULT_OBJECT = "default: object/array (model's default)"
DEFAULT_SCALAR = "default: scalar (model's default)"
CHECKS = ("accept", "round-trip", "reject")
# Limits only decide accept/reject; a value that comes back changed is blamed on the node's form.
LIMITS = frozenset(NUMERIC_KEYWORDS + STRING_KEYWORDS + ARRAY_KEYWORDS)


@dataclass
class Tally:
    """Per side and keyword: [passed, total] for each check."""

    counts: dict[str, list[int]] = field(default_factory=lambda: {check: [0, 0] for check in CHECKS})

    def add(self, check: str, passed: bool) -> None:
        self.counts[check][0] += int(passed)
        self.counts[check][1] += 1


@dataclass
class Verdict:
    """One instance put to the generated model (kept for the oracle)."""

    side: str
    keyword: str  # the mutation's keyword, or "" for a schema-valid instance
    instance: Any
    expect_valid: bool  # what the schema (with the deliberate closed-Input choice) says
    accepted: bool  # what falgen's model did


@dataclass
class EndpointResult:
    endpoint_id: str
    path: str
    seconds: float = 0.0
    not_loaded: str | None = None  # the document or its model could not be loaded
    could_not_draw: dict[str, str] = field(default_factory=dict)
    drawn_partly: dict[str, str] = field(default_factory=dict)  # a draw failed, others gave instances
    dangling: dict[str, list[str]] = field(default_factory=dict)
    instances: Counter[str] = field(default_factory=Counter)  # "input:valid", "input:accepted", ...
    verdicts: list[Verdict] = field(default_factory=list)
    extracted: Extracted | None = None


@dataclass
class Failure:
    endpoint_id: str
    side: str
    check: str
    pointer: str
    keyword: str
    reason: str


@dataclass
class Run:
    results: list[EndpointResult] = field(default_factory=list)
    tallies: dict[str, dict[str, Tally]] = field(default_factory=lambda: {s: defaultdict(Tally) for s in SIDES})
    failures: Counter[tuple[str, str, str, str, str]] = field(default_factory=Counter)
    reasons: dict[tuple[str, str, str, str, str], str] = field(default_factory=dict)
    seconds: float = 0.0
    package_file: str = ""
    per_endpoint: int = 0
    oracle: dict[str, Any] | None = None

    def fail(self, failure: Failure) -> None:
        key = (failure.endpoint_id, failure.side, failure.check, failure.pointer, failure.keyword)
        self.failures[key] += 1
        self.reasons.setdefault(key, failure.reason)


def documents(directory: Path) -> list[Path]:
    """Every `*.json` directly in `directory`, sorted (stable order, stable report)."""
    return sorted(p for p in directory.iterdir() if p.suffix == ".json" and p.is_file())


def load_models(endpoint_id: str) -> tuple[Any, Any]:
    """The generated `Input` and `Output` classes of `endpoint_id` from the importable package."""
    fal_bindings = importlib.import_module("fal_bindings")
    cls = fal_bindings.registry.endpoint_class(endpoint_id)
    return cls.input_model, cls.output_model


def run(paths: Iterable[Path], *, per_endpoint: int = 10, draw_timeout: float = 60.0, progress: Any = None) -> Run:
    started = time.perf_counter()
    outcome = Run(per_endpoint=per_endpoint)
    fal_bindings = importlib.import_module("fal_bindings")
    outcome.package_file = str(fal_bindings.__file__)
    paths = list(paths)
    for number, path in enumerate(paths, 1):
        result = check_endpoint(path, outcome, per_endpoint=per_endpoint, draw_timeout=draw_timeout)
        outcome.results.append(result)
        if progress is not None:
            progress(number, len(paths), result)
    outcome.seconds = time.perf_counter() - started
    return outcome


def check_endpoint(path: Path, outcome: Run, *, per_endpoint: int, draw_timeout: float) -> EndpointResult:
    started = time.perf_counter()
    result = EndpointResult(endpoint_id=path.stem, path=str(path))
    try:
        extracted = load_document(path)
        result.endpoint_id = extracted.endpoint_id
        result.extracted = extracted
        models = load_models(extracted.endpoint_id)
    except DocumentError as exc:
        result.not_loaded = str(exc)
    except Exception as exc:  # the package lacks the endpoint, or its module does not import
        result.not_loaded = f"model not importable: {type(exc).__name__}: {exc}"
    else:
        for side_name, model in zip(SIDES, models, strict=True):
            side = extracted.side(side_name)
            if side.dangling:
                result.dangling[side_name] = side.dangling
            _check_side(side, model, result, outcome, per_endpoint=per_endpoint, draw_timeout=draw_timeout)
    result.seconds = time.perf_counter() - started
    return result


def judged(side: Side) -> Side:
    """The side as the models are judged: `Input` with open objects closed (deliberate choice)."""
    return side.closed() if side.name == "input" else side


def _draw_valid(side: Side, per_endpoint: int, draw_timeout: float) -> tuple[list[Any], str | None]:
    """(valid instances, why a draw failed or None)."""
    # `per_endpoint` from the schema, a quarter as many with every optional field, and one
    # variant per location with `null` or a whole number where those are valid.
    base = side.schema
    validator = side.validator()
    instances: list[Any] = []
    reason = None
    for label, schema, count in (
        ("", base, per_endpoint),
        ("every optional field: ", all_required(base), max(1, per_endpoint // 4)),
    ):
        try:
            instances.extend(drawing.draw(schema, count, timeout=draw_timeout))
        except drawing.DrawError as exc:
            reason = reason or label + str(exc)
    seen: set[str] = set()
    valid = []
    for instance in instances:
        key = drawing.canonical(instance)
        if key not in seen and validator.is_valid(instance):
            seen.add(key)
            valid.append(instance)
    if not valid and reason is None:
        reason = "no drawn instance is valid under jsonschema"
    variants: dict[tuple[str, str], Any] = {}
    for instance in valid:
        for location in walk(side, instance):
            for kind, variant in valid_variants(location, instance, validator, skip=lambda k, p: (k, p) in variants):
                variants.setdefault((kind, location.pointer), variant)
    for variant in variants.values():
        key = drawing.canonical(variant)
        if key not in seen:
            seen.add(key)
            valid.append(variant)
    return valid, reason


def _check_side(
    side: Side, model: Any, result: EndpointResult, outcome: Run, *, per_endpoint: int, draw_timeout: float
) -> None:
    side = judged(side)
    instances, reason = _draw_valid(side, per_endpoint, draw_timeout)
    if not instances:
        result.could_not_draw[side.name] = reason or "no instance drawn"
        return
    if reason is not None:
        result.drawn_partly[side.name] = reason
    validator = side.validator()
    tallies = outcome.tallies[side.name]
    tried: set[tuple[str, str]] = set()
    defaults_checked: set[str] = set()
    for instance in instances:
        locations = walk(side, instance)
        accepted = _accept_and_round_trip(side, model, instance, locations, result, outcome, defaults_checked)
        result.verdicts.append(Verdict(side.name, "", instance, True, accepted))
        for location in locations:
            skip = (lambda k, p: (k, p) in tried or k == TYPE_NULL) if side.name == "output" else (lambda k, p: (k, p) in tried)
            for mutation in mutations(location, instance, validator, skip=skip):
                if (mutation.keyword, mutation.pointer) in tried:
                    continue
                tried.add((mutation.keyword, mutation.pointer))
                rejected, detail = _rejects(model, mutation)
                tallies[mutation.keyword].add("reject", rejected)
                result.instances[f"{side.name}:invalid"] += 1
                result.instances[f"{side.name}:rejected"] += int(rejected)
                result.verdicts.append(Verdict(side.name, mutation.keyword, mutation.instance, False, not rejected))
                if not rejected:
                    outcome.fail(
                        Failure(result.endpoint_id, side.name, "reject", mutation.pointer, mutation.keyword, detail)
                    )


def _rejects(model: Any, mutation: Mutation) -> tuple[bool, str]:
    from pydantic import ValidationError

    try:
        model.model_validate(mutation.instance)
    except ValidationError:
        return True, ""
    except Exception as exc:  # a crash is not a clean rejection
        return False, f"crashed: {type(exc).__name__}: {drawing._short(str(exc), 100)}"
    return False, f"accepted {drawing._short(drawing.canonical(_value_at(mutation.instance, mutation.path)), 60)}"


def _value_at(instance: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            instance = instance[step]
        except (KeyError, IndexError, TypeError):
            return None
    return instance


def _accept_and_round_trip(
    side: Side,
    model: Any,
    instance: Any,
    locations: list[Location],
    result: EndpointResult,
    outcome: Run,
    defaults_checked: set[str],
) -> bool:
    from pydantic import ValidationError

    tallies = outcome.tallies[side.name]
    features_by_path: dict[tuple[str | int, ...], set[str]] = defaultdict(set)
    pointer_by_path: dict[tuple[str | int, ...], str] = {}
    for location in locations:
        features_by_path[location.path] |= location.features
        pointer_by_path.setdefault(location.path, location.pointer)
    every = set().union(*features_by_path.values()) | {PLAIN}
    result.instances[f"{side.name}:valid"] += 1
    try:
        validated = model.model_validate(instance)
    except ValidationError as exc:
        blamed: set[str] = set()
        for error in exc.errors():
            path = _located(_instance_path(error["loc"], instance), pointer_by_path)
            keywords = {MODEL_REQUIRES} if error["type"] == "missing" else (features_by_path.get(path) or {PLAIN})
            blamed |= keywords
            for keyword in sorted(keywords):
                reason = f"{error['type']}: {drawing._short(error['msg'], 90)}"
                outcome.fail(
                    Failure(result.endpoint_id, side.name, "accept", pointer_by_path.get(path, "#"), keyword, reason)
                )
        for keyword in every | blamed:
            tallies[keyword].add("accept", keyword not in blamed)
        return False
    except Exception as exc:
        outcome.fail(
            Failure(result.endpoint_id, side.name, "accept", "#", PLAIN, f"crashed: {type(exc).__name__}: {exc}")
        )
        tallies[PLAIN].add("accept", False)
        return False
    for keyword in every:
        tallies[keyword].add("accept", True)
    result.instances[f"{side.name}:accepted"] += 1

    dumped = _dump(side.name, validated)
    diffs = list(_differences(instance, dumped, ()))
    blamed = set()
    for path, what in diffs:
        path = _located(path, pointer_by_path)
        keywords = (features_by_path.get(path, set()) - LIMITS) or {PLAIN}
        blamed |= keywords
        for keyword in sorted(keywords):
            outcome.fail(
                Failure(result.endpoint_id, side.name, "round-trip", pointer_by_path.get(path, "#"), keyword, what)
            )
    for keyword in every | blamed:
        tallies[keyword].add("round-trip", keyword not in blamed)
    result.instances[f"{side.name}:round-tripped"] += int(not diffs)
    _check_defaults(side, validated, locations, result, outcome, defaults_checked)
    return True


def _dump(side_name: str, validated: Any) -> Any:
    if side_name == "input":
        from fal_bindings._runtime.models import to_payload

        return to_payload(validated)
    return validated.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _instance_path(loc: tuple[Any, ...], instance: Any) -> tuple[str | int, ...]:
    """Pydantic's error location without its union-branch tags: the steps that exist in `instance`."""
    path: list[str | int] = []
    current = instance
    for step in loc:
        in_dict = isinstance(current, dict) and isinstance(step, str) and step in current
        if in_dict or (isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)):
            current = current[step]
            path.append(step)
    return tuple(path)


def _located(path: tuple[str | int, ...], located: dict[tuple[str | int, ...], str]) -> tuple[str | int, ...]:
    """`path`, or its nearest ancestor the walk visited (an extra key's value is not visited:
    its object, whose features say why extra keys are there, takes the blame)."""
    while path and path not in located:
        path = path[:-1]
    return path


def _differences(
    expected: Any, actual: Any, path: tuple[str | int, ...]
) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Where `actual` differs from `expected` as type-strict JSON (deepest differing paths)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() | actual.keys():
            if key not in actual:
                yield path, f"key {key!r} dropped"
            elif key not in expected:
                yield path, f"key {key!r} added ({drawing._short(drawing.canonical(actual[key]), 40)})"
            else:
                yield from _differences(expected[key], actual[key], (*path, key))
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            yield from _differences(left, right, (*path, index))
    elif drawing.canonical(expected) != drawing.canonical(actual):
        left = drawing._short(drawing.canonical(expected), 40)
        right = drawing._short(drawing.canonical(actual), 40)
        yield path, f"{left} came back as {right}"


def _check_defaults(
    side: Side, validated: Any, locations: list[Location], result: EndpointResult, outcome: Run, checked: set[str]
) -> None:
    """A default the model fills in dumps to the schema's default and has its annotation's type."""
    for location in locations:
        owner = _model_at(validated, location.path)
        if owner is None:
            continue
        for key, default in iter_absent_defaults(location):
            pointer = f"{location.pointer}/properties/{key}"
            if pointer in checked:
                continue
            checked.add(pointer)
            keyword = DEFAULT_OBJECT if isinstance(default, (dict, list)) else DEFAULT_SCALAR
            problem = _default_problem(owner, key, default)
            outcome.tallies[side.name][keyword].add("round-trip", problem is None)
            if problem is not None:
                outcome.fail(Failure(result.endpoint_id, side.name, "round-trip", pointer, keyword, problem))


def _model_at(root: Any, path: tuple[str | int, ...]) -> Any:
    from pydantic import BaseModel

    current = root
    for step in path:
        if isinstance(current, BaseModel):
            name = _field_name(type(current), step)
            current = getattr(current, name) if name else (current.model_extra or {}).get(step)
        elif isinstance(current, (list, tuple, dict)):
            try:
                current = current[step]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                return None
        else:
            return None
    return current if isinstance(current, BaseModel) else None


def _field_name(model: Any, wire: Any) -> str | None:
    for name, info in model.model_fields.items():
        # falgen gives a renamed field (`format` -> `format_`) a validation and a serialization alias
        if (info.serialization_alias or info.alias or name) == wire:
            return str(name)
    return None


def _default_problem(owner: Any, key: str, default: Any) -> str | None:
    from pydantic import TypeAdapter

    name = _field_name(type(owner), key)
    if name is None:
        return f"the model has no field for {key!r}"
    value = getattr(owner, name)
    annotation = type(owner).model_fields[name].annotation
    try:
        adapter: Any = TypeAdapter(annotation)
        dumped = adapter.dump_python(value, mode="json", by_alias=True, warnings=False)
        typed = adapter.validate_python(value)
    except Exception as exc:
        return f"default {drawing._short(repr(value), 40)} does not fit its annotation: {type(exc).__name__}"
    if drawing.canonical(dumped) != drawing.canonical(default):
        return f"default dumps to {drawing._short(drawing.canonical(dumped), 40)}, schema says {drawing._short(drawing.canonical(default), 40)}"
    mismatch = _shape_mismatch(value, typed)
    if mismatch:
        return f"default is {mismatch}"
    return None


def _shape_mismatch(value: Any, typed: Any) -> str | None:
    """Where the stored default's Python types differ from what its annotation makes of it."""
    if type(value) is not type(typed):
        return f"a {type(value).__name__} where the annotation gives {type(typed).__name__}"
    if isinstance(value, (list, tuple)):
        for left, right in zip(value, typed, strict=False):
            found = _shape_mismatch(left, right)
            if found:
                return found
    if isinstance(value, dict):
        for key in value:
            found = _shape_mismatch(value[key], typed.get(key))
            if found:
                return found
    return None
