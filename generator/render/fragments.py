"""Source fragments the templates call: model attribute lines, method parameters, the call
options parameter, literal aliases. Doc text enters generated source only through
`generator.python.pysource`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.python.annotate import import_order, natural_key
from generator.python.call_options import call_options
from generator.python.identifiers import ASYNC_PREFIX
from generator.python.pysource import LINE_LENGTH, py_string, width, wrap
from generator.python.views import EndpointEntry, FieldView


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
    if field.description and not field.description_in_docstring:
        arguments.append(f"description={py_string(field.description)}")
    # The description is the attribute docstring below the line (pydantic reads it from there).
    head = f"{field.attr}: {field.annotation}"
    if not arguments:
        return f"    {head}"
    plain = f"    {head} = {field.default}"
    if len(arguments) == 1 and not field.required and width(plain) <= LINE_LENGTH:
        return plain  # a default alone needs no `Field(...)`; a long one keeps black's call layout
    return wrap(f"{head} = Field", arguments, "    ")


def typed_dict_keys(fields: list[FieldView]) -> str:
    """The keys of an endpoint's `_Arguments` TypedDict: a field's attribute name and annotation,
    `Required[...]` where the field is (the TypedDict is `total=False`)."""
    return "\n".join(f"        {f.attr}: " + (f"Required[{f.signature_type}]" if f.required else f.signature_type) for f in fields)


def arguments_doc(summary: str, fields: list[FieldView], options: str) -> str:
    """A method docstring's text: `summary`, then a Google-style `Args:` list of the endpoint's
    fields (name, type, default, the first sentence of the description; the full text is the
    `Input` attribute's docstring), then where the call options are declared."""
    lines = [summary, "", "Args:"] if fields else [summary]
    for f in fields:
        kind = f.signature_type.replace("_FileInput", "FileInput")
        default = f.doc_default or str(f.default)
        if f.required:
            kind += ", required"
        elif len(default) <= _DEFAULT_SHOWN:
            kind += f", default {default}"
        else:
            kind += ", optional"  # the default is the Input attribute's
        line = f"    {f.attr} ({kind})"
        lines.append(f"{line}: {first_sentence(f.description)}" if f.description.strip() else line)
    lines += ["", f"Call options: the keys of `{options}` (`timeout`, `headers`, `client`, ...)."]
    return "\n".join(lines)


_DEFAULT_SHOWN = 60
"""A default longer than this (a large object) is not repeated in a docstring."""
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]`'\"])[.!?](?=\s+[A-Z])")


def first_sentence(text: str) -> str:
    """The first sentence of a description (all of it when it is one), on one line."""
    flat = " ".join(text.split())
    end = _SENTENCE_END.search(flat)
    return flat[: end.end()] if end else flat


def options_context() -> dict[str, Any]:
    """Per method kind, sync and async: the runtime's options `TypedDict` (through the runtime
    package imported as `_rt`: `_rt.RunOptions`), the `**options` parameter unpacking it, and the name of the module's
    `TypedDict` of the endpoint's fields plus those options (`_RunArguments`)."""
    declared = call_options()

    def kinds(prefix: str) -> dict[str, dict[str, str]]:
        return {
            method: {
                "typed_dict": f"_rt.{prefix}{name}",
                "public": f"{prefix}{name}",
                "options": f"**{declared.parameter}: Unpack[_rt.{prefix}{name}]",
                "arguments": f"_{prefix}{method.capitalize()}Arguments",
            }
            for method, name in declared.typed_dicts.items()
        }

    return {"options": kinds(""), "async_options": kinds("Async")}


def endpoint_imports(endpoints: list[EndpointEntry]) -> list[str]:
    """`from <module> import AsyncX, X` for every endpoint, in isort's order, as black lays them
    out inside an `if TYPE_CHECKING:` block."""
    pairs = sorted(((f"fal_bindings.{e.module}", e.class_name) for e in endpoints), key=import_order)
    lines = []
    for module, cls in pairs:
        names = sorted([ASYNC_PREFIX + cls, cls], key=natural_key)
        line = f"    from {module} import {', '.join(names)}"
        lines.append(line if width(line) <= LINE_LENGTH else wrap(f"from {module} import ", names, "    ", "()", collection=True))
    return lines


def endpoint_names(endpoints: list[EndpointEntry]) -> list[str]:
    """`__all__` of the endpoint map: `endpoint`, `async_endpoint` and every endpoint class."""
    names = ["endpoint", "async_endpoint"] + [name for e in endpoints for name in (e.class_name, ASYNC_PREFIX + e.class_name)]
    return [py_string(name) for name in names]


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
