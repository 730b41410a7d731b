"""The ecosystem inventory: counts per kind from both saved-answer shapes, centroids and areas
against independent spherical formulas, the Overpass query, the rules' validation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fixtures.fake_overpass import FakeOverpass
from sources.ecosystem import ecosystem_from_elements, load_ecosystem_file
from sources.ecosystem_rules import build_ecosystem_query, load_ecosystem_rules
from sources.osm_parse import OsmFileError
from sources.overpass import CommuneSelector

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "fixtures" / "sources"
R = 6_371_000.0
COUNT_KEYS = ["parcel_lockers", "postal_points", "car_parks", "car_park_capacity",
              "bicycle_parking", "charging_stations", "pedestrian_streets", "marketplaces",
              "attractions", "catchment_areas", "schools", "wifi"]


def box_area_m2(south: float, west: float, north: float, east: float) -> float:
    """Exact area of a latitude/longitude box on the sphere: R² Δλ (sin φ2 − sin φ1)."""
    return R * R * math.radians(east - west) * (math.sin(math.radians(north))
                                                - math.sin(math.radians(south)))


def by_name(eco, kind):  # type: ignore[no-untyped-def]
    return {f.name: f for f in eco.of_kind(kind)}


def test_overpass_json_answer_counts_each_kind_by_its_tags() -> None:
    eco = load_ecosystem_file(FIXTURES / "ecosystem_overpass.json", "Testville")
    assert list(eco.counts()) == COUNT_KEYS
    assert eco.counts() == {
        "parcel_lockers": 2,  # parcel_locker + vending_machine/parcel_pickup, not the drinks one
        "postal_points": 2,  # post office + the newsagent post partner
        "car_parks": 2, "car_park_capacity": 50,  # "ca. 20" is not a number: not added
        "bicycle_parking": 1, "charging_stations": 1, "pedestrian_streets": 1,
        "marketplaces": 1, "attractions": 2,  # museum + tourist office, not the hotel
        "catchment_areas": 3,  # named only: the unnamed industrial way is left out
        "schools": 0,  # none mapped: counted as 0, not left out
        "wifi": 1,  # the library; the café's Wi-Fi is not public
    }
    assert eco.population == 2500
    lockers = {f.tags.get("operator") for f in eco.of_kind("parcel_locker")}
    assert lockers == {"bpost", "PostNL"}


def test_outside_catchment_areas_follow_the_marker_and_carry_a_distance() -> None:
    eco = load_ecosystem_file(FIXTURES / "ecosystem_overpass.json", "Testville")
    areas = by_name(eco, "catchment_area")
    assert {n: a.outside for n, a in areas.items()} == {
        "Zone commerciale Test": False, "Parc d'affaires Test": False, "Zoning voisin": True}
    assert all(a.distance_m is not None and a.distance_m > 0 for a in areas.values())
    assert areas["Zoning voisin"].distance_m > areas["Zone commerciale Test"].distance_m
    # only kinds looked for around the boundary may be outside it
    assert all(not f.outside for f in eco.features if f.kind != "catchment_area")


def test_areas_and_centroids_match_the_spherical_reference() -> None:
    eco = load_ecosystem_file(FIXTURES / "ecosystem_overpass.json", "Testville")
    areas = by_name(eco, "catchment_area")
    retail = areas["Zone commerciale Test"]
    assert retail.area_m2 == pytest.approx(box_area_m2(50.3010, 4.9010, 50.3030, 4.9050),
                                           rel=0.002)
    assert (retail.lat, retail.lon) == (pytest.approx(50.3020, abs=1e-6),
                                        pytest.approx(4.9030, abs=1e-6))
    park = areas["Parc d'affaires Test"]  # multipolygon relation: outer ring minus its hole
    expected = box_area_m2(50.3060, 4.9100, 50.3080, 4.9140) - box_area_m2(
        50.3065, 4.9110, 50.3075, 4.9120)
    assert park.area_m2 == pytest.approx(expected, rel=0.002)


def test_overpass_turbo_geojson_export_is_read_the_same_way() -> None:
    eco = load_ecosystem_file(FIXTURES / "ecosystem_turbo.geojson", "Turboville")
    counts = eco.counts()
    assert counts["car_parks"] == 1 and counts["car_park_capacity"] == 30  # polygon + point once
    assert counts["parcel_lockers"] == 1 and counts["pedestrian_streets"] == 1
    assert counts["catchment_areas"] == 1 and counts["schools"] == 1
    assert sum(counts.values()) == 1 + 30 + 1 + 1 + 1 + 1
    assert [f.name for f in eco.of_kind("school")] == ["École Communale"]
    park = eco.of_kind("car_park")[0]
    assert (park.lat, park.lon) == (pytest.approx(50.4002, abs=1e-6),
                                    pytest.approx(4.8004, abs=1e-6))
    commercial = eco.of_kind("catchment_area")[0]
    expected = box_area_m2(50.4100, 4.8100, 50.4120, 4.8140) - box_area_m2(
        50.4105, 4.8110, 50.4110, 4.8120)
    assert commercial.area_m2 == pytest.approx(expected, rel=0.002)
    assert commercial.outside is False  # no boundary in the file: trusted as the commune's
    assert len(eco.of_kind("pedestrian_street")[0].line) == 2


def test_real_export_without_ecosystem_counts_zero_not_absence() -> None:
    eco = load_ecosystem_file(FIXTURES / "tintigny_2018.geojson", "Tintigny")
    counts = eco.counts()
    assert counts.pop("schools") == len(eco.of_kind("school")) == 10  # the real schools
    assert set(counts.values()) == {0}


def test_demo_commune_through_the_fake_overpass() -> None:
    fake = FakeOverpass.from_file(ROOT / "fixtures" / "demo" / "osm.json")
    query = build_ecosystem_query(CommuneSelector(nis="99001"))
    eco = ecosystem_from_elements(fake.answer(query), "Bellemarche")
    # hand-counted from fixtures/demo/generator/ecosystem.py
    assert eco.counts() == {
        "parcel_lockers": 2, "postal_points": 2, "car_parks": 4, "car_park_capacity": 185,
        "bicycle_parking": 2, "charging_stations": 1, "pedestrian_streets": 3,
        "marketplaces": 1, "attractions": 4, "catchment_areas": 3, "schools": 2, "wifi": 3}
    outside = {f.name for f in eco.of_kind("catchment_area") if f.outside}
    assert outside == {"Parc d'activités de la Sucrerie", "Zone commerciale du Long Pré"}
    assert eco.population == 8420


def test_query_asks_every_rule_with_centres_geometry_and_the_5_km_ring() -> None:
    query = build_ecosystem_query(CommuneSelector(name="Namur"))
    assert 'nwr(area.commune)["amenity"="vending_machine"]["vending"="parcel_pickup"];' in query
    assert 'nwr(area.commune)["post_office"="post_partner"];' in query
    assert '["tourism"~"^(attraction|information|museum|viewpoint)$"]' in query
    assert ("nwr(around.commune_rel:5000)"
            '["landuse"~"^(commercial|industrial|retail)$"]["name"];') in query
    assert query.index(".points out center tags;") < query.index("make ecosystem_outside;")
    assert query.rstrip().endswith(".commune_rel out tags bb;")


def test_rules_file_mistakes_fail_loudly(tmp_path: Path) -> None:
    bad = tmp_path / "eco.toml"
    bad.write_text('[kinds.x]\nrules = [{ amenity = 3 }]\n', "utf-8")
    with pytest.raises(ValueError, match=r"kinds\.x"):
        load_ecosystem_rules(bad)
    bad.write_text('[kinds.y]\nshape = "blob"\nrules = [{ amenity = "parking" }]\n', "utf-8")
    with pytest.raises(ValueError, match="shape"):
        load_ecosystem_rules(bad)


def test_unreadable_file_is_a_one_line_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"not": "osm"}', "utf-8")
    with pytest.raises(OsmFileError, match="x.json"):
        load_ecosystem_file(path, "X")


def _way(*corners: tuple[float, float]) -> dict[str, object]:
    return {"type": "way", "geometry": [{"lat": lat, "lon": lon} for lat, lon in corners]}


def test_a_multipolygon_split_across_ways_gets_its_area() -> None:
    """OSM splits long boundaries into several ways; they are joined in either direction."""
    a, b, c, d = (50.30, 4.90), (50.30, 4.92), (50.31, 4.92), (50.31, 4.90)
    h1, h2, h3, h4 = (50.302, 4.905), (50.302, 4.910), (50.305, 4.910), (50.305, 4.905)
    members = [
        {**_way(a, b, c), "role": "outer"},
        {**_way(a, d), "role": "outer"},  # reversed: runs d -> a in the ring
        {**_way(c, d), "role": "outer"},
        {**_way(h1, h2, h3, h4, h1), "role": "inner"},
        {**_way((50.4, 4.8), (50.41, 4.8)), "role": "outer"},  # a piece that never closes
    ]
    relation = {"type": "relation", "id": 7, "members": members,
                "tags": {"type": "multipolygon", "landuse": "industrial", "name": "Zoning"}}
    eco = ecosystem_from_elements([relation], "Testville")
    zoning = by_name(eco, "catchment_area")["Zoning"]
    expected = box_area_m2(50.30, 4.90, 50.31, 4.92) - box_area_m2(50.302, 4.905, 50.305, 4.910)
    assert zoning.area_m2 == pytest.approx(expected, rel=0.002)
