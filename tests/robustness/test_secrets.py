"""Secrets and reviewers' personal data never reach an output.

A recognisable fake Google key is used for real calls to the fake Places API; then every
output is searched for it: stdout, stderr, log records (DEBUG, every logger), the report files
(inside the XLSX zip too), the database file bytes and the reasons of failed calls.
Reviewers' names and texts, and photo authors' names, offered by the fake API, must never be
stored: only aggregates (rating, count) are kept.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.fake_places import FakePlaces
from fixtures.farm import Farm
from scanner.demo import DEMO_DIR, DEMO_PLACES_KEY, PLACES_HOST, populate
from scanner.pipeline import ScanConfig, run_scan

ROOT = Path(__file__).resolve().parents[2]
FAKE_KEY = "AIzaFAKE-KEY-5ec7e7"
REVIEWER = "Josiane Vandenbroucke-Témoin"
REVIEW_TEXT = "Pain rassis et vendeuse désagréable 7c1d"
PHOTO_AUTHOR = "Photographe Anonyme 42f9"
PERSONAL = (REVIEWER, REVIEW_TEXT, PHOTO_AUTHOR)
SHOPS = 4
SHORT = {"connect_timeout": 2.0, "read_timeout": 2.0, "total_timeout_per_shop": 8.0,
         "per_host_delay": 0.0, "render": False}


def places_with_personal_data() -> list[dict[str, Any]]:
    data = json.loads((DEMO_DIR / "places.json").read_text("utf-8"))
    places: list[dict[str, Any]] = data["places"] if isinstance(data, dict) else data
    for place in places:
        place["reviews"] = [{
            "name": f"{place['name']}/reviews/r1", "rating": 1,
            "text": {"text": REVIEW_TEXT, "languageCode": "fr"},
            "originalText": {"text": REVIEW_TEXT, "languageCode": "fr"},
            "authorAttribution": {"displayName": REVIEWER,
                                  "uri": "https://maps.google.com/maps/contrib/1"},
            "relativePublishTimeDescription": "il y a une semaine"}]
        for photo in place.get("photos") or []:
            photo["authorAttributions"] = [{"displayName": PHOTO_AUTHOR,
                                            "uri": "https://maps.google.com/maps/contrib/2"}]
    return places


def shop_list(tmp: Path, places: list[dict[str, Any]]) -> Path:
    rows = [(p["displayName"]["text"], p["websiteUri"], p["formattedAddress"])
            for p in places if p.get("websiteUri")][:SHOPS]
    path = tmp / "commerces.csv"
    path.write_text("nom;site web;adresse\n" + "".join(f"{n};{w};{a}\n" for n, w, a in rows),
                    "utf-8")
    return path


def every_output(root: Path) -> dict[str, bytes]:
    """Every file under root, and every member of every zip (XLSX) file."""
    blobs: dict[str, bytes] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        blobs[str(path)] = data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    blobs[f"{path}!{member}"] = archive.read(member)
    return blobs


def forms(text: str) -> list[bytes]:
    """The ways a string may be written: UTF-8, JSON-escaped, XML-escaped."""
    return [text.encode("utf-8"), json.dumps(text)[1:-1].encode("ascii"),
            text.encode("ascii", "xmlcharrefreplace")]


def assert_absent(secrets: tuple[str, ...], blobs: dict[str, bytes]) -> None:
    for secret in secrets:
        for name, data in blobs.items():
            assert not any(form in data for form in forms(secret)), f"{secret!r} in {name}"


def scan_with_key(tmp: Path, accepted_key: str, service_disabled: bool = False,
                  **overrides: Any) -> tuple[Any, FakePlaces]:
    places = places_with_personal_data()
    fake = FakePlaces(places, api_key=accepted_key, service_disabled=service_disabled)
    with Farm() as farm:
        populate(farm)
        farm.add_host(PLACES_HOST, fake)
        config = ScanConfig(shops_file=shop_list(tmp, places), http_ctx=farm.http_context(),
                            places_api_key=FAKE_KEY, db_url=f"sqlite:///{tmp}/store.db",
                            out_dir=tmp / "out", quiet=True, no_render=True,
                            formats=("json", "csv", "html", "xlsx"),
                            crawl_overrides={**SHORT, **overrides})
        outcome = asyncio.run(run_scan(config))
    return outcome, fake


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    names = ("httpx", "httpcore", "smartcommerce", "scanner", "sources", "output")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_accepted_key_never_written(tmp_path: Path, debug_logs: pytest.LogCaptureFixture,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    outcome, fake = scan_with_key(tmp_path, accepted_key=FAKE_KEY)
    assert any(r.headers.get("x-goog-api-key") == FAKE_KEY for r in fake.requests)
    blobs = every_output(tmp_path)
    assert any(name.endswith("report.html") for name in blobs)
    assert any(b"Boulangerie Dupont" in data for data in blobs.values())  # search works
    out, err = capsys.readouterr()
    blobs.update(stdout=out.encode(), stderr=err.encode(), logs=debug_logs.text.encode(),
                 outcome=repr(outcome).encode())
    assert_absent((FAKE_KEY,), blobs)


def test_reviewers_and_photo_authors_never_stored(tmp_path: Path) -> None:
    scan_with_key(tmp_path, accepted_key=FAKE_KEY)
    blobs = every_output(tmp_path)
    blobs = {n: d for n, d in blobs.items() if not n.endswith("commerces.csv")}
    assert_absent(PERSONAL, blobs)
    (scan_json,) = [json.loads(d) for n, d in blobs.items() if n.endswith("scan.json")]
    assert any(s["places"]["status"] == "found" for s in scan_json["shops"])


@pytest.mark.parametrize(("accepted", "disabled"), [("another-key", False), (FAKE_KEY, True)],
                         ids=["400 API_KEY_INVALID", "403 SERVICE_DISABLED"])
def test_refused_key_never_written(tmp_path: Path, debug_logs: pytest.LogCaptureFixture,
                                   capsys: pytest.CaptureFixture[str], accepted: str,
                                   disabled: bool) -> None:
    # One shop at a time, so that the refusal is known before the next shop's call.
    outcome, fake = scan_with_key(tmp_path, accepted_key=accepted, service_disabled=disabled,
                                  global_concurrency=1)
    assert len(fake.requests) == 1, "a refused key must stop the calls, not try every shop"
    blobs = every_output(tmp_path)
    (scan_json,) = [json.loads(d) for n, d in blobs.items() if n.endswith("scan.json")]
    reasons = {s["places"]["reason"] for s in scan_json["shops"]}
    (reason,) = reasons  # the same clear reason for every shop
    assert reason and "Google Places" in reason
    out, err = capsys.readouterr()
    blobs.update(stdout=out.encode(), stderr=err.encode(), logs=debug_logs.text.encode(),
                 reasons=repr(reasons).encode())
    assert_absent((FAKE_KEY,), blobs)


@pytest.mark.slow
def test_cli_demo_with_debug_never_prints_the_key(tmp_path: Path) -> None:
    """The demo's Places key is really sent to the fake API; --debug must not show it."""
    proc = subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", "--debug", "scan",
         "--demo", "--db", f"sqlite:///{tmp_path}/demo.db", "--out", str(tmp_path / "out"),
         "--quiet", "--format", "json,csv,html,xlsx"],
        cwd=ROOT, capture_output=True, timeout=180,
        env={"PATH": "/usr/bin:/bin", "GOOGLE_MAPS_API_KEY": FAKE_KEY,
             "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    blobs = every_output(tmp_path)
    blobs.update(stdout=proc.stdout, stderr=proc.stderr)
    assert b"DEBUG" in proc.stderr  # --debug did log
    assert_absent((DEMO_PLACES_KEY, FAKE_KEY), blobs)
