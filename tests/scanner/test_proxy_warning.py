"""A proxy named in the environment is not used by the crawler, and the user is told so."""

from pathlib import Path

import pytest

from output.store import Store
from scanner.pipeline import ScanConfig, run_scan


async def test_sites_are_reached_directly_and_the_proxy_is_mentioned(
        farm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html lang='fr'><title>Fromagerie Lambert</title>"
                                     "<body><h1>Fromagerie Lambert</h1></body></html>", "utf-8")
    farm.add_static_site("fromagerie-lambert.be", site)
    shops = tmp_path / "liste.csv"
    shops.write_text("name,website\nFromagerie Lambert,https://fromagerie-lambert.be/\n", "utf-8")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    messages: list[str] = []
    db = f"sqlite:///{tmp_path / 'h.db'}"
    await run_scan(ScanConfig(shops_file=shops, http_ctx=farm.http_context(), db_url=db,
                              no_places=True, no_render=True, quiet=True, notify=messages.append,
                              out_dir=tmp_path / "out", formats=("json",)))
    with Store(db) as store:
        (row,) = list(store.iter_shop_results(store.get_scan("latest")["id"]))
    assert row["crawl"]["status"] == "ok"  # not sent to proxy.invalid
    assert any("proxy est défini (https_proxy)" in m for m in messages)


async def test_no_word_about_a_proxy_without_one(farm, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    shops = tmp_path / "liste.csv"
    shops.write_text("name,website\nSans Site,\n", "utf-8")
    messages: list[str] = []
    await run_scan(ScanConfig(shops_file=shops, http_ctx=farm.http_context(),
                              db_url=f"sqlite:///{tmp_path / 'h.db'}", no_places=True,
                              no_render=True, quiet=True, notify=messages.append,
                              out_dir=tmp_path / "out", formats=("json",)))
    assert not any("proxy" in m for m in messages)
