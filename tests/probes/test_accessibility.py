"""The accessibility probe: pure, category rules from its data file, unknown stays unknown."""

from __future__ import annotations

from core.artifacts import AccessibilityArtifact
from core.shop import Shop
from probes import run_probes
from probes.accessibility import load_parking_rules, parking_access
from tests.probes.builders import artifacts, place


def access(**facts: object) -> AccessibilityArtifact:
    return AccessibilityArtifact("measured", **facts)  # type: ignore[arg-type]


def test_parking_rules_follow_the_kind_of_shop() -> None:
    rules = load_parking_rules()
    near, mid, far = access(parking_m=100.0), access(parking_m=220.0), access(parking_m=450.0)
    assert [parking_access(a, "shop=clothes", rules) for a in (near, mid, far)] == [
        True, True, False]
    # bulky goods need the car park closer
    assert [parking_access(a, "shop=furniture", rules) for a in (near, mid, far)] == [
        True, False, False]
    # a newsagent on a pedestrian street: parking not judged; elsewhere judged as usual
    walking = access(parking_m=450.0, on_pedestrian_street=True)
    assert parking_access(walking, "shop=newsagent", rules) is None
    assert parking_access(far, "shop=newsagent", rules) is False
    assert parking_access(walking, "shop=doityourself", rules) is False


def test_unknown_distance_is_not_judged() -> None:
    rules = load_parking_rules()
    assert parking_access(access(), "shop=furniture", rules) is None
    assert parking_access(access(on_pedestrian_street=False), "shop=clothes", rules) is None


def test_signals_join_the_find_and_collect_steps() -> None:
    arts = artifacts(places=place(regularOpeningHours={"weekdayDescriptions": ["x"]}),
                     shop=Shop(name="Meubles", category="shop=furniture"))
    arts.access = access(parking_m=180.26, bicycle_parking_m=None, collection_point_m=95.0,
                         on_pedestrian_street=False, attractions_nearby=2)
    report = run_probes(arts)
    signals = report.flat_signals()
    assert signals["google_listing.parking_distance_m"] == 180.3
    assert signals["google_listing.bicycle_parking_distance_m"] is None
    assert signals["google_listing.parking_access"] is False  # furniture: 150 m at most
    assert signals["google_listing.attractions_nearby"] == 2
    assert signals["click_and_collect.collection_point_distance_m"] == 95.0
    assert report.steps["google_listing"].signals["parking_distance_m"].evidence


def test_without_an_ecosystem_no_accessibility_signal_is_emitted() -> None:
    report = run_probes(artifacts(places=place()))
    assert not any(k.endswith(("parking_access", "collection_point_distance_m"))
                   for k in report.flat_signals())
