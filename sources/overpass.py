"""Ask the Overpass API for a commune's boundary and its commerces.

    query = build_shops_query(CommuneSelector(nis="62063"))
    answer = await run_query(query, http_ctx)            # polite: 429/504 -> backoff, retry
    result = parse_overpass_elements(answer["elements"])  # sources.osm_parse

The commune is the administrative boundary (boundary=administrative, admin_level=8) inside
Belgium, selected by its NIS/INS code (``ref:INS``, preferred) or by its name in any of
``name``, ``name:fr``, ``name:nl``, ``name:de`` (case-insensitive, exact).

The answer is streamed and read only up to MAX_ANSWER_BYTES once decompressed (gzip-bomb
safe); anything but a JSON object with an 'elements' list is an OverpassError.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from core.http import BodyTooLarge, HttpContext, make_client, parse_retry_after, read_capped
from core.network import NameNotResolved
from sources.osm_parse import ANY_VALUE, CATEGORY_KEYS, CommerceRules, load_commerce_rules

DEFAULT_ENDPOINT = "https://overpass-api.de/api/interpreter"
QUERY_TIMEOUT_S = 90  # [timeout:] asked of the server
HTTP_TIMEOUT = httpx.Timeout(QUERY_TIMEOUT_S + 30.0, connect=10.0)
MAX_ATTEMPTS = 4  # first try + 3 retries
BACKOFF_BASE_S = 5.0  # 5, 10, 20 s unless the server says Retry-After
MAX_WAIT_S = 120.0  # never wait longer than this between two attempts
RETRY_STATUSES = (429, 502, 503, 504)
#: Largest decompressed answer read. The shops of a big commune (Liège, Charleroi) are a few
#: MB; the cap leaves room for tens of MB and stops a runaway or hostile answer (gzip bomb)
#: long before it fills the memory.
MAX_ANSWER_BYTES = 200 * 1024 * 1024
TOO_LARGE_PROBLEM = f"réponse trop volumineuse (plus de {MAX_ANSWER_BYTES >> 20} Mo)"
BELGIUM_AREA = 'area["ISO3166-1"="BE"]["admin_level"="2"]->.be;'
NAME_KEYS_REGEX = "^name(:(fr|nl|de))?$"

Sleep = Callable[[float], Awaitable[None]]


class OverpassError(Exception):
    """The Overpass API did not answer usefully (after retries). Message in plain French."""


@dataclass(frozen=True, slots=True)
class Transient:
    """A failed attempt worth retrying: what went wrong, and the wait the server asked for."""

    problem: str
    wait: float | None = None


@dataclass(frozen=True, slots=True)
class CommuneSelector:
    nis: str | None = None  # NIS/INS code, e.g. "85046"
    name: str | None = None  # any official name

    def filter(self) -> str:
        """The Overpass tag filter selecting the boundary relation."""
        if self.nis:
            return f'["ref:INS"="{_escape(self.nis)}"]'
        if self.name:
            return f'[~"{NAME_KEYS_REGEX}"~"^{_regex_escape(self.name)}$",i]'
        raise ValueError("CommuneSelector needs a NIS code or a name")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _regex_escape(text: str) -> str:
    return _escape(re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text))


def _boundary_statement(selector: CommuneSelector) -> str:
    return (f'{BELGIUM_AREA}\nrel(area.be)["boundary"="administrative"]["admin_level"="8"]'
            f"{selector.filter()}->.commune_rel;")


def build_boundary_query(selector: CommuneSelector) -> str:
    """Boundary relations matching the selector, with tags and bounding box."""
    return f"[out:json][timeout:{QUERY_TIMEOUT_S}];\n{_boundary_statement(selector)}\n" \
           ".commune_rel out tags bb;"


def build_shops_query(selector: CommuneSelector, rules: CommerceRules | None = None) -> str:
    """All commerce features inside the commune (see sources/data/osm_commerce.toml)."""
    rules = rules or load_commerce_rules()
    lines = [f"[out:json][timeout:{QUERY_TIMEOUT_S}];", _boundary_statement(selector),
             ".commune_rel map_to_area->.commune;", "("]
    for key in CATEGORY_KEYS:
        values = sorted(rules.include.get(key, ()))
        if not values:
            continue
        if ANY_VALUE in values:
            lines.append(f'  nwr(area.commune)["{key}"];')
        else:
            lines.append(f'  nwr(area.commune)["{key}"~"^({"|".join(values)})$"];')
    lines += [");", "out center tags;", ".commune_rel out tags bb;"]
    return "\n".join(lines)


async def run_query(
    query: str, http_ctx: HttpContext, endpoint: str = DEFAULT_ENDPOINT, *,
    max_attempts: int = MAX_ATTEMPTS, backoff_base: float = BACKOFF_BASE_S,
    timeout: httpx.Timeout = HTTP_TIMEOUT, sleep: Sleep = asyncio.sleep,
) -> dict[str, Any]:
    """POST the query; retry 429/5xx/timeouts with backoff honouring Retry-After.
    Returns a JSON object with an 'elements' list; raises OverpassError otherwise."""
    last = Transient("aucune tentative")
    async with make_client(http_ctx, timeout=timeout) as client:
        for attempt in range(max_attempts):
            try:
                status, headers, body = await _post_capped(client, endpoint, query)
            except NameNotResolved:  # offline or a mistyped endpoint: waiting will not cure it
                raise _final(f"serveur introuvable ({httpx.URL(endpoint).host} ne se résout pas :"
                             " pas de connexion internet ?)") from None
            except httpx.TimeoutException:
                outcome: dict[str, Any] | Transient = Transient("délai dépassé")
            except httpx.TransportError as exc:
                outcome = Transient(f"connexion impossible ({type(exc).__name__})")
            except httpx.DecodingError:
                raise _final("réponse illisible (compression invalide)") from None
            else:
                outcome = _judge(status, headers, body)
            if not isinstance(outcome, Transient):
                return outcome
            last = outcome
            if attempt + 1 < max_attempts:
                backoff = backoff_base * (2 ** attempt)
                await sleep(min(backoff if last.wait is None else last.wait, MAX_WAIT_S))
    raise OverpassError(f"Overpass ne répond pas ({last.problem}) après {max_attempts} essais")


async def _post_capped(client: httpx.AsyncClient, endpoint: str, query: str
                       ) -> tuple[int, httpx.Headers, bytes | None]:
    """(status, headers, body); body None when it passes MAX_ANSWER_BYTES decompressed."""
    async with client.stream("POST", endpoint, data={"data": query}) as response:
        try:
            body: bytes | None = await read_capped(response, MAX_ANSWER_BYTES)
        except BodyTooLarge:
            body = None
        return response.status_code, response.headers, body


def _judge(status: int, headers: httpx.Headers, body: bytes | None
           ) -> dict[str, Any] | Transient:
    """The answer, or a problem worth retrying; raises OverpassError for a final one."""
    if status in RETRY_STATUSES:
        label = "trop de requêtes" if status == 429 else "serveur surchargé"
        return Transient(f"{label}, HTTP {status}", parse_retry_after(headers.get("retry-after")))
    if status != 200:
        raise _final(f"réponse HTTP {status}")
    if body is None:
        raise _final(TOO_LARGE_PROBLEM)
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # not JSON (bad UTF-8 included), absurdly nested
        raise _final("réponse illisible (pas du JSON)") from None
    if not isinstance(answer, dict):
        raise _final("réponse mal formée (pas un objet JSON)")
    remark = str(answer.get("remark") or "")
    if "runtime error" in remark:  # the server gave up mid-query (timeout / memory)
        return Transient(f"requête interrompue par le serveur ({remark[:120]})")
    if not isinstance(answer.get("elements"), list):
        raise _final("réponse sans 'elements'")
    return answer


def _final(problem: str) -> OverpassError:
    """A problem that retrying will not cure."""
    return OverpassError(f"Overpass : {problem}")
