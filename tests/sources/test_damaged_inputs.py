"""Regression tests: damaged OSM files, shop lists and KBO extracts are skipped row by row (and
counted) or refused with a plain French error, never a crash (see tests/robustness)."""

import csv
import json
import math
import shutil
import zipfile
from pathlib import Path

import pytest

from core.errors import UserInputError
from sources.collect import collect_shops
from sources.csv_limits import CSV_FIELD_LIMIT, allow_large_csv_fields
from sources.csv_list import ShopListError, read_shop_list
from sources.kbo import KboLocation, read_kbo
from sources.kbo_files import KboExtract
from sources.osm_parse import OsmFileError, load_osm_file, parse_geojson, parse_overpass_elements
from tests.helpers.sources import FIXTURES

BAKERY = {"shop": "bakery", "name": "Boulangerie A"}
HABAY = KboLocation.of(names=["Habay"], postcodes=["6720", "6723"])


def node(**extra):
    return {"type": "node", "id": extra.pop("id", 1), "tags": dict(BAKERY), **extra}


def feature(coordinates, properties=None):
    return {"type": "Feature", "properties": properties or dict(BAKERY),
            "geometry": {"type": "Polygon", "coordinates": coordinates}}


# -- OpenStreetMap ---------------------------------------------------------------------------
def test_elements_that_are_not_objects_or_whose_tags_are_not_are_skipped_and_counted() -> None:
    result = parse_overpass_elements([5, "x", None, [1], node(tags="x"), node(tags=[1]),
                                      node(id=2)])
    assert result.skipped == 6
    assert [s.name for s in result.shops] == ["Boulangerie A"]


def test_numbers_in_tags_are_text_and_other_values_are_dropped() -> None:
    result = parse_overpass_elements([
        node(id=1, tags={"shop": "bakery", "name": 5, "phone": None}),
        node(id=2, tags={"shop": "bakery", "name": ["A"], "brand": {"x": 1}}),
        node(id=3, tags={"shop": True, "name": "B"}),
    ])
    [shop] = result.shops
    assert (shop.name, shop.phone) == ("5", None)
    assert (result.unnamed, result.not_commerce) == (1, 1)


@pytest.mark.parametrize(("lat", "lon", "kept"), [
    (math.nan, 5.0, (None, 5.0)), (math.inf, 5.0, (None, 5.0)), (50.0, -math.inf, (50.0, None)),
    (500.0, 5.0, (None, 5.0)), (50.0, 181.0, (50.0, None)), (True, 5.0, (None, 5.0)),
    ("50", 5, (None, 5.0)), (-90, 180, (-90.0, 180.0))])
def test_coordinates_must_be_finite_numbers_on_the_globe(lat, lon, kept) -> None:
    [shop] = parse_overpass_elements([node(lat=lat, lon=lon)]).shops
    assert (shop.lat, shop.lon) == kept


def test_a_center_that_is_not_an_object_falls_back_to_the_element() -> None:
    [shop] = parse_overpass_elements([node(center="x", lat=49.7, lon=5.6)]).shops
    assert (shop.lat, shop.lon) == (49.7, 5.6)
    [way] = parse_overpass_elements([node(center={"lat": 49.1, "lon": 5.1})]).shops
    assert (way.lat, way.lon) == (49.1, 5.1)


def test_elements_without_type_or_id_are_not_taken_for_duplicates() -> None:
    first, second = ({"tags": {"shop": "bakery", "name": n}} for n in ("A", "B"))
    result = parse_overpass_elements([first, second, node(id={"x": 1})])
    assert len(result.shops) == 3 and result.duplicates == 0


@pytest.mark.parametrize("coordinates", ["x", [1], [[1, "a"]], [[["x"]]], {"a": 1}, None,
                                          [[math.nan, 49.0]], [[[[[[[[5.0, 49.0]]]]]]]]])
def test_unusable_geojson_coordinates_give_no_position(coordinates) -> None:
    [shop] = parse_geojson({"features": [feature(coordinates)]}).shops
    assert (shop.lat, shop.lon) == (None, None)


def test_polygon_center_ignores_broken_vertices() -> None:
    ring = [[5.0, 49.0], [6.0, 50.0], "x", [1], [math.inf, 1.0], [True, 1.0]]
    [shop] = parse_geojson({"features": [feature([ring])]}).shops
    assert (shop.lat, shop.lon) == (49.5, 5.5)
    [multi] = parse_geojson({"features": [feature([[[[5.0, 49.0], [6.0, 50.0]]]])]}).shops
    assert (multi.lat, multi.lon) == (49.5, 5.5)


def test_features_that_are_not_objects_are_skipped_and_counted() -> None:
    data = {"features": [1, "x", [], feature([5.0, 49.0], properties="x"),
                         {"properties": BAKERY, "geometry": "x"}]}
    result = parse_geojson(data)
    assert result.skipped == 4
    [shop] = result.shops
    assert shop.name == "Boulangerie A" and shop.lat is None


@pytest.mark.parametrize(("text", "message"), [
    ('{"type": "FeatureCollection", "features": 5}', "liste 'features'"),
    ("[" * 100_000 + "]" * 100_000, "imbrication"),
    ('{"elements": [' + "9" * 5000 + "]}", "illisible"),
    ("{", "illisible"),
    ('"texte"', "ni une réponse Overpass"),
])
def test_structurally_invalid_osm_files_are_input_errors(tmp_path: Path, text: str,
                                                         message: str) -> None:
    path = tmp_path / "export.json"
    path.write_text(text, "utf-8")
    with pytest.raises(OsmFileError, match=message) as caught:
        load_osm_file(path)
    assert isinstance(caught.value, UserInputError) and caught.value.exit_code == 2
    assert "export.json" in str(caught.value)


# -- shop lists (CSV) ------------------------------------------------------------------------
def test_a_long_cell_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text("nom;commune\nBoulangerie;" + "x" * 200_000 + "\n", "utf-8")
    [shop] = read_shop_list(path).shops
    assert len(shop.city or "") == 200_000


def test_a_cell_over_the_limit_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text('nom;commune\nA;Habay\n"B;' + "x" * (CSV_FIELD_LIMIT + 10) + "\nC;Habay\n",
                    "utf-8")
    with pytest.raises(ShopListError, match=r"liste\.csv : ligne 3 illisible .*1024 Ko"):
        read_shop_list(path)


def test_the_field_limit_is_raised_never_lowered() -> None:
    before = csv.field_size_limit()
    try:
        csv.field_size_limit(CSV_FIELD_LIMIT * 4)
        allow_large_csv_fields()
        assert csv.field_size_limit() == CSV_FIELD_LIMIT * 4
        csv.field_size_limit(1000)
        allow_large_csv_fields()
        assert csv.field_size_limit() == CSV_FIELD_LIMIT
    finally:
        csv.field_size_limit(before)


# -- KBO/BCE extract -------------------------------------------------------------------------
def damaged_kbo(tmp_path: Path, name: str, junk: bytes) -> Path:
    """The test extract with ``junk`` inserted as the second line of ``name``.csv."""
    folder = tmp_path / "kbo"
    shutil.copytree(FIXTURES / "kbo", folder)
    header, rest = (folder / f"{name}.csv").read_bytes().split(b"\n", 1)
    (folder / f"{name}.csv").write_bytes(header + b"\n" + junk + b"\n" + rest)
    return folder


def read(path: Path):
    with KboExtract(path) as extract:
        return read_kbo(extract, HABAY), dict(extract.skipped_rows)


def shop_names(result) -> list[tuple[str | None, str]]:
    return sorted((s.kbo_number, s.name) for s in result.shops)


def zipped(folder: Path) -> Path:
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as out:
        for path in folder.glob("*.csv"):
            out.write(path, f"KboOpenData_Full/{path.name}")
    return archive


@pytest.mark.parametrize("as_zip", [False, True])
def test_invalid_utf8_bytes_are_replaced_and_the_row_kept(tmp_path: Path, as_zip: bool) -> None:
    clean, _ = read(FIXTURES / "kbo")
    folder = tmp_path / "kbo"
    shutil.copytree(FIXTURES / "kbo", folder)
    names_file = folder / "denomination.csv"
    data = names_file.read_bytes()
    assert b'"Boulangerie Rigaux"' in data
    names_file.write_bytes(data.replace(b'"Boulangerie Rigaux"', b'"Boulangerie \xff\xfe Rigaux"'))
    result, skipped = read(zipped(folder) if as_zip else folder)
    names = dict(shop_names(result))
    assert skipped == {} and len(names) == len(shop_names(clean))
    assert names["2.100.000.001"] == "Boulangerie \ufffd\ufffd Rigaux"


@pytest.mark.parametrize("as_zip", [False, True])
def test_a_row_over_the_field_limit_is_skipped_counted_and_reading_goes_on(
        tmp_path: Path, as_zip: bool) -> None:
    clean, _ = read(FIXTURES / "kbo")
    folder = damaged_kbo(tmp_path, "address", b"x" * (CSV_FIELD_LIMIT + 1) + b",1,2")
    result, skipped = read(zipped(folder) if as_zip else folder)
    assert skipped == {"address": 1}
    assert result.counts["unreadable rows"] == 1
    assert shop_names(result) == shop_names(clean)  # the rows after the bad one were read


async def test_collect_notes_what_was_skipped(tmp_path: Path) -> None:
    osm = tmp_path / "export.geojson"
    osm.write_text(json.dumps({"type": "FeatureCollection", "features": [
        7, feature([[5.0, 49.0]])]}), "utf-8")
    kbo = damaged_kbo(tmp_path, "contact", b"y" * (CSV_FIELD_LIMIT + 1))
    result = await collect_shops("Habay", ("osm", "kbo"), osm_file=osm, kbo_path=kbo)
    assert result.per_source_counts["osm"] == 1
    assert any("1 éléments mal formés ignorés" in n for n in result.notes)
    assert any("1 lignes illisibles" in n for n in result.notes)
