"""Hand-made artifacts for probe tests (no crawler, no network)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.artifacts import FetchedPage, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.shop import Shop
from probes.context import ProbeContext

TODAY = dt.date(2026, 6, 1)  # fixed so freshness rules give stable results


def page(html: str, url: str = "https://shop.example.be/", role: str = "home",
         headers: dict[str, str] | None = None, status: int = 200) -> FetchedPage:
    return FetchedPage(url=url, final_url=url, status=status, headers=headers or {},
                       html=html, role=role)  # type: ignore[arg-type]


def artifacts(*pages: FetchedPage, status: str = "ok", website: str | None = None,
              places: PlacesArtifact | None = None, shop: Shop | None = None,
              https: bool | None = True) -> ShopArtifacts:
    site_url = website or (pages[0].final_url if pages else None)
    site = SiteArtifacts(website=site_url, status=status, pages=list(pages),  # type: ignore[arg-type]
                         https=https if pages else None)
    return ShopArtifacts(shop or Shop(name="Test", website=site_url), site,
                         places or PlacesArtifact(status="not_measured", reason="no_api_key"))


def context(arts: ShopArtifacts) -> ProbeContext:
    return ProbeContext(arts, today=TODAY)


def html_page(body: str, head: str = "", lang: str = "fr") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


def place(**fields: Any) -> PlacesArtifact:
    base: dict[str, Any] = {"id": "ChIJtest", "displayName": {"text": "Boulangerie Test"},
                            "googleMapsUri": "https://maps.google.com/?cid=1"}
    base.update(fields)
    return PlacesArtifact(status="found", place=base, match_confidence=0.92)
