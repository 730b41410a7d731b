"""Lining up the same real-world shop across scans.

Match order (first hit wins):
1. the shop id was seen before (shop ids are stable by design);
2. a source id: OSM id, KBO number, Google place id;
3. the website's registrable domain (not shared hosts like facebook.com), same postcode;
4. a fuzzy name match (rapidfuzz) plus a close address, same postcode.
A candidate already used by another shop in the same scan is skipped (two branches of a chain
with one website stay two shops). No match: a new identity.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz

from core.text import fold, shop_domain
from output._tables import shop_identity, shop_identity_link, shop_results

NAME_MATCH_MIN = 90  # rapidfuzz token_sort_ratio, 0..100
ADDRESS_MATCH_MIN = 85
SOURCE_ID_FIELDS = ("osm_id", "kbo_number", "place_id")

# Built once: a statement built per shop cost more than running it (SQLAlchemy's construction
# and cache key, ~8 statements per shop).
_LINK_OF_SHOP = sa.select(shop_identity_link.c.identity_key).where(
    shop_identity_link.c.shop_id == sa.bindparam("shop_id"))
_USED_IN_SCAN = sa.select(shop_results.c.shop_id).where(
    shop_results.c.identity_key == sa.bindparam("key"),
    shop_results.c.scan_id == sa.bindparam("scan_id"),
    shop_results.c.shop_id != sa.bindparam("shop_id")).limit(1)
_BY_DOMAIN = sa.select(shop_identity.c.identity_key).where(
    shop_identity.c.domain == sa.bindparam("domain")).order_by(shop_identity.c.first_seen)
_BY_DOMAIN_AND_POSTCODE = sa.select(shop_identity.c.identity_key).where(
    shop_identity.c.domain == sa.bindparam("domain"),
    sa.or_(shop_identity.c.postcode.is_(None),
           shop_identity.c.postcode == sa.bindparam("postcode"))
).order_by(shop_identity.c.first_seen)
_INSERT_IDENTITY = sa.insert(shop_identity)
_INSERT_LINK = sa.insert(shop_identity_link)


@dataclass(slots=True)
class IdentityFacts:
    shop_id: str
    osm_id: str | None
    kbo_number: str | None
    place_id: str | None
    domain: str | None
    name_norm: str
    address_norm: str | None
    postcode: str | None


def facts_of(result: dict[str, Any], planned: dict[str, Any] | None) -> IdentityFacts:
    """What identifies the shop, from its result and (richer) planned Shop record."""
    merged = {**(planned or {}), **{k: v for k, v in result.items() if v is not None}}
    place_id = merged.get("place_id") or (result.get("places") or {}).get("place_id")
    return IdentityFacts(
        shop_id=str(result["id"]),
        osm_id=merged.get("osm_id"), kbo_number=merged.get("kbo_number"), place_id=place_id,
        domain=shop_domain(merged.get("website")),
        name_norm=normalise_text(merged.get("name")) or "",
        address_norm=normalise_text(merged.get("address")),
        postcode=(str(merged["postcode"]).strip() or None) if merged.get("postcode") else None,
    )


def normalise_text(text: str | None) -> str | None:
    """Folded, letters and digits only: "L'Écluse, 2" -> 'l ecluse 2'; None when empty."""
    if not text:
        return None
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip() or None


def resolve_identity(conn: sa.Connection, scan_id: str, facts: IdentityFacts, now: str) -> str:
    """Find or create the identity key for this shop, and remember the shop id -> key link."""
    taken = _TakenInScan(conn, scan_id, facts.shop_id)
    link = conn.execute(_LINK_OF_SHOP, {"shop_id": facts.shop_id}).first()
    key = _match(conn, facts, taken, link[0] if link is not None else None)
    if key is None:
        key = "i-" + hashlib.sha1(f"{facts.shop_id}|{now}".encode()).hexdigest()[:14]
        conn.execute(_INSERT_IDENTITY, {
            "identity_key": key, "osm_id": facts.osm_id, "kbo_number": facts.kbo_number,
            "place_id": facts.place_id, "domain": facts.domain, "name_norm": facts.name_norm,
            "address_norm": facts.address_norm, "postcode": facts.postcode, "first_seen": now})
    else:
        _fill_missing(conn, key, facts)
    if link is None:  # nothing above links a shop id
        conn.execute(_INSERT_LINK, {"shop_id": facts.shop_id, "identity_key": key})
    return key


class _TakenInScan:
    """`key in taken`: is this identity already used by another shop of the same scan?"""

    def __init__(self, conn: sa.Connection, scan_id: str, shop_id: str) -> None:
        self.conn, self.scan_id, self.shop_id = conn, scan_id, shop_id

    def __contains__(self, key: object) -> bool:
        return self.conn.execute(_USED_IN_SCAN, {"key": key, "scan_id": self.scan_id,
                                                 "shop_id": self.shop_id}).first() is not None


def _match(conn: sa.Connection, facts: IdentityFacts, taken: _TakenInScan,
           linked: str | None) -> str | None:
    """``linked``: the identity the shop id was linked to before, if any."""
    if linked is not None and linked not in taken:
        return linked
    for field in SOURCE_ID_FIELDS:
        value = getattr(facts, field)
        if value:
            key = _first_free(conn, shop_identity.c[field] == value, taken)
            if key:
                return key
    if facts.domain:
        rows = conn.execute(_BY_DOMAIN_AND_POSTCODE if facts.postcode else _BY_DOMAIN,
                            {"domain": facts.domain, "postcode": facts.postcode})
        key = _free_key(rows, taken)
        if key:
            return key
    return _fuzzy_match(conn, facts, taken)


def _first_free(conn: sa.Connection, condition: Any, taken: _TakenInScan) -> str | None:
    rows = conn.execute(sa.select(shop_identity.c.identity_key).where(condition)
                        .order_by(shop_identity.c.first_seen))
    return _free_key(rows, taken)


def _free_key(rows: Iterable[Any], taken: _TakenInScan) -> str | None:
    """The first identity key of `rows` that no other shop of the scan holds."""
    return next((row[0] for row in rows if row[0] not in taken), None)


def _fuzzy_match(conn: sa.Connection, facts: IdentityFacts, taken: _TakenInScan) -> str | None:
    if not facts.postcode or not facts.name_norm or not facts.address_norm:
        return None
    rows = conn.execute(sa.select(shop_identity.c.identity_key, shop_identity.c.name_norm,
                                  shop_identity.c.address_norm)
                        .where(shop_identity.c.postcode == facts.postcode))
    candidates: list[tuple[float, str]] = []
    for key, name_norm, address_norm in rows:
        if not address_norm:
            continue
        name_score = fuzz.token_sort_ratio(facts.name_norm, name_norm)
        address_score = fuzz.token_sort_ratio(facts.address_norm, address_norm)
        if name_score >= NAME_MATCH_MIN and address_score >= ADDRESS_MATCH_MIN:
            candidates.append((name_score + address_score, key))
    candidates.sort(reverse=True)
    return next((key for _score, key in candidates if key not in taken), None)


def _fill_missing(conn: sa.Connection, key: str, facts: IdentityFacts) -> None:
    """Learn source ids the identity did not have yet (never overwrite a known one)."""
    row = conn.execute(sa.select(shop_identity).where(shop_identity.c.identity_key == key)).one()
    updates = {f: getattr(facts, f) for f in (*SOURCE_ID_FIELDS, "domain", "postcode")
               if getattr(facts, f) and not getattr(row, f)}
    if updates:
        conn.execute(sa.update(shop_identity).where(shop_identity.c.identity_key == key)
                     .values(**updates))
