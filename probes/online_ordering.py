"""Step 3, online ordering: webshop, platform, payments, booking, food ordering.

"Webshop" adds up independent kinds of evidence weighted in probes/data/webshop.toml,
so a blog that merely loads WooCommerce CSS, a link to somebody else's shop or a
hotel's "Book now" button do not reach the threshold on their own.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from core.result import Evidence, Signal, StepObservation
from core.text import joined_paths, path_of, whole_word_at
from probes.context import SITE_JUDGED, ProbeContext
from probes.document import ParsedPage
from probes.prefilter import whole_words
from probes.rules import StepMeta, evidence, flag, run_rules

META = StepMeta(
    id="online_ordering",
    signals=("webshop", "platform", "payment_methods", "marketplaces", "online_booking",
             "booking_platform", "food_ordering", "food_platforms", "technologies"))

# Link evidence kinds and the keyword category of each (by link text; the first two by URL too)
LINK_KINDS = ("cart_link", "checkout_link", "add_to_cart_control", "shop_link")
LINK_CATEGORIES = ("cart", "checkout", "add_to_cart", "shop_link")
LINK_URL_CATEGORIES = ("cart", "checkout")
MAX_LABEL_CHARS = 60  # longer link texts are sentences, not labels
MAX_CONTROL_CHARS = 120  # button labels may name the product ("Put X in the cart")
FOOD_SCHEMA = ("FoodEstablishment", "Restaurant", "FastFoodRestaurant", "Bakery", "BarOrPub",
               "CafeOrCoffeeShop", "IceCreamShop")
FOOD_SECTORS = ("horeca", "food_retail")
DECIMAL = re.compile(r"\d[.,]\d\d")
NON_WORD = re.compile(rb"[^a-z0-9]+")  # splits a lower-cased path into its words
PRICE_MARGIN = 16  # characters a price (currency, space, "euro", a word end) may span around it
LODGING_MIN_WORDS = 3  # room/night/hotel words that make a page a lodging page
# Markup kinds whose words, written in the visible text, are evidence of their own kind
# ("Secure checkout" is shop text in any language that borrows the word).
TEXT_KINDS = {"checkout_markup": "checkout_text"}


def evaluate(ctx: ProbeContext) -> StepObservation:
    status = ctx.artifacts.site.status
    if status not in SITE_JUDGED:
        return StepObservation("not_measured", reason=status)
    if not ctx.site_fetched:
        absent = {name: _absent for name in ("webshop", "online_booking", "food_ordering")}
        return StepObservation("measured", reason=status, signals=run_rules(ctx, absent))
    return StepObservation("measured", signals=run_rules(ctx, RULES))


def _absent(ctx: ProbeContext) -> Signal:
    return flag(False, [])


def webshop_evidence(ctx: ProbeContext) -> dict[str, Evidence]:
    """Kinds of selling evidence found on the site (computed once per context)."""
    if "webshop" not in ctx.cache:
        found: dict[str, Evidence] = {}
        for page in ctx.pages:
            for kind, proof in _page_evidence(ctx, page, found):
                found.setdefault(kind, proof)
        _platform_evidence(ctx, found)
        ctx.cache["webshop"] = found
    return ctx.cache["webshop"]


def _page_evidence(ctx: ProbeContext, page: ParsedPage, found: dict[str, Evidence]):
    """(kind, evidence) of the page. Only the first evidence of a kind is kept: the buttons
    (hundreds on a category page) are not read for a kind already in `found`."""
    rules, kw = ctx.webshop_rules, ctx.keywords
    for control in page.controls:
        button, form = "add_to_cart_control" not in found, "add_to_cart_form" not in found
        if not (button or form):
            break
        if button and len(control.text) <= MAX_CONTROL_CHARS \
                and kw.matches_label("add_to_cart", control.text):
            yield "add_to_cart_control", evidence(page.url, control.text, "add-to-cart button")
        if form and rules.add_to_cart_attr.search(f"{control.classes} {control.name}"):
            yield "add_to_cart_form", evidence(page.url, control.classes or control.name,
                                               "add-to-cart class/name")
    for names in page.form_names:
        if rules.add_to_cart_attr.search(names):
            yield "add_to_cart_form", evidence(page.url, names, "add-to-cart form name")
    for action in page.form_actions:
        if ctx.is_same_site(action) and rules.cart_form_action.search(action):
            yield "add_to_cart_form", evidence(page.url, action, "form posts to cart")
    yield from _link_evidence(ctx, page)
    yield from _schema_evidence(page)
    meta = page.meta
    if meta.get("og:type", "").lower() == "product" or "product:price:amount" in meta:
        yield "og_product_price", evidence(page.url, meta.get("product:price:amount", "product"),
                                           "OpenGraph product")
    prices = first_matches_near_decimals(rules.price, page.text, rules.min_prices)
    if len(prices) >= rules.min_prices:
        yield "prices", evidence(page.url, ", ".join(prices[:5]), "prices in text")
    yield from _markup_evidence(ctx, page)


def _markup_evidence(ctx: ProbeContext, page: ParsedPage):
    """Shop words in the markup only (class names, ids, URLs, scripts): any language.

    A word counts when the raw HTML holds it more often than the visible text (link texts
    included: "a basket of currencies" is prose) and other sites' link addresses together.
    A checkout word that is a whole word of the visible text is evidence of its own kind.
    """
    rules, low = ctx.webshop_rules, page.lower_bytes()
    words = whole_words(low, rules.markup_vocabulary, page.scan)
    text: bytes | None = None  # the visible text (ASCII letters lower-cased, as `low`)
    external = b""  # somebody else's shop links do not count either
    unless = rules.markup_unless  # e.g. "checkout" beside "checkin": a hotel stay
    for kind, wanted in rules.markup_words.items():
        candidates = wanted & words
        if not candidates or not unless.get(kind, frozenset()).isdisjoint(words):
            continue
        if text is None:
            text = page.text.encode("utf-8", "replace").lower()
            external = "\n".join(link.href for link, own in zip(
                page.links, ctx.same_site_links(page), strict=True) if not own).encode().lower()
        for word in sorted(candidates):  # the first word that counts: its count is enough
            elsewhere = text.count(word) + external.count(word)
            if (at := low.find(word)) >= 0 and (not elsewhere or low.count(word) > elsewhere):
                snippet = low[max(0, at - 40):at + 40].decode("utf-8", "replace")
                yield kind, evidence(page.url, snippet, f"word '{word.decode()}' in the markup")
                break
        if kind in TEXT_KINDS:
            yield from _text_word_evidence(page, text, candidates, TEXT_KINDS[kind])


def _text_word_evidence(page: ParsedPage, text: bytes, candidates: frozenset[bytes], kind: str):
    """`kind` when one of `candidates` is a whole word of the visible text (lower-case bytes)."""
    for word in sorted(candidates):
        if (at := whole_word_at(text, word)) >= 0:
            snippet = text[max(0, at - 40):at + len(word) + 40].decode("utf-8", "replace")
            yield kind, evidence(page.url, snippet, f"word '{word.decode()}' in the text")
            return


def first_matches_near_decimals(regex: re.Pattern[str], text: str, limit: int) -> list[str]:
    """The first `limit` matches of a price regex, each containing a decimal number.

    Same matches as `regex.finditer(text)`, but the regex only runs on stretches of
    text around decimal numbers (a full scan is slow on long texts).
    """
    found: list[str] = []
    for lo, hi in _decimal_stretches(text):
        for m in regex.finditer(text, lo, hi):
            found.append(m.group(0))
            if len(found) >= limit:
                return found
    return found


def _decimal_stretches(text: str):
    """Disjoint (start, end) stretches of `text` around every decimal number."""
    start = end = -1
    for m in DECIMAL.finditer(text):
        lo, hi = max(0, m.start() - PRICE_MARGIN), min(len(text), m.end() + PRICE_MARGIN)
        if lo <= end:
            end = hi
            continue
        if end >= 0:
            yield start, end
        start, end = lo, hi
    if end >= 0:
        yield start, end


def _link_evidence(ctx: ProbeContext, page: ParsedPage):
    """First same-site link of each kind; a joined blob rules out most pages at once."""
    kw = ctx.keywords
    own = [link for link, same in zip(page.links, ctx.same_site_links(page), strict=True) if same]
    # somebody else's shop does not make this one a webshop: only `own` links count
    labels = [link.text if len(link.text) <= MAX_LABEL_CHARS else "" for link in own]
    label_blob, path_blob = "\n".join(labels), joined_paths([link.href for link in own])
    one_per_line = path_blob.count("\n") == max(len(own) - 1, 0)  # else path by path:
    paths = None if one_per_line else [path_of(link.href) for link in own]
    # each path on its own line: as url_regex.search(path), path by path
    url_hits = dict(zip(LINK_URL_CATEGORIES, kw.url_search_each(LINK_URL_CATEGORIES, path_blob),
                        strict=True))
    label_hits = kw.search_each(LINK_CATEGORIES, label_blob)
    for kind, category, in_labels in zip(LINK_KINDS, LINK_CATEGORIES, label_hits, strict=True):
        cat, in_urls = kw.categories[category], url_hits.get(category)
        url_regex = cat.url_regex
        if not in_urls and not in_labels:
            continue
        if one_per_line:
            first = min(_first_line(label_blob, in_labels), _first_line(path_blob, in_urls))
            if first < len(own):
                link = own[first]
                yield kind, evidence(page.url, f"{link.text} -> {link.href}", f"{category} link")
            continue
        for link, label, path in zip(own, labels, paths or [], strict=True):
            in_url = in_urls and url_regex is not None and url_regex.search(path)
            if in_url or (label and cat.regex.search(label)):
                yield kind, evidence(page.url, f"{link.text} -> {link.href}", f"{category} link")
                break
    cart_words = ctx.webshop_rules.markup_words["cart_markup"]
    low_paths = path_blob.lower().encode()
    found = whole_words(low_paths, cart_words)
    if not found:
        return  # no path holds a cart word ("\n" separates words like any non-word byte)
    starts = [at for word in found if (at := whole_word_at(low_paths, word)) >= 0]
    if one_per_line and starts:
        link = own[low_paths.count(b"\n", 0, min(starts))]  # the first path that holds one
        yield "cart_url", evidence(page.url, f"{link.text} -> {link.href}", "cart word in URL")
        return
    for link, path in zip(own, paths or [path_of(link.href) for link in own], strict=True):
        low = path.lower().encode()
        if any(word in low for word in found) and not found.isdisjoint(NON_WORD.split(low)):
            yield "cart_url", evidence(page.url, f"{link.text} -> {link.href}", "cart word in URL")
            break


def _first_line(blob: str, match: re.Match[str] | None) -> int:
    """Index of the line of `blob` ("\n"-joined) where `match` starts; a huge one for None."""
    return blob.count("\n", 0, match.start()) if match else sys.maxsize


def _schema_evidence(page: ParsedPage):
    for item in page.schema:
        props = item.props
        offers = props.get("offers")
        if isinstance(offers, list):
            offers = offers[0] if offers else None
        price = props.get("price") or props.get("lowPrice")
        if isinstance(offers, dict):
            price = price or offers.get("price") or offers.get("lowPrice")
        elif offers and item.source != "json-ld":
            price = price or "offers"
        if price:
            yield "schema_offer", evidence(page.url, f"{item.types[0]} price {price}",
                                           f"schema.org {item.source}")


def _platform_evidence(ctx: ProbeContext, found: dict[str, Evidence]) -> None:
    strong = ctx.webshop_rules.strong_platform_confidence
    for page, det in ctx.detections_with_role("ecommerce"):
        kind = "ecommerce_platform_" + ("strong" if det.confidence >= strong else "weak")
        found.setdefault(kind, evidence(page.url, det.snippet, det.pattern, det.confidence / 100))
    for page, det in ctx.detections_with_role("payment"):
        found.setdefault("payment_method", evidence(page.url, det.snippet, det.pattern))


def webshop_score(ctx: ProbeContext) -> float:
    weights = ctx.webshop_rules.weights
    return sum(weights[kind] for kind in webshop_evidence(ctx))


def webshop(ctx: ProbeContext) -> Signal:
    found = webshop_evidence(ctx)
    score = webshop_score(ctx)
    threshold = ctx.webshop_rules.threshold
    weights = ctx.webshop_rules.weights
    proofs = [found[kind] for kind in sorted(found, key=lambda k: -weights[k])]
    confidence = min(1.0, score / (2 * threshold)) if score >= threshold else \
        min(1.0, 1 - score / (2 * threshold))
    return Signal(score >= threshold, round(confidence, 3), proofs)


def platform_candidate(ctx: ProbeContext) -> tuple[str | None, Evidence | None]:
    """The shop engine fingerprinted on the site, whether or not it sells online."""
    for role in ("ecommerce", "builder"):
        for page, det in ctx.detections_with_role(role):
            return det.slug, evidence(page.url, det.snippet, det.pattern, det.confidence / 100)
    return None, None


def platform(ctx: ProbeContext) -> Signal:
    if not webshop(ctx).value:
        return Signal(None)
    slug, proof = platform_candidate(ctx)
    if slug is None or proof is None:
        return Signal(None, 0.5)
    return Signal(slug, proof.confidence, [proof])


def _slugs(ctx: ProbeContext, role: str) -> Signal:
    found: dict[str, Evidence] = {}
    for page, det in ctx.detections_with_role(role):
        found.setdefault(det.slug, evidence(page.url, det.snippet, det.pattern,
                                            det.confidence / 100))
    return Signal(sorted(found), 1.0, list(found.values()))


def payment_methods(ctx: ProbeContext) -> Signal:
    """Online payment providers; counter-payment logos (Bancontact…) only on a webshop.

    A Bancontact or Payconiq logo is as often the sign at a friterie's counter as a checkout
    option, so it is neither webshop evidence nor, without a webshop, an online payment.
    """
    online = _slugs(ctx, "payment")
    if not webshop(ctx).value:
        return online
    counter = _slugs(ctx, "counter_payment")
    slugs = sorted(set(online.value) | set(counter.value))
    return Signal(slugs, 1.0, online.evidence + counter.evidence)


def marketplaces(ctx: ProbeContext) -> Signal:
    return _slugs(ctx, "marketplace")


def food_platforms(ctx: ProbeContext) -> Signal:
    return _slugs(ctx, "food")


def technologies(ctx: ProbeContext) -> Signal:
    slugs = sorted({det.slug for _, det in ctx.detections})
    return Signal(slugs, 1.0, [evidence(p.url, d.snippet, d.pattern, d.confidence / 100)
                               for p, d in ctx.detections[:3]])


def booking_platform(ctx: ProbeContext) -> Signal:
    for page, det in ctx.detections_with_role("booking"):
        proof = evidence(page.url, det.snippet, det.pattern)
        return Signal(det.slug, det.confidence / 100, [proof])
    return Signal(None)


def online_booking(ctx: ProbeContext) -> Signal:
    tool = booking_platform(ctx)
    if tool.value:
        return flag(True, tool.evidence)
    booking = ctx.keywords.categories["booking"]
    for page in ctx.pages:
        labels = _labels(page)
        if not booking.search("\n".join(labels)) or _lodging_page(ctx, page):
            continue  # no booking label, or a hotel's "book now" (a room, not an appointment)
        for label in labels:
            hits = ctx.keywords.find("booking", label, limit=1)
            if hits:
                return flag(True, [evidence(page.url, label, f"booking label '{hits[0].term}'",
                                            0.7)], 0.7)
    return flag(False, [])


def food_ordering(ctx: ProbeContext) -> Signal:
    platforms = food_platforms(ctx)
    if platforms.value:
        return flag(True, platforms.evidence)
    if not _is_food_business(ctx):
        return flag(False, [])
    food = ctx.keywords.categories["food_ordering"]
    for page in ctx.pages:
        labels = _labels(page)
        if not food.search("\n".join(labels)):
            continue
        for label in labels:
            if ctx.keywords.matches_label("food_ordering", label):
                return flag(True, [evidence(page.url, label, "order-online label", 0.7)], 0.7)
    return flag(False, [])


def _lodging_page(ctx: ProbeContext, page: ParsedPage) -> bool:
    negative = ctx.keywords.categories["booking"].negative
    return negative is not None and len(negative.findall(page.text)) >= LODGING_MIN_WORDS


def _labels(page: ParsedPage) -> list[str]:
    texts = [c.text for c in page.controls] + [link.text for link in page.links]
    return [t for t in texts if t and len(t) <= MAX_LABEL_CHARS]


def _is_food_business(ctx: ProbeContext) -> bool:
    if (ctx.artifacts.sector or "") in FOOD_SECTORS:
        return True
    return any(t in FOOD_SCHEMA for page in ctx.pages for t in page.schema_types)


RULES: dict[str, Any] = {
    "webshop": webshop, "platform": platform, "payment_methods": payment_methods,
    "marketplaces": marketplaces, "online_booking": online_booking,
    "booking_platform": booking_platform, "food_ordering": food_ordering,
    "food_platforms": food_platforms, "technologies": technologies,
}
