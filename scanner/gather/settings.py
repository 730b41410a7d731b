"""Crawler settings: named, documented defaults, layered under the config file and the command line.

    settings = CrawlSettings.layered(Path("smartcommerce.toml"), {"per_host_concurrency": 1})

Layers, last one wins: the defaults below → the ``[crawl]`` table of the TOML config file →
command-line overrides (``None`` values are ignored, so unset options keep the lower layer).
Unknown keys and bad values fail loudly with ``CrawlSettingsError`` (a plain-language message).

Example config file::

    [crawl]
    global_concurrency = 16
    per_host_delay = 1.0
    render = false
    resolve = ["boulangerie.be:443:203.0.113.7"]   # like curl --resolve
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UserInputError
from core.http import CONTACT_URL, USER_AGENT_PRODUCT, user_agent_header
from core.network import parse_resolve

# -- Politeness ---------------------------------------------------------------------------------
#: Requests in flight at once, all hosts together.
DEFAULT_GLOBAL_CONCURRENCY = 32
#: Requests in flight at once to one host (like Scrapy's CONCURRENT_REQUESTS_PER_DOMAIN).
DEFAULT_PER_HOST_CONCURRENCY = 2
#: Minimum seconds between two request starts to the same host (a floor: AutoThrottle and
#: robots.txt Crawl-delay raise it). 0 like Scrapy: with 2 requests at a time and at most
#: 7 requests per site, AutoThrottle's latency-based delay is polite enough.
DEFAULT_PER_HOST_DELAY = 0.0
#: Hard ceiling on requests per second to one host (aiolimiter leaky bucket, burst of as many).
#: Above what one shop needs (robots + home + 5 pages); it binds when many shops share a site.
DEFAULT_PER_HOST_MAX_RATE = 10.0
#: Adapt the per-host delay to the host's latency (AutoThrottle, see scanner/slots.py).
DEFAULT_AUTOTHROTTLE = True
#: AutoThrottle aims at this many requests in flight per host on average.
DEFAULT_AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
#: AutoThrottle never waits longer than this between two requests to one host (seconds).
DEFAULT_AUTOTHROTTLE_MAX_DELAY = 10.0
#: A robots.txt Crawl-delay above this is capped (seconds); a shop site must not stall the scan.
DEFAULT_MAX_CRAWL_DELAY = 10.0

# -- Timeouts (seconds) -------------------------------------------------------------------------
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Longest silence while reading an answer.
DEFAULT_READ_TIMEOUT = 15.0
#: Whole crawl of one shop (robots, home, key pages, render); what is fetched by then is kept.
DEFAULT_TOTAL_TIMEOUT_PER_SHOP = 90.0

# -- Pages --------------------------------------------------------------------------------------
#: Decompressed body cap; bigger answers are dropped (gzip-bomb safe).
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
#: Key pages fetched besides the home page (contact, shop, pickup, about, hours).
DEFAULT_MAX_EXTRA_PAGES = 5

# -- Retries ------------------------------------------------------------------------------------
#: Statuses worth retrying (like Scrapy's RETRY_HTTP_CODES).
DEFAULT_RETRY_HTTP_CODES = (408, 429, 500, 502, 503, 504, 522, 524)
#: Retries after the first attempt (so 3 attempts in all).
DEFAULT_MAX_RETRIES = 2
#: First backoff in seconds; doubles each attempt, with full jitter.
DEFAULT_RETRY_BACKOFF_BASE = 0.5
#: Cap on one backoff or on a server's Retry-After (seconds).
DEFAULT_RETRY_MAX_DELAY = 30.0

# -- Identity -----------------------------------------------------------------------------------
#: Tool name and version, then the contact URL (the one User-Agent: core/http.py).
DEFAULT_USER_AGENT = USER_AGENT_PRODUCT
DEFAULT_CONTACT_URL = CONTACT_URL

# -- Rendering of JavaScript-only sites ---------------------------------------------------------
DEFAULT_RENDER = True
#: Debian's Chromium; overridable by option or the environment variable below.
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ENV_VAR = "SMARTCOMMERCE_CHROMIUM"
#: Browser pages open at once.
DEFAULT_RENDER_POOL_SIZE = 2
#: Seconds for one render (navigation + network idle).
DEFAULT_RENDER_TIMEOUT = 20.0

# -- Judging ------------------------------------------------------------------------------------
#: Worker processes that run the probes (CPU-bound) while the crawler keeps fetching.
#: -1 = automatic (one per CPU on 2 CPUs or more, at most 4, for scans of
#: PROBE_POOL_MIN_SHOPS shops or more);
#: 0 = in the scanning process itself.
DEFAULT_PROBE_PROCESSES = -1


class CrawlSettingsError(UserInputError):
    """A crawl setting is unknown or has a bad value."""


def _default_chromium() -> str:
    return os.environ.get(CHROMIUM_ENV_VAR) or DEFAULT_CHROMIUM_PATH


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    global_concurrency: int = DEFAULT_GLOBAL_CONCURRENCY
    per_host_concurrency: int = DEFAULT_PER_HOST_CONCURRENCY
    per_host_delay: float = DEFAULT_PER_HOST_DELAY
    per_host_max_rate: float = DEFAULT_PER_HOST_MAX_RATE
    autothrottle: bool = DEFAULT_AUTOTHROTTLE
    autothrottle_target_concurrency: float = DEFAULT_AUTOTHROTTLE_TARGET_CONCURRENCY
    autothrottle_max_delay: float = DEFAULT_AUTOTHROTTLE_MAX_DELAY
    max_crawl_delay: float = DEFAULT_MAX_CRAWL_DELAY
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    total_timeout_per_shop: float = DEFAULT_TOTAL_TIMEOUT_PER_SHOP
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    max_extra_pages: int = DEFAULT_MAX_EXTRA_PAGES
    retry_http_codes: tuple[int, ...] = DEFAULT_RETRY_HTTP_CODES
    max_retries: int = DEFAULT_MAX_RETRIES
    retry_backoff_base: float = DEFAULT_RETRY_BACKOFF_BASE
    retry_max_delay: float = DEFAULT_RETRY_MAX_DELAY
    user_agent: str = DEFAULT_USER_AGENT
    contact_url: str = DEFAULT_CONTACT_URL
    render: bool = DEFAULT_RENDER
    chromium_path: str = field(default_factory=_default_chromium)
    render_pool_size: int = DEFAULT_RENDER_POOL_SIZE
    render_timeout: float = DEFAULT_RENDER_TIMEOUT
    probe_processes: int = DEFAULT_PROBE_PROCESSES
    #: Pinned addresses, as with curl --resolve: ["boulangerie.be:443:203.0.113.7"].
    resolve: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: tool name and version, then the contact URL."""
        return user_agent_header(self.user_agent, self.contact_url)

    @classmethod
    def layered(cls, config_path: Path | None, overrides: dict[str, Any]) -> CrawlSettings:
        values: dict[str, Any] = {}
        if config_path is not None:
            values.update(_read_crawl_table(config_path))
        values.update({k: v for k, v in overrides.items() if v is not None})
        _check_keys(values)
        return cls(**{k: _coerce(k, v) for k, v in values.items()})


_FIELD_TYPES: dict[str, type] = {
    "bool": bool, "int": int, "float": float, "str": str, "tuple[int, ...]": tuple,
    "tuple[str, ...]": list,
}


def _field_kinds() -> dict[str, type]:
    return {f.name: _FIELD_TYPES[str(f.type)] for f in dataclasses.fields(CrawlSettings)}


def _read_crawl_table(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CrawlSettingsError(
            f"Impossible de lire le fichier de configuration {path} : {exc}"
        ) from exc
    table = data.get("crawl", {})
    if not isinstance(table, dict):
        raise CrawlSettingsError(f"Dans {path}, [crawl] doit être une table de réglages.")
    return table


def _check_keys(values: dict[str, Any]) -> None:
    known = _field_kinds()
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise CrawlSettingsError(
            f"Réglage(s) d'exploration inconnu(s) : {', '.join(unknown)}. "
            f"Réglages possibles : {', '.join(sorted(known))}."
        )


def _coerce(name: str, value: Any) -> Any:
    kind = _field_kinds()[name]
    bad = CrawlSettingsError(f"Valeur invalide pour le réglage {name} : {value!r}.")
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "oui", "non", "1", "0"):
            return value.lower() in ("true", "oui", "1")
        raise bad
    if kind is list:  # a list of strings, kept as a tuple
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise bad
        return tuple(value)
    if kind is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, int) for v in value):
            raise bad
        return tuple(value)
    if kind is str:
        if not isinstance(value, str):
            raise bad
        return value
    if isinstance(value, bool):
        raise bad
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise bad from None


_POSITIVE = ("global_concurrency", "per_host_concurrency", "max_body_bytes", "render_pool_size",
             "connect_timeout", "read_timeout", "total_timeout_per_shop", "render_timeout",
             "autothrottle_target_concurrency", "per_host_max_rate")
_NON_NEGATIVE = ("per_host_delay", "autothrottle_max_delay", "max_crawl_delay", "max_redirects",
                 "max_extra_pages", "max_retries", "retry_backoff_base", "retry_max_delay")


def _validate(s: CrawlSettings) -> None:
    for name in _POSITIVE:
        if not getattr(s, name) > 0:
            raise CrawlSettingsError(f"Le réglage {name} doit être plus grand que 0.")
    for name in _NON_NEGATIVE:
        if getattr(s, name) < 0:
            raise CrawlSettingsError(f"Le réglage {name} ne peut pas être négatif.")
    if any(not 100 <= code <= 599 for code in s.retry_http_codes):
        raise CrawlSettingsError("retry_http_codes ne peut contenir que des codes HTTP (100-599).")
    if s.probe_processes < -1:
        raise CrawlSettingsError("Le réglage probe_processes vaut -1 (automatique), 0 ou plus.")
    parse_resolve(s.resolve)  # raises UserInputError with the bad entry
    if not s.user_agent.strip():
        raise CrawlSettingsError("Le réglage user_agent ne peut pas être vide.")
