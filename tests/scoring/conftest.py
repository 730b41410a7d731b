"""Fixtures for the scoring tests (helpers: tests/helpers/scoring.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.result import ProbeReport
from core.shop import Shop
from scoring import Rubric, load_rubric
from tests.helpers.scoring import check_golden, make_report, read_json, shop_result


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric()


@pytest.fixture(scope="session")
def demo_shops() -> list[tuple[Shop, ProbeReport]]:
    return [(Shop(**case["shop"]), make_report(case["report"]))
            for case in read_json("shops.json")["shops"]]


@pytest.fixture
def golden() -> Callable[[str, Any], None]:
    return check_golden


@pytest.fixture
def results_of(rubric: Rubric) -> Callable[..., list[dict[str, Any]]]:
    def build(shops: list[tuple[Shop, ProbeReport]]) -> list[dict[str, Any]]:
        return [shop_result(shop, report, rubric) for shop, report in shops]
    return build
