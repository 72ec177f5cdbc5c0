# Copied from templates/package/fal_bindings/cli/app.py by falgen. Edit the source, then run make generate.
"""The root command group and `main()`, which owns every exit code.

Exit codes: 0 success; 1 remote error (fal's message) or an output that does not match its
model; 2 usage or input validation error, or a malformed or missing API key; 130 interrupted
(Ctrl-C; a queued request is cancelled first). With FAL_BINDINGS_DEBUG=1 the traceback of an
error is printed too, through the same key-masking stderr as everything else.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

__all__ = ["cli", "main", "LazyGroup", "EXIT_OK", "EXIT_REMOTE", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_REMOTE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

DEBUG_ENV = "FAL_BINDINGS_DEBUG"
"""Set to 1 to get Python tracebacks of errors (the key masked like everywhere else)."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use: `lazy` maps a command name to
    `("module:attribute", short help)`, so `--help` needs no subcommand module."""

    def __init__(
        self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *(n for n in super().list_commands(ctx) if n not in self.lazy)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            target = self.lazy[cmd_name][0]
            module, _, attr = target.partition(":")
            command = getattr(importlib.import_module(module, __package__), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"{target} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in self.lazy]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 120}

cli = LazyGroup(
    "fal-bindings",
    help=(
        "Run fal.ai models from the command line, through the typed fal_bindings package.\n\n"
        "Authentication: FAL_KEY in the environment."
    ),
    context_settings=CONTEXT_SETTINGS,
    lazy={
        "list": (".commands:list_command", "List endpoints (id, category, capabilities, title)."),
        "show": (".commands:show_command", "Show an endpoint's inputs and outputs."),
        "run": (".run:run_command", "Run an endpoint: fal-bindings run ID --field value ..."),
        "status": (".commands:status_command", "Queue status of a submitted request."),
        "result": (
            ".commands:result_command",
            "Wait for a submitted request and print its output.",
        ),
        "cancel": (".commands:cancel_command", "Cancel a queued request."),
    },
)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`--version`: the package's version, fal-client's and Python's."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    from fal_bindings import __version__

    try:
        client = f"fal-client {version('fal-client')}"
    except PackageNotFoundError:
        client = "fal-client not installed"
    click.echo(f"fal-bindings {__version__} ({client}, Python {sys.version.split()[0]})")
    ctx.exit()


cli.params.append(
    click.Option(
        ["-V", "--version"],
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_show_version,
        help="Show the version and exit.",
    )
)


def _error(message: str) -> None:
    from .output import echo

    echo(f"Error: {message}", err=True)  # messages quote the service and the docs


def _handle(exc: BaseException) -> int:
    """The exit code for an exception escaping a command, after printing a one-line reason."""
    from .run import Interrupted

    if isinstance(exc, (KeyboardInterrupt, click.Abort, Interrupted)):
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    if isinstance(exc, click.ClickException):
        import io

        from .output import terminal_safe

        shown = io.StringIO()  # the message may quote a choice from the docs, or an argument
        exc.show(file=shown)
        sys.stderr.write(terminal_safe(shown.getvalue()))
        return exc.exit_code
    from .run import TimedOut

    if isinstance(exc, TimedOut):
        _error(str(exc))
        return EXIT_REMOTE
    from fal_bindings import APIError, CredentialsError, OutputValidationError, UnknownEndpointError

    if isinstance(exc, CredentialsError):  # a malformed or missing key: set-up, not the service
        _error(str(exc))
        return EXIT_USAGE
    if isinstance(exc, APIError):
        _error(_api_message(exc))
        return EXIT_REMOTE
    if isinstance(exc, OutputValidationError):
        _error(str(exc))
        from .output import echo_json

        echo_json(exc.raw)
        return EXIT_REMOTE
    if isinstance(exc, UnknownEndpointError):
        _error(str(exc))
        return EXIT_USAGE
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        _error(f"invalid input: {exc}")
        return EXIT_USAGE
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
        _error(f"cannot read {exc.filename!r}: {exc.strerror}")
        return EXIT_USAGE
    _error(f"unexpected {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for a traceback)")
    return EXIT_REMOTE


def _api_message(exc: Any) -> str:
    text = str(exc)
    items = getattr(exc, "errors", None)
    if getattr(exc, "status_code", None) == 422 and isinstance(items, list) and items:
        lines = []
        for item in items:
            loc = [str(p) for p in item.get("loc") or [] if p != "body"]
            where = (
                "--" + loc[0].replace("_", "-") + "".join(f".{p}" for p in loc[1:]) if loc else ""
            )
            lines.append(
                f"  {where}: {item.get('msg', '')}" if where else f"  {item.get('msg', '')}"
            )
        text += "\n" + "\n".join(lines)
    return text


def main(argv: Sequence[str] | None = None, prog_name: str | None = None) -> int:
    """Run the CLI; return (not raise) its exit code."""
    from .output import install_redaction

    restore_streams = install_redaction()
    if os.environ.get(DEBUG_ENV) != "1":
        # fal_client logs warnings ("trying backup domain", "falling back to ...") that Python
        # would print for want of a handler: the CLI reports the one error that matters instead.
        import logging

        logging.getLogger("fal_client").addHandler(logging.NullHandler())
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name=prog_name or "fal-bindings", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except BaseException as exc:  # noqa: BLE001 - every exception maps to an exit code
        if isinstance(exc, SystemExit):
            return int(exc.code) if isinstance(exc.code, int) else EXIT_REMOTE
        try:
            if os.environ.get(DEBUG_ENV) == "1" and not isinstance(
                exc, (click.ClickException, KeyboardInterrupt)
            ):
                # Printed here, while stderr still masks the key (not by Python after we return).
                import traceback

                traceback.print_exception(exc, file=sys.stderr)
            return _handle(exc)
        except BrokenPipeError:
            return EXIT_REMOTE
    finally:
        try:
            sys.stdout.flush()
        except (BrokenPipeError, ValueError):
            _silence_stdout()
        restore_streams()
    return result if isinstance(result, int) else EXIT_OK


def _silence_stdout() -> None:
    # Python would report the broken pipe again at exit; point stdout at devnull instead.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
