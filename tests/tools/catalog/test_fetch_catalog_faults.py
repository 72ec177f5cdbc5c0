"""`falgen fetch catalog` when fal's model API misbehaves: 429 and Retry-After, 5xx, malformed
entries, an oversize answer, a key that must never show, a signal mid-run. By default a failing
run leaves the folder byte-identical; `--partial` writes what succeeded and deletes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import BIN
from tests.support.model_api import ModelAPI
from tests.tools.catalog.conftest import FAST, FIXTURE_IDS, failures, fetch, file_of, snapshot, summary

pytestmark = pytest.mark.slow  # every test here runs `falgen fetch catalog` as a process

KEY = "key-id-1234:s3cr3t-Value-5678"


def _gaps(api: ModelAPI) -> list[float]:
    times = [r.at for r in api.listing_requests()]
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_429_is_retried_after_retry_after(api: ModelAPI, tmp_path: Path) -> None:
    api.inject(429, times=1, retry_after="1")
    done = fetch(api, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = [r.status for r in api.listing_requests()]
    assert statuses[:2] == [429, 200]
    assert _gaps(api)[0] >= 0.95, "Retry-After: 1 waits a second, not the 0.01 s backoff"


def test_backoff_doubles_up_to_its_cap(api: ModelAPI, tmp_path: Path) -> None:
    api.inject(503, times=3)
    done = fetch(api, tmp_path / "out", "--backoff", "0.2", "--max-backoff", "0.3")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [r.status for r in api.listing_requests()][:4] == [503, 503, 503, 200]
    gaps = _gaps(api)[:3]
    assert len(gaps) == 3
    for gap, wanted in zip(gaps, (0.2, 0.3, 0.3), strict=True):  # 0.2, then 0.4 and 0.8 capped at 0.3
        assert wanted - 0.02 <= gap < wanted + 0.5, gaps


def test_5xx_retries_then_fails_leaving_the_folder_untouched(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert fetch(api, out).returncode == 0
    api.change("fal-ai/flux/dev", lambda doc: doc["info"].update(version="2.0.0"))
    before = snapshot(out)
    api.inject(500, times=10, after=1)  # the first page is fine, the second never comes
    done = fetch(api, out, "--retries", "2")
    assert done.returncode == 1
    assert failures(done) == ["listing page 2: HTTP 500 Internal Server Error after 3 attempt(s)"]
    assert "(all or nothing: no file was touched" in summary(done)
    assert snapshot(out) == before
    assert [r.status for r in api.listing_requests()][-4:] == [200, 500, 500, 500]


def test_a_partial_listing_with_partial_writes_what_came_and_deletes_nothing(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert fetch(api, out).returncode == 0
    first_page = sorted(FIXTURE_IDS)[:20]
    api.change(first_page[0], lambda doc: doc["info"].update(version="2.0.0"))
    api.remove(first_page[1])
    api.remove(sorted(FIXTURE_IDS)[-1])  # on the page that fails: must not be judged gone
    api.inject(503, times=10, after=1)
    done = fetch(api, out, "--retries", "1", "--partial")
    assert done.returncode == 1
    assert "1 changed, 0 removed" in summary(done)
    assert json.loads((out / file_of(first_page[0])).read_bytes())["info"]["version"] == "2.0.0"
    assert (out / file_of(first_page[1])).exists() and (out / file_of(sorted(FIXTURE_IDS)[-1])).exists()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("openapi-not-object", " ({id}): openapi is not an object but str"),
        ("no-openapi", " ({id}): entry has no openapi document (asked for expand=openapi-3.0)"),
        ("other-endpoint", " ({id}): openapi document describes 'someone/else', not this endpoint"),
        ("no-endpoint-id", ": entry has no endpoint_id (keys: metadata, openapi)"),
        ("not-an-object", ": entry is not an object but list"),
    ],
)
def test_a_malformed_entry_is_named_and_never_crashes(api: ModelAPI, tmp_path: Path, kind: str, reason: str) -> None:
    out = tmp_path / "out"
    assert fetch(api, out).returncode == 0
    broken = "fal-ai/flux/dev"
    api.change("fal-ai/switti", lambda doc: doc["info"].update(version="2.0.0"))
    api.remove("fal-ai/cat-vton")
    position = sorted(api.models).index(broken) + 1
    api.break_entry(broken, kind)
    before = snapshot(out)

    done = fetch(api, out)  # all or nothing: the folder stays as it was
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    page, entry = (position - 1) // 20 + 1, (position - 1) % 20 + 1
    assert failures(done) == [f"listing page {page}, entry {entry}" + reason.format(id=broken)]
    assert snapshot(out) == before

    done = fetch(api, out, "--partial")  # the other entries are written; nothing is deleted
    assert done.returncode == 1
    assert "1 changed" in summary(done)
    assert json.loads((out / file_of("fal-ai/switti")).read_bytes())["info"]["version"] == "2.0.0"
    assert (out / file_of(broken)).read_bytes() == before[file_of(broken)][0]
    assert (out / file_of("fal-ai/cat-vton")).exists()


def test_an_endpoint_listed_again_after_a_conflicting_listing_stays_failed(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert fetch(api, out).returncode == 0
    listed = "fal-ai/flux/dev"
    api.change("fal-ai/switti", lambda doc: doc["info"].update(version="2.0.0"))
    api.relist(listed, lambda doc: doc["info"].update(version="2.0.0"))  # second listing: conflicts
    api.relist(listed, lambda doc: doc["info"].update(version="3.0.0"))  # third: must not be taken
    before = snapshot(out)

    done = fetch(api, out, "--partial")  # what succeeded is written; the conflicted endpoint is not
    assert done.returncode == 1
    first = f"listing page 1, entry {sorted(api.models).index(listed) + 1}"
    assert [line.split(": ", 1)[1] for line in failures(done)] == [f"listed again (first at {first}) with a different document"]
    assert "1 changed" in summary(done)
    assert json.loads((out / file_of("fal-ai/switti")).read_bytes())["info"]["version"] == "2.0.0"
    assert (out / file_of(listed)).read_bytes() == before[file_of(listed)][0]


def test_a_response_over_the_cap_is_refused(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = fetch(api, out, "--max-response-bytes", "50000")
    assert done.returncode == 1
    (failure,) = failures(done)
    assert failure.startswith("listing page 1: page too large") and "50000" in failure
    assert not out.exists()
    # Counted after decompression: a gzip body under the cap that inflates past it is refused too.
    api.gzip = True
    done = fetch(api, out, "--max-response-bytes", "50000")
    (failure,) = failures(done)
    assert "once decompressed" in failure
    assert fetch(api, out).returncode == 0  # the default cap (64 MiB) takes gzip pages as they are


def test_the_key_is_sent_and_never_shown(tmp_path: Path) -> None:
    with ModelAPI(Path(__file__).parent / "fixtures" / "fal-openapi", key=KEY) as api:
        done = fetch(api, tmp_path / "out", "--json", key=KEY)
        assert done.returncode == 0, done.stderr
        assert all(r.authorized for r in api.requests) and api.requests
        outputs = [done.stdout + done.stderr]
        api.inject(503, times=2)
        outputs.append((failed := fetch(api, tmp_path / "out", "--retries", "1", key=KEY)).stdout + failed.stderr)
        assert failed.returncode == 1
        bad = fetch(api, tmp_path / "out", key=KEY + "x")  # a wrong key: 401, not retried
        assert bad.returncode == 1 and failures(bad) == ["listing page 1: HTTP 401 Unauthorized"]
        outputs.append(bad.stdout + bad.stderr)
    for output in outputs:
        assert KEY not in output and "s3cr3t" not in output


@pytest.mark.parametrize(("value", "what"), [(KEY + "\n", "a newline"), ("ké", "a non-ASCII character"), ("a b", "whitespace")])
def test_a_key_that_cannot_be_sent_is_a_usage_error(api: ModelAPI, tmp_path: Path, value: str, what: str) -> None:
    done = fetch(api, tmp_path / "out", key=value)
    assert done.returncode == 2
    assert f"FAL_KEY contains {what}" in done.stderr
    assert value.strip() not in done.stdout + done.stderr
    assert api.requests == []


def test_a_signal_mid_fetch_leaves_the_folder_untouched(api: ModelAPI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert fetch(api, out).returncode == 0
    api.change("fal-ai/flux/dev", lambda doc: doc["info"].update(version="2.0.0"))
    before = snapshot(out)
    api.stall(20, times=1)
    seen = len(api.requests)
    process = subprocess.Popen(
        [str(BIN / "falgen"), "fetch", "catalog", "--api-url", api.url, "--out", str(out), *FAST],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "FAL_KEY": ""},
    )
    try:
        deadline = time.monotonic() + 30
        while not (out / ".falgen-lock").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # the first request is held by the server
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 143, stderr
    assert "stopped by SIGTERM; nothing was written" in stderr and "Traceback" not in stderr
    assert snapshot(out) == before
    assert len(api.requests) == seen  # the held request never got its answer logged


def test_text_from_the_server_reaches_the_terminal_inert(api: ModelAPI, tmp_path: Path) -> None:
    api.models["fal-ai/flux/dev"].metadata["\x1b[2Jboom\u202e"] = 1  # an unknown key: named in a note
    api.models["fal-ai/switti"].metadata["display_name"] = ["\x1b]0;title\x07"]  # wrong type: a note
    done = fetch(api, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\u202e" not in done.stderr
    assert "\\x1b[2Jboom\\u202e" in done.stderr
    assert "fal-ai/switti: metadata.display_name is not a string" in done.stderr
