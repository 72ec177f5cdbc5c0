# Copied from templates/package/fal_bindings/__main__.py by falgen. Edit the source, then run make generate.
"""`python -m fal_bindings`: the `fal-bindings` command-line interface (needs the `cli` extra)."""

from __future__ import annotations

import sys


def _main() -> int:
    try:
        from fal_bindings.cli.app import main
    except ImportError as exc:  # click (or rich) missing
        print(
            f"fal-bindings: the command-line interface needs the 'cli' extra ({exc}); "
            "install it with: pip install 'fal-bindings[cli]'",
            file=sys.stderr,
        )
        return 1
    return main(prog_name="fal-bindings")


if __name__ == "__main__":
    sys.exit(_main())
