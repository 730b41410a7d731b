"""A small territory for dashboard tests: two communes, several finished scans each.

Results are the hand-made ones of tests/output/sample.py (hostile names included); the
commune sections come from the real scoring.aggregate_commune.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from output.dashboard import create_app
from output.store import Store
from tests.helpers.dashboard import TOKEN, build_territory


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
