"""`falgen fetch`: download current doc pages as saved HTML into `specs/sources/`.

Each id's page (`{base}/models/{id}/api`) is downloaded with bounded concurrency, retried with
exponential backoff on 5xx, 429 (honouring a numeric `Retry-After`, capped) and connection or
timeout errors (never on other 4xx such as 404), then validated through the HTML front-end:
the page must parse into an endpoint with exactly that id and have a schema. Pages are saved
as `<id with / -> __>.html` (`fal-ai/flux-2` -> `fal-ai__flux-2.html`).

Writes are all-or-nothing by default: every page is staged in a temporary directory next to
the output directory and moved into place (`os.replace`, atomic per file) only when every
requested page succeeded; on any failure nothing in the output directory is touched. With
`--partial`, the pages that succeeded are moved into place (each atomically) and failing pages
still leave their existing files untouched. Any failure exits 1.

Every input is bounded: one attempt at a page has a wall-clock deadline (`--timeout`, from
connecting to the last byte), the body is streamed and given up past `--max-page-bytes` counted
after decompression, redirects are followed only within the source's scheme, host and port, and
SIGTERM, SIGHUP or Ctrl-C remove the temporary folder before the process exits.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.core.names import spec_file_name
from generator.tools.cli_common import backoff_option, retries_option, timeout_option

if TYPE_CHECKING:
    import asyncio

    import httpx

__all__ = ["Attempts", "Download", "FetchOutcome", "Stopper", "Terminated", "download", "exit_when_stopped", "fetch_command", "fetch_pages", "page_file_name", "page_url", "validate_page"]

DEFAULT_BASE_URL = "https://fal.ai"
USER_AGENT = "falgen-fetch/0.1 (+https://github.com/fal-ai)"
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 5
_T = TypeVar("_T")
ENDPOINT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9._-]+)+$")


@dataclass(frozen=True)
class Attempts:
    """How each download is tried: the deadline and byte cap of one attempt, retries, and the
    backoff before a retry (`backoff` seconds, doubling, at most `max_backoff`; a longer numeric
    `Retry-After` wins, up to `MAX_RETRY_AFTER`)."""

    timeout: float
    max_bytes: int
    retries: int
    backoff: float
    max_backoff: float = math.inf


@dataclass
class Download:
    """What one bounded, retried GET gave: the body of a 200, or why there is none."""

    url: str
    data: bytes | None = None
    reason: str = ""
    """Why it failed (`HTTP 404 Not Found`, `timeout after 3 attempt(s)`, `page too large ...`)."""
    attempts: int = 0


@dataclass
class FetchOutcome:
    endpoint_id: str
    url: str
    ok: bool = False
    reason: str = ""
    """Why it failed (`404 Not Found`, `timeout after 3 attempt(s)`, `malformed page: ...`)."""
    attempts: int = 0
    data: bytes | None = None
    warnings: int = 0
    """Non-fatal diagnostics (warnings/errors other than a missing schema) the page produced."""


def page_file_name(endpoint_id: str) -> str:
    """`fal-ai/flux-2` -> `fal-ai__flux-2.html`: the spec file's name (distinct and bounded
    for any id), so the parser recognises a page saved under its endpoint's own name."""
    return spec_file_name(endpoint_id).removesuffix(".json") + ".html"


def page_url(base_url: str, endpoint_id: str) -> str:
    return f"{base_url.rstrip('/')}/models/{endpoint_id}/api"


def valid_endpoint_id(endpoint_id: str) -> bool:
    return bool(ENDPOINT_ID.match(endpoint_id)) and not any(part in {".", ".."} for part in endpoint_id.split("/"))


def validate_page(data: bytes, endpoint_id: str, staged: Path) -> tuple[str | None, int]:
    """Parse the staged page through the HTML front-end; (failure reason or None, warning count)."""
    # Lazy, as every import of the IR below: `falgen` registers this command at start-up, and
    # pydantic's import would cost every `falgen` call ~200 ms.
    from generator.core.codes import Code
    from generator.core.ir import Severity
    from generator.docs.parse import parse

    malformed = [code.code for code in (Code.EMPTY_SOURCE, Code.NO_SCHEMA, Code.NO_INPUT)]  # most telling first

    staged.write_bytes(data)
    result = parse([staged], overlays=None)
    found = result.endpoint(endpoint_id)
    if found is None:
        ids = ", ".join(e.id for e in result.endpoints) or "none"
        return f"malformed page: no endpoint {endpoint_id!r} in the page (endpoints found: {ids})", 0
    fatal = sorted(
        (d for d in result.diagnostics if d.code in malformed and d.endpoint_id in (None, endpoint_id)),
        key=lambda d: malformed.index(d.code),
    )
    if fatal:
        return f"malformed page: {fatal[0].message}", 0
    warnings = sum(1 for d in result.diagnostics if d.severity is not Severity.INFO)
    return None, warnings


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return None


class _PageRefused(Exception):
    """A failure that retrying cannot fix (a redirect to another host, a page over the cap)."""


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _origin_text(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, read as a stream and given up once it passes `max_bytes`: a huge page
    or a small gzip bomb never has to fit in memory."""
    encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
    declared = response.headers.get("content-length", "")
    if not encoded and declared.isdigit() and int(declared) > max_bytes:
        raise _PageRefused(f"page too large ({int(declared)} bytes declared; the limit is {max_bytes})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            unit = "bytes once decompressed" if encoded else "bytes"
            raise _PageRefused(f"page too large (over {max_bytes} {unit}; the limit is {max_bytes})")
        chunks.append(chunk)
    return b"".join(chunks)


async def _get(client: httpx.AsyncClient, url: str, max_bytes: int) -> tuple[httpx.Response, bytes | None]:
    """One attempt: GET `url`, following redirects only within its own scheme, host and port
    (a doc page that moves to another host is not the page asked for); the body only for 200."""
    import httpx

    source = httpx.URL(url)
    request = client.build_request("GET", source)
    for _ in range(MAX_REDIRECTS + 1):
        response = await client.send(request, stream=True)
        try:
            location = response.headers.get("location")
            if response.is_redirect and location is not None:
                target = response.url.join(location)
                if _origin(target) != _origin(source):
                    raise _PageRefused(
                        f"redirected to another host ({_origin_text(target)}); only redirects within "
                        f"{_origin_text(source)} are followed"
                    )
                request = client.build_request("GET", target)
                continue
            if response.status_code != 200:
                return response, None
            return response, await _read_capped(response, max_bytes)
        finally:
            await response.aclose()
    raise _PageRefused(f"more than {MAX_REDIRECTS} redirects")


async def download(client: httpx.AsyncClient, url: str, attempts: Attempts) -> Download:
    """GET `url` within `attempts`' bounds, retrying 5xx, 429, timeouts and connection errors
    (never another 4xx, a redirect off the origin or a body over the cap)."""
    import asyncio

    import httpx

    result = Download(url)
    last = ""
    for attempt in range(attempts.retries + 1):
        result.attempts = attempt + 1
        delay = min(attempts.backoff * (2**attempt), attempts.max_backoff)
        try:
            # A wall-clock deadline over the whole attempt: httpx's timeouts bound each read,
            # so a server that trickles a byte a second would never time out on its own.
            response, data = await asyncio.wait_for(_get(client, url, attempts.max_bytes), attempts.timeout)
        except (httpx.TimeoutException, asyncio.TimeoutError):
            last = "timeout"
        except httpx.TransportError as error:
            last = f"connection error ({type(error).__name__}: {error})" if str(error) else f"connection error ({type(error).__name__})"
        except _PageRefused as error:
            result.reason = str(error)
            return result
        except httpx.HTTPError as error:  # an undecodable body, an invalid redirect URL
            result.reason = f"{type(error).__name__}: {error}"
            return result
        else:
            if data is not None:
                result.data = data
                return result
            status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
            if response.status_code != 429 and response.status_code < 500:
                result.reason = status
                return result
            last = status
            delay = max(delay, _retry_after(response) or 0.0)
        if attempt < attempts.retries:
            await asyncio.sleep(delay)
    result.reason = f"{last} after {result.attempts} attempt(s)"
    return result


async def _fetch_one(
    client: httpx.AsyncClient,
    semaphore: asyncio.Semaphore,
    outcome: FetchOutcome,
    staging: Path,
    attempts: Attempts,
) -> None:
    async with semaphore:
        done = await download(client, outcome.url, attempts)
    outcome.data, outcome.reason, outcome.attempts = done.data, done.reason, done.attempts
    if outcome.data is None:
        return
    try:
        reason, warnings = validate_page(outcome.data, outcome.endpoint_id, staging / page_file_name(outcome.endpoint_id))
    except Exception as error:  # a parser bug must fail this page, not the run
        reason, warnings = f"malformed page: the parser failed ({type(error).__name__}: {error})", 0
    outcome.warnings = warnings
    if reason is not None:
        outcome.reason = reason
        (staging / page_file_name(outcome.endpoint_id)).unlink(missing_ok=True)
        return
    outcome.ok = True


async def _fetch_all(
    ids: list[str], base_url: str, staging: Path, attempts: Attempts, concurrency: int
) -> list[FetchOutcome]:
    import asyncio

    import httpx

    outcomes = [FetchOutcome(endpoint_id, page_url(base_url, endpoint_id)) for endpoint_id in ids]
    semaphore = asyncio.Semaphore(max(1, concurrency))
    limits = httpx.Limits(max_connections=max(1, concurrency))
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    # Redirects are followed by `_get`, which keeps them on the source's host.
    async with httpx.AsyncClient(timeout=httpx.Timeout(attempts.timeout), limits=limits, headers=headers) as client:
        await asyncio.gather(*(_fetch_one(client, semaphore, o, staging, attempts) for o in outcomes))
    return outcomes


def fetch_pages(
    ids: list[str],
    out: Path,
    *,
    base_url: str = DEFAULT_BASE_URL,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    concurrency: int = 4,
    partial: bool = False,
    max_page_bytes: int = MAX_PAGE_BYTES,
) -> tuple[list[FetchOutcome], list[Path]]:
    """Download, validate and (all-or-nothing, or per page with `partial`) save the pages.

    Returns every outcome (in `ids` order) and the paths written. SIGTERM and SIGHUP raise
    `Terminated` (Ctrl-C KeyboardInterrupt) once the temporary folder is removed.
    """
    ids = list(dict.fromkeys(ids))
    attempts = Attempts(timeout=timeout, max_bytes=max_page_bytes, retries=retries, backoff=backoff)
    parent = out.absolute().parent
    while not parent.is_dir() and parent != parent.parent:
        parent = parent.parent  # the nearest existing ancestor: same file system as `out` will be
    written: list[Path] = []
    import asyncio

    with Stopper.installed() as stopper:
        staging = Path(tempfile.mkdtemp(prefix=".falgen-fetch-", dir=parent))
        try:
            try:
                outcomes = asyncio.run(stopper.run(_fetch_all(ids, base_url, staging, attempts, concurrency)))
            except asyncio.CancelledError:
                if stopper.signum is None:
                    raise
                raise stopper.error() from None
            succeeded = [o for o in outcomes if o.ok]
            if succeeded and (partial or len(succeeded) == len(outcomes)):
                out.mkdir(parents=True, exist_ok=True)
                for outcome in succeeded:
                    name = page_file_name(outcome.endpoint_id)
                    target = out / name
                    if not (target.is_file() and target.read_bytes() == outcome.data):  # unchanged: keep mtime
                        os.replace(staging / name, target)
                    written.append(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return outcomes, written


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived; exits with 128 + the signal's number, as the shell reports it."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signal_name = signal.Signals(signum).name


class Stopper:
    """SIGTERM, SIGHUP and Ctrl-C stop a fetch so that `finally` blocks run (the default action
    of the first two kills the process, leaving the temporary folder behind).

    Outside the event loop the handler raises `Terminated` (KeyboardInterrupt for Ctrl-C) at
    once. While the loop runs it cancels the fetch instead, and the same is raised once the loop
    has wound down: an exception raised in the middle of a task would be left unretrieved.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None

    @classmethod
    @contextlib.contextmanager
    def installed(cls) -> Iterator[Stopper]:
        stopper = cls()
        if threading.current_thread() is not threading.main_thread():
            yield stopper  # only the main thread may set handlers; a library caller keeps its own
            return
        wanted = [signal.SIGTERM, signal.SIGINT, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
        previous = {number: signal.signal(number, stopper._handle) for number in wanted}
        try:
            yield stopper
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def error(self) -> BaseException:
        assert self.signum is not None
        return KeyboardInterrupt() if self.signum == signal.SIGINT else Terminated(self.signum)

    async def run(self, work: Awaitable[_T]) -> _T:
        import asyncio

        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        try:
            return await work
        finally:
            self._loop = self._task = None

    def _handle(self, signum: int, frame: object) -> None:
        self.signum = signum
        loop, task = self._loop, self._task
        if loop is None or task is None:
            raise self.error()
        loop.call_soon_threadsafe(task.cancel)


@contextlib.contextmanager
def exit_when_stopped(message: Callable[[str], str]) -> Iterator[None]:
    """Ctrl-C, SIGTERM or SIGHUP in the body: `message(signal name)` on stderr, then exit 130
    (Ctrl-C) or 128 + the signal's number."""
    try:
        yield
    except (KeyboardInterrupt, Terminated) as stop:
        name = stop.signal_name if isinstance(stop, Terminated) else "SIGINT"
        click.echo(message(name), err=True)
        sys.exit(stop.code if isinstance(stop, Terminated) else 130)


def _ids_from_specs(specs: Path) -> list[str]:
    from generator.spec.read import read_spec_dir

    if not specs.is_dir():
        raise click.UsageError(f"--all: no spec directory {specs}")
    return [endpoint.id for endpoint in read_spec_dir(specs).endpoints]


@click.command("fetch")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_ids", is_flag=True, help="Fetch every endpoint id in --specs.")
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs/openapi"), show_default=True, help="Where --all reads the ids.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("specs/sources"), show_default=True, help="Directory for the .html pages.")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="Pages are read from {base-url}/models/{id}/api.")
@timeout_option(30.0, "a page")
@click.option("--max-page-bytes", type=click.IntRange(min=1), default=MAX_PAGE_BYTES, show_default=True, help="Largest page accepted, counted after decompression.")
@retries_option(3, "Retries on 5xx/429/timeouts/connection errors.")
@backoff_option(1.0, "First retry delay in seconds (doubles each retry).")
@click.option("--concurrency", type=click.IntRange(min=1), default=4, show_default=True, help="Pages downloaded at once.")
@click.option("--partial", is_flag=True, help="Keep the pages that succeeded even when others fail (default: all or nothing).")
def fetch_command(
    ids: tuple[str, ...],
    all_ids: bool,
    specs: Path,
    out: Path,
    base_url: str,
    timeout: float,
    max_page_bytes: int,
    retries: int,
    backoff: float,
    concurrency: int,
    partial: bool,
) -> None:
    """Download the current API doc pages of endpoint IDS (or --all) as HTML into --out.

    A page is accepted only when it parses into an endpoint with that id. By default nothing
    is written unless every page succeeded; failures are listed per id. Exit 0 when every
    page was saved, 1 when any failed, 2 on usage errors.
    """
    if all_ids and ids:
        raise click.UsageError("give endpoint ids or --all, not both")
    wanted = _ids_from_specs(specs) if all_ids else list(ids)
    if not wanted:
        raise click.UsageError("give at least one endpoint id (e.g. fal-ai/flux-2) or --all")
    invalid = [i for i in wanted if not valid_endpoint_id(i)]
    if invalid:
        raise click.UsageError(f"not an endpoint id: {', '.join(map(repr, invalid))}")
    started = time.perf_counter()
    with exit_when_stopped(lambda name: f"falgen fetch: stopped by {name}; temporary files removed"):
        outcomes, written = fetch_pages(
            wanted, out, base_url=base_url, timeout=timeout, retries=retries, backoff=backoff,
            concurrency=concurrency, partial=partial, max_page_bytes=max_page_bytes,
        )
    failed = [o for o in outcomes if not o.ok]
    saved = {path.name for path in written}
    for outcome in outcomes:
        name = page_file_name(outcome.endpoint_id)
        if outcome.ok:
            state = f"saved {out / name}" if name in saved else "ok (not written: other pages failed)"
            extra = f", {outcome.warnings} diagnostic(s)" if outcome.warnings else ""
            click.echo(f"  ok      {outcome.endpoint_id}: {state} ({outcome.attempts} attempt(s){extra})")
    for outcome in failed:
        click.echo(f"  FAILED  {outcome.endpoint_id}: {outcome.reason} [{outcome.url}]", err=True)
    elapsed = time.perf_counter() - started
    summary = f"falgen fetch: {len(outcomes) - len(failed)} of {len(outcomes)} page(s) ok, {len(failed)} failed, {len(written)} written to {out} in {elapsed:.1f}s"
    if failed and not partial:
        summary += " (all or nothing: no file was touched; rerun, or use --partial)"
    click.echo(summary, err=bool(failed))
    sys.exit(1 if failed else 0)
