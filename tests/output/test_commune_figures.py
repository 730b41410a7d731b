"""An unfinished scan's commune figures use the rubric the scan recorded, and errors show."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.shop import Shop
from output._stats import commune_section
from output.store import Store
from scoring import RubricError, aggregate_commune, load_rubric
from tests.robustness.stores import shop_result

PAGE = ("<html lang='fr'><head><title>Boulangerie Dupont</title></head><body>"
        "<p>Ouvert du mardi au samedi, 7h-18h. Tél. 081 22 33 44</p></body></html>")


def _unfinished_scan(store: Store, settings: dict[str, str]) -> dict:
    shop = Shop(name="Boulangerie Dupont", website="https://dupont.be/", category="shop=bakery")
    scan_id = store.begin_scan(label="Test", commune="Testville", settings=settings,
                               shops=[shop])
    store.save_shop_result(scan_id, shop_result(shop, PAGE))
    scan = store.get_scan(scan_id)
    assert scan is not None and not scan.get("summary")
    return scan


def test_without_a_recorded_rubric_the_built_in_one_is_used(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        scan = _unfinished_scan(store, {})
        expected = aggregate_commune(store.iter_shop_results(scan["id"]), load_rubric())
        assert commune_section(store, scan) == expected and expected["shops"] == 1


def test_the_recorded_rubric_is_used_and_its_errors_surface(tmp_path: Path) -> None:
    missing = tmp_path / "moved-rubric.toml"
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        scan = _unfinished_scan(store, {"rubric_path": str(missing)})
        with pytest.raises(RubricError):
            commune_section(store, scan)
