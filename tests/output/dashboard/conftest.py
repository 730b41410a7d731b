"""A small territory for dashboard tests: two communes, several finished scans each.

Results are the hand-made ones of tests/output/sample.py (hostile names included); the
commune sections come from the real scoring.aggregate_commune.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.shop import Shop
from output.dashboard import create_app
from output.store import Store
from scoring import aggregate_commune, load_rubric
from tests.output.sample import COMMUNE, SHOPS, build_scan, result_for, shop_for

OTHER_COMMUNE = "Durbuy & <Co>"  # a name that must be escaped and URL-encoded
TOKEN = "test-token-0123456789abcdef"


def build_territory(store: Store) -> dict[str, list[str]]:
    """Scan ids per commune, oldest first; a running scan is left at the end of the first."""
    first = [build_scan(store, shift=-1, label="Automne"),
             build_scan(store, shift=0, label="Hiver", drop=(7,)),
             build_scan(store, shift=1, label="Printemps", closed=(0,))]
    second = [build_other_scan(store, shift=0, label="Départ"),
              build_other_scan(store, shift=-1, label="Recul")]
    build_scan(store, shift=1, label="En cours", finish=False)
    return {COMMUNE: first, OTHER_COMMUNE: second}


def build_other_scan(store: Store, *, shift: int, label: str, count: int = 6) -> str:
    """The sample shops moved to another commune (other names, so other identities)."""
    shops, results = [], []
    for index in range(count):
        base = shop_for(index)
        shop = Shop(name=f"{SHOPS[index][0]} (Durbuy)", sector=base.sector,
                    address=f"Rue du Marché {index + 1}", postcode="6940", city="Durbuy",
                    website=base.website and f"https://durbuy{index}.example.be/",
                    osm_id=f"node/{2000 + index}", lat=50.35 + index * 0.0005, lon=5.45,
                    category=base.category, sources=["osm"])
        result = result_for(index, shift)
        result.update(id=shop.id, name=shop.name, address=shop.address, postcode="6940",
                      city="Durbuy", website=shop.website, osm_id=shop.osm_id, lat=shop.lat,
                      lon=shop.lon, places={"status": "found", "reason": None,
                                            "place_id": f"pl-durbuy-{index}"})
        shops.append(shop)
        results.append(result)
    scan_id = store.begin_scan(label=label, commune=OTHER_COMMUNE, settings={}, shops=shops)
    for result in results:
        store.save_shop_result(scan_id, result)
    store.finish_scan(scan_id, aggregate_commune(store.iter_shop_results(scan_id),
                                                 load_rubric()))
    return scan_id


@pytest.fixture(scope="module")
def territory_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict]]:
    path = Path(tmp_path_factory.mktemp("dashboard")) / "territory.db"
    store = Store(f"sqlite:///{path}")
    scans = build_territory(store)
    yield store, scans
    store.close()


@pytest.fixture(scope="module")
def client(territory_store: tuple[Store, dict]) -> Iterator[TestClient]:
    with TestClient(create_app(territory_store[0])) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def token_client(territory_store: tuple[Store, dict]) -> Iterator[TestClient]:
    with TestClient(create_app(territory_store[0], token=TOKEN)) as test_client:
        yield test_client
