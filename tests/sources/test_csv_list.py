from pathlib import Path

import pytest
from openpyxl import Workbook

from core.shop import Shop
from sources.csv_list import ShopListError, read_shop_list, write_shop_list


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_reads_any_delimiter_and_french_headers(tmp_path: Path, delimiter: str) -> None:
    header = delimiter.join(["Nom", "Site web", "Adresse", "Code postal", "Commune", "Téléphone"])
    row = delimiter.join(["Boulangerie Dupont", "www.dupont.be", "Rue Haute 12", "6720", "Habay",
                          "063 42 00 00"])
    result = read_shop_list(write(tmp_path / "l.csv", f"{header}\n{row}\n"))
    assert result.errors == []
    [shop] = result.shops
    assert (shop.name, shop.website, shop.address, shop.postcode, shop.city, shop.phone) == (
        "Boulangerie Dupont", "http://www.dupont.be", "Rue Haute 12", "6720", "Habay",
        "063 42 00 00")
    assert shop.sources == ["csv"] and shop.website_source == "csv"


def test_dutch_headers_with_bom_and_cp1252_fallback(tmp_path: Path) -> None:
    text = "\ufeffNaam;Webstek;Gemeente\nBakkerij Peeters;peeters.be;Eupen\n"
    bom = write(tmp_path / "a.csv", text)
    assert read_shop_list(bom).shops[0].website == "http://peeters.be"
    legacy = write(tmp_path / "b.csv", "NOM;CATÉGORIE\nCafé Léon;café\n", "cp1252")
    [shop] = read_shop_list(legacy).shops
    assert (shop.name, shop.category) == ("Café Léon", "café")


def test_bad_rows_are_reported_and_import_goes_on(tmp_path: Path) -> None:
    text = ("name,website,lat,lon\n"
            ",http://x.be,,\n"
            "Chez Paul,pas un site,,\n"
            "Au Coin,,95,5\n"
            "Chez Mail,info@chezmail.be,,\n"
            "Bon,https://bon.be,50.1,\"5,2\"\n")
    result = read_shop_list(write(tmp_path / "l.csv", text))
    # a bad website or coordinate loses that cell, never the shop; no name, no shop
    assert [(s.name, s.website, s.lat, s.lon) for s in result.shops] == [
        ("Chez Paul", None, None, None), ("Au Coin", None, None, None),
        ("Chez Mail", None, None, None), ("Bon", "https://bon.be", 50.1, pytest.approx(5.2))]
    assert [(e.row_number, e.message.split(" ")[0], e.kept) for e in result.errors] == [
        (2, "nom", False), (3, "adresse", True), (4, "latitude", True), (5, "adresse", True)]


def test_missing_name_column_names_the_columns_found(tmp_path: Path) -> None:
    with pytest.raises(ShopListError) as info:
        read_shop_list(write(tmp_path / "l.csv", "enseigne_x;ville\nA;B\n"))
    assert "nom" in str(info.value) and "'ville'" in str(info.value)


def test_xlsx_with_german_headers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Webseite", "PLZ", "Gemeinde", "Lat", "Lon"])
    sheet.append(["Metzgerei Kohn", "kohn.be", 4700, "Eupen", 50.63, 6.03])
    sheet.append([None, None, None, None, None, None])
    book.save(tmp_path / "l.xlsx")
    result = read_shop_list(tmp_path / "l.xlsx")
    [shop] = result.shops
    assert (shop.postcode, shop.city, shop.lat) == ("4700", "Eupen", 50.63)


def test_round_trip_with_formula_neutralisation(tmp_path: Path) -> None:
    shops = [
        Shop(name="=HYPERLINK(\"http://evil\")", website="https://a.be/", phone="+32 63 00 00 00",
             lat=-0.5, lon=5.25, osm_id="node/1", sources=["osm", "kbo"],
             conflicts={"website": ["https://a.be/", "https://b.be/"]}, website_source="osm"),
        Shop(name="Épicerie @home", city="Liège", category="shop=convenience", sources=["csv"]),
    ]
    path = tmp_path / "shops.csv"
    write_shop_list(shops, path)
    raw = path.read_text("utf-8-sig")
    assert "'=HYPERLINK" in raw and "'+32" in raw
    back = read_shop_list(path)
    assert back.errors == []
    for before, after in zip(shops, back.shops, strict=True):
        assert after.to_dict() == {**before.to_dict(), "provenance": {}}


def test_foreign_id_column_is_not_taken_as_shop_id(tmp_path: Path) -> None:
    result = read_shop_list(write(tmp_path / "l.csv", "id;nom\n1;A\ns-0123456789ab;B\n"))
    assert [s.id for s in result.shops] == [Shop(name="A", sources=["csv"]).id, "s-0123456789ab"]
