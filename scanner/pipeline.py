"""Run a scan: shop list → crawl + Places → probes → scoring → store, one shop at a time.

Each shop's result is written to the store in its own transaction as soon as it is complete,
so a killed scan loses nothing and ``resume`` continues with the shops still pending.
The commune aggregates are computed at the end by streaming the stored results.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.artifacts import FetchError, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.errors import ScanFailed, UserInputError
from core.http import HttpContext, proxy_in_environment
from core.network import parse_resolve
from core.shop import Shop
from output import write_reports
from output.store import Store, StoreError
from scanner.ecosystem import access_for, ecosystem_summary, gather_for_scan
from scanner.gather.crawler import Crawler
from scanner.gather.settings import CrawlSettings
from scanner.places_source import (
    PlacesSource,
    check_places_api,
    known_place_ids,
    places_key,
    places_source,
)
from scanner.probe_pool import ProbePool, probe_processes_for, scanning_gc
from scanner.progress import ScanCounters, ScanProgress, places_warning, summary_line
from scanner.shop_list import (
    ShopListRequest,
    build_shop_list,
    estimate_line,
    read_shops_file,
    report_lines,
    unique_shops,
)
from scoring import aggregate_commune, load_rubric
from scoring.result_view import is_measured, shop_outcome
from sources.ecosystem import Ecosystem
from sources.places_cache import PlaceIdCache
from sources.website import adopt_places_website

log = logging.getLogger("smartcommerce.pipeline")

DEFAULT_DB_URL = "sqlite:///smartcommerce.db"
DEFAULT_OUT_ROOT = Path("smartcommerce-out")
DEFAULT_FORMATS = ("json", "csv", "html", "xlsx")
SHOP_GUARD_SECONDS = 30.0  # extra time on top of the crawler's own per-shop budget


@dataclass(slots=True)
class ScanConfig:
    shops_file: Path | None = None
    commune: str | None = None
    sources: tuple[str, ...] = ("osm",)
    osm_file: Path | None = None
    kbo_path: Path | None = None
    out_dir: Path | None = None
    db_url: str = DEFAULT_DB_URL
    config_file: Path | None = None
    crawl_overrides: dict[str, Any] = field(default_factory=dict)
    rubric_path: str | None = None
    places_api_key: str | None = None
    places_budget: int | None = None
    places_api: str = "new"  # "new" (Places API New) or "legacy" (googlemaps client)
    no_places: bool = False
    no_render: bool = False
    allow_private_addresses: bool = False
    resume_scan_id: str | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    lang: str = "fr"
    quiet: bool = False
    demo: bool = False
    http_ctx: HttpContext | None = None  # set by the demo (resolve override to the farm)
    resolve: tuple[str, ...] = ()  # --resolve HOST:PORT:ADDRESS entries
    notify: Callable[[str], None] | None = None  # plain-language messages for the user

    def recorded_settings(self) -> dict[str, Any]:
        """What the store keeps to resume the scan later; never the API key."""
        keep = ("shops_file", "commune", "sources", "osm_file", "kbo_path", "config_file",
                "crawl_overrides", "rubric_path", "places_budget", "places_api", "no_places",
                "no_render", "allow_private_addresses", "formats", "lang", "demo", "resolve")
        values = {k: getattr(self, k) for k in keep}
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in values.items()}


@dataclass(slots=True)
class ScanOutcome:
    scan_id: str
    out_dir: Path
    shops_total: int
    shops_done: int
    errors: int
    reports: dict[str, Path] = field(default_factory=dict)
    summary: str = ""
    low_coverage: bool = False  # most shops could not be measured at all


async def run_scan(config: ScanConfig) -> ScanOutcome:
    try:
        store = Store(config.db_url)
    except StoreError as exc:
        raise ScanFailed(str(exc)) from exc
    try:
        return await _run_with_store(config, store)
    finally:
        store.close()


async def _run_with_store(config: ScanConfig, store: Store) -> ScanOutcome:
    settings = CrawlSettings.layered(config.config_file, _crawl_overrides(config))
    http_ctx = _http_context(config, settings)
    rubric = load_rubric(config.rubric_path)
    if config.resume_scan_id:
        scan_id, shops = _resume(store, config.resume_scan_id)
        label = (store.get_scan(scan_id) or {}).get("label", scan_id)
    else:
        shops = unique_shops(await _collect_shops(config, http_ctx), config.notify)
        label = _label(config)
    # Every option is checked before a scan is recorded: a refused key leaves no "running" scan.
    places = _places_client(config, http_ctx, known_place_ids(store, label, config.commune))
    _warn_without_places(config, places)
    _warn_about_proxy(config)
    if not config.resume_scan_id:
        scan_id = store.begin_scan(label=label, commune=config.commune,
                                   settings=config.recorded_settings(), shops=shops)
    ecosystem = await gather_for_scan(config.commune, http_ctx, config.osm_file,
                                      config.notify or _log_warning)
    counters = ScanCounters(shops_total=len(shops))
    judge = ProbePool(probe_processes_for(settings.probe_processes, len(shops)), rubric)
    try:
        with ScanProgress(counters, quiet=config.quiet) as progress, scanning_gc():
            async with Crawler(settings, http_ctx, validators=store) as crawler:
                shop_scanner = ShopScanner(crawler, places, judge,
                                           crawler.settings.total_timeout_per_shop
                                           + SHOP_GUARD_SECONDS, ecosystem)
                await _scan_shops(shops, shop_scanner, store, scan_id, counters, progress,
                                  workers=max(1, settings.global_concurrency))
    finally:
        judge.close()
        if places is not None and not isinstance(places, str):
            await places.aclose()
    commune = aggregate_commune(store.iter_shop_results(scan_id), rubric)
    if ecosystem is not None:
        commune["ecosystem"] = ecosystem_summary(ecosystem, store.iter_shop_results(scan_id))
    store.finish_scan(scan_id, commune)
    out_dir = config.out_dir or DEFAULT_OUT_ROOT / f"{_slug(label)}-{_timestamp()}"
    reports = _write_reports(store, scan_id, out_dir, config)
    counters.shops_done = int(commune.get("shops", counters.shops_done))  # all stored, resumes too
    counters.shops_total = max(counters.shops_total, counters.shops_done)
    _count_outcomes(store, scan_id, counters)
    return ScanOutcome(scan_id, out_dir, counters.shops_total, counters.shops_done,
                       counters.shop_errors, reports,
                       summary=_summary(scan_id, counters, out_dir),
                       low_coverage=counters.low_coverage())


def _count_outcomes(store: Any, scan_id: str, counters: ScanCounters) -> None:
    """Every stored shop (resumed ones too) counted by outcome, for the summary."""
    for result in store.iter_shop_results(scan_id):
        counters.outcomes[shop_outcome(result)] += 1
        counters.with_measure += is_measured(result)


def _warn_without_places(config: ScanConfig, places: PlacesSource) -> None:
    """Say before the scan, not after, that two steps will not be measured (when no key is
    set; --no-places is the user's own choice and needs no warning)."""
    message = places_warning(places if isinstance(places, str) else None)
    if message:
        (config.notify or _log_warning)(message)


def _warn_about_proxy(config: ScanConfig) -> None:
    """The crawler connects to shop sites directly (a proxy would bypass the private-address
    guard): say so when the environment names a proxy, since those sites may then fail."""
    variable = proxy_in_environment()
    if variable:
        (config.notify or _log_warning)(
            f"Un proxy est défini ({variable}), mais le scanner se connecte directement aux "
            "sites des commerces (un proxy contournerait sa protection des adresses privées). "
            "Si ce réseau n'autorise que le proxy, ces sites paraîtront injoignables.")


async def _scan_shops(
    shops: list[Shop], shop_scanner: ShopScanner, store: Store, scan_id: str,
    counters: ScanCounters, progress: ScanProgress, workers: int,
) -> None:
    pending: Iterator[Shop] = iter(shops)

    async def worker() -> None:
        for shop in pending:  # the shared iterator hands each shop to exactly one worker
            result = save_result(store, scan_id, await shop_scanner.scan(shop))
            counters.shops_done += 1
            counters.pages += result["crawl"]["pages"]
            counters.shop_errors += shop_outcome(result) not in ("measured", "not_measured")
            progress.update()

    # A TaskGroup cancels the other workers as soon as one fails (a store that is down):
    # the scan stops at once with one error, and resume continues where it stopped.
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(workers, max(1, len(shops)))):
                group.create_task(worker())
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None


def save_result(store: Store, scan_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """Store one shop's result; what a website wrote must never stop the scan.

    A result the store cannot take (text that is not valid Unicode, a value that is not JSON)
    is cleaned and stored again. A store that is down (StoreError) ends the scan: nothing
    could be kept.
    """
    try:
        store.save_shop_result(scan_id, result)
        return result
    except StoreError:
        raise
    except (ValueError, TypeError) as exc:  # UnicodeEncodeError is a ValueError
        log.warning("shop %s: result cleaned before storing (%s)", result.get("id"),
                    type(exc).__name__)
        cleaned: dict[str, Any] = json.loads(
            json.dumps(result, ensure_ascii=False, default=str).encode("utf-8", "replace"))
        store.save_shop_result(scan_id, cleaned)
        return cleaned


@dataclass(slots=True)
class ShopScanner:
    """Gathers, judges and scores one shop at a time with shared tools."""

    crawler: Crawler
    places: PlacesSource
    judge: ProbePool
    guard_seconds: float
    ecosystem: Ecosystem | None = None  # gathered once per scan; None when not available

    async def scan(self, shop: Shop) -> dict[str, Any]:
        """Never raises: failures become error results.

        The site and the Google listing are gathered side by side, each with its own guard,
        so a failure of one keeps the measurement of the other.
        """
        if shop.website or self.places is None or isinstance(self.places, str):
            site, place = await asyncio.gather(
                _crawl_guarded(self.crawler, shop, self.guard_seconds),
                _enrich_guarded(self.places, shop, self.guard_seconds))
        else:  # no known site: the Google listing may name one (website_source "places")
            place = await _enrich_guarded(self.places, shop, self.guard_seconds)
            adopt_places_website(shop, place)
            site = await _crawl_guarded(self.crawler, shop, self.guard_seconds)
        return await self.judge.judge(ShopArtifacts(shop=shop, site=site, places=place,
                                                    access=access_for(shop, self.ecosystem)))


async def _crawl_guarded(crawler: Crawler, shop: Shop, seconds: float) -> SiteArtifacts:
    try:
        async with asyncio.timeout(seconds):
            return await crawler.crawl_site(shop)
    except Exception as exc:  # noqa: BLE001 - one shop's failure must not end the scan
        log.warning("crawl of shop %s failed: %s", shop.id, type(exc).__name__)
        reason = "délai dépassé" if isinstance(exc, TimeoutError) else type(exc).__name__
        return SiteArtifacts(website=shop.website, status="error",
                             errors=[FetchError(shop.website or "", "other", reason)])


async def _enrich_guarded(places: PlacesSource, shop: Shop, seconds: float) -> PlacesArtifact:
    try:
        async with asyncio.timeout(seconds):
            return await _enrich(places, shop)
    except Exception as exc:  # noqa: BLE001
        log.warning("Places for shop %s failed: %s", shop.id, type(exc).__name__)
        reason = "délai dépassé" if isinstance(exc, TimeoutError) else type(exc).__name__
        return PlacesArtifact(status="error", reason=f"échec Google Places ({reason})")


async def _enrich(places: PlacesSource, shop: Shop) -> PlacesArtifact:
    if places is None:
        return PlacesArtifact(status="not_measured", reason="Google Places désactivé (--no-places)")
    if isinstance(places, str):
        return PlacesArtifact(status="not_measured", reason=places)
    return await places.enrich(shop)


def _http_context(config: ScanConfig, settings: CrawlSettings) -> HttpContext:
    """The demo's or a new context, with the user's pinned addresses ([crawl] resolve, then
    --resolve) added: the guard trusts them as the user's explicit choice."""
    ctx = config.http_ctx or HttpContext(allow_private=config.allow_private_addresses)
    pinned = parse_resolve((*settings.resolve, *config.resolve))
    return dataclasses.replace(ctx, resolve={**(ctx.resolve or {}), **pinned}) if pinned else ctx


def check_places_options(config: ScanConfig) -> None:
    """Refuse a bad --places-api before anything is scanned."""
    check_places_api(config.places_api)


def _places_client(config: ScanConfig, http_ctx: HttpContext,
                   known: PlaceIdCache | None = None) -> PlacesSource:
    """A Places client, None when disabled (--no-places), or why it is not measured."""
    if config.no_places:
        return None
    return places_source(config.places_api, _places_key(config), http_ctx,
                         config.places_budget, known)


def _places_key(config: ScanConfig) -> str | None:
    return places_key(config.places_api_key)


async def _collect_shops(config: ScanConfig, http_ctx: HttpContext) -> list[Shop]:
    if config.shops_file is not None:
        shops, listed_commune = read_shops_file(config.shops_file, config.notify or _log_warning)
        config.commune = config.commune or listed_commune  # the list's commune column
        return shops
    if not config.commune:
        raise UserInputError("indiquez --shops FICHIER, --commune NOM ou --demo")
    say = config.notify or _log_info
    request = ShopListRequest(
        config.commune, config.sources, osm_file=config.osm_file, kbo_path=config.kbo_path,
        places_key=None if config.no_places else _places_key(config),
        places_budget=config.places_budget)
    collected = await build_shop_list(request, http_ctx,
                                      on_estimate=lambda calls, usd: say(estimate_line(calls, usd)))
    for line in report_lines(collected):
        say(line)
    if not collected.shops:
        raise UserInputError(f"aucun commerce trouvé pour {config.commune}")
    return list(collected.shops)


def _log_info(message: str) -> None:
    log.info("%s", message)


def _log_warning(message: str) -> None:
    log.warning("%s", message)


def _resume(store: Store, scan_id: str) -> tuple[str, list[Shop]]:
    scan = store.get_scan(scan_id)
    if scan is None:
        raise UserInputError(f"analyse inconnue : {scan_id}")
    if scan.get("finished_at"):
        raise UserInputError(f"l'analyse {scan_id} est déjà terminée")
    return scan["id"], store.pending_shops(scan["id"])


def _crawl_overrides(config: ScanConfig) -> dict[str, Any]:
    overrides = dict(config.crawl_overrides)
    if config.no_render:
        overrides["render"] = False
    return overrides


def _write_reports(store: Store, scan_id: str, out_dir: Path, config: ScanConfig
                   ) -> dict[str, Path]:
    return write_reports(store, scan_id, out_dir, formats=config.formats, lang=config.lang)


def _summary(scan_id: str, counters: ScanCounters, out_dir: Path) -> str:
    return summary_line(scan_id, counters, str(out_dir))


def _label(config: ScanConfig) -> str:
    if config.commune:
        return config.commune
    if config.shops_file:
        return config.shops_file.stem
    return "scan"


def _slug(text: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in cleaned.split("-") if part) or "scan"


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
