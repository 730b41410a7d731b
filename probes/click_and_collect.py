"""Step 4, click & collect: can a customer order online and pick up in the shop?"""

from __future__ import annotations

from typing import Any

from core.result import Evidence, Signal, StepObservation
from probes.context import SITE_JUDGED, ProbeContext
from probes.rules import StepMeta, evidence, flag, run_rules

META = StepMeta(
    id="click_and_collect",
    signals=("pickup", "pickup_platform_option", "schema_pickup", "local_delivery",
             "parcel_lockers", "places_takeout", "places_curbside_pickup", "places_delivery"))

# Places API (New) boolean fields -> our signal names.
PLACES_FIELDS = {"places_takeout": "takeout", "places_curbside_pickup": "curbsidePickup",
                 "places_delivery": "delivery"}


def evaluate(ctx: ProbeContext) -> StepObservation:
    site_status = ctx.artifacts.site.status
    places_found = ctx.artifacts.places.status == "found"
    rules: dict[str, Any] = {}
    if ctx.site_fetched:
        rules.update(SITE_RULES)
    elif site_status in SITE_JUDGED:
        rules["pickup"] = lambda c: flag(False, [])
    if places_found:
        rules.update({name: _places_rule(name) for name in PLACES_FIELDS})
    if not rules:
        return StepObservation("not_measured", reason=site_status)
    reason = None if ctx.site_fetched or site_status in SITE_JUDGED else f"site: {site_status}"
    return StepObservation("measured", reason=reason, signals=run_rules(ctx, rules))


def _keyword_rule(category: str):
    def rule(ctx: ProbeContext) -> Signal:
        for page in ctx.pages:
            hits = ctx.text_hits(page, category)
            if hits:
                return flag(True, [evidence(page.url, hits[0].snippet,
                                            f"{category} keyword '{hits[0].term}'", 0.8)], 0.8)
        return flag(False, [])
    return rule


def pickup_platform_option(ctx: ProbeContext) -> Signal:
    if "pickup_option" not in ctx.cache:
        ctx.cache["pickup_option"] = _pickup_platform_option(ctx)
    return ctx.cache["pickup_option"]


def _pickup_platform_option(ctx: ProbeContext) -> Signal:
    for page in ctx.pages:
        for _, m in page.html_matches(ctx.webshop_rules.pickup_platform_option):
            snippet = page.html[max(0, m.start() - 60):m.end() + 60]
            return flag(True, [evidence(page.url, snippet, f"platform option {m.group(0)}", 0.9)])
    return flag(False, [])


def schema_pickup(ctx: ProbeContext) -> Signal:
    values = ctx.schema_vocab.pickup_values
    for page in ctx.pages:
        for item in page.schema:
            for key in ("availableDeliveryMethod", "deliveryMethod", "hasDeliveryMethod"):
                raw = str(item.props.get(key, ""))
                if any(v in raw for v in values):
                    return flag(True, [evidence(page.url, raw, f"schema.org {key}")])
            if "DeliveryChargeSpecification" in item.types or "OfferShippingDetails" in item.types:
                return flag(True, [evidence(page.url, item.types[0], "schema.org shipping")])
    return flag(False, [])


def pickup(ctx: ProbeContext) -> Signal:
    proofs: list[Evidence] = []
    for rule in (_keyword_rule("pickup"), pickup_platform_option):
        signal = rule(ctx)
        if signal.value:
            proofs += signal.evidence
    places = ctx.artifacts.places.place or {}
    if places.get("curbsidePickup") is True:
        proofs.append(evidence(None, "curbsidePickup: true", "Google Places"))
    return flag(bool(proofs), proofs)


def _places_rule(name: str):
    field = PLACES_FIELDS[name]

    def rule(ctx: ProbeContext) -> Signal | None:
        value = (ctx.artifacts.places.place or {}).get(field)
        if not isinstance(value, bool):
            return None
        return flag(value, [evidence(None, f"{field}: {value}", "Google Places")])
    return rule


SITE_RULES: dict[str, Any] = {
    "pickup": pickup, "pickup_platform_option": pickup_platform_option,
    "schema_pickup": schema_pickup, "local_delivery": _keyword_rule("local_delivery"),
    "parcel_lockers": _keyword_rule("parcel_lockers"),
}
