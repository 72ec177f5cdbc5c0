"""`falgen diff` never crashes and always judges: random spec pairs through `generator.tools.drift`.

Each example draws random endpoints (the IR strategy of `tests/spec/test_spec.py`), then a "new"
side made from them by random edits: fields added, removed, retyped, made (not) required or
nullable; enum values added or removed; defaults, constraints, descriptions, titles,
capabilities and categories changed; nested types renamed; endpoints dropped or added. Both
sides are written with `write_specs` and compared with `diff_dirs` (the engine of `falgen diff`
and `falgen check`). The JSON report must be valid JSON in which every change has an endpoint,
a location, a kind and a verdict (breaking, non-breaking or notable); the Markdown, compact and
changelog renderings must not fail; a directory diffed with itself has no change. A few
examples also go through the `falgen diff OLD NEW --json` CLI in a subprocess.

`FALGEN_FUZZ_EXAMPLES` sets the examples per test (default 60); counts are reported through
`tests.fuzz_report` (`FALGEN_FUZZ_REPORT`).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.ir import CAPABILITY_ORDER, Constraints, Endpoint, Schema, TypeExpr
from generator.core.ir import Property as Field_
from generator.spec.write import write_specs
from generator.tools.drift.compare import VERDICTS, DiffResult, diff_dirs, diff_endpoints
from generator.tools.drift.report import render_changelog_entry, render_compact, render_json, render_markdown
from tests.conftest import BIN
from tests.fuzz_report import EXAMPLES, counted, fuzz_report  # noqa: F401  (fixture)
from tests.spec.test_spec import constraints, endpoints, field_types, fields, json_values, object_schemas

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # `make test` draws the same examples every run (a random draw once spent minutes on one
    # pathological pair); `make fuzz` (FALGEN_FUZZ_EXAMPLES set) explores afresh.
    derandomize="FALGEN_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
CLI = settings(FUZZ, max_examples=max(3, EXAMPLES // 100))
CHANGE_KEYS = {"endpoint", "location", "kind", "verdict", "old", "new"}


@st.composite
def endpoint_lists(draw: st.DrawFn) -> list[Endpoint]:
    drawn = draw(st.lists(endpoints, min_size=1, max_size=3))
    unique: dict[str, Endpoint] = {}
    for endpoint in drawn:
        unique.setdefault(endpoint.id, endpoint)
    return list(unique.values())


def _schemas_of(endpoint: Endpoint) -> list[Schema]:
    return endpoint.all_schemas()


def _edit_field(draw: st.DrawFn, field: Field_) -> None:
    kind = draw(st.sampled_from(["type", "enum-add", "enum-remove", "required", "nullable", "default", "no-default", "constraints", "description", "widen", "narrow"]))
    if kind == "type":
        field.type = draw(field_types)
    elif kind in ("enum-add", "enum-remove"):
        values = list(field.type.values or []) if field.type.kind == "enum" else ["a", "b"]
        if kind == "enum-add":
            values.append(draw(st.text(max_size=5) | st.integers(-5, 5)))
        elif values:
            values.pop(draw(st.integers(0, len(values) - 1)))
        field.type = TypeExpr(kind="enum", values=values, name=field.type.name if field.type.kind == "enum" else None)
    elif kind == "required":
        field.required = not field.required
    elif kind == "nullable":
        field.nullable = not field.nullable
    elif kind == "default":
        field.has_default = True
        field.default = draw(json_values)
    elif kind == "no-default":
        field.has_default = False
        field.default = None
    elif kind == "constraints":
        field.constraints = draw(constraints)
    elif kind == "description":
        field.description = draw(st.text(max_size=20))
    elif kind in ("widen", "narrow"):
        c = field.constraints.model_copy()
        step = 1 if kind == "widen" else -1
        c.minimum = (c.minimum if c.minimum is not None else 0) - step
        c.maximum = (c.maximum if c.maximum is not None else 10) + step
        field.constraints = Constraints.model_validate(c.model_dump())
    if field.type.kind == "tuple":  # the strategy's rule: a tuple's number of items is its kind's
        field.constraints = field.constraints.model_copy(update={"min_items": None, "max_items": None})


def _edit(draw: st.DrawFn, endpoint: Endpoint) -> None:
    """One random edit of `endpoint` (in place)."""
    schema = draw(st.sampled_from(_schemas_of(endpoint)))
    kind = draw(
        st.sampled_from(
            ["add-field", "remove-field", "edit-field", "edit-field", "rename-type", "capability", "category", "title", "description", "example", "add-type", "remove-type"]
        )
    )
    if kind == "add-field":
        schema.fields.insert(draw(st.integers(0, len(schema.fields))), draw(fields()))
        schema.any_value = False  # a schema with fields is no `{}` (the spec reader's rule)
    elif kind == "remove-field" and schema.fields:
        schema.fields.pop(draw(st.integers(0, len(schema.fields) - 1)))
    elif kind == "edit-field" and schema.fields:
        _edit_field(draw, draw(st.sampled_from(schema.fields)))
    elif kind == "rename-type" and endpoint.types:
        target = draw(st.sampled_from(endpoint.types))
        old, new = target.name, draw(st.text(min_size=1, max_size=8))
        target.name = new
        for each in _schemas_of(endpoint):
            for field in each.fields:
                _rename_refs(field.type, old, new)
    elif kind == "capability":
        capability = draw(st.sampled_from(CAPABILITY_ORDER))
        capabilities = set(endpoint.capabilities) ^ {capability}
        endpoint.capabilities = [c for c in CAPABILITY_ORDER if c in capabilities]
    elif kind == "category":
        endpoint.category = draw(st.none() | st.text(max_size=8))
    elif kind == "title":
        endpoint.title = draw(st.text(max_size=10))
    elif kind == "description":
        endpoint.description = draw(st.text(max_size=20))
    elif kind == "example":
        endpoint.example_input = None
    elif kind == "add-type":
        # A named type is an object: `{}` stands only for a whole Input or Output (the spec reader
        # inlines a named `{}` as `any`, so the IR and the written specs would differ).
        endpoint.types.append(draw(object_schemas))
    elif kind == "remove-type" and endpoint.types:
        endpoint.types.pop(draw(st.integers(0, len(endpoint.types) - 1)))


def _rename_refs(t: TypeExpr, old: str, new: str) -> None:
    if t.kind == "ref" and t.ref == old:
        t.ref = new
    for child in [*(t.variants or []), *([t.items] if t.items else [])]:
        _rename_refs(child, old, new)


@st.composite
def spec_pairs(draw: st.DrawFn) -> tuple[list[Endpoint], list[Endpoint]]:
    old = draw(endpoint_lists())
    new = [endpoint.model_copy(deep=True) for endpoint in old]
    for _ in range(draw(st.integers(0, 8))):
        _edit(draw, draw(st.sampled_from(new)))
    if draw(st.booleans()) and len(new) > 1:
        new.pop(draw(st.integers(0, len(new) - 1)))
    if draw(st.booleans()):
        extra = draw(endpoints)
        if all(extra.id != e.id for e in new):
            new.append(extra)
    return old, new


def check_result(result: DiffResult) -> dict[str, Any]:
    document = json.loads(render_json(result))
    assert set(document) == {"bump", "counts", "changes"}
    assert document["bump"] in ("major", "minor", "patch", "none")
    assert set(document["counts"]) == set(VERDICTS)
    for change in document["changes"]:
        assert set(change) >= CHANGE_KEYS, change
        assert isinstance(change["endpoint"], str)
        assert isinstance(change["location"], str) and change["location"].startswith("/"), change
        assert isinstance(change["kind"], str) and change["kind"], change
        assert change["verdict"] in VERDICTS, change
    assert sum(document["counts"].values()) == len(document["changes"])
    assert (document["bump"] == "major") == any(c["verdict"] == "breaking" for c in document["changes"])
    assert (document["bump"] == "none") == (not document["changes"])
    render_markdown(result)
    render_compact(result)
    render_changelog_entry(result, "1.2.3")
    return document


def _write(endpoints_: list[Endpoint], directory: Path) -> Path:
    write_specs(endpoints_, directory)
    return directory


@pytest.mark.slow  # seconds of hypothesis examples
@FUZZ
@given(spec_pairs())
@counted
def test_random_spec_pairs_are_judged(pair: tuple[list[Endpoint], list[Endpoint]]) -> None:
    old, new = pair
    with tempfile.TemporaryDirectory() as tmp:
        old_dir = _write(old, Path(tmp) / "old")
        new_dir = _write(new, Path(tmp) / "new")
        result = diff_dirs(old_dir, new_dir)
        assert result.problems == []
        check_result(result)
        for directory in (old_dir, new_dir):
            same = diff_dirs(directory, directory)
            assert same.changes == [] and same.problems == []
            assert json.loads(render_json(same)) == {"bump": "none", "counts": dict.fromkeys(VERDICTS, 0), "changes": []}
    # The engine on the IR directly agrees with the one on the written specs.
    assert [c.to_json() for c in diff_endpoints(old, new)] == [c.to_json() for c in result.changes]
    assert diff_endpoints(old, old) == [] and diff_endpoints(new, new) == []


@pytest.mark.slow
@CLI
@given(spec_pairs())
@counted
def test_falgen_diff_cli_json(pair: tuple[list[Endpoint], list[Endpoint]]) -> None:
    old, new = pair
    with tempfile.TemporaryDirectory() as tmp:
        old_dir = _write(old, Path(tmp) / "old")
        new_dir = _write(new, Path(tmp) / "new")
        done = subprocess.run(
            [str(BIN / "falgen"), "diff", str(old_dir), str(new_dir), "--json", "--fail-on", "breaking"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        assert "Traceback" not in done.stderr, done.stderr
        document = json.loads(done.stdout)
        assert done.returncode == (1 if document["bump"] == "major" else 0), done.stderr
        # Without --lock/--old-lock the command compares names chosen afresh on both sides.
        assert document == check_result(diff_dirs(old_dir, new_dir, (None, None)))
        same = subprocess.run(
            [str(BIN / "falgen"), "diff", str(old_dir), str(old_dir), "--json", "--fail-on", "any"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        assert same.returncode == 0, same.stdout + same.stderr
        assert json.loads(same.stdout)["changes"] == []
