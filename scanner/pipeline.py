"""Run a scan: shop list → crawl + Places → probes → scoring → store, one shop at a time.

Each shop's result is written to the store in its own transaction as soon as it is complete,
so a killed scan loses nothing and ``resume`` continues with the shops still pending.
The commune aggregates are computed at the end by streaming the stored results.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.artifacts import FetchError, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.errors import ScanFailed, UserInputError
from core.http import HttpContext
from core.result import ProbeReport, StepObservation
from core.shop import Shop
from core.steps import STEPS
from scanner.ecosystem import access_for, ecosystem_summary, gather_for_scan
from scanner.gather.crawler import Crawler
from scanner.gather.settings import CrawlSettings
from scanner.probe_pool import ProbePool, probe_processes_for
from scanner.progress import ScanCounters, ScanProgress, places_warning
from scanner.shop_result import build_shop_result
from scoring import aggregate_commune, load_rubric, score_shop, sector_of
from scoring.result_view import is_measured, shop_outcome
from sources.website import adopt_places_website

log = logging.getLogger("smartcommerce.pipeline")

DEFAULT_DB_URL = "sqlite:///smartcommerce.db"
DEFAULT_OUT_ROOT = Path("smartcommerce-out")
DEFAULT_FORMATS = ("json", "csv", "html", "xlsx")
PLACES_KEY_ENV = "GOOGLE_MAPS_API_KEY"
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
    notify: Callable[[str], None] | None = None  # plain-language messages for the user

    def recorded_settings(self) -> dict[str, Any]:
        """What the store keeps to resume the scan later; never the API key."""
        keep = ("shops_file", "commune", "sources", "osm_file", "kbo_path", "config_file",
                "crawl_overrides", "rubric_path", "places_budget", "places_api", "no_places",
                "no_render", "allow_private_addresses", "formats", "lang", "demo")
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
    from output.store import Store, StoreError

    try:
        store = Store(config.db_url)
    except StoreError as exc:
        raise ScanFailed(str(exc)) from exc
    try:
        return await _run_with_store(config, store)
    finally:
        store.close()


async def _run_with_store(config: ScanConfig, store: Any) -> ScanOutcome:
    http_ctx = config.http_ctx or HttpContext(allow_private=config.allow_private_addresses)
    settings = CrawlSettings.layered(config.config_file, _crawl_overrides(config))
    rubric = load_rubric(config.rubric_path)
    if config.resume_scan_id:
        scan_id, shops = _resume(store, config.resume_scan_id)
        label = (store.get_scan(scan_id) or {}).get("label", scan_id)
    else:
        shops = _unique(await _collect_shops(config, http_ctx), config.notify)
        label = _label(config)
        scan_id = store.begin_scan(label=label, commune=config.commune,
                                   settings=config.recorded_settings(), shops=shops)
    ecosystem = await gather_for_scan(config.commune, http_ctx, config.osm_file, _say(config))
    counters = ScanCounters(shops_total=len(shops))
    places = _places_client(config, http_ctx, _known_place_ids(store, label, config.commune))
    _warn_without_places(config, places)
    judge = ProbePool(probe_processes_for(settings.probe_processes, len(shops)))
    try:
        with ScanProgress(counters, quiet=config.quiet) as progress:
            async with Crawler(settings, http_ctx, validators=store) as crawler:
                shop_scanner = ShopScanner(crawler, places, judge, rubric,
                                           crawler.settings.total_timeout_per_shop
                                           + SHOP_GUARD_SECONDS, ecosystem)
                await _scan_shops(shops, shop_scanner, store, scan_id, counters, progress,
                                  workers=max(1, settings.global_concurrency))
    finally:
        judge.close()
        if hasattr(places, "aclose"):
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


def _warn_without_places(config: ScanConfig, places: Any) -> None:
    """Say before the scan, not after, that two steps will not be measured (when no key is
    set; --no-places is the user's own choice and needs no warning)."""
    message = places_warning(places if isinstance(places, str) else None)
    if message:
        (config.notify or (lambda text: log.warning("%s", text)))(message)


async def _scan_shops(
    shops: list[Shop], shop_scanner: ShopScanner, store: Any, scan_id: str,
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

    await asyncio.gather(*(worker() for _ in range(min(workers, max(1, len(shops))))))


def save_result(store: Any, scan_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """Store one shop's result; what a website wrote must never stop the scan.

    A result the store cannot take (text that is not valid Unicode, a value that is not JSON)
    is cleaned and stored again. A store that is down (StoreError) ends the scan: nothing
    could be kept.
    """
    from output.store import StoreError

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
    places: Any  # PlacesClient, LegacyPlacesClient, None (disabled) or a reason string
    judge: ProbePool
    rubric: Any
    guard_seconds: float
    ecosystem: Any = None  # sources.ecosystem.Ecosystem, gathered once per scan, or None

    async def scan(self, shop: Shop) -> dict[str, Any]:
        """Never raises: failures become error results.

        The site and the Google listing are gathered side by side, each with its own guard,
        so a failure of one keeps the measurement of the other.
        """
        shop.sector = shop.sector or sector_of(shop)
        if shop.website or self.places is None or isinstance(self.places, str):
            site, place = await asyncio.gather(
                _crawl_guarded(self.crawler, shop, self.guard_seconds),
                _enrich_guarded(self.places, shop, self.guard_seconds))
        else:  # no known site: the Google listing may name one (website_source "places")
            place = await _enrich_guarded(self.places, shop, self.guard_seconds)
            adopt_places_website(shop, place)
            site = await _crawl_guarded(self.crawler, shop, self.guard_seconds)
        artifacts = ShopArtifacts(shop=shop, site=site, places=place,
                                  access=access_for(shop, self.ecosystem))
        report = await self.judge.run(artifacts)
        try:
            steps = score_shop(shop, report, self.rubric)
        except Exception as exc:  # noqa: BLE001
            return _error_result(shop, site, place, f"échec du calcul du score ({exc})")
        return build_shop_result(artifacts, report, steps)


async def _crawl_guarded(crawler: Crawler, shop: Shop, seconds: float) -> SiteArtifacts:
    try:
        async with asyncio.timeout(seconds):
            return await crawler.crawl_site(shop)
    except Exception as exc:  # noqa: BLE001 - one shop's failure must not end the scan
        log.warning("crawl of shop %s failed: %s", shop.id, type(exc).__name__)
        reason = "délai dépassé" if isinstance(exc, TimeoutError) else type(exc).__name__
        return SiteArtifacts(website=shop.website, status="error",
                             errors=[FetchError(shop.website or "", "other", reason)])


async def _enrich_guarded(places: Any, shop: Shop, seconds: float) -> PlacesArtifact:
    try:
        async with asyncio.timeout(seconds):
            return await _enrich(places, shop)
    except Exception as exc:  # noqa: BLE001
        log.warning("Places for shop %s failed: %s", shop.id, type(exc).__name__)
        reason = "délai dépassé" if isinstance(exc, TimeoutError) else type(exc).__name__
        return PlacesArtifact(status="error", reason=f"échec Google Places ({reason})")


def _error_result(shop: Shop, site: SiteArtifacts, place: PlacesArtifact, reason: str
                  ) -> dict[str, Any]:
    report = ProbeReport({s: StepObservation(status="error", reason=reason) for s in STEPS})
    steps = {s: {"score": None, "level": None, "status": "error", "reason": reason}
             for s in STEPS}
    return build_shop_result(ShopArtifacts(shop, site, place), report, steps)


async def _enrich(places: Any, shop: Shop) -> PlacesArtifact:
    if places is None:
        return PlacesArtifact(status="not_measured", reason="Google Places désactivé (--no-places)")
    if isinstance(places, str):
        return PlacesArtifact(status="not_measured", reason=places)
    result: PlacesArtifact = await places.enrich(shop)
    return result


def _known_place_ids(store: Any, label: str, commune: str | None) -> Any:
    """Place ids found by the last finished scan of the same list: a rescan asks Google for
    those places by id (Place Details, cheaper than a Text Search)."""
    from sources.places_cache import MemoryPlaceIdCache

    cache = MemoryPlaceIdCache()
    previous = [scan for scan in store.list_scans(commune)
                if scan.get("finished_at") and scan.get("label") == label]
    if previous:
        for result in store.iter_shop_results(previous[-1]["id"]):
            place_id = result.get("place_id")
            if place_id and (result.get("places") or {}).get("status") == "found":
                cache.put(str(result["id"]), str(place_id))
    return cache


def _places_client(config: ScanConfig, http_ctx: HttpContext, known: Any = None) -> Any:
    """A Places client, None when disabled, or a string saying why it is not measured."""
    if config.no_places:
        return None
    key = _places_key(config)
    if not key:
        return f"pas de clé API Google Places ({PLACES_KEY_ENV} non définie)"
    if config.places_api == "legacy":
        from sources.places_legacy import LegacyPlacesClient

        return LegacyPlacesClient(key)
    if config.places_api != "new":
        raise UserInputError(f"--places-api : « new » ou « legacy », pas « {config.places_api} »")
    from sources.places import PlacesClient

    return PlacesClient(api_key=key, http_ctx=http_ctx, budget=config.places_budget,
                        cache=known)


def _unique(shops: list[Shop], notify: Callable[[str], None] | None) -> list[Shop]:
    """One entry per shop id: a line repeated in a list is the same shop."""
    seen: dict[str, Shop] = {}
    for shop in shops:
        seen.setdefault(shop.id, shop)
    if len(seen) < len(shops) and notify:
        notify(f"{len(shops) - len(seen)} ligne(s) en double ignorée(s)")
    return list(seen.values())


def _say(config: ScanConfig) -> Callable[[str], None]:
    return config.notify or (lambda message: log.warning("%s", message))


def _places_key(config: ScanConfig) -> str | None:
    return config.places_api_key or os.environ.get(PLACES_KEY_ENV) or None


async def _collect_shops(config: ScanConfig, http_ctx: HttpContext) -> list[Shop]:
    if config.shops_file is not None:
        from sources.csv_list import read_shop_list

        if not config.shops_file.exists():
            raise UserInputError(f"fichier introuvable : {config.shops_file}")
        imported = read_shop_list(config.shops_file)
        say = config.notify or (lambda message: log.warning("%s", message))
        for err in imported.errors:
            say(f"{config.shops_file.name}, ligne {err.row_number} : {err.message} "
                "(ligne ignorée)")
        if not imported.shops:
            raise UserInputError(f"aucun commerce lisible dans {config.shops_file}")
        config.commune = config.commune or imported.commune  # the list's commune column
        return imported.shops
    if config.commune:
        from sources.collect import collect_shops, overlap_summary

        key = None if config.no_places else _places_key(config)
        say = config.notify or (lambda message: log.info("%s", message))
        collected = await collect_shops(
            config.commune, sources=config.sources, osm_file=config.osm_file,
            kbo_path=config.kbo_path, http_ctx=http_ctx, places_key=key,
            places_budget=config.places_budget,
            on_estimate=lambda calls, usd: say(
                f"Google Places : au plus {calls} appels facturés (~{usd:.2f} USD)"),
        )
        counts = ", ".join(f"{src} {n}" for src, n in collected.per_source_counts.items())
        say(f"Commerces trouvés par source : {counts} ; après fusion : {len(collected.shops)}")
        for line in overlap_summary(collected):
            say(f"  {line}")
        for problem in collected.errors:
            say(f"Attention : {problem}")
        if not collected.shops:
            raise UserInputError(f"aucun commerce trouvé pour {config.commune}")
        return list(collected.shops)
    raise UserInputError("indiquez --shops FICHIER, --commune NOM ou --demo")


def _resume(store: Any, scan_id: str) -> tuple[str, list[Shop]]:
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


def _write_reports(store: Any, scan_id: str, out_dir: Path, config: ScanConfig
                   ) -> dict[str, Path]:
    from output import write_reports

    reports: dict[str, Path] = write_reports(store, scan_id, out_dir, formats=config.formats,
                                             lang=config.lang)
    return reports


def _summary(scan_id: str, counters: ScanCounters, out_dir: Path) -> str:
    from scanner.progress import summary_line

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
