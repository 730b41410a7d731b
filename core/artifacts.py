"""What the scanner gathers for one shop: the artifacts that probes judge.

Probes never do I/O; everything they may look at is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from core.shop import Shop

PageRole = Literal["home", "contact", "shop", "pickup", "about", "hours", "other"]
SiteStatus = Literal[
    "ok",  # at least one page fetched
    "no_website",  # the shop has no known website
    "social_only",  # the only "website" is a social network page (recorded, not crawled)
    "blocked_by_robots",  # robots.txt disallows the home page
    "refused",  # SSRF guard refused the target
    "unreachable",  # DNS, connection, TLS or timeout failure
    "http_error",  # the home page answered 4xx/5xx
    "error",  # anything else, see errors
]
RenderStatus = Literal["not_needed", "rendered", "unavailable", "disabled", "failed"]
RobotsStatus = Literal["ok", "missing", "error"]
#: Why a fetch failed (FetchError.kind, scanner.gather.fetch.FetchFailure.kind).
FailureKind = Literal[
    "timeout", "connect", "dns", "tls",  # the site could not be reached
    "http_status",  # it answered 4xx/5xx
    "too_large", "content_type",  # the answer is not a page we read
    "refused",  # the SSRF guard refused the address
    "robots",  # robots.txt disallows the page
    "social",  # a social network page: recorded, never crawled (never stored as an error)
    "other",
]


class ParsedDocument(Protocol):
    """A page parsed once (probes.document.ParsedPage); core only keeps it on the page."""

    source: str  # the html it was parsed from: another FetchedPage.html means it is stale
    role: str


@dataclass(slots=True)
class FetchError:
    url: str
    kind: FailureKind
    message: str


@dataclass(slots=True)
class FetchedPage:
    url: str  # URL requested
    final_url: str  # URL after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    html: str  # decoded body
    role: PageRole = "other"
    redirects: list[str] = field(default_factory=list)  # intermediate URLs
    elapsed_ms: float = 0.0
    rendered: bool = False  # html comes from a headless browser
    not_modified: bool = False  # 304: html comes from the cache of a previous scan
    # The page parsed once, shared by the crawler and the probes; see
    # probes.document.parsed_page_of. Never stored.
    parsed: ParsedDocument | None = field(default=None, repr=False, compare=False)


@dataclass(slots=True)
class RobotsInfo:
    url: str
    status: RobotsStatus
    home_allowed: bool = True
    crawl_delay: float | None = None


@dataclass(slots=True)
class SiteArtifacts:
    website: str | None
    status: SiteStatus
    pages: list[FetchedPage] = field(default_factory=list)
    robots: RobotsInfo | None = None
    https: bool | None = None  # final home URL is https
    http_redirects_to_https: bool | None = None  # http:// of the site redirects to https://
    render: RenderStatus = "not_needed"
    errors: list[FetchError] = field(default_factory=list)
    social_links: list[str] = field(default_factory=list)  # social network links seen, not crawled

    @property
    def home(self) -> FetchedPage | None:
        return self.pages[0] if self.pages else None


@dataclass(slots=True)
class PlacesArtifact:
    """A Places API (New) place object, as returned by place details / search.

    Keys used by probes: id, displayName.text, formattedAddress, location,
    businessStatus, regularOpeningHours, nationalPhoneNumber,
    internationalPhoneNumber, websiteUri, rating, userRatingCount, photos,
    primaryType, types, editorialSummary.text, takeout, delivery,
    curbsidePickup, dineIn, googleMapsUri.
    """

    status: Literal["found", "not_found", "not_measured", "error"]
    reason: str | None = None
    place: dict[str, Any] | None = None
    match_confidence: float | None = None  # 0..1, name + address + distance


@dataclass(slots=True)
class AccessibilityArtifact:
    """Where the shop stands in the commune's ecosystem (sources/ecosystem_access.py).

    Distances are in metres as the crow flies, to the nearest feature mapped in
    OpenStreetMap. None is unknown (no coordinates for the shop, or nothing of that kind
    mapped in the commune): never "far away".
    """

    status: Literal["measured", "not_measured"]
    reason: str | None = None
    parking_m: float | None = None  # nearest car park
    bicycle_parking_m: float | None = None
    collection_point_m: float | None = None  # nearest parcel locker or postal point
    on_pedestrian_street: bool | None = None
    pedestrian_street: str | None = None  # its name, when on one
    attractions_nearby: int | None = None  # within the radius of sources/data/ecosystem.toml


@dataclass(slots=True)
class ShopArtifacts:
    shop: Shop
    site: SiteArtifacts
    places: PlacesArtifact
    access: AccessibilityArtifact = field(default_factory=lambda: AccessibilityArtifact(
        "not_measured", "écosystème de la commune non rassemblé"))
    sector: str | None = None  # scoring.sector_of(shop), handed to the probes by the judge step
