"""`falgen fetch catalog`: fal's OpenAPI document for every model, from fal's model API.

The run: list every active model (`--category` narrows it, `--id` asks for given ids in any
status), then, when the listing was complete, ask about the endpoints the folder holds that it
did not list (deprecated or gone), plan what changes, and write it all at once (or, with
`--partial`, what succeeded). Exit 0 when everything was fetched, 1 when anything failed (or
another run holds the folder), 2 on usage errors and on a folder falgen does not own; 130, 143
or 129 when stopped by Ctrl-C, SIGTERM or SIGHUP (nothing written).

The key (`FAL_KEY`, optional: it only raises fal's rate limits) is sent as `Authorization: Key
...`, checked for form before any request and masked in everything printed.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator.build.output import OutputFolder
from generator.build.trees import IN_PROGRESS
from generator.tools.catalog.api import DEFAULT_API_URL, DEFAULT_FOLDER, MAX_RESPONSE_BYTES, Listing
from generator.tools.cli_common import (
    backoff_option,
    holding,
    retries_option,
    take_ownership_option,
    timeout_option,
    wait_option,
)
from generator.tools.fetch import USER_AGENT, Attempts, Stopper, exit_when_stopped, valid_endpoint_id

if TYPE_CHECKING:  # the store reads documents through the OpenAPI reader (pydantic): imported when run
    from generator.tools.catalog.store import FolderState, Plan

KEY_VARIABLE = "FAL_KEY"


def key_from_environment() -> str | None:
    """`FAL_KEY`, or None when unset or empty; a key that cannot be sent as a header is a
    usage error naming the variable, never the value."""
    key = os.environ.get(KEY_VARIABLE, "")
    if not key:
        return None
    for test, what in (
        (lambda c: c in "\r\n", "a newline"),
        (lambda c: c.isspace(), "whitespace"),
        (lambda c: ord(c) < 32 or ord(c) == 127, "a control character"),
        (lambda c: ord(c) > 126, "a non-ASCII character"),
    ):
        if any(test(c) for c in key):
            raise click.UsageError(f"{KEY_VARIABLE} contains {what}; fix the variable (its value is not shown)")
    return key


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Redactor:
    """Makes text about to be printed safe: the key (and its escaped forms) masked, and control
    characters from the server (an HTTP reason, a metadata key) shown as escapes, not obeyed."""

    def __init__(self, key: str | None) -> None:
        forms = {key, key.replace("\\", "\\\\"), json.dumps(key)[1:-1]} if key else set()
        self.forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, "***")
        return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


@dataclass
class Options:
    out: Path
    api_url: str
    category: str | None
    ids: list[str]
    limit: int | None
    attempts: Attempts
    partial: bool
    key: str | None


async def _fetch(options: Options, state: FolderState, notes: list[str]) -> tuple[Listing, Listing | None, dict[str, str]]:
    import httpx

    from generator.tools.catalog.api import CatalogClient

    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if options.key is not None:
        headers["Authorization"] = f"Key {options.key}"
    timeout = httpx.Timeout(options.attempts.timeout)
    async with httpx.AsyncClient(timeout=timeout, headers=headers) as http:
        client = CatalogClient(http, options.api_url, options.attempts)
        if options.ids:
            return await client.find(options.ids, options.limit), None, {}
        listing = await client.active(options.category, options.limit)
        if options.category is not None or not listing.complete:
            return listing, None, {}  # only a complete listing of every active model says what is absent
        absent = state.absent_from(listing, notes)
        lookup = await client.find(sorted(absent), options.limit) if absent else Listing()
        return listing, lookup, absent


@dataclass
class Outcome:
    plan: Plan
    written: list[str]
    """Files written (an unchanged document is not rewritten)."""
    committed: bool
    """Whether the plan was carried out (all or nothing: not when anything failed)."""
    requests: int


def run(options: Options, folder: OutputFolder, stopper: Stopper) -> Outcome:
    """Fetch, plan, and write unless all-or-nothing forbids it."""
    import asyncio

    from generator.tools.catalog.store import FolderState, commit, plan

    state = FolderState(folder)
    notes: list[str] = []
    try:
        listing, lookup, absent = asyncio.run(stopper.run(_fetch(options, state, notes)))
    except asyncio.CancelledError:
        if stopper.signum is None:
            raise
        raise stopper.error() from None
    result = plan(state, listing, lookup=lookup, absent=absent, asked=options.ids or None)
    result.notes[:0] = notes
    committed = not result.failures or options.partial
    written = commit(result, folder, state) if committed else []
    return Outcome(result, written, committed, listing.requests + (lookup.requests if lookup else 0))


def counts(outcome: Outcome) -> dict[str, int]:
    kinds = [change.kind for change in outcome.plan.changes]
    return {
        "new": kinds.count("new"),
        "changed": kinds.count("changed"),
        "removed": kinds.count("deprecated") + kinds.count("gone"),
        "deprecated": kinds.count("deprecated"),
        "gone": kinds.count("gone"),
        "unchanged": kinds.count("unchanged"),
        "failed": len(outcome.plan.failures),
        "written": len(outcome.written),
        "deleted": len(outcome.plan.delete) if outcome.committed else 0,
    }


def report_json(outcome: Outcome, options: Options, redact: Redactor) -> str:
    result = outcome.plan

    def listed(kind: str) -> list[dict[str, Any]]:
        return [{"endpoint": c.endpoint_id, "file": c.file, "action": c.action} for c in result.of_kind(kind)]

    doc = {
        "counts": counts(outcome),
        "new": listed("new"),
        "changed": listed("changed"),
        "deprecated": listed("deprecated"),
        "gone": listed("gone"),
        "failed": [{"where": f.where, "endpoint": f.endpoint_id, "reason": f.reason, "message": f.render()} for f in result.failures],
        "notes": result.notes,
        "unknown_metadata_keys": sorted(result.unknown_keys),
        "committed": outcome.committed,
        "requests": outcome.requests,
        "out": str(options.out),
    }
    return redact(json.dumps(doc, indent=2, ensure_ascii=True))


_LABELS = {"new": "new", "changed": "changed", "deprecated": "deprecated", "gone": "removed"}


def print_report(outcome: Outcome, options: Options, elapsed: float, redact: Redactor) -> None:
    result = outcome.plan
    for kind, label in _LABELS.items():
        for change in result.of_kind(kind):
            if kind == "deprecated":
                action = "document kept, status deprecated"
            else:
                action = change.action if change.action not in ("", "written") else ""
            click.echo(f"  {label:<11} {change.endpoint_id}" + (f" ({action})" if action else ""))
    for note in result.notes:
        click.echo(redact(f"  note        {note}"), err=True)
    if result.unknown_keys:
        click.echo(redact(f"  note        fal metadata keys not kept: {', '.join(map(repr, sorted(result.unknown_keys)))}"), err=True)
    for failure in result.failures:
        click.echo(redact(f"  FAILED      {failure.render()}"), err=True)
    n = counts(outcome)
    line = (
        f"falgen fetch catalog: {n['new']} new, {n['changed']} changed, {n['removed']} removed "
        f"({n['deprecated']} deprecated, {n['gone']} gone), {n['failed']} failed; {n['unchanged']} unchanged; "
        f"{n['written']} file(s) written, {n['deleted']} deleted in {options.out} in {elapsed:.1f}s"
    )
    if not outcome.committed:
        line += " (all or nothing: no file was touched; rerun, or use --partial)"
    click.echo(line, err=bool(result.failures))


@click.command("catalog")
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_FOLDER, show_default=True, help="Folder of fal's documents.")
@click.option("--api-url", default=DEFAULT_API_URL, show_default=True, help="fal's model API ({api-url}/v1/models).")
@click.option("--category", default=None, help="Only active models of this category (no removal is judged).")
@click.option("--id", "ids", multiple=True, help="Only this endpoint, any status (repeatable; asked 50 at a time).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Models per page to ask for (the API caps it).")
@timeout_option(60.0, "a request")
@click.option("--max-response-bytes", type=click.IntRange(min=1), default=MAX_RESPONSE_BYTES, show_default=True, help="Largest response accepted, counted after decompression.")
@retries_option(5, "Retries on 429/5xx/timeouts/connection errors.")
@backoff_option(2.0, "First retry delay in seconds (doubles each retry; Retry-After wins when longer).")
@click.option("--max-backoff", type=click.FloatRange(min=0.0), default=10.0, show_default=True, help="Longest doubled delay.")
@click.option("--partial", is_flag=True, help="Write what succeeded even when something failed (default: all or nothing).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@take_ownership_option("Write into a non-empty folder without a falgen manifest (its other files are kept, never deleted).")
@wait_option("Seconds to wait for another falgen run writing the folder.")
def catalog_command(
    out: Path, api_url: str, category: str | None, ids: tuple[str, ...], limit: int | None, timeout: float,
    max_response_bytes: int, retries: int, backoff: float, max_backoff: float, partial: bool, as_json: bool,
    take_ownership: bool, wait: float,
) -> None:
    """Fetch fal's OpenAPI document of every active model (GET {api-url}/v1/models) into --out.

    Reports new, changed and removed (deprecated or gone) endpoints against what --out holds.
    By default nothing is written unless everything succeeded. FAL_KEY, when set, is sent (it
    raises fal's rate limits) and never printed. Exit 0 ok, 1 failures, 2 usage errors.
    """
    if category is not None and ids:
        raise click.UsageError("give --category or --id, not both")
    invalid = [i for i in ids if not valid_endpoint_id(i)]
    if invalid:
        raise click.UsageError(f"not an endpoint id: {', '.join(map(repr, invalid))}")
    if not api_url.startswith(("http://", "https://")) or api_url.split("://", 1)[1] in ("", "/"):
        raise click.UsageError(f"--api-url must be an http(s) URL, not {api_url!r}")
    key = key_from_environment()
    redact = Redactor(key)
    attempts = Attempts(timeout=timeout, max_bytes=max_response_bytes, retries=retries, backoff=backoff, max_backoff=max_backoff)
    options = Options(out, api_url, category, list(ids), limit, attempts, partial, key)
    started = time.perf_counter()

    def stopped(name: str) -> str:
        if (out / IN_PROGRESS).exists():  # stopped while writing: the marker makes the next run a full one
            return f"falgen fetch catalog: stopped by {name} while writing {out}; run it again to finish"
        return f"falgen fetch catalog: stopped by {name}; nothing was written"

    with exit_when_stopped(stopped), Stopper.installed() as stopper, holding(out, "fetch catalog", take_ownership, wait) as folder:
        outcome = run(options, folder, stopper)
    if as_json:
        click.echo(report_json(outcome, options, redact))
    else:
        print_report(outcome, options, time.perf_counter() - started, redact)
    sys.exit(1 if outcome.plan.failures else 0)


class FetchWithCatalog(click.Command):
    """`falgen fetch`: the doc-page fetch (`falgen fetch ID... | --all`), and `falgen fetch
    catalog ...` for fal's model API. An endpoint id always holds a `/`, so `catalog` is never one."""

    def __init__(self, pages: click.Command) -> None:
        super().__init__(
            pages.name, params=pages.params, callback=pages.callback, help=pages.help,
            epilog="Fal's OpenAPI documents from its model API: falgen fetch catalog --help",
        )

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] == catalog_command.name:
            ctx.meta["falgen.fetch.catalog"] = args[1:]
            return []
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        rest = ctx.meta.pop("falgen.fetch.catalog", None)
        if rest is None:
            return super().invoke(ctx)
        # Named from the group above `fetch`, so usage reads `falgen fetch catalog`, not `falgen fetch [IDS]... catalog`.
        with catalog_command.make_context(f"{ctx.info_name} catalog", rest, parent=ctx.parent) as sub:
            return catalog_command.invoke(sub)
