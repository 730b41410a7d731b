"""Property-based tests: random and mutated pages, headers, map data and shop lists never make
the probes, the source parsers or the shop-list importer raise (only their documented,
plain-language user errors are allowed where a whole file is unusable).
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.artifacts import FetchedPage, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.shop import Shop
from core.steps import STEPS
from probes import inspect_html, run_probes
from sources.csv_list import ShopListError, read_shop_list
from sources.osm_parse import OsmFileError, load_osm_file, parse_overpass_elements

# When a property fails, hypothesis' pytest plugin imports libcst to suggest a patch, and libcst
# emits a DeprecationWarning that filterwarnings=error turns into an INTERNALERROR. Import it
# now, quietly, so that a failing property is reported as a plain failure.
with warnings.catch_warnings(), contextlib.suppress(ImportError):
    warnings.simplefilter("ignore", DeprecationWarning)
    import hypothesis.extra._patching  # noqa: F401

SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- HTML ------------------------------------------------------------------------------------
TAGS = ["div", "a", "p", "script", "form", "input", "button", "meta", "link", "title", "iframe",
        "img", "table", "span", "body", "html", "head", "noscript", "style", "svg"]
ATTRS = ["href", "src", "class", "id", "name", "content", "property", "itemprop", "type", "rel",
         "action", "data-x", "onclick", "charset", "http-equiv", "lang"]
WORDS = ["commander", "panier", "retrait", "click & collect", "livraison", "bestellen",
         "afhalen", "avis", "horaires", "contact", "€", "12,50", "<", ">", "&amp;", "\x00",
         "javascript:alert(1)", "https://www.facebook.com/x", "{\"@type\": \"Store\"", "]]>",
         "application/ld+json", "woocommerce", "shopify", "\ud7ff", "\U0001f600", "é", ""]

attr = st.tuples(st.sampled_from(ATTRS), st.text(max_size=30) | st.sampled_from(WORDS))
open_tag = st.builds(
    lambda tag, attrs: f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in attrs) + ">",
    st.sampled_from(TAGS), st.lists(attr, max_size=4))
close_tag = st.sampled_from(TAGS).map(lambda t: f"</{t}>")
fragment = st.one_of(open_tag, close_tag, st.sampled_from(WORDS), st.text(max_size=40))
html_docs = st.lists(fragment, max_size=60).map("".join)
JSON_LD = ('<script type="application/ld+json">{"@context":"https://schema.org",'
           '"@type":["Store","Bakery"],"name":"X","openingHoursSpecification":[{"opens":1}],'
           '"potentialAction":{"@type":"OrderAction","target":null},"aggregateRating":'
           '{"ratingValue":"NaN","reviewCount":"-3"}}</script>')


def mutate(base: str, cuts: list[int], junk: str) -> str:
    for cut in cuts:
        cut %= max(1, len(base))
        base = base[:cut] + junk + base[cut + len(junk):]
    return base


@SETTINGS
@given(html=html_docs, url=st.sampled_from([None, "https://boulangerie.be/", "not a url",
                                             "http://[::1/", "javascript:x", ""]))
@example(html=JSON_LD, url="https://x.be/")
@example(html="<html>" + "<a href='/commande'>" * 500, url="https://x.be/")
def test_inspect_html_never_raises(html: str, url: str | None) -> None:
    out = inspect_html(html, url)
    assert {"input", "signals", "evidence"} <= set(out)


@SETTINGS
@given(html=html_docs, cuts=st.lists(st.integers(0, 10_000), max_size=4),
       junk=st.sampled_from(["<", "\"", "<!--", "<script>", "\x00", "]]>", "}"]))
def test_mutated_structured_data_never_raises(html: str, cuts: list[int], junk: str) -> None:
    inspect_html(mutate(JSON_LD + html, cuts, junk), "https://x.be/")


header_values = st.text(max_size=40) | st.sampled_from(
    ["text/html; charset=utf-8", "max-age=-1", "Wed, 99 Xyz 2026", "PHPSESSID=1; HttpOnly",
     "shopify", "nginx", "", "\r\n"])
headers = st.dictionaries(st.sampled_from(["content-type", "server", "x-powered-by",
                                           "set-cookie", "strict-transport-security", "link",
                                           "last-modified", "x-shopid", "location"]),
                          header_values, max_size=6)
PLACE_KEYS = ["rating", "userRatingCount", "displayName", "text", "websiteUri",
              "regularOpeningHours", "businessStatus", "takeout", "reviews", "photos", "types",
              "curbsidePickup", "delivery"]


def _nested_place(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(PLACE_KEYS), inner,
                                                         max_size=5)


places_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    _nested_place, max_leaves=12)


@SETTINGS
@given(html=html_docs, hdrs=headers, status=st.sampled_from([200, 203, 304, 404, 500]),
       place=places_json, site_status=st.sampled_from(["ok", "error", "unreachable"]))
def test_run_probes_never_raises(html: str, hdrs: dict[str, str], status: int, place: Any,
                                 site_status: str) -> None:
    page = FetchedPage(url="https://x.be/", final_url="https://x.be/", status=status,
                       headers=hdrs, html=html, role="home")
    site = SiteArtifacts(website="https://x.be/", status=site_status,  # type: ignore[arg-type]
                         pages=[page], https=True)
    places = PlacesArtifact(status="found", place=place if isinstance(place, dict) else None)
    report = run_probes(ShopArtifacts(Shop(name="X", website="https://x.be/"), site, places))
    assert set(report.steps) == set(STEPS)


# -- OSM: Overpass JSON and GeoJSON ----------------------------------------------------------
def _nested_json(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=15),
    _nested_json, max_leaves=10)
tag_values = st.sampled_from(["bakery", "yes", "Boulangerie", "www.x.be", "http://[::1",
                              "bakery;butcher", ""]) | json_values
osm_tags = st.dictionaries(st.sampled_from(["shop", "amenity", "name", "brand", "website",
                                            "contact:website", "addr:street", "phone",
                                            "boundary", "opening_hours", "email"]),
                           tag_values, max_size=6)
elements = st.fixed_dictionaries(
    {"type": st.sampled_from(["node", "way", "relation"]) | json_values,
     "id": st.integers() | json_values, "tags": osm_tags | json_values},
    optional={"lat": json_values | st.floats(), "lon": json_values | st.floats(),
              "center": json_values | st.fixed_dictionaries({"lat": st.floats(),
                                                             "lon": st.floats()})})
features = st.fixed_dictionaries(
    {"type": st.just("Feature"), "properties": osm_tags | json_values,
     "geometry": st.fixed_dictionaries({"type": st.just("Point"),
                                        "coordinates": json_values}) | json_values})
osm_files = st.one_of(
    st.builds(lambda e: {"elements": e}, st.lists(elements | json_values, max_size=5)),
    st.builds(lambda f: {"type": "FeatureCollection", "features": f},
              st.lists(features | json_values, max_size=5) | json_values),
    json_values)
def finite_or_none(value: float | None) -> bool:
    return value is None or math.isfinite(value)


@SETTINGS
@given(data=osm_files)
@example(data={"type": "FeatureCollection", "features": [
    {"properties": {"shop": "bakery", "name": "A"}, "geometry": {"coordinates": "x"}}]})
@example(data={"elements": [{"type": "node", "id": 1, "tags": {"shop": "bakery", "name": 5}}]})
@example(data={"elements": [{"type": "node", "id": 1, "lat": float("nan"), "lon": 1.0,
                             "tags": {"shop": "bakery", "name": "A"}}]})
def test_osm_files_parse_or_fail_clearly(data: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(data), "utf-8")
        try:
            result = load_osm_file(path)
        except OsmFileError:
            return
    for shop in result.shops:
        assert shop.name and finite_or_none(shop.lat) and finite_or_none(shop.lon)


@SETTINGS
@given(elems=st.lists(st.fixed_dictionaries(
    {"type": st.sampled_from(["node", "way"]), "id": st.integers(1, 10**12),
     "tags": st.dictionaries(st.sampled_from(["shop", "amenity", "name", "brand", "website",
                                              "addr:street", "addr:housenumber", "phone"]),
                             st.text(max_size=30) | st.sampled_from(
                                 ["bakery", "restaurant", "http://[::1", "x;y"]),
                             max_size=6)},
    optional={"lat": st.floats(-90, 90), "lon": st.floats(-180, 180)}), max_size=8))
def test_overpass_answers_with_string_tags_never_raise(elems: list[dict[str, Any]]) -> None:
    """What the Overpass API really sends (string tags, numeric ids and coordinates)."""
    result = parse_overpass_elements(elems)
    counted = (len(result.shops) + result.unnamed + result.not_commerce
               + getattr(result, "duplicates", 0))
    assert counted == len(elems)


# -- the shop-list importer ------------------------------------------------------------------
CSV_HEADERS = ["nom", "name", "naam", "site web", "website", "lat", "lon", "adresse",
               "code postal", "sources", "conflicts", "id", "téléphone", ""]
cells = st.text(max_size=25) | st.sampled_from(
    ["=HYPERLINK(\"http://x\")", "'=1+1", "+32 63 42", "@SUM(A1)", "-1", "nan", "1e999",
     "50,5", "http://[::1", "{\"a\": [1]}", "[1,2]", "\x00", "\"", "\r\n", "é"])
csv_tables = st.tuples(
    st.lists(st.sampled_from(CSV_HEADERS), min_size=1, max_size=6),
    st.lists(st.lists(cells, max_size=7), max_size=6),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))


def render_csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(
            c in value for c in f'"\r\n{delimiter}') else value
    return "\n".join(delimiter.join(cell(v) for v in line) for line in [header, *rows]) + "\n"


@SETTINGS
@given(table=csv_tables)
def test_csv_import_never_raises(table: tuple[list[str], list[list[str]], str, str]) -> None:
    header, rows, delimiter, encoding = table
    data = render_csv(header, rows, delimiter).encode(encoding, errors="replace")
    check_import(data, ".csv")


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx"]))
@example(data=b"nom,site\n" + b"x" * 140_000 + b",y\n", suffix=".csv")
def test_random_bytes_import_fails_clearly(data: bytes, suffix: str) -> None:
    check_import(data, suffix)


def check_import(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"liste{suffix}"
        path.write_bytes(data)
        try:
            result = read_shop_list(path)
        except ShopListError:
            return
    for shop in result.shops:
        assert shop.name.strip()
        assert finite_or_none(shop.lat) and finite_or_none(shop.lon)


# -- KBO/BCE extract rows ----------------------------------------------------------------------
KBO_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "sources" / "kbo"
KBO_FILES = ["address", "activity", "denomination", "contact", "enterprise", "establishment"]
kbo_cells = st.text(max_size=20) | st.sampled_from(
    ["6720", "Habay", "BAET", "MAIN", "2008", "47240", "0800.000.001", "2.100.000.001", "AC",
     "001", "002", "", "http://[::1", "www.x.be", "\x00", "\"", "\r"])
kbo_rows = st.lists(st.lists(kbo_cells, max_size=14), max_size=6)
kbo_junk = st.sampled_from([b"", b"\xff\xfe\xfa", b"\x00", b"\"unterminated",
                            b"x" * 140_000])


def kbo_copy(tmp: Path, target: str, rows: list[list[str]], junk: bytes) -> Path:
    folder = tmp / "kbo"
    folder.mkdir()
    for name in KBO_FILES:
        data = (KBO_FIXTURE / f"{name}.csv").read_bytes()
        if name == target:
            data += render_csv(["x"], rows, ",").split("\n", 1)[1].encode("utf-8") + junk
        (folder / f"{name}.csv").write_bytes(data)
    return folder


def read_mutated_kbo(target: str, rows: list[list[str]], junk: bytes) -> None:
    from sources.kbo import KboLocation, read_kbo
    from sources.kbo_files import KboError, KboExtract

    with tempfile.TemporaryDirectory() as tmp:
        try:
            with KboExtract(kbo_copy(Path(tmp), target, rows, junk)) as extract:
                result = read_kbo(extract, KboLocation.of(names=["Habay"], postcodes=["6720"]))
        except KboError:
            return
    assert all(shop.name.strip() for shop in result.shops)


@SETTINGS
@given(target=st.sampled_from(KBO_FILES), rows=kbo_rows)
def test_kbo_rows_never_raise(target: str, rows: list[list[str]]) -> None:
    read_mutated_kbo(target, rows, b"")


@SETTINGS
@given(target=st.sampled_from(KBO_FILES), junk=kbo_junk)
@example(target="address", junk=b"\xff\xfe\xfa")
def test_kbo_bad_bytes_fail_clearly(target: str, junk: bytes) -> None:
    read_mutated_kbo(target, [], junk)
