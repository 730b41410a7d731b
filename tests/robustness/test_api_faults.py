"""The API clients (Google Places, Overpass) facing malformed, huge and hostile answers.

A proxy, a captive portal, a mirror or a bug upstream can answer anything. The clients must
turn it into a plain error, never raise, and never hold a decompressed bomb in memory.
The memory checks run in a child process with an address-space limit, so a regression fails
the test instead of eating the machine's memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.shop import Shop
from fixtures.farm import FarmResponse, Handler
from fixtures.fault_farm import FaultFarm, gzip_bomb

ROOT = Path(__file__).resolve().parents[2]
PLACES_HOST = "places.googleapis.com"
OVERPASS_HOST = "overpass-api.de"
#: Address space of the child (its baseline is about 300 MB of virtual memory).
CHILD_ADDRESS_SPACE = 900 * 1024 * 1024
#: Peak virtual memory allowed while a 1 GB gzip bomb is refused.
MAX_PEAK_MB = 600
JSON_TYPE = {"Content-Type": "application/json; charset=UTF-8"}


def answer(body: bytes) -> Handler:
    return lambda req: FarmResponse(200, body, JSON_TYPE)


MALFORMED_PLACES = {
    "json list": b"[1, 2, 3]",
    "places is a string": b'{"places": "x"}',
    "place is not an object": b'{"places": [1, null, "x"]}',
    "fields of the wrong type": json.dumps({"places": [{
        "id": 5, "displayName": "x", "location": "ici", "formattedAddress": ["a"],
        "rating": "NaN"}]}).encode(),
}


async def enrich(farm: FaultFarm) -> Any:
    from sources.places import PlacesClient

    async def no_wait(seconds: float) -> None:
        return None

    async with PlacesClient("k", farm.http_context(), budget=5, sleep=no_wait) as places:
        return await places.enrich(Shop(name="Boulangerie Test", address="Rue Haute 1",
                                        postcode="6720", city="Habay", lat=49.7, lon=5.6))


@pytest.mark.parametrize("case", sorted(MALFORMED_PLACES))
async def test_places_malformed_answer_is_an_error_not_an_exception(case: str) -> None:
    with FaultFarm() as farm:
        farm.add_host(PLACES_HOST, answer(MALFORMED_PLACES[case]))
        artifact = await enrich(farm)
    assert artifact.status == "error" and artifact.reason


async def test_places_not_json_is_an_error() -> None:
    with FaultFarm() as farm:
        farm.add_host(PLACES_HOST, lambda req: FarmResponse(200, b"<html>portail</html>"))
        artifact = await enrich(farm)
    assert artifact.status == "error" and artifact.reason


async def test_overpass_list_answer_is_an_overpass_error() -> None:
    from sources.overpass import OverpassError, run_query

    async def no_wait(seconds: float) -> None:
        return None

    with FaultFarm() as farm:
        farm.add_host(OVERPASS_HOST, answer(b"[1]"))
        with pytest.raises(OverpassError):
            await run_query("[out:json];", farm.http_context(), sleep=no_wait)


# -- gzip bombs, in a memory-limited child -------------------------------------------------------
def child_main(client: str) -> None:
    """Run in the child: one call against a gzip bomb; print outcome and peak memory."""
    with FaultFarm() as farm:
        farm.add_host(PLACES_HOST if client == "places" else OVERPASS_HOST, gzip_bomb)
        outcome = asyncio.run(_call(client, farm))
    peak_kb = int(Path(f"/proc/{os.getpid()}/status").read_text().split("VmPeak:")[1]
                  .split()[0])
    print(json.dumps({"outcome": outcome, "peak_mb": peak_kb / 1024}))


async def _call(client: str, farm: FaultFarm) -> str:
    if client == "places":
        artifact = await enrich(farm)
        return f"{artifact.status}: {artifact.reason}"
    from sources.overpass import OverpassError, run_query

    async def no_wait(seconds: float) -> None:
        return None

    try:
        await run_query("[out:json];", farm.http_context(), sleep=no_wait, max_attempts=1)
    except OverpassError as exc:
        return f"error: {exc}"
    return "answered"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("client", ["places", "overpass"])
def test_gzip_bomb_answer_stays_small(client: str) -> None:
    code = ("import sys; sys.path.insert(0, '.'); from tests.robustness.test_api_faults "
            f"import child_main; child_main({client!r})")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, preexec_fn=_limit_memory)
    assert proc.returncode == 0, proc.stderr[-1500:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["outcome"].startswith("error")
    assert result["peak_mb"] < MAX_PEAK_MB, result


async def test_places_failure_keeps_the_website_measurement(tmp_path: Path) -> None:
    from fixtures.static_site import StaticSite
    from scanner.pipeline import ScanConfig, run_scan

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><h1>Boulangerie</h1></body></html>", "utf-8")
    (tmp_path / "liste.csv").write_text("nom,site web\nBoulangerie,https://boulangerie.be/\n",
                                        "utf-8")
    with FaultFarm() as farm:
        farm.add_host("boulangerie.be", StaticSite(site))
        farm.add_host(PLACES_HOST, answer(MALFORMED_PLACES["places is a string"]))
        outcome = await run_scan(ScanConfig(
            shops_file=tmp_path / "liste.csv", http_ctx=farm.http_context(allow_private=False),
            places_api_key="k", db_url=f"sqlite:///{tmp_path}/s.db", out_dir=tmp_path / "out",
            quiet=True, no_render=True, formats=("json",),
            crawl_overrides={"total_timeout_per_shop": 10.0, "per_host_delay": 0.0}))
    from output.store import Store

    with Store(f"sqlite:///{tmp_path}/s.db") as store:
        (result,) = list(store.iter_shop_results(outcome.scan_id))
    assert result["crawl"]["status"] == "ok"
    assert result["steps"]["web_presence"]["status"] != "error"
    assert result["places"]["status"] == "error"
