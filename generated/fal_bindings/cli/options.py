# Copied from templates/package/fal_bindings/cli/options.py by falgen. Edit the source, then run make generate.
"""Command-line options of `fal-bindings run ID`, built from the endpoint's spec JSON.

One option per Input field, named after the wire name with dashes (`image_size` -> `--image-size`;
a name taken by a control option such as `--json` becomes `--field-json`):

| field schema                        | option                                                    |
|-------------------------------------|-----------------------------------------------------------|
| string                              | `--x TEXT`                                                |
| a field the spec marks `x-fal-file` | `--x FILE|URL`: a URL, a `data:` URI or a local file path  |
| integer / number                    | `--x INTEGER` / `--x NUMBER`                              |
| boolean                             | `--x/--no-x`                                              |
| enum                                | `--x CHOICE` (click.Choice; the enum's typed value is sent) |
| object, or any other union          | `--x JSON`                                                |
| union of an object and an enum      | `--x CHOICE|JSON`: one of the choices, or a JSON object   |
| array                               | repeatable (`--x a --x b`); a JSON array adds all its items |

Nothing is sent for an option that is not given (server defaults apply). Values are converted
and checked by click here; the endpoint's pydantic Input model validates the whole request later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .._runtime.spec import carries_files, non_null_variants, ref_name, resolve
from .app import CONTEXT_SETTINGS
from .catalog import EndpointSchema, FieldInfo, object_fields, type_label
from .output import terminal_safe
from .param_types import (
    FileOrUrl,
    JsonTooDeepError,
    JsonValue,
    ListItem,
    ParamType,
    Splice,
    TypedChoice,
    choice_text,
    load_json,
)

__all__ = [
    "CONTROL_OPTIONS",
    "FieldOption",
    "control_params",
    "click_params",
    "field_options",
    "collect_fields",
    "read_input_json",
]

# --------------------------------------------------------------------------- control options


def control_params(streaming: bool) -> list[click.Option]:
    """The options of `run ID` itself, after its Input fields (`--stream` is hidden unless the
    endpoint streams). `CONTROL_OPTIONS` is derived from them, so a field never shadows one."""
    return [
        click.Option(
            ["--input-json", "input_json"],
            metavar="FILE|-",
            help="Read input fields from a JSON object in FILE ('-': stdin); options override it.",
        ),
        click.Option(
            ["--dry-run", "dry_run"],
            is_flag=True,
            help="Validate the input and print the request JSON; send nothing.",
        ),
        click.Option(
            ["--json", "as_json"],
            is_flag=True,
            help="Print the raw output JSON instead of a summary.",
        ),
        click.Option(
            ["--download", "download"],
            metavar="DIR",
            type=click.Path(file_okay=False, path_type=Path),
            help="Save every output file into DIR (a name already taken there gets a number).",
        ),
        click.Option(
            ["--overwrite", "overwrite"],
            is_flag=True,
            help="With --download: replace files of the same name in DIR instead of numbering.",
        ),
        click.Option(
            ["--submit", "submit"],
            is_flag=True,
            help="Only submit to the queue and print the request id.",
        ),
        click.Option(
            ["--stream", "stream"],
            is_flag=True,
            hidden=not streaming,
            help="Stream the output: print each event as a JSON line.",
        ),
        click.Option(
            ["--upload-files", "upload_files"],
            is_flag=True,
            help="Upload every local file to fal's storage (by default only files over 4 MiB "
            "are uploaded, smaller ones are sent inline as data URIs).",
        ),
        click.Option(
            ["--timeout", "timeout"],
            metavar="SECONDS",
            type=click.FloatRange(min=0, min_open=True),
            help="Give up after SECONDS (uploads, queue and run included); a queued request is "
            "cancelled.",
        ),
        click.Option(
            ["-v", "--progress", "progress"],
            is_flag=True,
            help="Without a terminal too: print each queue state and log line on stderr.",
        ),
        click.Option(
            ["-q", "--quiet", "quiet"],
            is_flag=True,
            help="Nothing on stderr but errors (no request id, no progress).",
        ),
    ]


CONTROL_OPTIONS = frozenset(
    name.lstrip("-")
    for param in control_params(streaming=True)
    for name in (*param.opts, *param.secondary_opts)
) | frozenset(name.lstrip("-") for name in CONTEXT_SETTINGS["help_option_names"])
"""Option names (without dashes) of `run ID` itself, `-h/--help` included; a field with one of
these names is renamed `--field-<name>`."""


# --------------------------------------------------------------------------- field options


@dataclass(frozen=True)
class FieldOption:
    """How one Input field appears on the command line."""

    info: FieldInfo
    option: str
    """`--image-size`."""
    param: str
    """click's parameter name (`field_4`)."""
    kind: str
    """string, file, integer, number, boolean, choice, json, json_object, choice_or_json."""
    multiple: bool
    negative: str | None
    """`--no-x` for booleans."""

    @property
    def wire(self) -> str:
        return self.info.name


_SCALARS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def _is_file_field(info: FieldInfo) -> bool:
    """A field the spec marks as carrying file URLs (`x-fal-file`, a string or a list of them)."""
    return carries_files(info.schema)


def _kind(document: dict[str, Any], schema: dict[str, Any]) -> str:
    """The option kind of a (non-array) schema."""
    variants = non_null_variants(schema)
    if variants is not None:
        if len(variants) == 1:
            return _kind(document, variants[0])
        resolved = [resolve(document, v) for v in variants]
        if all("enum" in v or "const" in v for v in resolved):
            return "choice"
        if any("enum" in v or "const" in v for v in resolved):
            return "choice_or_json"
        return "json"
    target = resolve(document, schema)
    if "enum" in target or "const" in target:
        return "choice"
    kind = target.get("type")
    if isinstance(kind, str) and kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "object" or "properties" in target:
        return "json_object"
    return "json"


def _array_items(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any] | None:
    """The item schema when the field is an array (or a nullable array), else None."""
    variants = non_null_variants(schema)
    if variants is not None and len(variants) == 1:
        schema = variants[0]
    target = resolve(document, schema)
    if target.get("type") == "array":
        items = target.get("items")
        return items if isinstance(items, dict) else {}
    return None


def _option_name(wire: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "-", wire).strip("-") or "field"
    name = base
    if name.lower() in CONTROL_OPTIONS or name in taken:
        name = f"field-{base}"
    counter = 2
    while name in taken or name.lower() in CONTROL_OPTIONS:
        name = f"field-{base}-{counter}"
        counter += 1
    return name


def field_options(schema: EndpointSchema) -> list[FieldOption]:
    """The option of every Input field, in the spec's field order."""
    taken: set[str] = set()
    out: list[FieldOption] = []
    for index, info in enumerate(schema.inputs):
        items = _array_items(schema.document, info.schema)
        multiple = items is not None
        kind = (
            "file"
            if _is_file_field(info)
            else _kind(schema.document, info.schema if items is None else items)
        )
        name = _option_name(info.name, taken)
        taken.add(name)
        negative = None
        if kind == "boolean" and not multiple:
            negative = f"no-{name}"
            if negative in taken or negative.lower() in CONTROL_OPTIONS:
                negative = None
            else:
                taken.add(negative)
        out.append(FieldOption(info, f"--{name}", f"field_{index}", kind, multiple, negative))
    return out


def _json_hint(document: dict[str, Any], schema: dict[str, Any]) -> str:
    """`ImageSize {width: integer, height: integer}` for the object types a JSON option takes."""
    parts: list[str] = []
    variants = non_null_variants(schema)
    for member in variants if variants is not None else [schema]:
        target = resolve(document, member)
        if "enum" in target or "const" in target:
            continue
        name = ref_name(member)
        if target.get("type") == "object" or "properties" in target:
            fields = object_fields(document, target)
            inner = ", ".join(f"{f.name}: {f.type_label}" for f in fields[:8])
            if len(fields) > 8:
                inner += ", ..."
            label = (
                f"{name or 'object'} {{{inner}}}"
                if fields
                else f"{name or 'object'} (any JSON object)"
            )
            parts.append(label)
        else:
            parts.append(type_label(document, member))
    return " or ".join(parts)


def _default_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_METAVARS = {
    "string": "TEXT",
    "file": "FILE|URL",
    "integer": "INTEGER",
    "number": "NUMBER",
    "choice": "CHOICE",
    "json": "JSON",
    "json_object": "JSON",
    "choice_or_json": "CHOICE|JSON",
}


def _help(schema: EndpointSchema, fo: FieldOption) -> str:
    info = fo.info
    extras: list[str] = []
    if info.required:
        extras.append("required")
    if fo.kind == "file":
        extras.append("a URL, a data: URI or a local file")
    elif fo.kind in ("json", "json_object", "choice_or_json"):
        items = _array_items(schema.document, info.schema)
        hint = _json_hint(schema.document, items if items is not None else info.schema)
        if hint:
            extras.append(
                f"JSON {hint}" if fo.kind != "choice_or_json" else f"a choice, or JSON {hint}"
            )
    elif fo.kind not in ("string", "integer", "number", "boolean", "choice"):
        extras.append(f"type: {info.type_label}")
    if info.choices and fo.kind in ("choice", "choice_or_json"):
        extras.append("choices: " + ", ".join(choice_text(c) for c in info.choices))
    if info.has_default:
        extras.append(f"default: {_default_text(info.default)}")
    if info.limits:
        extras.append(info.limits)
    if fo.multiple:
        extras.append("repeatable, or a JSON list")
    text = info.description
    if extras:
        text = (text + "  " if text else "") + "[" + "; ".join(extras) + "]"
    return terminal_safe(text)  # descriptions, choices and defaults come from the docs


def click_params(schema: EndpointSchema, options: list[FieldOption]) -> list[click.Option]:
    """The click options of `options` (none is `required` to click: `--input-json` may supply the
    value; the Input model reports what is missing)."""
    params = []
    for fo in options:
        help_text = _help(schema, fo)
        if fo.kind == "boolean" and not fo.multiple:
            decls = [f"{fo.option}/--{fo.negative}" if fo.negative else fo.option, fo.param]
            if fo.negative:
                params.append(click.Option(decls, default=None, help=help_text))
            else:
                params.append(
                    click.Option(
                        decls, type=click.BOOL, default=None, metavar="BOOLEAN", help=help_text
                    )
                )
            continue
        param_type = _param_type(schema, fo)
        if fo.multiple:
            params.append(
                click.Option(
                    [fo.option, fo.param],
                    type=ListItem(param_type),
                    multiple=True,
                    metavar=_METAVARS.get(fo.kind, "VALUE") if fo.kind != "boolean" else "BOOLEAN",
                    help=help_text,
                )
            )
        else:
            params.append(
                click.Option(
                    [fo.option, fo.param],
                    type=param_type,
                    metavar=_METAVARS.get(fo.kind),
                    help=help_text,
                )
            )
    return params


def _param_type(schema: EndpointSchema, fo: FieldOption) -> ParamType:
    info = fo.info
    if fo.kind == "file":
        return FileOrUrl()
    if fo.kind == "integer":
        return click.INT
    if fo.kind == "number":
        return click.FLOAT
    if fo.kind == "boolean":
        return click.BOOL
    if fo.kind == "choice" and info.choices:
        return TypedChoice(info.choices)
    if fo.kind in ("json", "json_object", "choice_or_json"):
        items = _array_items(schema.document, info.schema)
        hint = _json_hint(schema.document, items if items is not None else info.schema)
        return JsonValue(
            expect="object" if fo.kind in ("json_object", "choice_or_json") else "any",
            choices=info.choices if fo.kind == "choice_or_json" else (),
            describe=f"a JSON {hint}" if hint else "",
        )
    return click.STRING


# --------------------------------------------------------------------------- values


def collect_fields(options: list[FieldOption], params: Mapping[str, Any]) -> dict[str, Any]:
    """{wire name: value} of the options given on the command line."""
    payload: dict[str, Any] = {}
    for fo in options:
        value = params.get(fo.param)
        if fo.multiple:
            if not value:
                continue
            items: list[Any] = []
            for item in value:
                if isinstance(item, Splice):
                    items.extend(item.items)
                else:
                    items.append(item)
            payload[fo.wire] = items
        elif value is not None:
            payload[fo.wire] = value
    return payload


def read_input_json(
    source: str, options: list[FieldOption], param: click.Parameter | None = None
) -> dict[str, Any]:
    """The JSON object of `--input-json FILE|-`; local paths in file fields become `Path`s."""
    import sys

    where = "stdin" if source == "-" else repr(source)
    try:
        text = (
            sys.stdin.read()
            if source == "-"
            else Path(source).expanduser().read_text(encoding="utf-8")
        )
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise click.BadParameter(f"cannot read {where}: {reason}", param=param) from None
    try:
        data = load_json(text)
    except JsonTooDeepError as exc:
        field = f"field {exc.key!r} in " if exc.key is not None else ""
        raise click.BadParameter(f"{field}{where}: {exc}", param=param) from None
    except ValueError as exc:
        lineno, colno, msg = (
            getattr(exc, "lineno", None),
            getattr(exc, "colno", None),
            getattr(exc, "msg", str(exc)),
        )
        at = f" at line {lineno} column {colno}" if lineno is not None else ""
        raise click.BadParameter(f"malformed JSON in {where}{at}: {msg}", param=param) from None
    if not isinstance(data, dict):
        raise click.BadParameter(
            f"{where} must hold a JSON object of input fields, got a JSON {_json_type(data)}",
            param=param,
        )
    files = {fo.wire: fo for fo in options if fo.kind == "file"}
    converter = FileOrUrl()
    for key, value in list(data.items()):
        if key not in files:
            continue
        try:
            if isinstance(value, str):
                data[key] = converter.convert(value, param, None)
            elif isinstance(value, list):
                data[key] = [
                    converter.convert(v, param, None) if isinstance(v, str) else v for v in value
                ]
        except click.BadParameter as exc:
            raise click.BadParameter(f"field {key!r}: {exc.message}", param=param) from None
    return data


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"
