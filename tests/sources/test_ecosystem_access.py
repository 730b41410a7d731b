"""Per-shop accessibility facts: distances within 1 m of a haversine reference written here,
the pedestrian-street test, and unknown kept unknown."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sources.ecosystem import Ecosystem, Feature, load_ecosystem_file
from sources.ecosystem_access import accessibility_of

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources"


def reference_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine with the mean Earth radius, written independently of core.geo."""
    h = (math.sin(math.radians(lat2 - lat1) / 2) ** 2 + math.cos(math.radians(lat1))
         * math.cos(math.radians(lat2)) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000.0 * math.atan2(math.sqrt(h), math.sqrt(1 - h))


def test_distances_match_the_reference_within_a_metre() -> None:
    eco = load_ecosystem_file(FIXTURES / "ecosystem_overpass.json", "Testville")
    shop = (50.3000, 4.9000)
    access = accessibility_of(*shop, eco)
    parking = min(reference_m(*shop, 50.3045, 4.9030), reference_m(*shop, 50.3070, 4.9090))
    cycle = reference_m(*shop, 50.3051, 4.9061)
    collection = min(reference_m(*shop, lat, lon) for lat, lon in (
        (50.3050, 4.9060), (50.3040, 4.9040), (50.3052, 4.9062), (50.3053, 4.9064)))
    assert access.status == "measured"
    assert access.parking_m == pytest.approx(parking, abs=1.0)
    assert access.bicycle_parking_m == pytest.approx(cycle, abs=1.0)
    assert access.collection_point_m == pytest.approx(collection, abs=1.0)
    assert access.on_pedestrian_street is False
    assert access.attractions_nearby == 0  # museum ~1.1 km, office ~640 m: beyond 500 m


def test_on_a_pedestrian_street_within_25_m_of_its_line() -> None:
    eco = load_ecosystem_file(FIXTURES / "ecosystem_overpass.json", "Testville")
    # the street runs east along lat 50.3050 from lon 4.9050 to 4.9070: 0.00015° ≈ 16.7 m
    on = accessibility_of(50.30515, 4.9060, eco)
    off = accessibility_of(50.3054, 4.9060, eco)  # ≈ 44 m north of the line
    assert (on.on_pedestrian_street, on.pedestrian_street) == (True, "Rue Piétonne")
    assert off.on_pedestrian_street is False
    assert on.attractions_nearby == 1  # the tourist office, ~20 m away; the museum is farther


def test_unknown_is_never_far() -> None:
    empty = Ecosystem("Nulle-part")
    access = accessibility_of(50.0, 5.0, empty)
    assert access.status == "measured"
    assert (access.parking_m, access.bicycle_parking_m, access.collection_point_m,
            access.on_pedestrian_street, access.attractions_nearby) == (None,) * 5
    no_coordinates = accessibility_of(None, None, Ecosystem("X", [
        Feature("car_park", "P", 50.0, 5.0, {"amenity": "parking"})]))
    assert no_coordinates.status == "not_measured" and no_coordinates.parking_m is None


def test_inside_a_pedestrian_square_counts_even_far_from_its_edge() -> None:
    square = [(50.0, 5.0), (50.0, 5.002), (50.001, 5.002), (50.001, 5.0), (50.0, 5.0)]
    eco = Ecosystem("Place", [Feature("pedestrian_street", "Grand-Place", 50.0005, 5.001,
                                      {"highway": "pedestrian", "area": "yes"}, line=square)])
    centre = accessibility_of(50.0005, 5.001, eco)  # ~55 m from every edge
    outside = accessibility_of(50.0005, 5.0030, eco)  # ~71 m east of the square
    assert centre.on_pedestrian_street is True and outside.on_pedestrian_street is False
