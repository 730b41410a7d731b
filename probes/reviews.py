"""Step 5, reviews: Google rating, schema.org ratings and review widgets on the site."""

from __future__ import annotations

from typing import Any

from core.result import Evidence, Signal, StepObservation
from probes.context import SITE_JUDGED, ProbeContext
from probes.rules import StepMeta, evidence, run_rules

META = StepMeta(
    id="reviews",
    signals=("google_rating", "google_review_count", "schema_rating", "schema_review_count",
             "review_widgets"))


def evaluate(ctx: ProbeContext) -> StepObservation:
    places_measured = ctx.artifacts.places.status in ("found", "not_found")
    site_status = ctx.artifacts.site.status
    rules: dict[str, Any] = {}
    if places_measured:
        rules.update(PLACES_RULES)
    if ctx.site_fetched:
        rules.update(SITE_RULES)
    if not places_measured and site_status not in SITE_JUDGED:
        return StepObservation("not_measured", reason=f"site: {site_status}; places: "
                               f"{ctx.artifacts.places.reason or ctx.artifacts.places.status}")
    return StepObservation("measured", signals=run_rules(ctx, rules))


def _number(value: Any, kind: type) -> Any:
    try:
        return kind(str(value).replace(",", ".")) if value not in (None, "") else None
    except ValueError:
        return None


def google_rating(ctx: ProbeContext) -> Signal:
    place = ctx.artifacts.places.place or {}
    value = _number(place.get("rating"), float)
    return Signal(value, 1.0, [evidence(place.get("googleMapsUri"), f"rating: {value}",
                                        "Places rating")] if value else [])


def google_review_count(ctx: ProbeContext) -> Signal:
    place = ctx.artifacts.places.place or {}
    return Signal(_number(place.get("userRatingCount"), int) or 0)


def _aggregate_rating(ctx: ProbeContext) -> tuple[Any, Any, Any]:
    """(item props, page url, source) of the first AggregateRating on the site."""
    for page in ctx.pages:
        for item in page.schema:
            props = item.props
            if set(item.types) & ctx.schema_vocab.rating:
                return props, page.url, item.source
            nested = props.get("aggregateRating")
            if isinstance(nested, dict) and ("ratingValue" in nested or "reviewCount" in nested):
                return nested, page.url, item.source
    return None, None, None


def schema_rating(ctx: ProbeContext) -> Signal:
    props, url, source = _aggregate_rating(ctx)
    value = _number(props.get("ratingValue"), float) if props else None
    return Signal(value, 1.0, [evidence(url, f"ratingValue {value}",
                                        f"schema.org AggregateRating {source}")] if value else [])


def schema_review_count(ctx: ProbeContext) -> Signal:
    props, _, _ = _aggregate_rating(ctx)
    if not props:
        return Signal(None)
    count = _number(props.get("reviewCount"), int) or _number(props.get("ratingCount"), int)
    return Signal(count)


def review_widgets(ctx: ProbeContext) -> Signal:
    found: dict[str, Evidence] = {}
    for page, det in ctx.detections_with_role("reviews"):
        found.setdefault(det.slug, evidence(page.url, det.snippet, det.pattern,
                                            det.confidence / 100))
    return Signal(sorted(found), 1.0, list(found.values()))


PLACES_RULES: dict[str, Any] = {"google_rating": google_rating,
                                "google_review_count": google_review_count}
SITE_RULES: dict[str, Any] = {"schema_rating": schema_rating,
                              "schema_review_count": schema_review_count,
                              "review_widgets": review_widgets}
