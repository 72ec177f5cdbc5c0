"""A client for fal's model API (`GET {api}/v1/models`): every model's OpenAPI document.

Two kinds of listing (see README, "`falgen fetch catalog`"):

- `active(category)`: `status=active&expand=openapi-3.0` (and `category=`), following
  `next_cursor` until the last page;
- `find(ids)`: `endpoint_id=` batches of at most 50 ids, any status (a deprecated model is
  listed as such; an id fal does not know is absent from the answer).

Every request goes through `generator.tools.fetch.download`: a wall-clock deadline per attempt, the
body streamed and refused past a byte cap counted after decompression, redirects only within
the API's origin, and retries with exponential backoff (capped) on 429, 5xx, timeouts and
connection errors, honouring a numeric `Retry-After`. What the API answers is foreign input: a
page that is not the expected JSON fails the listing (which is then incomplete); an entry that
is malformed fails that entry only, naming its page and position (and its id when it has one).
Unknown keys are tolerated everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.spec.keys import stated_endpoint_value
from generator.tools.fetch import Attempts, download, valid_endpoint_id

if TYPE_CHECKING:
    import httpx

DEFAULT_API_URL = "https://api.fal.ai"
DEFAULT_FOLDER = Path("specs/sources/fal-openapi")
"""Where `falgen fetch catalog` keeps fal's documents (one per endpoint)."""
MODELS_PATH = "/v1/models"
EXPAND_OPENAPI = "openapi-3.0"
MAX_IDS_PER_REQUEST = 50
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""A page of 50 expanded documents is a few MB; a bigger answer is refused, not held."""
MAX_PAGES = 1000
"""Pages one listing may take (50,000 models at 50 a page): a server that never stops paging ends."""


@dataclass
class Entry:
    """One model as the API listed it."""

    endpoint_id: str
    metadata: dict[str, Any]
    document: dict[str, Any]
    where: str
    """`page 2, entry 7` of the listing it came from."""


@dataclass
class Failure:
    """Something that could not be fetched or read: where, why, and the endpoint when known."""

    where: str
    reason: str
    endpoint_id: str | None = None

    def render(self) -> str:
        who = f" ({self.endpoint_id})" if self.endpoint_id and self.endpoint_id not in self.where else ""
        return f"{self.where}{who}: {self.reason}"


@dataclass
class Listing:
    """What a listing gave: the entries by id (in the API's order) and what failed."""

    entries: dict[str, Entry] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    complete: bool = True
    """Every page was read and every entry named its endpoint: what is absent is not listed."""
    requests: int = 0
    failed_ids: set[str] = field(default_factory=set)
    """Endpoints whose entry was listed but could not be read (their files stay as they are)."""

    def extend(self, other: Listing) -> None:
        for endpoint_id, entry in other.entries.items():
            self.entries.setdefault(endpoint_id, entry)
        self.failures.extend(other.failures)
        self.complete = self.complete and other.complete
        self.requests += other.requests
        self.failed_ids |= other.failed_ids


def read_entry(raw: Any, where: str) -> Entry | Failure:
    """One element of a page's `models`, checked for what falgen relies on."""
    if not isinstance(raw, dict):
        return Failure(where, f"entry is not an object but {type(raw).__name__}")
    endpoint_id = raw.get("endpoint_id")
    if not isinstance(endpoint_id, str) or not endpoint_id:
        return Failure(where, f"entry has no endpoint_id (keys: {', '.join(sorted(map(str, raw))) or 'none'})")
    if not valid_endpoint_id(endpoint_id):
        return Failure(where, f"endpoint_id {endpoint_id!r:.120} is not an endpoint id")
    metadata = raw.get("metadata", {})
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        return Failure(where, f"metadata is not an object but {type(metadata).__name__}", endpoint_id)
    document = raw.get("openapi")
    if document is None:
        return Failure(where, f"entry has no openapi document (asked for expand={EXPAND_OPENAPI})", endpoint_id)
    if not isinstance(document, dict):
        return Failure(where, f"openapi is not an object but {type(document).__name__}", endpoint_id)
    info = document.get("info")
    if not isinstance(info, dict):
        return Failure(where, "openapi document has no info object", endpoint_id)
    stated = stated_endpoint_value(document)  # any type: a non-string id is a conflict too
    if stated is not None and stated != endpoint_id:
        return Failure(where, f"openapi document describes {stated!r:.120}, not this endpoint", endpoint_id)
    return Entry(endpoint_id, metadata, document, where)


class CatalogClient:
    """Listings from one API, through one httpx client (which carries the key, if any)."""

    def __init__(self, client: httpx.AsyncClient, api_url: str, attempts: Attempts, max_pages: int = MAX_PAGES) -> None:
        self.client = client
        self.url = api_url.rstrip("/") + MODELS_PATH
        self.attempts = attempts
        self.max_pages = max_pages

    async def active(self, category: str | None = None, limit: int | None = None) -> Listing:
        query = [("status", "active"), ("expand", EXPAND_OPENAPI)]
        if category is not None:
            query.append(("category", category))
        return await self.walk(query, "listing", limit)

    async def find(self, ids: list[str], limit: int | None = None) -> Listing:
        """The models with these ids, whatever their status, in batches of 50."""
        found = Listing()
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), MAX_IDS_PER_REQUEST):
            batch = unique[start : start + MAX_IDS_PER_REQUEST]
            query = [*(("endpoint_id", i) for i in batch), ("expand", EXPAND_OPENAPI)]
            label = f"lookup {start // MAX_IDS_PER_REQUEST + 1} ({len(batch)} id(s) from {batch[0]})"
            # The whole batch in one page if the API allows (it caps `limit`; then it pages).
            found.extend(await self.walk(query, label, limit or len(batch)))
        return found

    async def walk(self, query: list[tuple[str, str]], label: str, limit: int | None = None) -> Listing:
        """Every page of one query, following `next_cursor`."""
        import httpx

        listing = Listing()
        cursor: str | None = None
        seen: set[str] = set()
        for number in range(1, self.max_pages + 1):
            params = [*query, *([("limit", str(limit))] if limit is not None else []), *([("cursor", cursor)] if cursor else [])]
            page = f"{label} page {number}"
            listing.requests += 1
            done = await download(self.client, str(httpx.URL(self.url, params=params)), self.attempts)
            if done.data is None:
                listing.failures.append(Failure(page, done.reason))
                listing.complete = False
                return listing
            models, cursor, problem = _read_page(done.data)
            if problem is not None:
                listing.failures.append(Failure(page, problem))
                listing.complete = False
                return listing
            for index, raw in enumerate(models, start=1):
                self._add(listing, read_entry(raw, f"{page}, entry {index}"))
            if cursor is None:
                return listing
            if cursor in seen:
                listing.failures.append(Failure(page, f"the API returned cursor {cursor!r:.60} again: the listing loops"))
                listing.complete = False
                return listing
            seen.add(cursor)
        listing.failures.append(Failure(label, f"more than {self.max_pages} pages; the rest was not read"))
        listing.complete = False
        return listing

    @staticmethod
    def _add(listing: Listing, read: Entry | Failure) -> None:
        if isinstance(read, Failure):
            listing.failures.append(read)
            if read.endpoint_id is None:
                listing.complete = False  # an unnamed entry could be any endpoint
            else:
                listing.failed_ids.add(read.endpoint_id)
            return
        if read.endpoint_id in listing.failed_ids:  # failed already: a later listing must not bring it back
            return
        earlier = listing.entries.get(read.endpoint_id)
        if earlier is None:
            listing.entries[read.endpoint_id] = read
        elif (earlier.document, earlier.metadata) != (read.document, read.metadata):
            listing.failures.append(
                Failure(read.where, f"listed again (first at {earlier.where}) with a different document", read.endpoint_id)
            )
            listing.failed_ids.add(read.endpoint_id)
            del listing.entries[read.endpoint_id]


def _read_page(data: bytes) -> tuple[list[Any], str | None, str | None]:
    """(models, next cursor or None, problem or None) of one response body."""
    # Lazy: core.fits imports the IR (pydantic), which `falgen` must not load at start-up.
    from generator.core.fits import strict_json

    try:
        body = strict_json(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        return [], None, f"response is not UTF-8 ({error.reason})"
    except RecursionError:
        return [], None, "response is not usable JSON (it nests too deeply)"
    except ValueError as error:
        return [], None, f"response is not JSON ({str(error)[:120]})"
    if not isinstance(body, dict):
        return [], None, f"response is not a JSON object but {type(body).__name__}"
    models = body.get("models")
    if not isinstance(models, list):
        return [], None, "response has no `models` list"
    cursor = body.get("next_cursor")
    more = body.get("has_more")
    if cursor is not None and (not isinstance(cursor, str) or not cursor):
        return [], None, f"next_cursor is not a non-empty string: {cursor!r:.60}"
    if more is not None and not isinstance(more, bool):
        return [], None, f"has_more is not a boolean: {more!r:.60}"
    if more and cursor is None:
        return [], None, "has_more is true but there is no next_cursor"
    return models, (None if more is False else cursor), None
