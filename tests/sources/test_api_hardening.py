"""Regression tests: the Places and Overpass clients facing wrong-shape, huge and broken answers.

Every answer comes from the loopback farm (real sockets, real httpx decoding). The Places key
must never appear in a reason; a failure is a value (PlacesArtifact "error") or an
OverpassError, never another exception.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.artifacts import PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.shop import Shop
from fixtures.farm import FarmRequest, FarmResponse
from fixtures.fault_farm import gzip_bomb_bytes
from probes import run_probes
from sources import overpass, places_http
from sources.overpass import OverpassError, run_query
from sources.places import PlacesClient
from sources.places_discover import discover_places, shop_from_place
from sources.places_fields import load_places_config
from sources.places_http import PLACE_FIELDS, PlacesFailure, checked_places, place_problem
from sources.places_match import best_candidate
from tests.helpers.sources import FIXTURES, farm_context, no_sleep

KEY = "AIzaHARDENING-secret-456"
PLACES_HOST = "places.googleapis.com"
OVERPASS_HOST = "overpass-api.de"
JSON_TYPE = {"Content-Type": "application/json; charset=UTF-8"}
GZIP = {"Content-Encoding": "gzip"}
GOOD_PLACE = {"id": "PLACE_OK", "displayName": {"text": "Boulangerie Test", "languageCode": "fr"},
              "formattedAddress": "Rue Haute 1, 6720 Habay, Belgique",
              "location": {"latitude": 49.7, "longitude": 5.6}, "rating": 4.5,
              "userRatingCount": 12, "takeout": True, "types": ["bakery", "store"]}


def shop(**extra: Any) -> Shop:
    return Shop(name="Boulangerie Test", address="Rue Haute 1", postcode="6720", city="Habay",
                lat=49.7, lon=5.6, **extra)


class Recorder:
    """A farm handler answering the same response every time, counting the requests."""

    def __init__(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None):
        self.response = FarmResponse(status, body, {**JSON_TYPE, **(headers or {})})
        self.requests: list[FarmRequest] = []

    def __call__(self, req: FarmRequest) -> FarmResponse:
        self.requests.append(req)
        return self.response


async def enrich(farm, handler: Recorder, target: Shop | None = None) -> PlacesArtifact:
    farm.add_host(PLACES_HOST, handler)
    async with PlacesClient(KEY, farm_context(farm), budget=5, sleep=no_sleep) as places:
        artifact = await places.enrich(target or shop())
    assert KEY not in (artifact.reason or "")
    return artifact


# -- Places: shape ------------------------------------------------------------------------------
async def test_malformed_candidates_are_skipped_when_a_good_one_remains(farm) -> None:
    answer = {"places": [1, {"displayName": "x"}, {"location": "ici", **GOOD_PLACE}, GOOD_PLACE]}
    artifact = await enrich(farm, Recorder(json.dumps(answer).encode()))
    assert artifact.status == "found" and artifact.place == GOOD_PLACE


@pytest.mark.parametrize("body", [b'{"places": {"id": "x"}}', b'{"places": [[]]}',
                                  b'"places"', b"null", b"[" * 100_000 + b"]" * 100_000])
async def test_search_answer_of_the_wrong_shape_is_an_error(farm, body: bytes) -> None:
    artifact = await enrich(farm, Recorder(body))
    assert artifact.status == "error"
    assert "Google Places" in artifact.reason


async def test_empty_search_is_not_found_not_an_error(farm) -> None:
    artifact = await enrich(farm, Recorder(b"{}"))
    assert artifact.status == "not_found"


async def test_details_answer_of_the_wrong_shape_is_an_error(farm) -> None:
    handler = Recorder(json.dumps({**GOOD_PLACE, "regularOpeningHours": []}).encode())
    artifact = await enrich(farm, handler, shop(place_id="PLACE_OK"))
    assert (artifact.status, artifact.reason) == (
        "error", "réponse Google Places mal formée (champ « regularOpeningHours » inattendu)")
    assert [r.method for r in handler.requests] == ["GET"]  # no search after a broken answer


async def test_place_id_cannot_change_the_request_path(farm) -> None:
    handler = Recorder(json.dumps(GOOD_PLACE).encode())
    artifact = await enrich(farm, handler, shop(place_id="../x?y=1#z"))
    assert artifact.status == "found"
    [request] = handler.requests
    assert (request.path, request.query) == ("/v1/places/..%2Fx%3Fy%3D1%23z", "")


@pytest.mark.parametrize("body", [b"[1]", b'{"error": "nope"}', b'{"error": {"details": 3}}',
                                  b'{"error": {"details": [{"reason": 7}]}}'])
async def test_error_answer_of_the_wrong_shape_keeps_its_http_meaning(farm, body: bytes) -> None:
    artifact = await enrich(farm, Recorder(body, status=403))
    assert artifact.status == "error" and artifact.reason.startswith("accès refusé")


def test_every_checked_field_rejects_a_wrong_type() -> None:
    for name in PLACE_FIELDS:  # [None]: wrong for a text, number, flag, object or list field
        assert place_problem({**GOOD_PLACE, name: [None]}) == f"champ « {name} » inattendu"
        assert place_problem({**GOOD_PLACE, name: None}) is None  # null is absent


@pytest.mark.parametrize("sample", ["places_bellemarche.json",
                                    "places_new_searchNearby_lebrazier.json"])
def test_real_answers_pass_the_shape_check(sample: str) -> None:
    answer = json.loads((FIXTURES / sample).read_text("utf-8"))
    assert checked_places(answer) == answer["places"]


# -- Places: size -------------------------------------------------------------------------------
async def test_answer_over_the_cap_is_too_large(farm) -> None:
    megabytes = (places_http.MAX_ANSWER_BYTES >> 20) + 1
    handler = Recorder(gzip_bomb_bytes(megabytes), headers=GZIP)
    artifact = await enrich(farm, handler)
    assert (artifact.status, artifact.reason) == ("error", places_http.TOO_LARGE_REASON)
    assert "trop volumineuse" in artifact.reason and len(handler.requests) == 1


async def test_answer_just_under_the_cap_is_read(farm) -> None:
    padding = b" " * (places_http.MAX_ANSWER_BYTES - 4096)
    body = gzip.compress(padding + json.dumps({"places": [GOOD_PLACE]}).encode(), 1)
    artifact = await enrich(farm, Recorder(body, headers=GZIP))
    assert artifact.status == "found"


async def test_broken_compression_is_an_error(farm) -> None:
    artifact = await enrich(farm, Recorder(b"\x1f\x8b not gzip at all", headers=GZIP))
    assert artifact.status == "error" and "illisible" in artifact.reason


# -- Places discovery ---------------------------------------------------------------------------
async def test_discovery_skips_malformed_places_and_bad_page_tokens(farm) -> None:
    other = {**GOOD_PLACE, "id": "PLACE_2", "displayName": {"text": "Fleurs Lune"}}
    answer = {"places": ["x", {"displayName": {"text": 5}}, GOOD_PLACE, other],
              "nextPageToken": ["not", "a", "token"]}
    handler = Recorder(json.dumps(answer).encode())
    farm.add_host(PLACES_HOST, handler)
    async with PlacesClient(KEY, farm_context(farm), budget=50, sleep=no_sleep) as client:
        shops = await discover_places(client, (49.6, 5.5, 49.8, 5.7), ["bakery", "cafe"])
    assert sorted(s.place_id for s in shops) == ["PLACE_2", "PLACE_OK"]
    assert len(handler.requests) == 2  # one page per type: the list token is not followed


async def test_discovery_survives_a_places_string(farm) -> None:
    farm.add_host(PLACES_HOST, Recorder(b'{"places": "x"}'))
    async with PlacesClient(KEY, farm_context(farm), budget=50, sleep=no_sleep) as client:
        assert await discover_places(client, (49.6, 5.5, 49.8, 5.7), ["bakery"]) == []


# -- Overpass -----------------------------------------------------------------------------------
async def overpass_answer(farm, handler: Recorder) -> dict[str, Any]:
    farm.add_host(OVERPASS_HOST, handler)
    return await run_query("[out:json];", farm_context(farm), sleep=no_sleep, max_attempts=3)


@pytest.mark.parametrize("body", [b"[1]", b'"x"', b"null", b"3", b"[" * 100_000])
async def test_overpass_non_object_is_a_final_error(farm, body: bytes) -> None:
    handler = Recorder(body)
    with pytest.raises(OverpassError, match="^Overpass : réponse"):
        await overpass_answer(farm, handler)
    assert len(handler.requests) == 1  # the same answer would come back: not retried


async def test_overpass_over_the_cap_is_a_final_error(farm, monkeypatch) -> None:
    monkeypatch.setattr(overpass, "MAX_ANSWER_BYTES", 1 << 20)  # a 2 MB bomb instead of 201
    handler = Recorder(gzip_bomb_bytes(2), headers=GZIP)
    with pytest.raises(OverpassError, match="trop volumineuse"):
        await overpass_answer(farm, handler)
    assert len(handler.requests) == 1


async def test_overpass_under_the_cap_is_read(farm) -> None:
    body = gzip.compress(b" " * (8 << 20) + b'{"elements": []}', 1)
    assert await overpass_answer(farm, Recorder(body, headers=GZIP)) == {"elements": []}


async def test_overpass_broken_compression_is_a_final_error(farm) -> None:
    handler = Recorder(b"\x1f\x8b not gzip at all", headers=GZIP)
    with pytest.raises(OverpassError, match="illisible"):
        await overpass_answer(farm, handler)
    assert len(handler.requests) == 1


# -- property: what passes the boundary never breaks matching, discovery or the probes ----------
NESTED_KEYS = ["text", "latitude", "longitude", "periods", "weekdayDescriptions", "types",
               "longText", "shortText", "reason"]
def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NESTED_KEYS), inner,
                                                         max_size=3)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8), _nested,
    max_leaves=8)
well_typed = {
    "displayName": st.fixed_dictionaries({"text": st.text(max_size=20)}),
    "location": st.fixed_dictionaries({"latitude": st.floats(-90, 90),
                                       "longitude": st.floats(-180, 180)}),
    "formattedAddress": st.text(max_size=30), "rating": st.floats(0, 5),
    "userRatingCount": st.integers(0, 10_000), "photos": st.lists(st.just({}), max_size=3),
    "regularOpeningHours": st.fixed_dictionaries(
        {}, optional={"weekdayDescriptions": st.lists(st.text(max_size=10), max_size=3),
                      "periods": st.lists(st.just({}), max_size=2)}),
    "editorialSummary": st.fixed_dictionaries({"text": st.text(max_size=10)}),
    "takeout": st.booleans(), "curbsidePickup": st.booleans(), "types": st.lists(st.text()),
    "addressComponents": st.lists(st.fixed_dictionaries(
        {"types": st.lists(st.sampled_from(["route", "postal_code", "locality"]), max_size=2)},
        optional={"longText": st.text(max_size=10)}), max_size=3),
}
#: Every field we ask Google for (independent of the checker under test).
ASKED_FIELDS = sorted({f for mask in load_places_config().masks.values() for f in mask})
typed_places = st.fixed_dictionaries({}, optional=well_typed)
#: A well-typed place with one field replaced by any JSON value.
one_field_changed = st.tuples(typed_places, st.sampled_from(ASKED_FIELDS),
                              json_values).map(lambda t: {**t[0], t[1]: t[2]})
candidates = typed_places | one_field_changed | json_values


def downstream_errors(place: dict[str, Any]) -> list[str]:
    """What breaks when matching, discovery and the probes read this (accepted) place."""
    best_candidate(shop(), [place])
    shop_from_place(place)
    found = PlacesArtifact(status="found", place=place, match_confidence=0.9)
    report = run_probes(ShopArtifacts(shop(), SiteArtifacts(website=None, status="no_website"),
                                      found))
    errors = []
    for step in ("google_listing", "reviews", "click_and_collect"):
        observation = report.steps[step]
        if observation.status == "error":
            errors.append(f"{step}: {observation.reason}")
        errors += [f"{step}.{n}: {s.error}" for n, s in observation.signals.items() if s.error]
    return errors


WRONG_VALUES = [[None], [1], ["x"], "x", "", 3, -1, 2.5, float("nan"), True, {"a": 1}, {}, []]


def test_every_asked_field_of_any_type_is_rejected_or_safe() -> None:
    broken = []
    for name in ASKED_FIELDS:
        for value in WRONG_VALUES:
            place = {**GOOD_PLACE, name: value}
            if place_problem(place) is None and (errors := downstream_errors(place)):
                broken.append((name, value, errors))
    assert broken == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(candidates, max_size=4))
@example([{"regularOpeningHours": {"weekdayDescriptions": None}}])  # found in CI once
def test_checked_places_are_safe_downstream(places: list[Any]) -> None:
    try:
        good = checked_places({"places": places})
    except PlacesFailure as failure:
        assert failure.status == "error" and failure.reason
        return
    for place in good:
        assert downstream_errors(place) == []
