"""Shared fixtures for output tests: a store on SQLite, and on PostgreSQL when one is set up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from core.shop import Shop
from output.store import Store

PG_URL_ENV = "SMARTCOMMERCE_TEST_PG_URL"


def _pg_url_or_skip() -> str:
    url = os.environ.get(PG_URL_ENV)
    if not url:
        pytest.skip(f"{PG_URL_ENV} not set")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                              connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as conn:  # a clean database for every test
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    except sa.exc.OperationalError:
        pytest.skip("PostgreSQL test server unreachable")
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _pg_url_or_skip()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(db_url)
    yield opened
    opened.close()


def make_shop(name: str, **fields: Any) -> Shop:
    return Shop(name=name, **fields)


def make_result(shop: Shop, levels: dict[str, int | None] | None = None,
                **extra: Any) -> dict[str, Any]:
    """A hand-made shop result dict in the docs/architecture.md shape."""
    levels = levels or {}
    steps = {}
    for step in ("web_presence", "google_listing", "online_ordering", "click_and_collect",
                 "reviews"):
        level = levels.get(step, 1)
        steps[step] = {"score": None if level is None else level * 25, "level": level,
                       "status": "measured" if level is not None else "not_measured",
                       "reason": None}
    result = {
        "id": shop.id, "name": shop.name, "website": shop.website, "address": shop.address,
        "postcode": shop.postcode, "city": shop.city, "lat": shop.lat, "lon": shop.lon,
        "category": shop.category, "sector": shop.sector or "other", "sources": shop.sources,
        "steps": steps,
        "signals": {"web_presence.https": bool(shop.website)},
        "evidence": {},
        "errors": [],
        "crawl": {"status": "ok" if shop.website else "no_website", "pages": 1,
                  "render": "not_needed", "robots": "ok"},
        "places": {"status": "found", "reason": None, "place_id": shop.place_id},
    }
    result.update(extra)
    return result
