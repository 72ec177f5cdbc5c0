# Copied from templates/package/fal_bindings/cli/__init__.py by falgen. Edit the source, then run make generate.
"""`fal-bindings`: the command-line interface of the generated package (extra `cli`).

    fal-bindings list [--category C] [--capability streaming|realtime] [--json]
    fal-bindings show ID
    fal-bindings run ID --prompt "a fox" --image-size square_hd [--json] [--download DIR] ...
    fal-bindings run ID ... --submit  ->  fal-bindings status|result|cancel ID REQUEST_ID

Why click (and not typer or argparse):
- lazy subcommands come from a custom `click.Group`: `run ID` is resolved by `RunGroup`, which
  builds that one endpoint's options from its spec JSON on demand, and the top-level `LazyGroup`
  imports command modules only when they are invoked. Neither typer (options are declared by
  function signatures, known at import time) nor argparse (every subparser built up front) fits
  thousands of endpoints whose options are data;
- click is small; typer would add its own stack (typer, shellingham, rich-based help) to every
  start-up for nothing we need;
- precise control of exit codes: `main()` runs click with `standalone_mode=False` and maps every
  outcome itself (0 ok, 1 remote error, 2 usage/validation error, 130 interrupted).

Start-up stays fast: `--help` and `list` import click and read `_catalog.json`, nothing else;
`run ID --help` reads one spec JSON; pydantic, fal_client and the endpoint module are imported only
to execute a request. rich is imported for `show`, and for progress when stderr is a terminal.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Console-script entry point (`fal-bindings`)."""
    import sys

    from .app import main as run

    sys.exit(run())
