"""CLI plumbing shared by falgen's commands: the output-folder options and the hold on that
folder, and the download options of the fetch commands."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.build.output import DEFAULT_WAIT, OutputBusy, OutputFolder, OutputRefused

F = TypeVar("F", bound=Callable[..., Any])


def take_ownership_option(
    help_text: str = "Write into an existing non-empty folder that has no falgen manifest (files falgen did not write are kept).",
) -> Callable[[F], F]:
    return click.option("--take-ownership", is_flag=True, help=help_text)


def wait_option(help_text: str = "Seconds to wait for another falgen run writing the same folder.") -> Callable[[F], F]:
    return click.option("--wait", type=click.FloatRange(min=0), default=DEFAULT_WAIT, show_default=True, help=help_text)


@contextlib.contextmanager
def holding(out: Path, command: str, take_ownership: bool, wait: float) -> Iterator[OutputFolder]:
    """The run's hold on its output folder (`falgen COMMAND: ...` messages); a refusal exits 2,
    a folder still busy after `wait` seconds exits 1, each with the reason."""
    try:
        with OutputFolder(out, take_ownership=take_ownership, wait=wait, notify=lambda message: click.echo(f"falgen {command}: {message}", err=True)) as folder:
            yield folder
    except OutputRefused as error:
        click.echo(f"falgen {command}: {error}", err=True)
        sys.exit(2)
    except OutputBusy as error:
        click.echo(f"falgen {command}: {error}", err=True)
        sys.exit(1)


def timeout_option(default: float, what: str) -> Callable[[F], F]:
    """`--timeout`: seconds per attempt at `what` (a page, a request)."""
    return click.option(
        "--timeout", type=click.FloatRange(min=0.01), default=default, show_default=True,
        help=f"Seconds per attempt at {what}, from connecting to the last byte.",
    )


def retries_option(default: int, help_text: str) -> Callable[[F], F]:
    return click.option("--retries", type=click.IntRange(min=0), default=default, show_default=True, help=help_text)


def backoff_option(default: float, help_text: str) -> Callable[[F], F]:
    return click.option("--backoff", type=click.FloatRange(min=0.0), default=default, show_default=True, help=help_text)

