"""Step 2, Google listing: is the Google Business profile found and filled in?"""

from __future__ import annotations

from typing import Any

from core.result import Signal, StepObservation
from core.text import registrable_domain
from probes.context import ProbeContext
from probes.rules import StepMeta, evidence, flag, run_rules

META = StepMeta(
    id="google_listing",
    signals=("found", "match_confidence", "business_status", "hours", "phone", "website",
             "website_matches", "photo_count", "primary_type", "editorial_summary"))


def evaluate(ctx: ProbeContext) -> StepObservation:
    places = ctx.artifacts.places
    if places.status == "not_measured":
        return StepObservation("not_measured", reason=places.reason or "no_api_key")
    if places.status == "error":
        return StepObservation("error", reason=places.reason or "places_error")
    if places.status == "not_found" or not places.place:
        return StepObservation("measured", reason=places.reason,
                               signals={"found": Signal(False)})
    return StepObservation("measured", signals=run_rules(ctx, RULES))


def _place(ctx: ProbeContext) -> dict[str, Any]:
    return ctx.artifacts.places.place or {}


def _proof(ctx: ProbeContext, key: str, value: Any):
    return [evidence(_place(ctx).get("googleMapsUri"), f"{key}: {value}", f"Places {key}")]


def found(ctx: ProbeContext) -> Signal:
    name = (_place(ctx).get("displayName") or {}).get("text", "")
    return flag(True, _proof(ctx, "displayName", name))


def match_confidence(ctx: ProbeContext) -> Signal:
    value = ctx.artifacts.places.match_confidence
    return Signal(None if value is None else round(float(value), 3))


def business_status(ctx: ProbeContext) -> Signal:
    value = _place(ctx).get("businessStatus")
    return Signal(value, 1.0, _proof(ctx, "businessStatus", value) if value else [])


def _filled(key: str):
    def rule(ctx: ProbeContext) -> Signal:
        value = _place(ctx).get(key)
        return flag(bool(value), _proof(ctx, key, str(value)[:80]) if value else [])
    return rule


def hours(ctx: ProbeContext) -> Signal:
    value = _place(ctx).get("regularOpeningHours") or {}
    filled = bool(value.get("periods") or value.get("weekdayDescriptions"))
    text = "; ".join(str(day) for day in (value.get("weekdayDescriptions") or [])[:2])
    return flag(filled, _proof(ctx, "regularOpeningHours", text) if filled else [])


def phone(ctx: ProbeContext) -> Signal:
    place = _place(ctx)
    value = place.get("internationalPhoneNumber") or place.get("nationalPhoneNumber")
    return flag(bool(value), _proof(ctx, "phone", value) if value else [])


def website_matches(ctx: ProbeContext) -> Signal | None:
    listed = registrable_domain(_place(ctx).get("websiteUri"))
    known = registrable_domain(ctx.artifacts.shop.website or ctx.artifacts.site.website)
    if not listed or not known:
        return None
    return flag(listed == known, _proof(ctx, "websiteUri", f"{listed} vs {known}"))


def photo_count(ctx: ProbeContext) -> Signal:
    photos = _place(ctx).get("photos") or []
    return Signal(len(photos) if isinstance(photos, list) else 0)


def primary_type(ctx: ProbeContext) -> Signal:
    value = _place(ctx).get("primaryType")
    return Signal(value if isinstance(value, str) else None)


def editorial_summary(ctx: ProbeContext) -> Signal:
    text = (_place(ctx).get("editorialSummary") or {}).get("text", "")
    return flag(bool(text), _proof(ctx, "editorialSummary", text) if text else [])


RULES: dict[str, Any] = {
    "found": found, "match_confidence": match_confidence, "business_status": business_status,
    "hours": hours, "phone": phone, "website": _filled("websiteUri"),
    "website_matches": website_matches, "photo_count": photo_count,
    "primary_type": primary_type, "editorial_summary": editorial_summary,
}
