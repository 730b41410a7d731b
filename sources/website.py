"""Find a shop's website when the list has none, and never guess without proof.

- ``adopt_places_website(shop, artifact)``: a Google listing's websiteUri fills an empty
  website (``website_source = "places"``). OSM, KBO and CSV websites are taken by the merge.
- ``verify_guessed_website(shop, url, http_ctx)``: fetches the home page and accepts the
  guess only if the page mentions the shop's distinctive name or its phone number.
- ``guess_website(shop, http_ctx)``: tries ``<name>.be`` style domains and keeps the first
  one that verifies. OFF by default (``--guess-websites``): a guess costs requests to
  domains that may belong to someone else.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from core.artifacts import PlacesArtifact
from core.http import HttpContext, make_client
from core.shop import Shop
from sources.normalise import phone_key
from sources.places_match import distinctive
from sources.text import fold

GUESS_SUFFIXES = (".be", ".com")
MAX_PAGE_BYTES = 1_000_000
VERIFY_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def adopt_places_website(shop: Shop, artifact: PlacesArtifact) -> bool:
    """Fill shop.website from a found Places listing; True when it did."""
    uri = (artifact.place or {}).get("websiteUri") if artifact.status == "found" else None
    if shop.website or not uri:
        return False
    shop.website, shop.website_source = str(uri), "places"
    shop.provenance["website"] = "places"
    return True


def page_mentions_shop(shop: Shop, html: str) -> bool:
    text = fold(re.sub(r"<[^>]+>", " ", html))
    name = fold(distinctive(shop.name))
    if name and len(name) >= 4 and name in text:
        return True
    phone = phone_key(shop.phone)
    if phone:
        digits = re.sub(r"\D", "", text)
        national = "0" + phone[3:] if phone.startswith("+32") else phone.lstrip("+")
        return national in digits or phone.lstrip("+") in digits
    return False


async def verify_guessed_website(shop: Shop, url: str, http_ctx: HttpContext,
                                 client: httpx.AsyncClient | None = None) -> bool:
    """True when the page at url answers 200 and mentions the shop (name or phone)."""
    own = client is None
    client = client or make_client(http_ctx, timeout=VERIFY_TIMEOUT, follow_redirects=True)
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                return False
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    break
        return page_mentions_shop(shop, body.decode(response.encoding or "utf-8", "replace"))
    except (httpx.HTTPError, UnicodeDecodeError, LookupError):
        return False
    finally:
        if own:
            await client.aclose()


def guess_urls(shop: Shop) -> list[str]:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(distinctive(shop.name))).strip("-")
    full = re.sub(r"[^a-z0-9]+", "-", fold(shop.name)).strip("-")
    names = list(dict.fromkeys(n for n in (full, full.replace("-", ""), slug) if len(n) >= 4))
    return [f"https://{n}{suffix}/" for n in names for suffix in GUESS_SUFFIXES]


async def guess_website(shop: Shop, http_ctx: HttpContext, **_: Any) -> str | None:
    """The first guessed URL that verifies; sets shop.website ("discovered") when found."""
    if shop.website:
        return None
    async with make_client(http_ctx, timeout=VERIFY_TIMEOUT, follow_redirects=True) as client:
        for url in guess_urls(shop):
            if await verify_guessed_website(shop, url, http_ctx, client):
                shop.website, shop.website_source = url, "discovered"
                shop.provenance["website"] = "discovered"
                return url
    return None
