# Copied from templates/package/fal_bindings/cli/commands.py by falgen. Edit the source, then run make generate.
"""`list`, `show`, `status`, `result` and `cancel`."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .catalog import (
    CatalogEntry,
    EndpointSchema,
    FieldInfo,
    UnknownIdError,
    catalog,
    entry,
    load_schema,
)
from .output import echo, echo_json, iter_status_logs, terminal_safe

if TYPE_CHECKING:
    from fal_bindings._runtime.protocols import AnyEndpoint

__all__ = ["list_command", "show_command", "status_command", "result_command", "cancel_command"]

CAPABILITIES = ("queue", "streaming", "realtime")
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _entry(endpoint_id: str) -> CatalogEntry:
    try:
        return entry(endpoint_id)
    except UnknownIdError as exc:
        raise click.BadParameter(str(exc), param_hint="ID") from None


# --------------------------------------------------------------------------- list


def _table(rows: list[list[str]], width: int) -> list[str]:
    """Plain left-aligned columns; the last column is cut to the terminal width."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
        line = f"{head}  {row[-1]}".rstrip()
        if len(line) > width > 20:
            line = line[: width - 1] + "…"
        lines.append(line)
    return lines


@click.command("list", context_settings=CONTEXT)
@click.option(
    "--category", metavar="C", help="Only endpoints of this category (e.g. text-to-image)."
)
@click.option(
    "--capability",
    type=click.Choice(CAPABILITIES),
    help="Only endpoints with this capability.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of endpoint summaries).")
def list_command(category: str | None, capability: str | None, as_json: bool) -> None:
    """List endpoints: id, category, capabilities and title."""
    entries = list(catalog().values())
    if category is not None:
        wanted = category.strip().lower()
        entries = [e for e in entries if (e.category or "").lower() == wanted]
    if capability is not None:
        entries = [e for e in entries if capability in e.capabilities]
    if as_json:
        echo_json([e.summary() for e in entries])
        return
    if not entries:
        click.echo("no endpoint matches", err=True)
        return
    rows = [["ID", "CATEGORY", "CAPABILITIES", "TITLE"]]
    for e in entries:
        title = "" if e.title == e.id else e.title
        cells = [e.id, e.category or "-", ",".join(e.capabilities), title]
        rows.append([terminal_safe(cell, single_line=True) for cell in cells])
    # Cut long lines to the terminal's width, but never when the output goes to a pipe or file.
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 0
    for line in _table(rows, width):
        click.echo(line)


# --------------------------------------------------------------------------- show


def _default(info: FieldInfo) -> str:
    if not info.has_default:
        return ""
    return info.default if isinstance(info.default, str) else json.dumps(info.default)


def _allowed(info: FieldInfo) -> str:
    parts = []
    if info.choices:
        parts.append(", ".join(c if isinstance(c, str) else json.dumps(c) for c in info.choices))
    if info.limits:
        parts.append(info.limits)
    return "; ".join(parts)


_COLUMNS: dict[str, dict[str, Any]] = {
    # header: rich column options. Names never wrap (an option cut in two cannot be copied).
    "type": {"max_width": 16, "overflow": "fold"},
    "req": {"justify": "center", "no_wrap": True},
    "default": {"max_width": 14, "overflow": "fold"},
    "allowed": {"max_width": 18, "overflow": "fold"},
    "description": {"ratio": 1, "overflow": "fold"},
}
_DESCRIPTION_MIN = 30
"""Below this many columns left for descriptions, fields are listed one under another."""


def _print_fields(
    console: Any,
    title: str,
    fields: tuple[FieldInfo, ...],
    first: str,
    names: dict[str, str] | None = None,
    files: frozenset[str] = frozenset(),
) -> None:
    """One table per field list; columns that would be empty for every row are left out."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    names = names or {}
    rows = [
        {
            first: names.get(info.name, info.name),
            "type": info.type_label,
            "req": "yes" if info.required else "",
            "default": _default(info),
            "allowed": _allowed(info)
            or ("URL, data URI or local file" if info.name in files else ""),
            "description": info.description,
        }
        for info in fields
    ]
    rows = [{header: terminal_safe(text) for header, text in row.items()} for row in rows]
    headers = [first] + [
        h for h in _COLUMNS if any(row[h] for row in rows) or h in ("type", "description")
    ]
    name_width = max([len(first)] + [len(row[first]) for row in rows])
    others = sum(
        min(max([len(h)] + [len(row[h]) for row in rows]), int(_COLUMNS[h].get("max_width", 99)))
        for h in headers[1:-1]
    )
    if console.width - name_width - others - 2 * len(headers) < _DESCRIPTION_MIN:
        _print_stacked(console, title, rows, first)
        return
    table = Table(
        title=escape(terminal_safe(title, single_line=True)),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        expand=False,
    )
    for header in headers:
        if header == first:
            table.add_column(header, no_wrap=True, style="bold")
        else:
            table.add_column(header, **_COLUMNS[header])
    for row in rows:
        table.add_row(*(escape(row[h]) for h in headers))
    console.print(table)


def _print_stacked(console: Any, title: str, rows: list[dict[str, str]], first: str) -> None:
    """The narrow-terminal form of a field table: a line per field (name, type, required,
    default), then its allowed values and description, indented and wrapped."""
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    console.print(escape(terminal_safe(title, single_line=True)), style="bold", soft_wrap=True)
    for row in rows:
        head = Text(row[first], style="bold")
        facts = [row["type"]] + (["required"] if row["req"] else [])
        if row["default"]:
            facts.append(f"default {row['default']}")
        head.append("  " + ", ".join(fact for fact in facts if fact))
        console.print(head, soft_wrap=True)
        for label, text in (("allowed: ", row["allowed"]), ("", row["description"])):
            if text:
                console.print(Padding(Text(label + text), (0, 0, 0, 4), expand=False))
    console.print()


def _render_show(schema: EndpointSchema) -> None:
    from rich.console import Console
    from rich.markup import escape

    from .options import field_options

    console = Console(highlight=False, soft_wrap=False)
    e = schema.entry

    def text(
        value: str, single_line: bool = True
    ) -> str:  # doc text: inert for rich and the terminal
        return escape(terminal_safe(value, single_line=single_line))

    console.print(f"[bold]{text(e.id)}[/bold]" + (f" - {text(e.title)}" if e.title != e.id else ""))
    if e.description:
        console.print(text(e.description, single_line=False))
    console.print(
        f"category: {text(e.category or '-')}   capabilities: {text(', '.join(e.capabilities))}"
    )
    options = field_options(schema)
    names = {fo.wire: fo.option for fo in options}
    files = frozenset(fo.wire for fo in options if fo.kind == "file")
    _print_fields(console, "Input", schema.inputs, "option", names, files)
    _print_fields(console, "Output", schema.outputs, "field")
    for name in schema.referenced_types():
        fields = schema.fields_of(name)
        if fields:
            _print_fields(console, f"Type {name}", fields, "field")


@click.command("show", context_settings=CONTEXT)
@click.argument("endpoint_id", metavar="ID")
def show_command(endpoint_id: str) -> None:
    """Show an endpoint's inputs and outputs: type, required, default, choices, limits."""
    _entry(endpoint_id)
    _render_show(load_schema(endpoint_id))


# --------------------------------------------------------------------------- by request id


def _endpoint(endpoint_id: str) -> AnyEndpoint:
    import fal_bindings

    return fal_bindings.registry.endpoint(_entry(endpoint_id).id)


def _status_json(status: Any) -> dict[str, Any]:
    name = type(status).__name__
    data: dict[str, Any] = {
        "status": {"Queued": "IN_QUEUE", "InProgress": "IN_PROGRESS", "Completed": "COMPLETED"}.get(
            name, name
        )
    }
    if name == "Queued":
        data["queue_position"] = status.position
    for attr in ("logs", "metrics", "error", "error_type"):
        value = getattr(status, attr, None)
        if value is not None:
            data[attr] = value
    return data


@click.command("status", context_settings=CONTEXT)
@click.argument("endpoint_id", metavar="ID")
@click.argument("request_id", metavar="REQUEST_ID")
@click.option("--logs", is_flag=True, help="Include the request's logs.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(endpoint_id: str, request_id: str, logs: bool, as_json: bool) -> None:
    """Queue status of a submitted request."""
    status = _endpoint(endpoint_id).status(request_id, with_logs=logs)
    data = _status_json(status)
    if as_json:
        echo_json(data)
        return
    line = str(data["status"])
    if "queue_position" in data:
        line += f" (position {data['queue_position']})"
    if data.get("error"):
        line += f": {data['error']}"
    echo(line)
    for log in iter_status_logs(data.get("logs")):
        click.echo(f"  {log}")


@click.command("result", context_settings=CONTEXT)
@click.argument("endpoint_id", metavar="ID")
@click.argument("request_id", metavar="REQUEST_ID")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the raw output JSON instead of a summary."
)
@click.option(
    "--download",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Save every output file into DIR (a name already taken there gets a number).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="With --download: replace files of the same name instead of numbering.",
)
def result_command(
    endpoint_id: str, request_id: str, as_json: bool, download: Path | None, overwrite: bool
) -> None:
    """Wait for a submitted request and print its output."""
    from .run import Interrupted, print_output

    try:
        output = _endpoint(endpoint_id).result(request_id)
    except KeyboardInterrupt:
        raise Interrupted from None
    print_output(output, {"as_json": as_json, "download": download, "overwrite": overwrite})


@click.command("cancel", context_settings=CONTEXT)
@click.argument("endpoint_id", metavar="ID")
@click.argument("request_id", metavar="REQUEST_ID")
def cancel_command(endpoint_id: str, request_id: str) -> None:
    """Cancel a queued request."""
    _endpoint(endpoint_id).cancel(request_id)
    echo(f"cancelled request {request_id}")
