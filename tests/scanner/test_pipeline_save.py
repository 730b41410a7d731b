"""What a website wrote never stops the scan at the store: save_result cleans and retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.shop import Shop
from core.steps import STEPS
from output.store import Store, StoreError
from scanner.pipeline import save_result


def _result(shop: Shop, title: str) -> dict:
    return {"id": shop.id, "name": shop.name, "website": None, "sources": ["csv"],
            "steps": {s: {"score": None, "level": None, "status": "not_measured",
                          "reason": "test"} for s in STEPS},
            "signals": {"web_presence.title": title}, "evidence": {}, "errors": [],
            "crawl": {"status": "ok", "pages": 1}, "places": {"status": "not_measured"}}


def test_text_that_is_not_unicode_is_cleaned_and_stored(tmp_path: Path) -> None:
    shop = Shop(name="Boulangerie")
    with Store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        scan = store.begin_scan(label="t", commune=None, settings={}, shops=[shop])
        stored = save_result(store, scan, _result(shop, "Pains \ud800 frais"))
        (row,) = list(store.iter_shop_results(scan))
    assert stored["signals"]["web_presence.title"] == "Pains ? frais"
    assert row["signals"]["web_presence.title"] == "Pains ? frais"


def test_a_store_that_refuses_ends_the_scan(tmp_path: Path) -> None:
    shop = Shop(name="Boulangerie")
    with Store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        scan = store.begin_scan(label="t", commune=None, settings={}, shops=[shop])
        store.finish_scan(scan, {})
        with pytest.raises(StoreError):
            save_result(store, scan, _result(shop, "ok"))
