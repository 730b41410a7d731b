"""`inspect` judges the page as the report does: level, score, status and missing criteria."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.steps import STEPS
from scoring import load_rubric
from tests.helpers.cli import inspect_app

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"
BAKERY = PAGES / "fr_boulangerie_woocommerce.html"  # webshop with pickup
PLAIN_PAGE = ("<!doctype html><html lang=\"fr\"><head><title>Boulangerie Martin</title></head>"
              "<body><h1>Boulangerie Martin</h1><p>Pains et viennoiseries.</p></body></html>")
GOOGLE_STEPS = ("google_listing", "reviews")


def _inspect_json(page: Path) -> dict:
    result = CliRunner().invoke(inspect_app(), ["inspect", "--json", str(page)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    """A one-paragraph page: no shop, no payment, no pickup."""
    page = tmp_path / "plain.html"
    page.write_text(PLAIN_PAGE, encoding="utf-8")
    return page


def _fails(value: object) -> bool:
    return value is False or value in ([], "")


def test_json_has_every_step_judged() -> None:
    page = _inspect_json(BAKERY)
    assert list(page["steps"]) == list(STEPS)
    for step, judged in page["steps"].items():
        assert set(judged) >= {"level", "score", "status", "missing"}
        if step in GOOGLE_STEPS:  # a page alone carries no Google data
            assert judged["status"] == "not_measured" and judged["level"] is None
        else:
            assert judged["status"] == "measured"
            assert judged["level"] in range(5) and 0 <= judged["score"] <= 100
    # pickup is announced on the page: click & collect reaches at least "basique"
    assert page["signals"]["click_and_collect.pickup"] is True
    assert page["steps"]["click_and_collect"]["level"] >= 2


def test_missing_criteria_are_the_ones_the_page_fails(plain: Path) -> None:
    rubric = load_rubric()
    for path in (BAKERY, plain):
        page = _inspect_json(path)
        for step, judged in page["steps"].items():
            criteria = {c.id: c for c in rubric.steps[step].profile_for("other").criteria}
            for missing in judged["missing"]:
                signal = criteria[missing["id"]].signal
                assert _fails(page["signals"].get(signal)), (step, missing)
                assert missing["advice"] and missing["label"] == criteria[
                    missing["id"]].label.fr


def test_a_page_without_webshop_is_told_to_open_one(plain: Path) -> None:
    page = _inspect_json(plain)
    assert page["signals"]["online_ordering.webshop"] is False
    ordering = page["steps"]["online_ordering"]
    assert ordering["level"] < 2
    assert "webshop" in [m["id"] for m in ordering["missing"]]


def test_text_output_shows_levels_and_what_to_improve(plain: Path) -> None:
    result = CliRunner().invoke(inspect_app(), ["inspect", str(plain)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Niveau par étape" in result.output
    assert "non mesuré" in result.output  # the Google steps
    assert "Ouvrir une boutique en ligne" in result.output
