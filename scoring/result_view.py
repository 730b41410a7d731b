"""Read a stored shop result dict defensively (it may come from an older scan)."""

from __future__ import annotations

from typing import Any

from .model import SECTORS

STATUSES = ("measured", "not_measured", "not_applicable", "error")
FALLBACK_SECTOR = "other"
MISSING_STEP_REASON = "étape absente du résultat"
UNKNOWN_STATUS_REASON = "statut inconnu : {status}"
MEASURED_WITHOUT_SCORE_REASON = "résultat « mesuré » sans score"
GOOGLE_STEPS = ("google_listing", "reviews")
PLACE_URL = "https://www.google.com/maps/place/?q=place_id:{place_id}"


def step_of(result: dict[str, Any], step: str) -> dict[str, Any]:
    """The step dict with a known status; a measured step always has a score."""
    raw = (result.get("steps") or {}).get(step)
    if not isinstance(raw, dict):
        return {"score": None, "level": None, "status": "not_measured",
                "reason": MISSING_STEP_REASON}
    status = raw.get("status")
    if status not in STATUSES:
        return {"score": None, "level": None, "status": "error",
                "reason": raw.get("reason") or UNKNOWN_STATUS_REASON.format(status=status)}
    if status == "measured" and raw.get("score") is None:
        return {"score": None, "level": None, "status": "error",
                "reason": MEASURED_WITHOUT_SCORE_REASON}
    return raw


def sector_of_result(result: dict[str, Any]) -> str:
    sector = result.get("sector")
    return sector if sector in SECTORS else FALLBACK_SECTOR


def evidence_urls(result: dict[str, Any], signal: str | None, step: str,
                  limit: int) -> list[str]:
    """Where an ambassador can check: evidence URLs, else the listing or the site."""
    evidence = (result.get("evidence") or {}).get(signal or "", [])
    urls = [e["url"] for e in evidence if isinstance(e, dict) and e.get("url")]
    place_id = (result.get("places") or {}).get("place_id") or result.get("place_id")
    if not urls and step in GOOGLE_STEPS and place_id:
        urls = [PLACE_URL.format(place_id=place_id)]
    if not urls and result.get("website"):
        urls = [result["website"]]
    return urls[:limit]


# What happened to one shop, for the run summary and the report's coverage counts.
# A site problem wins over "measured": a shop whose site failed is counted by that failure.
OUTCOMES = ("measured", "unreachable", "robots", "http_error", "timeout", "not_measured")
SITE_PROBLEM_OUTCOMES = {"unreachable": "unreachable", "refused": "unreachable",
                         "error": "unreachable", "blocked_by_robots": "robots",
                         "http_error": "http_error"}


def is_measured(result: dict[str, Any]) -> bool:
    """At least one step of the shop was measured."""
    return any(step_of(result, step)["status"] == "measured"
               for step in (result.get("steps") or {}))


def shop_outcome(result: dict[str, Any]) -> str:
    """One of OUTCOMES: the site's failure if any, else measured or not_measured."""
    crawl: dict[str, Any] = result["crawl"] if isinstance(result.get("crawl"), dict) else {}
    problem = SITE_PROBLEM_OUTCOMES.get(str(crawl.get("status")))
    if problem:
        kinds = {e.get("kind") for e in result.get("errors") or [] if isinstance(e, dict)}
        return "timeout" if problem == "unreachable" and "timeout" in kinds else problem
    return "measured" if is_measured(result) else "not_measured"
