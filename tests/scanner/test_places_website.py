"""A shop listed without a website is crawled at the site its Google listing names."""

from __future__ import annotations

from pathlib import Path

from fixtures.fake_places import FakePlaces
from fixtures.farm import Farm
from output.store import Store
from scanner.pipeline import ScanConfig, run_scan

PLACE = {"id": "ChIJtest-rigaux", "displayName": {"text": "Boulangerie Rigaux"},
         "formattedAddress": "Rue Haute 3, 6720 Habay, Belgique",
         "location": {"latitude": 49.72, "longitude": 5.64}, "businessStatus": "OPERATIONAL",
         "websiteUri": "https://boulangerie-rigaux.be/"}


async def test_website_found_on_google_is_crawled(farm: Farm, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html lang='fr'><title>Boulangerie Rigaux</title>"
                                     "<body><h1>Boulangerie Rigaux</h1></body></html>", "utf-8")
    farm.add_static_site("boulangerie-rigaux.be", site)
    farm.add_host("places.googleapis.com", FakePlaces([PLACE], api_key="k"))
    shops = tmp_path / "liste.csv"
    shops.write_text("nom,adresse,code postal,commune\n"
                     "Boulangerie Rigaux,Rue Haute 3,6720,Habay\n", "utf-8")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    await run_scan(ScanConfig(shops_file=shops, http_ctx=farm.http_context(), db_url=db,
                              places_api_key="k", no_render=True, quiet=True,
                              out_dir=tmp_path / "out", formats=("json",)))
    with Store(db) as store:
        (row,) = list(store.iter_shop_results(store.get_scan("latest")["id"]))
    assert row["website"] == "https://boulangerie-rigaux.be/"
    assert row["website_source"] == "places"
    assert row["crawl"]["status"] == "ok"
    assert row["signals"]["web_presence.title"] == "Boulangerie Rigaux"
