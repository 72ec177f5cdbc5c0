"""Values stated in doc text (defaults, enum values), typed by the field's type."""

from __future__ import annotations

from generator.core.fits import strict_json
from generator.core.ir import TypeExpr


def parse_default(text: str, type_expr: TypeExpr) -> object:
    """Type a default as written: `"5"` is a string, `5` a number, `true` a boolean.

    A quoted default is a string even when it holds quotes of its own
    (`"Turn this into "Living oil painting""`); an unquoted word that is not JSON
    (`landscape_4_3`, `16:9`) is a string too.
    """
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            value = strict_json(text)
            if isinstance(value, str):
                return value
        except (ValueError, RecursionError):
            pass
        return text[1:-1]
    try:
        value = strict_json(text)
    except (ValueError, RecursionError):
        return text
    if isinstance(value, float) and value.is_integer() and _accepts(type_expr, "integer") and not _accepts(type_expr, "number"):
        return int(value)
    return value


def _accepts(type_expr: TypeExpr, kind: str) -> bool:
    if type_expr.kind == kind:
        return True
    return any(_accepts(v, kind) for v in type_expr.variants or [])


def typed_values(values: list[str], default_text: str | None) -> list[object]:
    """Enum values typed consistently: numbers only when every value is a number and the
    default (if any) is written unquoted."""
    if default_text is not None and default_text.strip().startswith('"'):
        return list(values)
    parsed: list[object] = []
    for value in values:
        try:
            number = strict_json(value)
        except (ValueError, RecursionError):
            return list(values)
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            return list(values)
        parsed.append(number)
    return parsed if default_text is not None or parsed else list(values)


def attach_enum(type_expr: TypeExpr, values: list[str], default_text: str | None) -> None:
    if type_expr.kind == "enum":
        type_expr.values = typed_values(values, default_text)
    for variant in type_expr.variants or []:
        attach_enum(variant, values, default_text)
    if type_expr.items is not None:
        attach_enum(type_expr.items, values, default_text)


def has_empty_enum(type_expr: TypeExpr) -> bool:
    if type_expr.kind == "enum" and not type_expr.values:
        return True
    nested = [*(type_expr.variants or []), *([type_expr.items] if type_expr.items else [])]
    return any(has_empty_enum(v) for v in nested)


def empty_enums_to_string(type_expr: TypeExpr) -> None:
    if type_expr.kind == "enum" and not type_expr.values:
        type_expr.kind = "string"
        type_expr.name = None
        type_expr.values = None
    for variant in [*(type_expr.variants or []), *([type_expr.items] if type_expr.items else [])]:
        empty_enums_to_string(variant)
