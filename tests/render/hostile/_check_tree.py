"""Run in a subprocess against one generated tree: `python _check_tree.py TREE EXPECT.json`.

The tree's `fal_bindings` must be the one imported (sys.path[0] = TREE). The script compiles
every file, imports every endpoint and shared-type module, builds the JSON schema of every
`Input`/`Output`, checks that what the page stated (wire names, descriptions, enum values,
defaults, title, description) is all there, validates the page's examples and a payload built
from each schema, and checks that dumping by alias gives back the very same wire JSON.
It prints "ok" at the end and nothing else on success.
"""

from __future__ import annotations

import compileall
import importlib
import io
import json
import pkgutil
import sys
from contextlib import redirect_stdout
from typing import Any

TREE, EXPECT = sys.argv[1], sys.argv[2]
sys.path.insert(0, TREE)

import fal_bindings  # noqa: E402

assert fal_bindings.__file__ is not None and fal_bindings.__file__.startswith(TREE), fal_bindings.__file__
with open(EXPECT, encoding="utf-8") as file:
    expect: dict[str, Any] = json.load(file)

with redirect_stdout(io.StringIO()):
    assert compileall.compile_dir(TREE, quiet=1, force=True), "compileall failed"

for package in ("fal_bindings.endpoints", "fal_bindings.types"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)

registry = fal_bindings.registry
assert sorted(registry) == sorted(expect["ids"]), (sorted(registry), sorted(expect["ids"]))
with open(f"{TREE}/fal_bindings/_catalog.json", encoding="utf-8") as file:
    catalog = {entry["id"]: entry for entry in json.load(file)}

HOSTILE_TEXT = '""" \'\'\' \\ {{ x }} {% if %} \x00 é 名前 🚀 os._exit(7)'
"""Strings are data: any text must round-trip through a model unchanged."""


def resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def enums(schema: dict[str, Any], defs: dict[str, Any], items: bool = True, seen: int = 0) -> list[list[Any]]:
    """Every `enum` list inside a property schema (through refs, unions and, with `items`, lists)."""
    schema = resolve(schema, defs)
    found = [schema["enum"]] if "enum" in schema else []
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key, []):
            found.extend(enums(member, defs, items, seen + 1))
    if items and "items" in schema and seen < 3:
        found.extend(enums(schema["items"], defs, items, seen + 1))
    return found


def build(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
    """A value valid for `schema` (every property set, strings hostile)."""
    schema = resolve(schema, defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            members = [m for m in schema[key] if resolve(m, defs).get("type") != "null"] or schema[key]
            # Prefer a variant that does not recurse into objects once deep.
            if depth > 2:
                flat = [m for m in members if resolve(m, defs).get("type") not in ("object", "array")]
                members = flat or members
            return build(members[0], defs, depth + 1)
    kind = schema.get("type")
    if kind == "string":
        text = HOSTILE_TEXT
        if "maxLength" in schema:
            text = text[: schema["maxLength"]]
        if len(text) < schema.get("minLength", 0):
            text = text.ljust(schema["minLength"], "x")
        return text
    if kind == "integer":
        return int(schema.get("minimum", schema.get("maximum", 7)))
    if kind == "number":
        return float(schema.get("minimum", schema.get("maximum", 1.5)))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "array":
        if depth > 3:
            return []
        return [build(schema.get("items", {}), defs, depth + 1)]
    if kind == "object":
        if depth > 3:
            return {} if not schema.get("required") else {k: build(schema["properties"][k], defs, depth + 1) for k in schema["required"]}
        value = {name: build(prop, defs, depth + 1) for name, prop in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties")
        if not schema.get("properties") and isinstance(extra, dict):
            value["k"] = build(extra, defs, depth + 1)
        return value
    return HOSTILE_TEXT  # Any


def round_trip(model: Any, payload: dict[str, Any], what: str) -> None:
    instance = model.model_validate(payload)
    dumped = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped == payload, f"{what}: wire JSON changed\n{json.dumps(payload)[:2000]}\n{json.dumps(dumped)[:2000]}"
    # And once more through JSON text.
    again = model.model_validate_json(json.dumps(payload)).model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert again == payload, what


classes = {endpoint_id: registry.endpoint_class(endpoint_id) for endpoint_id in registry}
assert len(set(classes.values())) == len(classes), "two endpoint ids share one class"
for name in {cls.__name__ for cls in classes.values()}:  # `fal_bindings.<Class>` names one endpoint
    assert getattr(fal_bindings, name).endpoint_id in classes, name
assert len({cls.__name__ for cls in classes.values()}) == len(classes), "two endpoints share a class name"

for endpoint_id in registry:
    cls = classes[endpoint_id]
    assert cls.endpoint_id == endpoint_id, (cls.endpoint_id, endpoint_id)
    want = expect["endpoints"].get(endpoint_id, {})
    if "title" in want:
        assert catalog[endpoint_id]["title"] == want["title"], (catalog[endpoint_id]["title"], want["title"])
    if "description" in want:
        assert catalog[endpoint_id]["description"] == want["description"], endpoint_id
        module_doc = sys.modules[cls.__module__].__doc__ or ""
        assert want["description"].strip() in module_doc or "\t" in want["description"], endpoint_id
    for role, model in (("input", cls.input_model), ("output", cls.output_model)):
        schema = model.model_json_schema()
        defs = schema.get("$defs", {})
        properties = schema.get("properties", {})
        for wire, field in want.get(role, {}).items():
            assert wire in properties, f"{endpoint_id} {role}: wire name {wire!r} lost; have {sorted(properties)}"
            prop = properties[wire]
            if field.get("description") is not None:
                got = prop.get("description", "")
                assert got == field["description"], (
                    f"{endpoint_id} {role}.{wire}: description {got[:200]!r} != {field['description'][:200]!r}"
                )
            if field.get("enum") is not None:
                assert field["enum"] in enums(prop, defs), f"{endpoint_id} {role}.{wire}: enum {field['enum']} not in {enums(prop, defs)}"
            if "default" in field:
                assert prop.get("default", "<missing>") == field["default"], (
                    f"{endpoint_id} {role}.{wire}: default {prop.get('default', '<missing>')!r} != {field['default']!r}"
                )
        payload = build(schema, defs)
        round_trip(model, payload, f"{endpoint_id} {role} payload")
        # Every enum value of every top-level property is accepted.
        for wire, prop in properties.items():
            for values in enums(prop, defs, items=False)[:1]:
                for value in values:
                    model.model_validate({**payload, wire: value})
        example = expect.get("examples", {}).get(endpoint_id, {}).get(role)
        if example is not None:
            round_trip(model, example, f"{endpoint_id} {role} example")

print("ok")
