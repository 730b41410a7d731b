from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from core.errors import ScanFailed
from fixtures.fake_overpass import FakeOverpass
from fixtures.fake_places import FakePlaces
from scanner.cli.sources import register
from sources.collect import collect_shops, overlap_summary
from sources.commune import UnknownCommune
from sources.csv_list import read_shop_list
from tests.helpers.sources import FIXTURES, farm_context

KEY = "collect-key"


@pytest.fixture
def ctx(farm):
    farm.add_host("overpass-api.de", FakeOverpass.from_file(FIXTURES / "osm_bellemarche.json"))
    farm.add_host("places.googleapis.com",
                  FakePlaces.from_file(FIXTURES / "places_bellemarche.json", api_key=KEY))
    return farm_context(farm)


async def test_osm_and_places_merged_with_overlaps(ctx) -> None:
    estimates = []
    result = await collect_shops("Schoonmarkt", ("osm", "places"), http_ctx=ctx,
                                 places_key=KEY, on_estimate=lambda c, u: estimates.append(c))
    assert result.commune.nis == "99001" and estimates == [27]
    assert result.per_source_counts == {"osm": 5, "places": 5}
    by_name = {s.name: s for s in result.shops}
    dupont = by_name["Boulangerie Dupont"]
    assert dupont.sources == ["osm", "places"] and dupont.place_id == "PLACE_DUPONT"
    assert result.overlaps["osm+places"] == 3  # Dupont, Bon Coin, Zèbre Mode
    assert "dans places mais ni dans osm : 2" in overlap_summary(result)
    assert len(result.shops) == 5 + 2


async def test_offline_osm_file_kbo_and_csv(tmp_path: Path) -> None:
    shops_csv = tmp_path / "liste.csv"
    shops_csv.write_text("nom;adresse;code postal;site web\n"
                         "Boulangerie Rigaux;Rue de Bologne 3;6720;www.boulangerie-rigaux.be\n"
                         ";Rue X 1;6720;\n", encoding="utf-8")
    result = await collect_shops(
        "Habay", ("osm", "kbo", "csv"), osm_file=FIXTURES / "habay_2018.geojson",
        kbo_path=FIXTURES / "kbo", shops_file=shops_csv)
    assert result.commune.nis == "85046" and result.commune.bbox is None
    assert result.per_source_counts["kbo"] == 3 and result.per_source_counts["csv"] == 1
    rigaux = [s for s in result.shops if "Rigaux" in s.name]
    assert len(rigaux) == 1  # CSV + OSM + KBO records of one bakery
    assert rigaux[0].sources == ["csv", "osm", "kbo"]
    assert rigaux[0].kbo_number == "2.100.000.001" and rigaux[0].osm_id
    assert any("ligne 3" in e for e in result.errors)
    assert any("sans nom ignorés" in n for n in result.notes)  # Habay's unnamed shops


async def test_failing_source_is_reported_and_others_go_on(ctx) -> None:
    result = await collect_shops("Bellemarche", ("osm", "places", "kbo"), http_ctx=ctx)
    assert result.per_source_counts == {"osm": 5}
    assert any("Google Places" in e for e in result.errors)
    assert any("--kbo" in e for e in result.errors)


async def test_unknown_commune_and_all_sources_failing(ctx) -> None:
    with pytest.raises(UnknownCommune, match="Tintigny"):
        await collect_shops("Tintigni", ("osm",), http_ctx=ctx)
    with pytest.raises(ScanFailed):
        await collect_shops("Bellemarche", ("kbo",), http_ctx=ctx)


def test_cli_writes_the_merged_list_and_prints_counts(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    app.command("other")(lambda: None)  # two commands: typer keeps the sub-command names
    out = tmp_path / "shops.csv"
    run = CliRunner().invoke(app, ["sources", "--commune", "Habay", "--sources", "osm,kbo",
                                   "--osm-file", str(FIXTURES / "habay_2018.geojson"),
                                   "--kbo", str(FIXTURES / "kbo"), "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "OpenStreetMap :" in run.output and "dans kbo mais ni dans osm : " in run.output
    written = read_shop_list(out)
    assert f"Total après fusion : {len(written.shops)} commerces" in run.output
    bad = CliRunner().invoke(app, ["sources", "--commune", "Atlantis", "--osm-file",
                                   str(FIXTURES / "habay_2018.geojson")])
    assert bad.exit_code == 2 and "Commune inconnue" in bad.output
