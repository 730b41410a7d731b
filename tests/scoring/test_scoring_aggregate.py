"""Commune aggregates, weakest link, opportunities and the pre-filled audit."""

from __future__ import annotations

from scoring import aggregate_commune
from scoring.aggregate import UNKNOWN_STREET, street_of
from tests.helpers.scoring import read_json

EXTRA = read_json("commune_extra_results.json")["results"]


def commune_results(demo_shops, results_of) -> list[dict]:
    return results_of(demo_shops) + EXTRA


def test_commune_golden(demo_shops, results_of, rubric, golden) -> None:
    golden("commune_expected.json", aggregate_commune(commune_results(demo_shops, results_of),
                                                      rubric))


def test_streaming_gives_the_same_answer(demo_shops, results_of, rubric) -> None:
    results = commune_results(demo_shops, results_of)
    streamed = aggregate_commune((r for r in results), rubric)
    assert streamed == aggregate_commune(results, rubric)
    assert streamed["shops"] == len(results)


def test_hand_computed_step_figures(demo_shops, results_of, rubric) -> None:
    commune = aggregate_commune(results_of(demo_shops), rubric)
    web = commune["steps"]["web_presence"]
    # Measured web scores: 100, 0, 68, 68, 86, 79, 0, 0, 100 (the atelier is an error).
    scores = [100, 0, 68, 68, 86, 79, 0, 0, 100]
    assert web["mean"] == round(sum(scores) / len(scores), 1)
    assert web["median"] == 68
    assert web["distribution"] == {"0": 3, "1": 1, "2": 3, "3": 1, "4": 1}
    assert web["share_basic"] == round(5 / 9, 3)
    assert web["coverage"]["measured"] == 9 and web["coverage"]["error"] == 1
    assert web["coverage"]["reasons"]["error: site injoignable (délai dépassé)"] == 1
    online = commune["steps"]["online_ordering"]["coverage"]
    assert online["not_applicable"] == 1  # the pharmacy
    # Weakest link: click & collect, where 3 of 7 measured shops reach basic
    # (bakery, bookshop, pharmacy; the friterie's takeaway is unknown, so not
    # measured); online ordering has 4 of 7.
    assert commune["weakest_link"]["step"] == "click_and_collect"
    assert commune["weakest_link"]["share_basic"] == round(3 / 7, 3)
    assert commune["steps"]["online_ordering"]["share_basic"] == round(4 / 7, 3)


def test_groups_by_sector_and_street(demo_shops, results_of, rubric) -> None:
    commune = aggregate_commune(commune_results(demo_shops, results_of), rubric)
    assert commune["by_sector"]["horeca"]["shops"] == 2
    assert commune["by_sector"]["other"]["shops"] == 2  # atelier + unknown sector
    # "Rue Haute 12", "rue haute, 5 bte 2", "RUE HAUTE 2"... are one street.
    assert commune["by_street"]["Rue Haute"]["shops"] == 6
    assert commune["by_street"]["rue du Marché"]["shops"] == 2
    assert commune["by_street"][UNKNOWN_STREET]["shops"] == 1
    assert sum(g["shops"] for g in commune["by_street"].values()) == commune["shops"]


def test_opportunities_rescore_the_shop(demo_shops, results_of, rubric) -> None:
    commune = aggregate_commune(results_of(demo_shops), rubric)
    ranked = {o["id"]: o for o in commune["opportunities"]}
    counts = [o["shops_lifted"] for o in commune["opportunities"]]
    assert counts == sorted(counts, reverse=True)
    ids = {shop.name: shop.id for shop, _ in demo_shops}
    # Google hours would lift the butcher (level 1 -> 2); the pharmacy has hours already.
    assert ranked["google_hours"]["examples"] == [ids["Boucherie Martin"]]
    # Claiming the listing lifts the florist from 0; the butcher already has one.
    assert ranked["claim_google_listing"]["examples"] == [ids["Fleurs Lila"]]
    # HTTPS lifts the bookshop to advanced (mobile ok, score 82 >= 65)... and the
    # restaurant (86 -> 100, level 2 -> 4 needs hours + LocalBusiness: both true).
    assert set(ranked["https"]["examples"]) == {ids["Librairie La Page"],
                                                ids["Restaurant Le Gourmet"]}
    # "À emporter" on Google only matters for horeca with a false takeout signal.
    assert ranked["google_takeout"]["examples"] == [ids["Restaurant Le Gourmet"]]
    # The hairdresser's click & collect is not applicable: never an opportunity there.
    assert ids["Salon Belle Coiffure"] not in ranked["mention_click_and_collect"]["examples"]


def test_audit_prefill(demo_shops, results_of, rubric) -> None:
    audit = aggregate_commune(results_of(demo_shops), rubric)["audit"]
    web_site = next(c for c in audit["steps"]["web_presence"]["criteria"]
                    if c["id"] == "web_site")
    # website known for the 9 measured shops, true for 6 of them; 10 shops in scope.
    assert (web_site["value"], web_site["shops"], web_site["in_scope"]) == (0.667, 9, 10)
    assert web_site["coverage"] == 0.9
    assert web_site["confidence"] == "faible"  # fewer than 10 shops behind the figure
    assert web_site["reference"]["value"] == 0.41 and web_site["reference"]["year"] == 2017
    https = next(c for c in audit["steps"]["web_presence"]["criteria"] if c["id"] == "web_https")
    assert https["examples"][0]["urls"] == ["https://dupont.example/"]  # evidence URL
    found = next(c for c in audit["steps"]["google_listing"]["criteria"]
                 if c["id"] == "google_found")
    assert found["examples"][1]["urls"] == [  # no site: the butcher's Google listing
        "https://www.google.com/maps/place/?q=place_id:ChIJ-fictif-boucherie"]
    rating = next(c for c in audit["steps"]["reviews"]["criteria"]
                  if c["id"] == "reviews_median_rating")
    assert rating["value"] == 4.4  # ratings 4.6, 4.2, 4.8, 4.9, 3.9, 4.1 -> median 4.4
    order = audit["steps"]["online_ordering"]["criteria"]
    assert next(c for c in order if c["id"] == "order_webshop")["in_scope"] == 9  # no pharmacy


def test_malformed_measured_step_is_an_error_everywhere(rubric) -> None:
    broken = {"id": "s-1", "sector": "food_retail", "signals": {"click_and_collect.pickup": False},
              "steps": {"click_and_collect": {"status": "measured", "score": None}}}
    commune = aggregate_commune([broken], rubric)
    assert commune["steps"]["click_and_collect"]["coverage"]["error"] == 1
    collect = commune["audit"]["steps"]["click_and_collect"]["criteria"]
    assert all(c["shops"] == 0 and c["value"] is None for c in collect)
    assert all(o["shops_lifted"] == 0 for o in commune["opportunities"])


def test_empty_commune(rubric) -> None:
    commune = aggregate_commune(iter(()), rubric)
    assert commune["shops"] == 0 and commune["weakest_link"] is None
    assert commune["steps"]["reviews"]["mean"] is None
    assert all(o["shops_lifted"] == 0 for o in commune["opportunities"])


def test_same_street_name_in_two_villages_stays_apart(rubric) -> None:
    shops = [{"id": f"s-{i}", "address": address, "postcode": postcode}
             for i, (address, postcode) in enumerate(
                 [("Rue de la Station 1", "5030"), ("rue de la station 9", "5030"),
                  ("Rue de la Station 4", "5031"), ("Rue de la Station 2", None)])]
    streets = aggregate_commune(shops, rubric)["by_street"]
    assert {name: g["shops"] for name, g in streets.items()} == {
        "Rue de la Station": 1, "Rue de la Station (5030)": 2, "Rue de la Station (5031)": 1}


def test_street_of() -> None:
    cases = {"Rue Haute 12": "Rue Haute", "Rue Haute 12A": "Rue Haute",
             "Rue Haute, 12 bte 3": "Rue Haute", "Rue Haute 12/1": "Rue Haute",
             "12, rue du Marché": "rue du Marché", "Place du Marché 1-3": "Place du Marché",
             "Rue du 8 Mai 15": "Rue du 8 Mai", "Grand-Place 5 boîte 2": "Grand-Place",
             "Chaussée de Liège": "Chaussée de Liège", "  ": UNKNOWN_STREET, None: UNKNOWN_STREET}
    for address, street in cases.items():
        assert street_of(address) == street, address
