"""`falgen`: parse doc pages into specs, render the bindings, check and diff for drift."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from generator import __version__
from generator.build.cache import tune_gc
from generator.build.output import overlap
from generator.tools.cli_common import holding, take_ownership_option, wait_option

# Each command imports its stage inside its function: `falgen --help`, `diff` and `fetch` then
# never import pydantic, Jinja, black or BeautifulSoup (together ~0.5 s on this machine,
# measured with `python -X importtime`).

class _Group(click.Group):
    """Lists each command with the whole first paragraph of its help, wrapped: click's default
    cuts it to one line ending in "...", mid-sentence."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or (command.help or "").split("\n\n")[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Group)
@click.version_option(__version__, "-V", "--version", prog_name="falgen")
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
@click.option("--all", "--verbose", "show_all", is_flag=True, help="Print every diagnostic (known warnings and info too), not only errors and new warnings.")
@click.option("--force", is_flag=True, help="Parse even if nothing changed since the last run.")
@take_ownership_option()
@wait_option()
def parse(
    sources: tuple[Path, ...],
    out: Path,
    report: Path | None,
    overlays: Path,
    no_overlays: bool,
    strict: bool,
    quiet: bool,
    show_all: bool,
    force: bool,
    take_ownership: bool,
    wait: float,
) -> None:
    """Parse doc pages (files or directories; default specs/sources) into one spec per endpoint.

    Prints every error and every new warning with file:line (new: not in the report as committed
    at git HEAD), and counts for the known ones; also when nothing changed since the last run.
    Exit 0 without error diagnostics, 1 with (or with warnings under --strict), 2 on usage errors
    and on an output folder falgen does not own.
    """
    from generator.build.cache import Store
    from generator.build.stamps import StageStamp
    from generator.build.trees import hash_trees
    from generator.core.ir import Severity
    from generator.docs.diagnostics_console import committed_baseline, console_lines, read_report, split, summary_line
    from generator.docs.diagnostics_report import write_report
    from generator.docs.parse import DEFAULT_SOURCES, ParseRun, partial_sources
    from generator.spec.write import write_documents

    paths = list(sources) or [DEFAULT_SOURCES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such source: {', '.join(missing)}")
    for path in paths:
        if overlap(path, out):
            raise click.UsageError(f"--out {out} overlaps the source {path}: falgen parse never writes where it reads")
    report_dir = report or out.parent
    report_json = report_dir / "diagnostics.json"
    with holding(out, "parse", take_ownership, wait) as folder:
        inputs = hash_trees([*paths, *([] if no_overlays else [overlays])]) + f"{no_overlays}{strict}{bool(sources)}"
        stage = StageStamp("parse", inputs, [out, report_json, report_dir / "diagnostics.md"])
        previous = None if force or folder.interrupted else stage.up_to_date()
        # Skipped as up to date: the diagnostics are replayed from the report the stamp verified.
        stored_exit = previous.get("exit") if previous is not None else None
        replay = read_report(report_json) if stored_exit in (0, 1) else None
        if replay is not None:
            info, diagnostics = replay
            code = 1 if stored_exit == 1 else 0
        else:
            # --force re-parses every page (and renews the cache); otherwise cached pages are reused.
            run = ParseRun(paths, None if no_overlays else overlays, Store("parse", refresh=force), partial_sources=partial_sources(paths))
            diagnostics = run.sorted_diagnostics()
            write_documents(run.documents(), out, folder)
            info = run.summary()
            write_report(info, diagnostics, report_dir)
            errors = any(d.severity is Severity.ERROR for d in diagnostics)
            warnings = any(d.severity is Severity.WARNING for d in diagnostics)
            code = 1 if errors or (strict and warnings) else 0
            stage.done(exit=code)
    found = split(diagnostics, committed_baseline(report_json.resolve()))
    if not quiet:
        for line in console_lines(found, show_all):
            click.echo(line, err=True)
    unchanged = " (unchanged since the last parse)" if replay is not None else ""
    click.echo(summary_line(info, found, report_dir) + unchanged)
    sys.exit(code)


@cli.command()
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("generated"), show_default=True)
@click.option(
    "--version-file",
    type=click.Path(path_type=Path),
    default=None,
    help="The package's version (one MAJOR.MINOR.PATCH line) [default: VERSION beside --specs, i.e. specs/VERSION; 0.1.0 when there is none].",
)
@click.option("--force", is_flag=True, help="Render even if nothing changed since the last run.")
@take_ownership_option()
@wait_option()
def generate(specs: Path, out: Path, version_file: Path | None, force: bool, take_ownership: bool, wait: float) -> None:
    """Render the typed bindings package from the specs.

    Exit 0 on success, 1 when the specs cannot be rendered, 2 on usage errors and on an output
    folder falgen does not own.
    """
    from generator.build.stamps import StageStamp
    from generator.build.trees import hash_trees
    from generator.render.generate import generate as run_generate
    from generator.render.inputs import RenderError, package_version

    if not specs.is_dir():
        raise click.UsageError(f"no spec directory {specs}")
    if overlap(specs, out):
        raise click.UsageError(f"--out {out} overlaps --specs {specs}: falgen generate never writes where it reads")
    try:
        version = package_version(specs, version_file)
    except RenderError as error:
        click.echo(f"falgen generate: {error}", err=True)
        sys.exit(1)
    started = time.perf_counter()
    with holding(out, "generate", take_ownership, wait) as folder:
        stage = StageStamp("generate", hash_trees([specs]) + f"\0{version}", [out])
        if not force and not folder.interrupted and stage.up_to_date() is not None:
            click.echo(f"{out.as_posix().rstrip('/')}/ is up to date with {specs.as_posix().rstrip('/')}/ (fal-bindings {version}; {time.perf_counter() - started:.2f}s)")
            return
        try:
            generated = run_generate(specs, out, folder, version)
        except RenderError as error:
            click.echo(f"falgen generate: {error}", err=True)
            sys.exit(1)
        stage.done()
    stats, total = generated.stats, len(generated.paths)
    files = f"{stats.written} written, {total - stats.written} unchanged, {stats.removed} removed"
    modules = f"{stats.rendered + stats.reused} endpoint and type modules: {stats.rendered} rendered, {stats.reused} reused"
    elapsed = time.perf_counter() - started
    click.echo(f"{out.as_posix().rstrip('/')}/ holds {total} files of fal-bindings {version}: {files} ({modules}) in {elapsed:.2f}s")


@cli.command()
@click.option("--sources", type=click.Path(path_type=Path), default=Path("specs/sources"), show_default=True)
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True)
@click.option("--generated", type=click.Path(path_type=Path), default=Path("generated"), show_default=True)
@click.option("--overlays", type=click.Path(path_type=Path), default=Path("specs/overlays"), show_default=True)
@click.option("--version-file", type=click.Path(path_type=Path), default=None, help="As for falgen generate [default: VERSION beside --specs].")
def check(sources: Path, specs: Path, generated: Path, overlays: Path, version_file: Path | None) -> None:
    """Re-parse and re-render into a temporary directory; fail if the specs, the diagnostics
    report or the generated package on disk differ (the working tree, committed or not: commit
    them for CI, which checks a fresh clone)."""
    from generator.tools.check import check as run_check

    clean, report = run_check(sources, specs, generated, overlays, version_file)
    click.echo(report)
    sys.exit(0 if clean else 1)


from generator.tools.catalog.command import FetchWithCatalog  # noqa: E402  (httpx is imported only when fetching)
from generator.tools.drift.command import diff_command  # noqa: E402
from generator.tools.fetch import fetch_command  # noqa: E402  (httpx is imported only when fetching)
from generator.tools.release import release_command  # noqa: E402

cli.add_command(diff_command, "diff")
cli.add_command(release_command, "release")
cli.add_command(FetchWithCatalog(fetch_command), "fetch")  # `falgen fetch ID...` and `falgen fetch catalog`


def main() -> None:
    tune_gc()
    cli()


if __name__ == "__main__":
    main()
