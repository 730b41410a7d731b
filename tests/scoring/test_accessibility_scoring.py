"""Accessibility in the rubric: at_most, unknown weighs nothing, level 1 stays the shop's own."""

from __future__ import annotations

from scoring.conditions import evaluate
from scoring.score import score_signals


def test_at_most_is_true_false_or_unknown() -> None:
    assert evaluate("at_most", 120.0, 500) is True
    assert evaluate("at_most", 900.0, 500) is False
    assert evaluate("at_most", None, 500) is None
    assert evaluate("at_most", "near", 500) is None


def _google(rubric, **extra):  # type: ignore[no-untyped-def]
    signals = {"google_listing.found": True, "google_listing.business_status": "OPERATIONAL",
               "google_listing.hours": True, "google_listing.phone": True,
               "google_listing.website": False, "google_listing.photo_count": 2, **extra}
    return score_signals(rubric.steps["google_listing"].profile_for("nonfood_retail"), signals)


def test_unknown_parking_is_left_out_not_counted_as_far(rubric) -> None:
    unknown = _google(rubric)
    close = _google(rubric, **{"google_listing.parking_access": True})
    far = _google(rubric, **{"google_listing.parking_access": False})
    assert far["score"] < unknown["score"] < close["score"]
    assert _google(rubric, **{"google_listing.parking_access": None}) == unknown


def test_a_nearby_locker_alone_never_lifts_click_and_collect(rubric) -> None:
    profile = rubric.steps["click_and_collect"].profile_for("nonfood_retail")
    nothing_but_locker = {"click_and_collect.pickup": False,
                          "click_and_collect.collection_point_distance_m": 40.0}
    result = score_signals(profile, nothing_but_locker)
    assert result["status"] == "measured" and result["score"] > 10
    assert result["level"] == 0
