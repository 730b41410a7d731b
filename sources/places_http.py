"""One Places API (New) request with polite retries, and the meaning of its answers.

Error shapes (Google's ``{"error": {"code", "message", "status", "details"}}``):
- 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID: the key is wrong;
- 403 PERMISSION_DENIED: missing key, API not enabled (SERVICE_DISABLED) or key restricted;
- 429 RESOURCE_EXHAUSTED: quota or rate limit -> wait (Retry-After) and retry;
- 5xx: retried; 404 on a place id: the listing is gone.
The body is streamed and capped at MAX_ANSWER_BYTES once decompressed (gzip-bomb safe); a
200 answer must be a JSON object, and its place objects are checked against PLACE_FIELDS
(``checked_place`` / ``checked_places``) before anyone reads them.
Reasons are written for the ambassador, in French, and never contain the key.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from core.http import BodyTooLarge, parse_retry_after, read_capped
from core.network import NameNotResolved

BACKOFF_BASE_S = 2.0
MAX_WAIT_S = 60.0
RETRY_STATUSES = (429, 500, 502, 503, 504)
#: Largest decompressed answer read. A search of 20 places with every field we ask for is
#: well under 1 MB; beyond 20 MB it is not Google answering (proxy, portal, gzip bomb).
MAX_ANSWER_BYTES = 20 * 1024 * 1024
TOO_LARGE_REASON = f"réponse Google Places trop volumineuse (plus de {MAX_ANSWER_BYTES >> 20} Mo)"
MALFORMED_REASON = "réponse Google Places mal formée"

#: Status codes Google documents (API New and legacy API). Only these are ever repeated in a
#: reason: free text that came back with the request could echo the key.
KNOWN_STATUSES = frozenset((
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    "ZERO_RESULTS", "OVER_QUERY_LIMIT", "OVER_DAILY_LIMIT", "REQUEST_DENIED", "INVALID_REQUEST",
    "UNKNOWN_ERROR", "MAX_ROUTE_LENGTH_EXCEEDED"))

Sleep = Callable[[float], Awaitable[None]]
FailureStatus = Literal["not_measured", "error"]
Check = Callable[[Any], bool]


class PlacesFailure(Exception):
    def __init__(self, reason: str, status: FailureStatus = "error", key_refused: bool = False
                 ) -> None:
        super().__init__(reason)
        self.reason, self.status, self.key_refused = reason, status, key_refused


class PlaceNotFound(Exception):
    """A place id that Google no longer knows."""


@dataclass
class PlacesBudget:
    """Caps billable calls; None = no cap. Shared by every client of one run."""

    limit: int | None = None
    used: int = 0

    def take(self) -> bool:
        if self.limit is not None and self.used >= self.limit:
            return False
        self.used += 1
        return True


# -- the shape of a place object -----------------------------------------------------------------
def _text(value: Any) -> bool:
    return isinstance(value, str)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _list_of(check: Check) -> Check:
    return lambda value: isinstance(value, list) and all(check(item) for item in value)


def _object(**fields: Check) -> Check:
    """A JSON object whose listed fields, when present and not null, pass their check."""
    return lambda value: isinstance(value, dict) and all(
        value.get(name) is None or check(value[name]) for name, check in fields.items())


#: What every field we ask for (sources/data/places_fields.toml masks) must look like, nested
#: keys included where our code reads them (matching, discovery, probes). Unlisted fields are
#: kept as they are; a null field counts as absent.
PLACE_FIELDS: dict[str, Check] = {
    "id": _text, "name": _text, "formattedAddress": _text, "businessStatus": _text,
    "primaryType": _text, "googleMapsUri": _text, "websiteUri": _text,
    "nationalPhoneNumber": _text, "internationalPhoneNumber": _text,
    "displayName": _object(text=_text), "editorialSummary": _object(text=_text),
    "location": _object(latitude=_number, longitude=_number),
    "types": _list_of(_text), "photos": _list_of(_object()),
    "regularOpeningHours": _object(periods=_list_of(_object()),
                                   weekdayDescriptions=_list_of(_text)),
    "addressComponents": _list_of(_object(types=_list_of(_text), longText=_text,
                                          shortText=_text)),
    "rating": _number, "userRatingCount": _count,
    "takeout": _flag, "delivery": _flag, "curbsidePickup": _flag, "dineIn": _flag,
}


def place_problem(place: Any) -> str | None:
    """None when ``place`` is a place object of the expected shape, else what is wrong."""
    if not isinstance(place, dict):
        return "un lieu n'est pas un objet"
    for name, check in PLACE_FIELDS.items():
        if place.get(name) is not None and not check(place[name]):
            return f"champ « {name} » inattendu"
    return None


def checked_place(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer of a Place Details call, if it is a well-formed place; else PlacesFailure."""
    problem = place_problem(answer)
    if problem:
        raise PlacesFailure(f"{MALFORMED_REASON} ({problem})")
    return answer


def checked_places(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The well-formed candidates of a search answer; malformed ones are skipped.
    PlacesFailure when 'places' is not a list or when no candidate is well-formed."""
    places = answer.get("places")
    if places is None:
        return []
    if not isinstance(places, list):
        raise PlacesFailure(f"{MALFORMED_REASON} (« places » n'est pas une liste)")
    good = [place for place in places if place_problem(place) is None]
    if places and not good:
        raise PlacesFailure(f"{MALFORMED_REASON} ({place_problem(places[0])})")
    return good


# -- errors -------------------------------------------------------------------------------------
def _error_info(body: bytes) -> tuple[str, str]:
    """(status, reason) from Google's error JSON; empty strings when absent or malformed."""
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        return "", ""
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return "", ""
    raw_details = error.get("details")
    details: list[Any] = raw_details if isinstance(raw_details, list) else []
    reasons = [d["reason"] for d in details if isinstance(d, dict)
               and isinstance(d.get("reason"), str) and d["reason"]]
    return known_status(error.get("status")), next(iter(reasons), "")


def known_status(status: object) -> str:
    """``status`` if it is one of Google's documented codes, else "" (never free text)."""
    return status if isinstance(status, str) and status in KNOWN_STATUSES else ""


def _failure_for(code: int, body: bytes) -> PlacesFailure:
    status, reason = _error_info(body)
    if reason == "API_KEY_INVALID" or (code == 400 and "KEY" in reason):
        return PlacesFailure(f"clé API Google Places invalide (HTTP {code})", key_refused=True)
    if code in (401, 403):
        detail = {"SERVICE_DISABLED": "l'API « Places API (New) » n'est pas activée",
                  "API_KEY_SERVICE_BLOCKED": "la clé n'autorise pas l'API Places (New)"
                  }.get(reason, "clé refusée, API non activée ou clé restreinte")
        return PlacesFailure(f"accès refusé par Google Places (HTTP {code} : {detail})",
                             key_refused=True)
    if code == 429 or status == "RESOURCE_EXHAUSTED":
        return PlacesFailure(f"quota Google Places dépassé (HTTP {code}), réessayer plus tard")
    if code >= 500:
        return PlacesFailure(f"Google Places indisponible (HTTP {code})")
    return PlacesFailure(f"requête refusée par Google Places (HTTP {code} {status})".strip())


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # not JSON (bad UTF-8 included), absurdly nested
        raise PlacesFailure("réponse Google Places illisible") from None
    if not isinstance(answer, dict):
        raise PlacesFailure(f"{MALFORMED_REASON} (pas un objet JSON)")
    return answer


# -- the call -----------------------------------------------------------------------------------
async def _send(client: httpx.AsyncClient, method: str, url: str, headers: dict[str, str],
                body: dict[str, Any] | None) -> tuple[int, httpx.Headers, bytes]:
    """One request; the body is read while its decompressed size stays under the cap."""
    async with client.stream(method, url, headers=headers, json=body) as response:
        try:
            content = await read_capped(response, MAX_ANSWER_BYTES)
        except BodyTooLarge:
            raise PlacesFailure(TOO_LARGE_REASON) from None
        return response.status_code, response.headers, content


async def call_places(
    client: httpx.AsyncClient, method: str, url: str, api_key: str, mask: str,
    body: dict[str, Any] | None, *, max_attempts: int, sleep: Sleep = asyncio.sleep,
) -> dict[str, Any]:
    """A JSON object answered 200 (retries included); raises PlacesFailure / PlaceNotFound."""
    headers = {"X-Goog-Api-Key": api_key, "X-Goog-FieldMask": mask}
    failure = PlacesFailure("aucune tentative")
    for attempt in range(max_attempts):
        wait = BACKOFF_BASE_S * 2 ** attempt
        try:
            code, resp_headers, content = await _send(client, method, url, headers, body)
        except NameNotResolved:  # offline: no retry will cure it
            raise PlacesFailure("Google Places injoignable (nom introuvable :"
                                " pas de connexion internet ?)") from None
        except httpx.TransportError as exc:  # timeouts included; the key is not in str(exc)
            failure = PlacesFailure(f"Google Places injoignable ({type(exc).__name__})")
        except httpx.DecodingError:  # compressed body that does not decompress
            raise PlacesFailure("réponse Google Places illisible (compression invalide)") from None
        else:
            if code == 200:
                return _json_object(content)
            if code == 404 and method == "GET":
                raise PlaceNotFound(url.rsplit("/", 1)[-1])
            failure = _failure_for(code, content)
            if code not in RETRY_STATUSES:
                raise failure
            wait = parse_retry_after(resp_headers.get("retry-after")) or wait
        if attempt + 1 < max_attempts:
            await sleep(min(wait, MAX_WAIT_S))
    raise failure
