"""The context every probe receives: artifacts, pages parsed once, data files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from core.artifacts import ShopArtifacts
from core.text import registrable_domain
from probes.document import ParsedPage, host_of, parsed_page_of
from probes.fingerprints import Detection, Technology, load_fingerprints
from probes.keywords import KeywordHit, Keywords, load_keywords
from probes.settings import (
    SchemaVocabulary,
    WebshopRules,
    load_schema_vocabulary,
    load_webshop_rules,
)
from probes.technologies import detect_technologies

# Site statuses for which the site was looked at and the web steps can be judged.
SITE_JUDGED = ("ok", "no_website", "social_only")


@dataclass
class ProbeContext:
    artifacts: ShopArtifacts
    # Loaders are looked up when the context is built (data files are cached by the loaders).
    fingerprints: dict[str, Technology] = field(default_factory=lambda: load_fingerprints())
    keywords: Keywords = field(default_factory=lambda: load_keywords())
    webshop_rules: WebshopRules = field(default_factory=lambda: load_webshop_rules())
    schema_vocab: SchemaVocabulary = field(default_factory=lambda: load_schema_vocabulary())
    today: dt.date = field(default_factory=dt.date.today)
    cache: dict[Any, Any] = field(default_factory=dict)  # results shared between rules

    @cached_property
    def pages(self) -> list[ParsedPage]:
        """Every fetched page, parsed once."""
        return [parsed_page_of(p) for p in self.artifacts.site.pages]

    @property
    def home(self) -> ParsedPage | None:
        return self.pages[0] if self.pages else None

    @property
    def site_fetched(self) -> bool:
        return self.artifacts.site.status == "ok" and bool(self.pages)

    @cached_property
    def site_domain(self) -> str | None:
        site = self.artifacts.site
        url = (site.home.final_url if site.home else None) or site.website
        return registrable_domain(url)

    @cached_property
    def detections(self) -> list[tuple[ParsedPage, Detection]]:
        """Technologies recognised on every page, best first, one entry per technology."""
        best: dict[str, tuple[ParsedPage, Detection]] = {}
        for page in self.pages:
            for det in detect_technologies(page, self.fingerprints):
                if det.name not in best or det.confidence > best[det.name][1].confidence:
                    best[det.name] = (page, det)
        return sorted(best.values(), key=lambda pd: -pd[1].confidence)

    def text_hits(self, page: ParsedPage, category: str) -> list[KeywordHit]:
        """Keyword hits of a TEXT_CATEGORIES category in a page's text (one scan per page)."""
        key = ("keywords", id(page))
        if key not in self.cache:
            self.cache[key] = self.keywords.scan(page.text)
        return self.cache[key][category]

    def same_site_links(self, page: ParsedPage) -> list[bool]:
        """is_same_site of each of the page's links, in order (computed once per page)."""
        key = ("same_site", id(page))
        if key not in self.cache:
            by_host: dict[str, bool] = {}  # a page links to the same few hosts many times
            same = []
            for link in page.links:
                host = link.host
                if host is None:
                    same.append(self.is_same_site(link.href))
                elif (known := by_host.get(host)) is not None:
                    same.append(known)
                else:
                    same.append(by_host.setdefault(host, self.is_same_site(link.href, host)))
            self.cache[key] = same
        return self.cache[key]

    def detections_with_role(self, role: str) -> list[tuple[ParsedPage, Detection]]:
        return [(p, d) for p, d in self.detections if role in d.roles]

    def is_same_site(self, url: str, host: str | None = None) -> bool:
        """True for links to the shop's own registrable domain (or relative links)."""
        host = host or host_of(url)
        if host is None:
            return not url.lower().startswith(("mailto:", "tel:", "javascript:", "data:"))
        domain = self.site_domain
        return domain is not None and (host == domain or host.endswith("." + domain))
