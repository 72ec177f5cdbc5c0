"""`falgen`: parse doc pages into specs, render the bindings, check and diff for drift."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from generator.build.cache import tune_gc
from generator.build.output import DEFAULT_WAIT, OutputBusy, OutputFolder, OutputRefused, overlap

# Each command imports its stage inside its function: `falgen --help`, `diff` and `fetch` then
# never import pydantic, Jinja, black or BeautifulSoup (together ~0.5 s on this machine,
# measured with `python -X importtime`).

_TAKE_OWNERSHIP = click.option(
    "--take-ownership",
    is_flag=True,
    help="Write into an existing non-empty folder that has no falgen manifest (files falgen did not write are kept).",
)
_WAIT = click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=DEFAULT_WAIT,
    show_default=True,
    help="Seconds to wait for another falgen run writing the same folder.",
)


@contextlib.contextmanager
def _holding(out: Path, command: str, take_ownership: bool, wait: float) -> Iterator[OutputFolder]:
    """The run's hold on its output folder; a refusal exits 2, a folder still busy after
    `wait` seconds exits 1, each with the reason."""
    try:
        with OutputFolder(out, take_ownership=take_ownership, wait=wait, notify=lambda message: click.echo(f"falgen {command}: {message}", err=True)) as folder:
            yield folder
    except OutputRefused as error:
        click.echo(f"falgen {command}: {error}", err=True)
        sys.exit(2)
    except OutputBusy as error:
        click.echo(f"falgen {command}: {error}", err=True)
        sys.exit(1)


@click.group()
def cli() -> None:
    """falgen: fal.ai doc pages -> OpenAPI specs -> typed Python bindings."""


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True, help="Directory for the specs.")
@click.option("--report", type=click.Path(path_type=Path), default=None, help="Directory for diagnostics.json/.md [default: parent of --out].")
@click.option("--overlays", type=click.Path(path_type=Path), default=Path("specs/overlays"), show_default=True)
@click.option("--no-overlays", is_flag=True, help="Write the raw parse (overlays not applied).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@click.option("--force", is_flag=True, help="Parse even if nothing changed since the last run.")
@_TAKE_OWNERSHIP
@_WAIT
def parse(
    sources: tuple[Path, ...],
    out: Path,
    report: Path | None,
    overlays: Path,
    no_overlays: bool,
    strict: bool,
    quiet: bool,
    force: bool,
    take_ownership: bool,
    wait: float,
) -> None:
    """Parse doc pages (files or directories; default specs/sources) into one spec per endpoint.

    Exit 0 without error diagnostics, 1 with (or with warnings under --strict), 2 on usage errors
    and on an output folder falgen does not own.
    """
    from generator.build.cache import Store
    from generator.build.stamps import StageStamp
    from generator.build.trees import hash_trees
    from generator.core.ir import Severity
    from generator.docs.diagnostics_report import summary_text, write_report
    from generator.docs.parse import DEFAULT_SOURCES, ParseRun
    from generator.spec.write import write_documents

    paths = list(sources) or [DEFAULT_SOURCES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such source: {', '.join(missing)}")
    for path in paths:
        if overlap(path, out):
            raise click.UsageError(f"--out {out} overlaps the source {path}: falgen parse never writes where it reads")
    report_dir = report or out.parent
    with _holding(out, "parse", take_ownership, wait) as folder:
        inputs = hash_trees([*paths, *([] if no_overlays else [overlays])]) + f"{no_overlays}{strict}"
        stage = StageStamp("parse", inputs, [out, report_dir / "diagnostics.json", report_dir / "diagnostics.md"])
        previous = None if force or folder.interrupted else stage.up_to_date()
        if previous is not None and isinstance(previous.get("summary"), str) and previous.get("exit") in (0, 1):
            click.echo(f"{previous['summary']} (unchanged since the last parse)")
            sys.exit(int(previous["exit"]))  # type: ignore[call-overload]
        # --force re-parses every page (and renews the cache); otherwise cached pages are reused.
        run = ParseRun(paths, None if no_overlays else overlays, Store("parse", refresh=force))
        diagnostics = run.sorted_diagnostics()
        write_documents(run.documents(), out, folder)
        info = run.summary()
        write_report(info, diagnostics, report_dir)
        if not quiet:
            for diagnostic in diagnostics:
                if diagnostic.severity is not Severity.INFO:
                    click.echo(diagnostic.render(), err=True)
        summary = summary_text(info)
        click.echo(summary)
        errors = any(d.severity is Severity.ERROR for d in diagnostics)
        warnings = any(d.severity is Severity.WARNING for d in diagnostics)
        code = 1 if errors or (strict and warnings) else 0
        stage.done(summary=summary, exit=code)
    sys.exit(code)


@cli.command()
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("generated"), show_default=True)
@click.option("--force", is_flag=True, help="Render even if nothing changed since the last run.")
@_TAKE_OWNERSHIP
@_WAIT
def generate(specs: Path, out: Path, force: bool, take_ownership: bool, wait: float) -> None:
    """Render the typed bindings package from the specs.

    Exit 0 on success, 1 when the specs cannot be rendered, 2 on usage errors and on an output
    folder falgen does not own.
    """
    from generator.build.stamps import StageStamp
    from generator.build.trees import hash_trees
    from generator.render.generate import generate as run_generate
    from generator.render.inputs import RenderError

    if not specs.is_dir():
        raise click.UsageError(f"no spec directory {specs}")
    if overlap(specs, out):
        raise click.UsageError(f"--out {out} overlaps --specs {specs}: falgen generate never writes where it reads")
    started = time.perf_counter()
    with _holding(out, "generate", take_ownership, wait) as folder:
        stage = StageStamp("generate", hash_trees([specs]), [out])
        if not force and not folder.interrupted and stage.up_to_date() is not None:
            click.echo(f"{out} is up to date with {specs} ({time.perf_counter() - started:.2f}s)")
            return
        try:
            generated = run_generate(specs, out, folder)
        except RenderError as error:
            click.echo(f"falgen generate: {error}", err=True)
            sys.exit(1)
        stage.done()
    modules = sum(1 for path in generated.paths if path.endswith(".py"))
    rendered = f"{generated.stats.rendered} module(s) rendered, {generated.stats.reused} unchanged"
    click.echo(f"generated {len(generated.paths)} file(s) ({modules} Python modules; {rendered}) in {out} in {time.perf_counter() - started:.2f}s")


@cli.command()
@click.option("--sources", type=click.Path(path_type=Path), default=Path("specs/sources"), show_default=True)
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True)
@click.option("--generated", type=click.Path(path_type=Path), default=Path("generated"), show_default=True)
@click.option("--overlays", type=click.Path(path_type=Path), default=Path("specs/overlays"), show_default=True)
def check(sources: Path, specs: Path, generated: Path, overlays: Path) -> None:
    """Re-parse and re-render into a temporary directory; fail if anything committed differs."""
    from generator.tools.check import check as run_check

    clean, report = run_check(sources, specs, generated, overlays)
    click.echo(report)
    sys.exit(0 if clean else 1)


from generator.tools.catalog.command import FetchWithCatalog  # noqa: E402  (httpx is imported only when fetching)
from generator.tools.drift.command import diff_command  # noqa: E402
from generator.tools.fetch import fetch_command  # noqa: E402  (httpx is imported only when fetching)

cli.add_command(diff_command, "diff")
cli.add_command(FetchWithCatalog(fetch_command), "fetch")  # `falgen fetch ID...` and `falgen fetch catalog`


def main() -> None:
    tune_gc()
    cli()


if __name__ == "__main__":
    main()
