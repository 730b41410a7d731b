"""Step 1, web presence: does the shop have a usable, findable, up-to-date site?"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from functools import lru_cache

from core.hosts import social_network
from core.result import Evidence, Signal, StepObservation
from core.text import case_folded, matches_at, occurrences
from probes import phone_numbers
from probes.context import SITE_JUDGED, ProbeContext
from probes.document import host_of
from probes.language import detect_language
from probes.opening_hours import load_hours_finder
from probes.rules import StepMeta, evidence, flag, run_rules
from probes.settings import FRESH_YEARS, MAX_PHONE_TEXT

META = StepMeta(
    id="web_presence",
    signals=("website", "reachable", "https", "http_redirects_to_https", "mobile_viewport",
             "title", "meta_description", "schema_types", "schema_localbusiness",
             "opening_hours", "phone", "email", "address", "social_links", "language",
             "copyright_year", "last_modified", "fresh"))

# Social links that do not point to the shop's own page (share buttons, plugins).
SOCIAL_NOISE = re.compile(r"/sharer|/share\?|/intent/|/plugins/|/dialog/|shareArticle|"
                          r"/pin/create|/hashtag/", re.IGNORECASE)
COPYRIGHT_MARKS = ("©", "(c)", "copyright")  # where a COPYRIGHT match starts (lower case)
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\w+\s){0,3}?(?:(?:19|20)\d{2}\s*[-–/]\s*)?"
                       r"((?:19|20)\d{2})", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*[a-z]{2,}", re.IGNORECASE)
POSTCODE_CITY = re.compile(r"\b(?:B-?\s?)?[1-9]\d{3}\s+[A-ZÀ-Ý][\wÀ-ÿ'-]+")
# \d\d{1,3} is \d{2,4}, written so that the regex engine finds where to try it by scanning
# for a digit (a first single character class), instead of trying every position.
PHONE_LIKE = re.compile(r"\d\d{1,3}[\s./-]?\d{2,3}[\s./-]?\d{2}[\s./-]?\d{2}")
VIEWPORT = re.compile(r"width\s*=\s*device-width|initial-scale", re.IGNORECASE)


def evaluate(ctx: ProbeContext) -> StepObservation:
    status = ctx.artifacts.site.status
    if status not in SITE_JUDGED:
        return StepObservation("not_measured", reason=status)
    if not ctx.site_fetched:
        no_site = {"website": lambda c: flag(False, []), "social_links": social_links}
        return StepObservation("measured", reason=status, signals=run_rules(ctx, no_site))
    return StepObservation("measured", signals=run_rules(ctx, RULES))


def website(ctx: ProbeContext) -> Signal:
    home = ctx.home
    return flag(True, [evidence(home.url if home else None, home.title if home else "",
                                "site fetched")])


def reachable(ctx: ProbeContext) -> Signal:
    page = ctx.artifacts.site.home
    ok = page is not None and page.status == 200 and bool(page.html) and not page.html.isspace()
    proofs = [evidence(page.final_url, f"HTTP {page.status}", "home status")] if page else []
    return flag(ok, proofs)


def https(ctx: ProbeContext) -> Signal | None:
    site = ctx.artifacts.site
    value = site.https
    if value is None and ctx.home and ctx.home.url:
        value = ctx.home.url.lower().startswith("https://")
    url = ctx.home.url if ctx.home else site.website
    return None if value is None else flag(bool(value), [evidence(url, url or "", "final URL")])


def http_redirects(ctx: ProbeContext) -> Signal | None:
    site = ctx.artifacts.site
    value = site.http_redirects_to_https
    proof = [evidence(site.website, f"http:// -> https:// {value}", "redirect check")]
    return None if value is None else flag(bool(value), proof)


def mobile_viewport(ctx: ProbeContext) -> Signal:
    home = ctx.home
    content = home.meta.get("viewport", "") if home else ""
    ok = bool(VIEWPORT.search(content))
    return flag(ok, [evidence(home.url, f'<meta name="viewport" content="{content}">',
                              "meta viewport")] if ok and home else [])


def title(ctx: ProbeContext) -> Signal | None:
    home = ctx.home
    if home is None:
        return None
    return Signal(home.title or None, 1.0,
                  [evidence(home.url, home.title, "<title>")] if home.title else [])


def meta_description(ctx: ProbeContext) -> Signal:
    home = ctx.home
    content = home.meta.get("description", "") if home else ""
    url = home.url if home else None
    return flag(bool(content), [evidence(url, content, "meta description")] if content else [])


def schema_types(ctx: ProbeContext) -> Signal:
    types: dict[str, Evidence] = {}
    for page in ctx.pages:
        for item in page.schema:
            for t in item.types:
                types.setdefault(t, evidence(page.url, t, f"schema.org {item.source}"))
    return Signal(value=sorted(types), evidence=list(types.values()))


def schema_localbusiness(ctx: ProbeContext) -> Signal:
    for page in ctx.pages:
        for item in page.schema:
            found = [t for t in item.types if ctx.schema_vocab.is_local_business(t)]
            if found:
                return flag(True, [evidence(page.url, found[0], f"schema.org {item.source}")])
    return flag(False, [])


def opening_hours(ctx: ProbeContext) -> Signal:
    for page in ctx.pages:
        for item in page.schema:
            if "openingHours" in item.props or "openingHoursSpecification" in item.props:
                return flag(True, [evidence(page.url, str(item.props.get("openingHours", "")),
                                            "schema.org openingHours")])
    finder = load_hours_finder()
    for page in ctx.pages:
        found = finder.find(page.text)
        if found:
            return flag(True, [evidence(page.url, found, "days and hours in text", 0.8)], 0.8)
    return flag(False, [])


def phone(ctx: ProbeContext) -> Signal | None:
    for page in ctx.pages:
        for link in page.links:
            href = link.href  # many links: only "t" and "T" lower-case to a "t" (a test checks)
            if href[:1] in "tT" and href[:4].lower() == "tel:":
                number = phone_numbers.e164(href[4:])
                if number:
                    return Signal(number, 1.0, [evidence(page.url, href, "tel: link")])
    for page in ctx.pages:
        text = page.text[-MAX_PHONE_TEXT:]  # contact details sit in the footer
        if not PHONE_LIKE.search(text):
            continue  # cheap check before the (slow) phone matcher
        found = phone_numbers.first_in_text(text)
        if found:
            number, raw = found
            return Signal(number, 0.8, [evidence(page.url, raw, "phone in text", 0.8)])
    return Signal(None, 1.0)


def email(ctx: ProbeContext) -> Signal:
    for page in ctx.pages:
        for link in page.links:
            href = link.href  # only "m" and "M" lower-case to an "m" (a test checks)
            if href[:1] in "mM" and href[:7].lower() == "mailto:" and "@" in href:
                return flag(True, [evidence(page.url, link.href, "mailto: link")])
    for page in ctx.pages:
        at = page.text.find("@")
        # A match starts in the space-free run before an "@": search from the first one.
        m = EMAIL.search(page.text, page.text.rfind(" ", 0, at) + 1) if at >= 0 else None
        if m:
            return flag(True, [evidence(page.url, m.group(0), "e-mail in text", 0.9)])
    return flag(False, [])


def address(ctx: ProbeContext) -> Signal:
    for page in ctx.pages:
        for item in page.schema:
            if "PostalAddress" in item.types or "streetAddress" in item.props:
                return flag(True, [evidence(page.url, str(item.props.get("streetAddress", "")),
                                            "schema.org PostalAddress")])
    for page in ctx.pages:
        for hit in ctx.text_hits(page, "address"):
            m = POSTCODE_CITY.search(hit.snippet)
            if m:
                return flag(True, [evidence(page.url, hit.snippet, "street word + postcode", 0.7)])
    return flag(False, [])


def social_links(ctx: ProbeContext) -> Signal:
    found: dict[str, Evidence] = {}
    shop, site = ctx.artifacts.shop, ctx.artifacts.site
    social_site = site.website if site.status == "social_only" else None
    seen = [shop.facebook, shop.instagram, social_site, *getattr(site, "social_links", [])]
    for url in seen:
        network = _network(url) if url else None
        if network:
            found.setdefault(network, evidence(url, url, "shop record"))
    for page in ctx.pages:
        for link in page.links:
            network = _network(link.href, link.host)
            if network and not SOCIAL_NOISE.search(link.href):
                found.setdefault(network, evidence(page.url, link.href, "link to social network"))
    return Signal(value=sorted(found), evidence=list(found.values()))


def _network(url: str, host: str | None = None) -> str | None:
    host = host or host_of(url)
    return _network_of_host(host) if host else None


@lru_cache(maxsize=4096)
def _network_of_host(host: str) -> str | None:
    """social_network(host), remembered: a page links to the same few hosts many times."""
    return social_network(host)


def language(ctx: ProbeContext) -> Signal:
    home = ctx.home
    code, proof = detect_language(home, ctx.keywords) if home else (None, None)
    return Signal(value=code, evidence=[proof] if proof else [])


def copyright_year(ctx: ProbeContext) -> Signal:
    if "copyright_year" not in ctx.cache:  # also read by `fresh`
        ctx.cache["copyright_year"] = _copyright_year(ctx)
    return ctx.cache["copyright_year"]


def _copyright_year(ctx: ProbeContext) -> Signal:
    best, proof = None, []
    for page in ctx.pages:
        for m in _copyright_notices(page.text[-5000:] + " " + page.text[:2000]):
            year = int(m.group(1))
            if year <= ctx.today.year + 1 and (best is None or year > best):
                best, proof = year, [evidence(page.url, m.group(0), "copyright notice")]
    return Signal(value=best, evidence=proof)


def _copyright_notices(text: str) -> Iterator[re.Match[str]]:
    """COPYRIGHT.finditer(text), tried only where "©", "(c)" or "copyright" is (any case):
    the same matches, without the regex trying every position of the text."""
    folded = case_folded(text)  # same length, lower case as re.IGNORECASE compares
    return matches_at(COPYRIGHT, text,
                      sorted(at for mark in COPYRIGHT_MARKS for at in occurrences(folded, mark)))


def last_modified(ctx: ProbeContext) -> Signal | None:
    home = ctx.home
    raw = home.headers.get("last-modified") if home else None
    parsed = _http_date(raw)
    if not parsed or home is None:
        return None
    return Signal(parsed.isoformat(), 1.0, [evidence(home.url, raw or "", "Last-Modified")])


def _http_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        return None


def fresh(ctx: ProbeContext) -> Signal:
    """None (unknown) when the site shows neither a copyright year nor a Last-Modified date."""
    year = copyright_year(ctx).value
    modified = _http_date(ctx.home.headers.get("last-modified") if ctx.home else None)
    if year is None and modified is None:
        return Signal(None, 1.0)
    recent_year = year is not None and year >= ctx.today.year - FRESH_YEARS + 1
    recent_date = modified is not None and (ctx.today - modified).days <= 365 * FRESH_YEARS
    proofs = []
    if recent_year:
        proofs += copyright_year(ctx).evidence
    if recent_date:
        proofs += last_modified(ctx).evidence  # type: ignore[union-attr]
    return flag(recent_year or recent_date, proofs)


RULES = {
    "website": website, "reachable": reachable, "https": https,
    "http_redirects_to_https": http_redirects, "mobile_viewport": mobile_viewport,
    "title": title, "meta_description": meta_description, "schema_types": schema_types,
    "schema_localbusiness": schema_localbusiness, "opening_hours": opening_hours,
    "phone": phone, "email": email, "address": address, "social_links": social_links,
    "language": language, "copyright_year": copyright_year, "last_modified": last_modified,
    "fresh": fresh,
}
