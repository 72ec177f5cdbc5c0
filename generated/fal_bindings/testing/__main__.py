# Copied from templates/package/fal_bindings/testing/__main__.py by falgen. Edit the source, then run make generate.
"""`python -m fal_bindings.testing serve`: run the fal emulator until interrupted."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Sequence

from .._runtime.spec import SpecError
from ._controls import Behavior
from ._emulator import DEFAULT_KEY, Emulator
from ._patch import emulator_environment


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fal_bindings.testing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator on https://127.0.0.1:PORT")
    serve.add_argument("--specs", help="directory of OpenAPI JSON specs (default: the package's)")
    serve.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: a free one)"
    )
    serve.add_argument(
        "--key", default=DEFAULT_KEY, help=f"API key clients must send (default: {DEFAULT_KEY})"
    )
    serve.add_argument("--queue-polls", type=int, default=0, help="status polls answered IN_QUEUE")
    serve.add_argument(
        "--progress-polls", type=int, default=0, help="status polls answered IN_PROGRESS"
    )
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    args = parser.parse_args(argv)

    try:
        behavior = Behavior(
            queue_polls=args.queue_polls, progress_polls=args.progress_polls, latency=args.latency
        )
        emu = Emulator(
            args.specs, key=args.key, port=args.port, configure_client=False, behavior=behavior
        )
    except (SpecError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # Handlers first: a SIGTERM that arrives while starting must still clean up (temp CA files).
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with emu:
        print(f"# fal emulator: {emu.base_url} ({len(emu.endpoints)} endpoints). Ctrl-C stops it.")
        print(
            "# In a shell, export these: fal_bindings and `fal-bindings` then talk to the emulator,"
        )
        print("# uploads and realtime tokens included (plain fal_client too, but for those two):")
        for name, value in emulator_environment(emu.base_url, emu.ca_path, emu.key).items():
            print(f"export {name}={shlex.quote(value)}")
        print("export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost")
        print(f"# CA certificate: {emu.ca_path}   (curl --cacert {emu.ca_path} ...)")
        sys.stdout.flush()
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
