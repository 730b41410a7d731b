"""Commerces of one commune from the KBO/BCE open-data extract.

    with KboExtract("KboOpenData_0136_2025_06_Full.zip") as extract:
        result = read_kbo(extract, KboLocation.of(names=["Habay"], postcodes=["6720", "6723"]))

An establishment unit is kept when
- its own address (TypeOfAddress BAET, not struck off) is in the commune: postcode in
  ``postcodes`` or municipality (FR or NL) equal to one of ``names``, accents/case ignored;
- its enterprise is active (Status AC);
- its activities (or, when the unit has none, its enterprise's) include a NACE-BEL code of
  ``sources/data/nace_commerce.toml``.

The files are streamed in passes, each keyed by the small set of units found so far:
address -> establishment -> activity -> enterprise -> denomination -> contact. Memory stays
proportional to the commune, not to the country.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.shop import Shop
from sources.kbo_files import KboExtract, RowFilter
from sources.text import fold, normalise_website

if TYPE_CHECKING:
    import pandas as pd

NACE_FILE = Path(__file__).parent / "data" / "nace_commerce.toml"
ESTABLISHMENT_ADDRESS = "BAET"
ACTIVE = "AC"
NACE_VERSIONS = ("2025", "2008")  # newest first; 2003 is ignored
LANGUAGE_ORDER = {"1": 0, "0": 1, "3": 2, "2": 3, "4": 4}  # fr, unknown, de, nl, en
DENOMINATION_ORDER = {"003": 0, "001": 1, "002": 2}  # commercial name, name, abbreviation
CONTACT_FIELDS = {"WEB": "website", "TEL": "phone", "EMAIL": "email"}


@dataclass(frozen=True, slots=True)
class NaceRules:
    prefixes: dict[str, str]
    exclude: dict[str, str]
    labels: dict[str, str]

    def is_commerce(self, code: str) -> bool:
        return (any(code.startswith(p) for p in self.prefixes)
                and not any(code.startswith(p) for p in self.exclude))

    def label(self, code: str) -> str:
        for size in range(len(code), 1, -1):
            found = self.labels.get(code[:size]) or self.prefixes.get(code[:size])
            if found:
                return found
        return ""


def load_nace_rules(path: Path = NACE_FILE) -> NaceRules:
    data = tomllib.loads(path.read_text("utf-8"))
    tables = {k: data.get(k, {}) for k in ("prefixes", "exclude", "labels")}
    for name, table in tables.items():
        if not all(str(k).isdigit() and isinstance(v, str) for k, v in table.items()):
            raise ValueError(f"{path.name}: [{name}] keys must be digit prefixes, values labels")
    if not tables["prefixes"]:
        raise ValueError(f"{path.name}: [prefixes] is empty")
    return NaceRules(**tables)


@dataclass(frozen=True, slots=True)
class KboLocation:
    names: frozenset[str]  # folded municipality names
    postcodes: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str] = (), postcodes: Iterable[str] = ()) -> KboLocation:
        return cls(frozenset(fold(n) for n in names if n),
                   frozenset(p.strip() for p in postcodes if p))

    def matches(self, zipcode: str, municipality_fr: str, municipality_nl: str) -> bool:
        return zipcode in self.postcodes or fold(municipality_fr) in self.names \
            or fold(municipality_nl) in self.names


@dataclass(slots=True)
class KboResult:
    shops: list[Shop] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # what each pass found


@dataclass(slots=True)
class _Unit:
    address: str | None
    postcode: str
    city: str
    enterprise: str = ""
    codes: list[str] = field(default_factory=list)


def read_kbo(extract: KboExtract, location: KboLocation, rules: NaceRules | None = None
             ) -> KboResult:
    rules = rules or load_nace_rules()
    result = KboResult()
    units = _units_in_commune(extract, location, result.counts)
    enterprises = _attach_enterprises(extract, units)
    codes = _activities(extract, set(units) | set(enterprises), rules)
    active = {n for n, status in extract.rows("enterprise", enterprises) if status == ACTIVE}
    kept = {}
    for number, unit in units.items():
        unit.codes = codes.get(number) or codes.get(unit.enterprise) or []
        if unit.enterprise in active and unit.codes:
            kept[number] = unit
    result.counts["active commerce units"] = len(kept)
    wanted = set(kept) | {u.enterprise for u in kept.values()}
    names = _names(extract, wanted)
    contacts = _contacts(extract, wanted)
    for number, unit in sorted(kept.items()):
        shop = _shop(number, unit, names, contacts)
        if shop is None:
            result.counts["units without name"] += 1
        else:
            result.shops.append(shop)
    result.counts["unreadable rows"] = sum(extract.skipped_rows.values())
    return result


def _units_in_commune(extract: KboExtract, location: KboLocation, counts: Counter[str]
                      ) -> dict[str, _Unit]:
    units: dict[str, _Unit] = {}
    for (number, _kind, zipcode, city_nl, city_fr, street_nl, street_fr, house, box,
         _struck_off) in extract.rows("address", where=_in_commune(location, counts)):
        street = street_fr or street_nl
        number_part = f"{house} bte {box}" if box else house
        address = " ".join(p for p in (street, number_part) if p) or None
        units[number] = _Unit(address, zipcode, city_fr or city_nl)
    counts["units in commune"] = len(units)
    return units


def _in_commune(location: KboLocation, counts: Counter[str]) -> RowFilter:
    """address.csv rows of establishment units (not struck off) in the commune; counts the
    establishment addresses seen. Municipality names are folded once per distinct name."""
    folded: dict[str, bool] = {}

    def named(cities: pd.Series) -> pd.Series:
        for city in cities.unique():
            if city not in folded:
                folded[city] = fold(city) in location.names
        return cities.map(folded)

    def keep(rows: pd.DataFrame) -> pd.Series:
        establishment = ((rows["TypeOfAddress"] == ESTABLISHMENT_ADDRESS)
                         & (rows["DateStrikingOff"] == ""))
        counts["establishment addresses"] += int(establishment.sum())
        found = rows[establishment]
        place = (found["Zipcode"].isin(location.postcodes)
                 | named(found["MunicipalityFR"]) | named(found["MunicipalityNL"]))
        return place.reindex(rows.index, fill_value=False).astype(bool)
    return keep


def _attach_enterprises(extract: KboExtract, units: dict[str, _Unit]) -> set[str]:
    for establishment, enterprise in extract.rows("establishment", units.keys()):
        units[establishment].enterprise = enterprise
    return {u.enterprise for u in units.values() if u.enterprise}


def _activities(extract: KboExtract, entities: set[str], rules: NaceRules
                ) -> dict[str, list[str]]:
    """Commerce NACE codes per entity, main activity first, newest NACE version only."""
    seen: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for number, version, code, classification in extract.rows("activity", entities):
        if version in NACE_VERSIONS and rules.is_commerce(code):
            rank = 0 if classification == "MAIN" else 1
            seen.setdefault(number, {}).setdefault(version, []).append((rank, code))
    codes = {}
    for number, by_version in seen.items():
        newest = next(v for v in NACE_VERSIONS if v in by_version)
        codes[number] = [c for _, c in sorted(set(by_version[newest]))]
    return codes


def _names(extract: KboExtract, entities: set[str]) -> dict[str, tuple[tuple[int, int], str]]:
    """Best denomination per entity with its rank (type, language): lower is better."""
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for number, language, kind, denomination in extract.rows("denomination", entities):
        rank = (DENOMINATION_ORDER.get(kind, 9), LANGUAGE_ORDER.get(language, 9))
        if denomination.strip() and (number not in best or rank < best[number][0]):
            best[number] = (rank, denomination.strip())
    return best


def _contacts(extract: KboExtract, entities: set[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for number, _entity_kind, kind, value in extract.rows("contact", entities):
        key = CONTACT_FIELDS.get(kind)
        if key and value.strip():
            found.setdefault(number, {}).setdefault(key, value.strip())
    return found


def _pick_name(number: str, unit: _Unit, names: dict[str, tuple[tuple[int, int], str]]
               ) -> str | None:
    """Unit's commercial name, then the enterprise's, then the unit's or enterprise's legal
    name (a tie in denomination type goes to the unit)."""
    found = [(rank[0], order, name) for order, key in enumerate((number, unit.enterprise))
             if key in names for rank, name in [names[key]]]
    return min(found)[2] if found else None


def _shop(number: str, unit: _Unit, names: dict[str, tuple[tuple[int, int], str]],
          contacts: dict[str, dict[str, str]]) -> Shop | None:
    name = _pick_name(number, unit, names)
    if not name:
        return None
    contact = {**contacts.get(unit.enterprise, {}), **contacts.get(number, {})}
    try:
        website = normalise_website(contact.get("website"))
    except ValueError:
        website = None
    code = unit.codes[0]
    return Shop(
        name=name, website=website, address=unit.address, postcode=unit.postcode or None,
        city=unit.city or None, phone=contact.get("phone"), email=contact.get("email"),
        category=f"nace:{code[:2]}.{code[2:]}", kbo_number=number,
        website_source="kbo" if website else None, sources=["kbo"],
    )
