"""Shared test fixtures: the loopback fixture farm, and a store database (SQLite, and
PostgreSQL when SMARTCOMMERCE_TEST_PG_URL is set). Helpers live in tests/helpers/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.farm import Farm
from tests.helpers.postgres import fresh_database


@pytest.fixture
def farm() -> Iterator[Farm]:
    """A running farm; register hosts, then use farm.http_context() to reach them."""
    with Farm() as running:
        yield running


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL on an empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with fresh_database() as url:
        yield url
