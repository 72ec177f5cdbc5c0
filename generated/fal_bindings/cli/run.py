# Copied from templates/package/fal_bindings/cli/run.py by falgen. Edit the source, then run make generate.
"""`fal-bindings run ID [OPTIONS]`: one click command per endpoint, built on demand.

`RunGroup.get_command(ctx, ID)` reads only that endpoint's spec JSON to build the options, so
`run ID --help` imports neither pydantic nor fal_client nor the endpoint module; the endpoint
module is imported when the command executes.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from .app import CONTEXT_SETTINGS
from .catalog import EndpointSchema, UnknownIdError, load_schema
from .options import (
    FieldOption,
    click_params,
    collect_fields,
    control_params,
    field_options,
    read_input_json,
)
from .output import (
    download_files,
    echo,
    echo_json,
    output_json,
    summary_lines,
    terminal_safe,
    validation_messages,
)
from .param_types import lone_surrogate
from .progress import QueueProgress, progress_enabled

if TYPE_CHECKING:
    from fal_bindings._runtime.endpoint import AnyEndpoint
    from fal_bindings._runtime.models import FalInput

__all__ = [
    "RunGroup",
    "run_command",
    "Interrupted",
    "DeadlineExceeded",
    "TimedOut",
    "deadline",
    "InputError",
    "endpoint_command",
    "deferred_interrupt",
]


class InputError(click.UsageError):
    """Bad input (exit code 2): the message names the field, the value and what is allowed."""


class Interrupted(Exception):
    """Ctrl-C: the CLI exits with 130 (after cancelling the queued request, if any)."""


class DeadlineExceeded(BaseException):
    """`--timeout` ran out. A BaseException, like KeyboardInterrupt, so that no `except
    Exception` on the way (fal_client's upload fallback, say) takes it for a failed attempt."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s (--timeout)")
        self.seconds = seconds


class TimedOut(Exception):
    """What `main` reports for `--timeout` (exit 1), after the request was cancelled."""


class RunGroup(click.Group):
    """`run` resolves its "subcommand" - an endpoint id - from the catalog and the spec JSON."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from .catalog import catalog

        return list(catalog())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        try:
            schema = load_schema(cmd_name)
        except UnknownIdError as exc:
            raise click.UsageError(str(exc), ctx) from None
        return endpoint_command(schema)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Endpoints"):
            formatter.write_text(
                "ID is an endpoint id (`fal-bindings list` shows them all); "
                "`fal-bindings run ID --help` lists its options."
            )


run_command = RunGroup(
    "run",
    help=(
        "Run an endpoint: fal-bindings run ID [--field value ...].\n\n"
        "One option per input field (`--image-size`, ...); see `fal-bindings run ID --help`."
    ),
    context_settings=CONTEXT_SETTINGS,
    no_args_is_help=True,
    subcommand_metavar="ID [FIELD OPTIONS]...",
)


class EndpointCommand(click.Command):
    """`run ID`: help lists the input fields apart from the command's own options."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        fields: list[tuple[str, str]] = []
        others: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                (fields if (param.name or "").startswith("field_") else others).append(record)
        if fields:
            with formatter.section("Input fields"):
                formatter.write_dl(fields)
        if others:
            with formatter.section("Options"):
                formatter.write_dl(others)


def endpoint_command(schema: EndpointSchema) -> click.Command:
    entry = schema.entry
    options = field_options(schema)
    streaming = "streaming" in entry.capabilities
    params: list[click.Parameter] = list(click_params(schema, options))
    params += control_params(streaming)
    caps = ", ".join(entry.capabilities)
    lines = [terminal_safe(entry.title, single_line=True)] if entry.title != entry.id else []
    if entry.description:
        lines += [terminal_safe(entry.description)]
    lines += [
        terminal_safe(f"Category: {entry.category or '-'}. Capabilities: {caps}.", single_line=True)
    ]
    lines += ["Options not given are not sent (the service's defaults apply)."]

    def callback(**values: Any) -> None:
        execute(schema, options, values)

    return EndpointCommand(
        entry.id,
        params=params,
        callback=callback,
        help="\n\n".join(lines),
        short_help=terminal_safe(entry.title, single_line=True),
        context_settings=CONTEXT_SETTINGS,
    )


# --------------------------------------------------------------------------- execution


def _input_param(ctx: click.Context) -> click.Parameter | None:
    for param in ctx.command.params:
        if param.name == "input_json":
            return param
    return None


def build_payload(options: list[FieldOption], values: dict[str, Any]) -> dict[str, Any]:
    """`--input-json` merged with the options given (options win)."""
    ctx = click.get_current_context()
    payload: dict[str, Any] = {}
    if values.get("input_json") is not None:
        payload.update(read_input_json(values["input_json"], options, _input_param(ctx)))
    payload.update(collect_fields(options, values))
    _check_sendable(options, payload)
    return payload


def _check_sendable(options: list[FieldOption], payload: dict[str, Any]) -> None:
    """Text no request can carry (a lone surrogate: bytes that are not UTF-8 in an argument, or a
    `\\udcff` escape in JSON) is an input error (exit 2) naming its field, not a send failure."""
    by_wire = {fo.wire: fo for fo in options}
    for key, value in payload.items():
        bad_key = lone_surrogate(key)
        if bad_key is not None:
            raise InputError(
                f"a field name in --input-json holds bytes that are not valid UTF-8 ({bad_key[1]})"
            )
        found = lone_surrogate(value)
        if found is None:
            continue
        where, bad = found
        at = f" at {where.lstrip('.')}" if where else ""
        fo = by_wire.get(key)
        name = f"{fo.option} ({key})" if fo is not None else repr(key)
        raise InputError(
            f"invalid value for {name}{at}: the text holds bytes that are not "
            f"valid UTF-8 (a lone surrogate, {bad}); only valid Unicode text can be sent"
        )


def validate(
    schema: EndpointSchema, options: list[FieldOption], payload: dict[str, Any]
) -> FalInput:
    """The endpoint's Input model for `payload`, or an `InputError` naming every bad field."""
    from pydantic import ValidationError

    import fal_bindings

    cls = fal_bindings.registry.endpoint_class(schema.entry.id)
    from fal_bindings._runtime.validation import prune_union_errors

    try:
        return cls.input_model.model_validate(payload)
    except ValidationError as exc:
        messages = validation_messages(prune_union_errors(exc), options, payload)
        raise InputError("\n".join(messages)) from None


def dry_run_payload(model: FalInput, upload: bool) -> dict[str, Any]:
    """The request JSON, with local files shown as a truncated data URI (or `upload:` path)."""
    from fal_bindings._runtime.files import FileCollector, to_data_uri
    from fal_bindings._runtime.models import to_payload

    collector = FileCollector("upload")  # placeholders instead of file contents
    payload = to_payload(model, collector=collector)
    shown: dict[str, str] = {}
    for token, value in collector.pending.items():
        where = str(value) if isinstance(value, Path) else f"{len(value)} bytes"
        if upload:
            shown[token] = f"<upload: {where}>"
        else:
            uri = to_data_uri(value)
            head = uri[: uri.index(",") + 1 + 24]
            shown[token] = f"{head}...<{len(uri)} characters, from {where}>"

    def replace(node: Any) -> Any:
        if isinstance(node, str):
            return shown.get(node, node)
        if isinstance(node, dict):
            return {k: replace(v) for k, v in node.items()}
        if isinstance(node, list):
            return [replace(v) for v in node]
        return node

    result: dict[str, Any] = replace(payload)
    return result


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold a first Ctrl-C back until the block ends (so a submitted request is never lost
    between its submission and our knowing its id); a second one interrupts at once."""
    caught: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if caught:
            raise KeyboardInterrupt
        caught.append(signum)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise `DeadlineExceeded` in this (the main) thread once `seconds` have passed, whatever
    it is waiting for (a connection, an upload, a poll). Without SIGALRM (Windows) or off the
    main thread, nothing is enforced."""
    if seconds is None or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise DeadlineExceeded(seconds)

    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def execute(schema: EndpointSchema, options: list[FieldOption], values: dict[str, Any]) -> None:
    entry = schema.entry
    if values["stream"] and "streaming" not in entry.capabilities:
        raise click.UsageError(
            f"{entry.id} does not support streaming (capabilities: {', '.join(entry.capabilities)})"
        )
    if values["stream"] and values["submit"]:
        raise click.UsageError("--stream and --submit cannot be combined")
    payload = build_payload(options, values)
    model = validate(schema, options, payload)
    if values["dry_run"]:
        echo_json(dry_run_payload(model, values["upload_files"]))
        return

    import fal_bindings

    endpoint = fal_bindings.registry.endpoint(
        entry.id, file_upload="upload" if values["upload_files"] else None
    )
    timeout = values.get("timeout")
    try:
        with deadline(timeout):
            if values["stream"]:
                _stream(endpoint, model, values)
            elif values["submit"]:
                with deferred_interrupt():
                    handle = endpoint.submit(model)
                if values["as_json"]:
                    echo_json({"request_id": handle.request_id})
                else:
                    echo(handle.request_id)
            else:
                _subscribe(endpoint, model, values)
    except DeadlineExceeded as exc:
        raise TimedOut(str(exc)) from None


def _subscribe(endpoint: AnyEndpoint, model: FalInput, values: dict[str, Any]) -> None:
    handle = None
    quiet = values["quiet"]
    try:
        with deferred_interrupt():
            handle = endpoint.submit(model)
        if not quiet:  # on stderr, so a script can find the request again (status, result)
            echo(f"request id: {handle.request_id}", err=True)
        with QueueProgress(
            progress_enabled(quiet),
            request_id=handle.request_id,
            lines=bool(values.get("progress")) and not quiet,
        ) as progress:
            for status in handle.iter_events(with_logs=True):
                progress.update(status)
        output = handle.get()
    except KeyboardInterrupt:
        if handle is not None:
            _cancel(handle, quiet)
        raise Interrupted from None
    except DeadlineExceeded:
        if handle is not None:
            _cancel(handle, quiet)
        raise
    print_output(output, values)


def _cancel(handle: Any, quiet: bool) -> None:
    from fal_bindings import APIError

    try:
        handle.cancel()
    except APIError as exc:
        echo(f"could not cancel request {handle.request_id}: {exc}", err=True)
        return
    if not quiet:
        echo(f"cancelled request {handle.request_id}", err=True)


def _stream(endpoint: AnyEndpoint, model: FalInput, values: dict[str, Any]) -> None:
    try:
        with endpoint.stream(model) as stream:
            for event in stream:
                echo_json(event, indent=None)
                sys.stdout.flush()
            output = stream.final_output()
    except KeyboardInterrupt:
        raise Interrupted from None
    if values["download"] is not None:
        for path in download_files(output, values["download"], overwrite=values["overwrite"]):
            click.echo(f"saved {path}", err=True)


def print_output(output: Any, values: dict[str, Any]) -> None:
    """The output (JSON or summary), then the files saved with `--download`."""
    if values.get("as_json"):
        echo_json(output_json(output))
    else:
        for line in summary_lines(output):
            click.echo(line)
    if values.get("download") is not None:
        for path in download_files(
            output, values["download"], overwrite=bool(values.get("overwrite"))
        ):
            click.echo(f"saved {path}", err=bool(values.get("as_json")))
