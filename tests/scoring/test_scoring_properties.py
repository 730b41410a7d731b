"""Properties of the built-in rubric, over random signal values (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import load_rubric
from scoring.score import score_signals

RUBRIC = load_rubric()
PROFILES = [(step, name, profile) for step, sr in RUBRIC.steps.items()
            for name, profile in sr.profiles.items()]
BOOL_SIGNALS = {id(p): sorted({c.signal for c in p.criteria if c.test == "true"})
                for _, _, p in PROFILES}


@st.composite
def profile_and_signals(draw):
    step, name, profile = draw(st.sampled_from(PROFILES))
    signals = {s: draw(st.sampled_from([True, False, None])) for s in BOOL_SIGNALS[id(profile)]}
    return profile, signals


@settings(max_examples=150, deadline=None)
@given(profile_and_signals())
def test_scores_and_levels_stay_in_range(case) -> None:
    profile, signals = case
    result = score_signals(profile, signals)
    if result["status"] == "measured":
        assert 0 <= result["score"] <= 100 and result["level"] in range(5)
    else:
        assert result["score"] is None and result["level"] is None


@settings(max_examples=150, deadline=None)
@given(profile_and_signals(), st.data())
def test_turning_a_no_into_a_yes_never_lowers_the_level(case, data) -> None:
    profile, signals = case
    falses = [s for s, v in signals.items() if v is False]
    if not falses:
        return
    flipped = data.draw(st.sampled_from(falses))
    before = score_signals(profile, signals)
    after = score_signals(profile, {**signals, flipped: True})
    assert after["status"] == before["status"]
    if before["status"] == "measured":
        assert after["score"] >= before["score"] and after["level"] >= before["level"]


@settings(max_examples=150, deadline=None)
@given(profile_and_signals())
def test_unknown_is_the_same_as_missing(case) -> None:
    profile, signals = case
    known = {s: v for s, v in signals.items() if v is not None}
    assert score_signals(profile, signals) == score_signals(profile, known)
