"""What the CLI prints: JSON, readable summaries, saved files, error messages - and the guards
that keep the API key out of all of it and keep text from the docs or the service inert in a
terminal (`terminal_safe`)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from fal_bindings._runtime.credentials import KEY_VARIABLES, redact, secret_values

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from .options import FieldOption

__all__ = [
    "terminal_safe",
    "echo",
    "json_text",
    "SECRET_ENV_VARS",
    "secrets",
    "redact",
    "RedactingStream",
    "install_redaction",
    "echo_json",
    "output_json",
    "summary_lines",
    "download_files",
    "is_file",
    "iter_output_files",
    "validation_messages",
]

SECRET_ENV_VARS = KEY_VARIABLES


# --------------------------------------------------------------------------- text from outside

# Terminal control sequences and characters: ESC/CSI sequences (colours, cursor moves, screen
# clears), OSC/DCS/APC strings (window titles, hyperlinks, clipboard writes), their 8-bit forms,
# every other C0/C1 control but tab and newline, and the bidi overrides that reorder a line.
_TERMINAL_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x1b][\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
# What JSON output escapes beyond json.dumps (which escapes C0 only): DEL, C1, bidi controls.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, *, single_line: bool = False) -> str:
    """`text` (from the docs, the service or the command line) without anything a terminal would
    act on: control sequences are removed whole, other controls dropped; tab and newline stay
    (`single_line`: a newline becomes a space)."""
    text = _TERMINAL_CONTROL.sub("", text)
    return text.replace("\n", " ") if single_line else text


def echo(text: str, *, err: bool = False) -> None:
    """`click.echo` of text that may hold outside text, made terminal-safe."""
    click.echo(terminal_safe(text), err=err)


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """JSON for the terminal: faithful (a JSON reader gets every character back) and inert (the
    characters a terminal would act on are `\\u` escapes)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --------------------------------------------------------------------------- the API key


def secrets() -> list[str]:
    """The credential values to mask (the runtime's rule: each credential, stripped, and each
    run of printable ASCII in it), longest first."""
    return secret_values()


class RedactingStream:
    """A text stream wrapper masking credentials in everything written through it."""

    def __init__(self, stream: IO[str], values: list[str]) -> None:
        self._stream = stream
        self._values = values

    def write(self, text: str) -> int:
        self._stream.write(redact(text, self._values))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer ...
        return getattr(self._stream, name)


def install_redaction() -> Callable[[], None]:
    """Route sys.stdout/sys.stderr through `RedactingStream` when a credential is set; returns
    the function that puts the original streams back."""
    values = secrets()
    originals: dict[str, Any] = {}
    if values:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is not None and not isinstance(stream, RedactingStream):
                originals[name] = stream
                setattr(sys, name, RedactingStream(stream, values))

    def restore() -> None:
        for name, stream in originals.items():
            setattr(sys, name, stream)

    return restore


# --------------------------------------------------------------------------- results


def echo_json(value: Any, *, indent: int | None = 2, err: bool = False) -> None:
    click.echo(json_text(value, indent=indent), err=err)


def output_json(output: BaseModel) -> Any:
    """The output as the service sent it: wire names, only the fields present, extras kept."""
    return output.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _short(text: str, limit: int = 160) -> str:
    if text.startswith("data:") and len(text) > 80:
        head = text.split(",", 1)[0]
        return f"{head},... ({len(text)} characters)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _short(value)
    return _short(json.dumps(value, ensure_ascii=False, default=str))


def _file_line(f: Any) -> str:
    details = []
    for attr in ("content_type", "width", "height", "duration", "file_size"):
        value = getattr(f, attr, None)
        if value is None:
            continue
        if attr == "file_size" and isinstance(value, int):
            details.append(_size(value))
        elif attr == "width":
            height = getattr(f, "height", None)
            details.append(f"{value}x{height}" if height is not None else f"width {value}")
        elif attr == "height":
            continue
        elif attr == "duration":
            details.append(f"{value}s")
        else:
            details.append(str(value))
    suffix = f"  ({', '.join(details)})" if details else ""
    return _short(str(f.url)) + suffix


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


def summary_lines(output: BaseModel) -> list[str]:
    """A readable view of an Output: one line per field, files as their URLs. An Output whose
    schema is `{}` (`FalValue`: any JSON value) shows an object's keys, or the value itself."""
    from pydantic import BaseModel

    from .._runtime.value import FalValue

    dumped = output_json(output)
    if isinstance(output, FalValue):
        pairs = dumped.items() if isinstance(dumped, dict) else [("value", dumped)]
        return [terminal_safe(f"{key}: {_scalar(value)}", single_line=True) for key, value in pairs]
    fields = type(output).model_fields
    alias = {
        name: (info.serialization_alias or info.alias or name) for name, info in fields.items()
    }
    lines: list[str] = []
    values: dict[str, Any] = {}
    for name in fields:
        if name in output.model_fields_set:
            values[alias[name]] = getattr(output, name)
    for key, value in (output.model_extra or {}).items():
        values[key] = value
    for key, value in values.items():
        if is_file(value):
            lines.append(f"{key}: {_file_line(value)}")
        elif isinstance(value, list) and value and all(is_file(v) for v in value):
            lines.append(f"{key}:")
            lines.extend(f"  [{i}] {_file_line(v)}" for i, v in enumerate(value))
        elif isinstance(value, BaseModel):
            lines.append(f"{key}: {_scalar(dumped.get(key))}")
        else:
            lines.append(f"{key}: {_scalar(dumped.get(key, value))}")
    return [terminal_safe(line, single_line=True) for line in lines]


def is_file(value: Any) -> bool:
    """A file of an output: a `FalFile`, or any output object with a non-empty `url` string
    (file types whose `url` the docs left optional are plain models)."""
    from pydantic import BaseModel

    url = getattr(value, "url", None) if isinstance(value, BaseModel) else None
    return isinstance(url, str) and bool(url)


def iter_output_files(value: Any) -> Iterator[Any]:
    """Every file object inside an output (models, lists, dicts), depth first, in field order."""
    from pydantic import BaseModel

    if is_file(value):
        yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_output_files(getattr(value, name, None))
        for item in (value.model_extra or {}).values():
            yield from iter_output_files(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from iter_output_files(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_output_files(item)


def download_files(output: Any, directory: Path, *, overwrite: bool = False) -> list[Path]:
    """Save every file of an output into `directory` with the runtime's download helper (the one
    `FalFile.download` uses): names come from `file_name` or the URL, made safe; the files land
    inside `directory`; a name already taken gets a number. With `overwrite`, files from earlier
    runs are replaced, but two files of this output still never share a name."""
    from fal_bindings._runtime.downloads import download_name, download_url, numbered_name

    directory.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    used: set[str] = set()
    for f in iter_output_files(output):
        url = str(f.url)
        suggested = getattr(f, "file_name", None)
        suggested = suggested if isinstance(suggested, str) else None
        if not overwrite:
            saved.append(download_url(url, directory, file_name=suggested))
            continue
        name, n = download_name(url, suggested), 0
        while numbered_name(name, n) in used or (directory / numbered_name(name, n)).is_dir():
            n += 1  # never two files of this output under one name, never into a directory
        used.add(numbered_name(name, n))
        saved.append(download_url(url, directory / numbered_name(name, n), overwrite=True))
    return saved


# --------------------------------------------------------------------------- validation errors


def _loc_text(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _value_text(value: Any) -> str:
    if isinstance(value, Path):
        return repr(str(value))
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _is_union_tag(part: Any) -> bool:
    """pydantic's union-member steps in a loc (`literal['a','b']`, `ImageSize`, `function-plain[...]`)."""
    return isinstance(part, str) and (
        "[" in part
        or (part[:1].isupper() and not part.isupper())
        or part in ("str", "int", "float", "bool")
    )


def validation_messages(
    exc: ValidationError,
    options: list[FieldOption],
    payload: Mapping[str, Any],
    *,
    source: str = "--input-json",
) -> list[str]:
    """One message per offending field: the option, the value given and what is allowed."""
    by_wire = {fo.wire: fo for fo in options}
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error.get("loc") or ())
        grouped.setdefault(str(loc[0]) if loc else "", []).append(error)
    messages: list[str] = []
    for key, errors in grouped.items():
        fo = by_wire.get(key)
        kind = errors[0].get("type")
        if kind == "missing" and fo is not None:
            messages.append(
                f"missing required field {key!r}: give {fo.option} (or set it in --input-json)"
            )
            continue
        if kind == "extra_forbidden" and len(tuple(errors[0].get("loc") or ())) == 1:
            allowed = ", ".join(f.wire for f in options)
            messages.append(f"unknown field {key!r} in {source}; the fields are: {allowed}")
            continue
        where = f"{fo.option} ({key})" if fo is not None else repr(key)
        details = []
        for detail in errors:
            path = [p for p in tuple(detail.get("loc") or ())[1:] if not _is_union_tag(p)]
            text = str(detail.get("msg", "invalid"))
            if detail.get("type") == "missing":
                text = "field required"
            elif detail.get("type") == "extra_forbidden":
                text = "unknown field"
            details.append(f"{_loc_text(path)}: {text}" if path else text)
        shown = payload[key] if key in payload else errors[0].get("input")
        messages.append(
            f"invalid value for {where}: {_value_text(shown)}: "
            + "; or ".join(dict.fromkeys(details))
        )
    return messages


def iter_status_logs(logs: Any) -> Iterator[str]:
    """Log lines of a queue status (`[{"message": ..., "level": ...}]`)."""
    for item in logs or []:
        if isinstance(item, Mapping):
            message = terminal_safe(str(item.get("message", "")).rstrip())
            level = terminal_safe(str(item.get("level") or ""), single_line=True)
            yield f"[{level}] {message}" if level and level not in ("INFO", "STDOUT") else message
        else:
            yield terminal_safe(str(item))
