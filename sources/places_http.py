"""One Places API (New) request with polite retries, and the meaning of its errors.

Error shapes (Google's ``{"error": {"code", "message", "status", "details"}}``):
- 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID: the key is wrong;
- 403 PERMISSION_DENIED: missing key, API not enabled (SERVICE_DISABLED) or key restricted;
- 429 RESOURCE_EXHAUSTED: quota or rate limit -> wait (Retry-After) and retry;
- 5xx: retried; 404 on a place id: the listing is gone.
Reasons are written for the ambassador, in French, and never contain the key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

BACKOFF_BASE_S = 2.0
MAX_WAIT_S = 60.0
RETRY_STATUSES = (429, 500, 502, 503, 504)

Sleep = Callable[[float], Awaitable[None]]
FailureStatus = Literal["not_measured", "error"]


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


def _error_info(response: httpx.Response) -> tuple[str, str]:
    """(status, reason) from Google's error JSON; empty strings when absent."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return "", ""
    reasons = [d.get("reason", "") for d in error.get("details") or [] if isinstance(d, dict)]
    return str(error.get("status") or ""), next((r for r in reasons if r), "")


def _failure_for(response: httpx.Response) -> PlacesFailure:
    code = response.status_code
    status, reason = _error_info(response)
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


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


async def call_places(
    client: httpx.AsyncClient, method: str, url: str, api_key: str, mask: str,
    body: dict[str, Any] | None, *, max_attempts: int, sleep: Sleep = asyncio.sleep,
) -> dict[str, Any]:
    headers = {"X-Goog-Api-Key": api_key, "X-Goog-FieldMask": mask}
    failure = PlacesFailure("aucune tentative")
    for attempt in range(max_attempts):
        wait = BACKOFF_BASE_S * 2 ** attempt
        try:
            response = await client.request(method, url, headers=headers, json=body)
        except httpx.TransportError as exc:  # timeouts included; the key is not in str(exc)
            failure = PlacesFailure(f"Google Places injoignable ({type(exc).__name__})")
        else:
            if response.status_code == 200:
                try:
                    return dict(response.json())
                except ValueError:
                    raise PlacesFailure("réponse Google Places illisible") from None
            if response.status_code == 404 and method == "GET":
                raise PlaceNotFound(url.rsplit("/", 1)[-1])
            failure = _failure_for(response)
            if response.status_code not in RETRY_STATUSES:
                raise failure
            wait = _retry_after(response) or wait
        if attempt + 1 < max_attempts:
            await sleep(min(wait, MAX_WAIT_S))
    raise failure
