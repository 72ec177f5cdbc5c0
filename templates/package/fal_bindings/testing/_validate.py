"""Turn jsonschema errors into fal's (FastAPI/pydantic v2 style) 422 `detail` entries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

_TYPE_ERRORS: dict[str, tuple[str, str]] = {
    "string": ("string_type", "Input should be a valid string"),
    "integer": ("int_type", "Input should be a valid integer"),
    "number": ("float_type", "Input should be a valid number"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
    "array": ("list_type", "Input should be a valid list"),
    "object": ("dict_type", "Input should be a valid dictionary"),
    "null": ("none_required", "Input should be None"),
}

_BOUND_ERRORS: dict[str, tuple[str, str]] = {
    "minimum": ("greater_than_equal", "Input should be greater than or equal to {}"),
    "maximum": ("less_than_equal", "Input should be less than or equal to {}"),
    "exclusiveMinimum": ("greater_than", "Input should be greater than {}"),
    "exclusiveMaximum": ("less_than", "Input should be less than {}"),
    "multipleOf": ("multiple_of", "Input should be a multiple of {}"),
    "pattern": ("string_pattern_mismatch", "String should match pattern '{}'"),
}

Detail = dict[str, Any]


def validation_errors(validator: Draft202012Validator, instance: Any) -> list[Detail]:
    """All problems with `instance`, as `{"loc": ["body", ...], "msg", "type"}` entries, deduplicated."""
    details: list[Detail] = []
    seen: set[tuple[str, ...]] = set()
    for error in validator.iter_errors(instance):
        for detail in _details(error):
            key = (*map(str, detail["loc"]), detail["type"])
            if key not in seen:
                seen.add(key)
                details.append(detail)
    return details


def describe(details: Iterable[Detail]) -> str:
    """One line for humans: `body.prompt: Field required; body.steps: ...`."""
    return "; ".join(".".join(map(str, d["loc"])) + ": " + str(d["msg"]) for d in details)


def _detail(path: Iterable[Any], kind: str, message: str) -> Detail:
    return {"loc": ["body", *path], "msg": message, "type": kind}


def _details(error: ValidationError) -> list[Detail]:
    path = list(error.absolute_path)
    # jsonschema types these as `Any | Unset`: they are set on every error a validator reports.
    keyword, instance = error.validator, error.instance
    expected: Any = error.validator_value
    if keyword == "required":
        # jsonschema reports one error per missing name, but without the name as data.
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return [_detail([*path, name], "missing", "Field required") for name in missing]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        return [
            _detail([*path, name], "extra_forbidden", "Extra inputs are not permitted")
            for name in extra_names(error.schema, instance)
        ]
    if keyword == "type":
        names = expected if isinstance(expected, list) else [expected]
        kind, message = _TYPE_ERRORS.get(
            next((n for n in names if n != "null"), "null"), ("type_error", error.message)
        )
        return [_detail(path, kind, message)]
    if keyword in ("enum", "const"):
        values = expected if keyword == "enum" else [expected]
        return [_detail(path, "literal_error", "Input should be " + _alternatives(values))]
    if keyword in _BOUND_ERRORS:
        kind, template = _BOUND_ERRORS[keyword]
        return [_detail(path, kind, template.format(expected))]
    if keyword in ("minLength", "maxLength"):
        least = keyword == "minLength"
        unit = "character" if expected == 1 else "characters"
        return [
            _detail(
                path,
                "string_too_short" if least else "string_too_long",
                f"String should have {'at least' if least else 'at most'} {expected} {unit}",
            )
        ]
    if keyword in ("minItems", "maxItems"):
        least = keyword == "minItems"
        unit = "item" if expected == 1 else "items"
        count = len(instance) if isinstance(instance, list) else 0
        return [
            _detail(
                path,
                "too_short" if least else "too_long",
                f"List should have {'at least' if least else 'at most'} {expected} {unit}"
                f" after validation, not {count}",
            )
        ]
    if keyword in ("anyOf", "oneOf") and error.context:
        # Name the most specific failure: the deepest one, preferring a value error (such as
        # an enum miss) over "wrong type", which only says another branch was meant.
        best = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        return _details(best)
    return [_detail(path, "value_error", error.message)]


def extra_names(schema: Any, instance: dict[str, Any]) -> list[str]:
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    patterns = schema.get("patternProperties", {}) if isinstance(schema, dict) else {}
    return [
        name
        for name in instance
        if name not in properties and not any(re.search(p, name) for p in patterns)
    ]


def _alternatives(values: list[Any]) -> str:
    shown = [repr(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
