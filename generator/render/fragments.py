"""Source fragments the templates call: model attribute lines, method parameters, the call
options parameter, literal aliases. Doc text enters generated source only through
`generator.python.pysource`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.python.call_options import call_options
from generator.python.pysource import py_string, wrap
from generator.python.views import FieldView


def pyset(values: Iterable[str]) -> str:
    return "{" + ", ".join(py_string(v) for v in values) + "}"


def field_line(field: FieldView) -> str:
    """The model attribute line(s) for a field, in black's layout."""
    arguments: list[str] = []
    if field.default_factory:
        arguments.append(f"default_factory=lambda: {field.default}")
    elif not field.required:
        arguments.append(f"default={field.default}")
    if field.needs_alias:
        arguments.append(f"validation_alias={py_string(field.wire_name)}")
        arguments.append(f"serialization_alias={py_string(field.wire_name)}")
    arguments.extend(f"{name}={value}" for name, value in field.constraints)
    if field.description:
        arguments.append(f"description={py_string(field.description)}")
    head = f"{field.attr}: {field.annotation}"
    if not arguments:
        return f"    {head}"
    return wrap(f"{head} = Field", arguments, "    ")


def params(fields: list[FieldView]) -> str:
    """Keyword parameters of a binding method, one per line (black keeps them exploded)."""
    return "\n".join(f"        {f.attr}: {f.signature_type}" + ("" if f.required else f" = {f.signature_default}") + "," for f in fields)


def options_context() -> dict[str, Any]:
    """The call options parameter of each generated method, sync and async: `**options` unpacking
    the runtime's `TypedDict` for it (imported under a private alias)."""
    declared = call_options()

    def unpacked(prefix: str) -> dict[str, str]:
        return {method: f"**{declared.parameter}: Unpack[_{prefix}{name}]" for method, name in declared.typed_dicts.items()}

    return {"options": unpacked(""), "async_options": unpacked("Async")}


def implementation(prefix: str, name: str, returns: str) -> str:
    """The `def` line of a method's implementation, wrapped as black would."""
    return wrap(f"{prefix}def {name}", ["self", "input: Input | None = None", "**kwargs: Any"], "    ", suffix=f" -> {returns}:")


def literal_alias(name: str, values: list[str], static: str | None = None, membership: bool = False) -> str:
    """`Name: TypeAlias = Literal[...]`; with `static`, type checkers see that type instead
    (`Literal` may not hold floats, lists or objects; pydantic still checks the values). With
    `membership` (a value is an object or a list, which `Literal` cannot hold at run time), the
    runtime's `one_of(...)` checks the values instead."""
    if static is None:
        return wrap(f"{name}: TypeAlias = Literal", values, "", "[]")
    if membership:
        runtime = wrap(f"{name}: TypeAlias = _one_of", values, "    ", "()")
    else:
        runtime = wrap(f"{name}: TypeAlias = Literal", values, "    ", "[]")
    return f"if TYPE_CHECKING:\n    {name}: TypeAlias = {static}\nelse:\n{runtime}"
