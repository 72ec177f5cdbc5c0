"""Many CLI invocations in one process: `main(argv)` with stdout and stderr captured, so a test
can dry-run a thousand endpoints without a process each. `python -m tests.cli.driver` reads a JSON
list of argument lists on stdin and writes a JSON list of results (the package it runs is the one
on its PYTHONPATH)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from typing import Any

from fal_bindings.cli.app import main


def run_in_process(argvs: list[list[str]]) -> list[dict[str, Any]]:
    results = []
    for argv in argvs:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        results.append({"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
    return results


if __name__ == "__main__":
    json.dump(run_in_process(json.load(sys.stdin)), sys.stdout)
