"""Per-shop scores, levels and statuses; sectors."""

from __future__ import annotations

from core.result import ProbeReport, Signal, StepObservation
from core.shop import Shop
from core.steps import STEPS
from scoring import Rubric, score_shop, sector_of
from tests.helpers.scoring import make_report, read_json


def test_sector_cases() -> None:
    for case in read_json("sector_cases.json")["cases"]:
        shop = Shop(name="x", category=case["category"], sector=case["sector"])
        assert sector_of(shop) == case["expected"], case


def test_demo_shops_golden(demo_shops, rubric, golden) -> None:
    actual = {shop.name: {"sector": sector_of(shop), "steps": score_shop(shop, report, rubric)}
              for shop, report in demo_shops}
    for scored in actual.values():
        assert list(scored["steps"]) == list(STEPS)
        for step in scored["steps"].values():
            assert set(step) == {"score", "level", "status", "reason"}
    golden("score_expected.json", actual)


def by_name(demo_shops, rubric: Rubric, name: str) -> dict:
    shop, report = next((s, r) for s, r in demo_shops if s.name == name)
    return score_shop(shop, report, rubric)


def test_hand_computed_scores(demo_shops, rubric) -> None:
    # Hairdresser, online_ordering means booking: 3 (booking) + 1 (tool) of 6 -> 67, level 3.
    salon = by_name(demo_shops, rubric, "Salon Belle Coiffure")
    assert salon["online_ordering"] == {"score": 67, "level": 3, "status": "measured",
                                        "reason": None}
    # Restaurant: table booking 3 + booking tool 1 of 9 -> 44; basic (booking) but not 60.
    gourmet = by_name(demo_shops, rubric, "Restaurant Le Gourmet")
    assert (gourmet["online_ordering"]["score"], gourmet["online_ordering"]["level"]) == (44, 2)
    # Bakery web: every criterion true -> 100, and hours + LocalBusiness give level 4.
    bakery = by_name(demo_shops, rubric, "Boulangerie Dupont")
    assert bakery["web_presence"] == {"score": 100, "level": 4, "status": "measured",
                                      "reason": None}
    # Bookshop web: 9.5 of 14 (no https, no hours, no LocalBusiness, no social) -> 68,
    # basic but not advanced (advanced requires https).
    bookshop = by_name(demo_shops, rubric, "Librairie La Page")
    assert (bookshop["web_presence"]["score"], bookshop["web_presence"]["level"]) == (68, 2)
    # Butcher without a website: 0 and level 0 (a measured absence, not unknown).
    butcher = by_name(demo_shops, rubric, "Boucherie Martin")
    assert butcher["web_presence"]["score"] == 0 and butcher["web_presence"]["level"] == 0
    # A measured step keeps the probe's reason.
    florist = by_name(demo_shops, rubric, "Fleurs Lila")
    assert florist["web_presence"] == {"score": 0, "level": 0, "status": "measured",
                                       "reason": "no_website"}


def test_statuses_are_propagated_and_never_zero(demo_shops, rubric) -> None:
    atelier = by_name(demo_shops, rubric, "Atelier Sans Adresse")
    assert atelier["web_presence"] == {"score": None, "level": None, "status": "error",
                                       "reason": "site injoignable (délai dépassé)"}
    assert atelier["google_listing"]["status"] == "not_measured"
    assert atelier["google_listing"]["score"] is None
    missing = score_shop(Shop(name="vide"), ProbeReport(steps={}), rubric)
    assert all(s["status"] == "not_measured" and s["score"] is None and s["level"] is None
               for s in missing.values())


def test_not_applicable_comes_from_the_rubric_data(demo_shops, rubric) -> None:
    salon = by_name(demo_shops, rubric, "Salon Belle Coiffure")
    assert salon["click_and_collect"]["status"] == "not_applicable"
    assert salon["click_and_collect"]["reason"] == \
        rubric.steps["click_and_collect"].not_applicable["personal_services"].fr
    pharmacy = by_name(demo_shops, rubric, "Pharmacie Centrale")
    assert pharmacy["online_ordering"]["status"] == "not_applicable"
    assert pharmacy["click_and_collect"]["status"] == "measured"


def test_failed_rules_are_unknown_not_false(demo_shops, rubric) -> None:
    hardware = by_name(demo_shops, rubric, "Quincaillerie Lambert")
    # Only "website" is known: the score is over what is known, the level needs evidence.
    assert hardware["web_presence"]["score"] == 100
    assert hardware["web_presence"]["level"] == 1
    assert hardware["web_presence"]["reason"].startswith("mesure partielle : 3 critère")
    # The webshop rule raised: error, not 0.
    assert hardware["online_ordering"]["status"] == "error"
    assert hardware["online_ordering"]["reason"] == \
        "critère indispensable en erreur : Boutique en ligne"
    assert hardware["online_ordering"]["score"] is None


def web_report(signals: dict) -> ProbeReport:
    return make_report({"web_presence": {"status": "measured", "signals": signals}})


def test_none_counts_like_missing_and_differs_from_false(rubric) -> None:
    shop = Shop(name="t", category="shop=books")
    base = {"website": True, "reachable": True, "https": True, "mobile_viewport": False}
    with_none = score_shop(shop, web_report({**base, "opening_hours": None}), rubric)
    without = score_shop(shop, web_report(base), rubric)
    with_false = score_shop(shop, web_report({**base, "opening_hours": False}), rubric)
    assert with_none["web_presence"] == without["web_presence"]
    assert with_false["web_presence"]["score"] < without["web_presence"]["score"]
    # 6 of 8 known weight -> 75; with hours false, 6 of 9 -> 67.
    assert (without["web_presence"]["score"], with_false["web_presence"]["score"]) == (75, 67)


def test_wrong_value_type_is_unknown(rubric) -> None:
    shop = Shop(name="t", category="shop=books")
    report = ProbeReport(steps={"reviews": StepObservation("measured", signals={
        "google_review_count": Signal(25), "google_rating": Signal("excellent")})})
    reviews = score_shop(shop, report, rubric)["reviews"]
    # The rating is unreadable, so it is left out: 1 + 2 of 3 (count >= 1, >= 10, not 50).
    assert (reviews["score"], reviews["level"]) == (75, 2)


def test_step_needs_its_key_signal(rubric) -> None:
    shop = Shop(name="t", category="shop=books")
    # No Google data: an absent review widget alone must not read as "no reviews".
    report = ProbeReport(steps={"reviews": StepObservation("measured", signals={
        "google_review_count": Signal("beaucoup"), "review_widgets": Signal([])})})
    reviews = score_shop(shop, report, rubric)["reviews"]
    assert reviews == {"score": None, "level": None, "status": "not_measured",
                       "reason": "critère indispensable inconnu : Au moins un avis Google"}
    failed = ProbeReport(steps={"online_ordering": StepObservation("measured", signals={
        "webshop": Signal(None, error="KeyError"), "marketplaces": Signal(["bol"])})})
    assert score_shop(shop, failed, rubric)["online_ordering"]["status"] == "error"
