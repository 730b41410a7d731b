"""``smartcommerce ecosystem``: the demo commune by name, saved answers, the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scanner.cli import app

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources"
COUNT_KEYS = {"parcel_lockers", "postal_points", "car_parks", "car_park_capacity",
              "bicycle_parking", "charging_stations", "pedestrian_streets", "marketplaces",
              "attractions", "catchment_areas", "schools", "wifi"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ecosystem", *args])
    return result.exit_code, result.output


@pytest.mark.slow
def test_demo_commune_by_name_prints_the_json_inventory() -> None:
    code, out = run("--commune", "Bellemarche", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert set(data) == {"commune", "counts", "features"}
    assert data["commune"] == "Bellemarche" and set(data["counts"]) == COUNT_KEYS
    assert data["counts"]["car_park_capacity"] == 185
    assert len([f for f in data["features"] if f["kind"] == "car_park"]) == 4
    for feature in data["features"]:
        assert {"kind", "name", "lat", "lon", "tags"} <= set(feature)
    outside = [f for f in data["features"] if f.get("outside")]
    assert {f["kind"] for f in outside} == {"catchment_area"}
    assert all(f["distance_m"] > 0 for f in outside)


@pytest.mark.parametrize("name", ["ecosystem_overpass.json", "ecosystem_turbo.geojson"])
def test_saved_answer_is_counted_exactly(name: str) -> None:
    code, out = run("--commune", "Namur", "--osm-file", str(FIXTURES / name), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["commune"] == "Namur" and set(data["counts"]) == COUNT_KEYS
    kinds = [f["kind"] for f in data["features"]]
    assert data["counts"]["parcel_lockers"] == kinds.count("parcel_locker")
    assert data["counts"]["car_parks"] == kinds.count("car_park")
    assert data["counts"]["schools"] == kinds.count("school")


def test_plain_text_says_none_mapped_not_none(tmp_path: Path) -> None:
    code, out = run("--commune", "Tintigny", "--osm-file",
                    str(FIXTURES / "tintigny_2018.geojson"))
    assert code == 0, out
    assert "parkings : aucun(e) cartographié(e) dans OpenStreetMap" in out


def test_bad_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", "utf-8")
    code, out = run("--commune", "Namur", "--osm-file", str(path))
    assert code == 2
    assert "broken.json" in out and "Traceback" not in out


def test_without_a_commune_it_says_what_to_give() -> None:
    code, out = run()
    assert code == 2 and "--commune" in out and "inattendue" not in out
