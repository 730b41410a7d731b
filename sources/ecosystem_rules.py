"""Which OSM tags make each kind of ecosystem feature (sources/data/ecosystem.toml), and the
Overpass query that asks for all of them at once.

    rules = load_ecosystem_rules()
    rules.kinds_of({"amenity": "parking"})            # ("car_park",)
    query = build_ecosystem_query(selector, rules)     # sources.overpass.run_query(query, ...)

The query returns, in order: the point-like features inside the commune (``out center``),
the lines and areas inside it (``out geom``), a marker element (``make``, type
OUTSIDE_MARKER), the areas found within ``around_m`` outside the boundary, then the boundary.
Everything after the marker is outside the commune.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sources.overpass import QUERY_TIMEOUT_S, CommuneSelector
from sources.overpass import _boundary_statement as boundary_statement

RULES_FILE = Path(__file__).parent / "data" / "ecosystem.toml"
ANY_VALUE = "*"
SHAPES = ("point", "line", "area")
KIND_KEYS = {"rules", "shape", "named", "around_m", "counted"}
OUTSIDE_MARKER = "ecosystem_outside"
NAME_FILTER = '["name"]'  # element type made by the query before outside features


@dataclass(frozen=True, slots=True)
class KindRule:
    kind: str
    rules: tuple[Mapping[str, frozenset[str]], ...]
    shape: str = "point"
    named: bool = False
    around_m: int = 0
    counted: str | None = None

    def matches(self, tags: Mapping[str, str]) -> bool:
        if self.named and not (tags.get("name") or "").strip():
            return False
        return any(all(_holds(tags.get(key), values) for key, values in rule.items())
                   for rule in self.rules)


def _holds(value: str | None, allowed: frozenset[str]) -> bool:
    return value is not None and (ANY_VALUE in allowed or value in allowed)


@dataclass(frozen=True, slots=True)
class EcosystemRules:
    kinds: tuple[KindRule, ...]

    def kinds_of(self, tags: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(k.kind for k in self.kinds if k.matches(tags))

    def rule(self, kind: str) -> KindRule:
        return next(k for k in self.kinds if k.kind == kind)

    @property
    def counted(self) -> dict[str, str]:
        """{count key: kind}, in file order."""
        return {k.counted: k.kind for k in self.kinds if k.counted}


@cache
def load_ecosystem_rules(path: Path = RULES_FILE) -> EcosystemRules:
    """Read and validate the rules; a mistake names the file and the kind."""
    data = tomllib.loads(path.read_text("utf-8"))
    kinds_raw = data.get("kinds")
    if not isinstance(kinds_raw, dict) or not kinds_raw:
        raise ValueError(f"{path.name}: [kinds.NAME] tables expected")
    return EcosystemRules(tuple(_kind(path.name, name, raw) for name, raw in kinds_raw.items()))


def _kind(where: str, name: str, raw: object) -> KindRule:
    here = f"{where}, [kinds.{name}]"
    if not isinstance(raw, dict) or set(raw) - KIND_KEYS:
        raise ValueError(f"{here}: keys allowed are {sorted(KIND_KEYS)}")
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, dict) and r
                                                            for r in rules):
        raise ValueError(f"{here}: 'rules' must be a non-empty list of tag tables")
    parsed = tuple({key: _values(here, key, value) for key, value in rule.items()}
                   for rule in rules)
    shape, around = raw.get("shape", "point"), raw.get("around_m", 0)
    if shape not in SHAPES:
        raise ValueError(f"{here}: shape must be one of {SHAPES}")
    if not isinstance(around, int) or isinstance(around, bool) or around < 0:
        raise ValueError(f"{here}: around_m must be a whole number of metres")
    counted = raw.get("counted")
    if counted is not None and not isinstance(counted, str):
        raise ValueError(f"{here}: counted must be a text")
    return KindRule(name, parsed, shape, bool(raw.get("named", False)), around, counted)


def _values(here: str, key: str, value: object) -> frozenset[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v and '"' not in v and "|" not in v for v in values):
        raise ValueError(f"{here}: tag {key!r} needs a text or a list of texts")
    return frozenset(values)


def _filters(rule: Mapping[str, frozenset[str]]) -> str:
    parts = []
    for key, values in rule.items():
        if ANY_VALUE in values:
            parts.append(f'["{key}"]')
        elif len(values) == 1:
            parts.append(f'["{key}"="{next(iter(values))}"]')
        else:
            parts.append(f'["{key}"~"^({"|".join(sorted(values))})$"]')
    return "".join(parts)


def _statements(kinds: list[KindRule], scope: str) -> list[str]:
    return [f"  nwr({scope}){_filters(rule)}{NAME_FILTER if k.named else ''};"
            for k in kinds for rule in k.rules]


def build_ecosystem_query(selector: CommuneSelector, rules: EcosystemRules | None = None) -> str:
    """One Overpass query for the whole inventory of the commune (see the module doc)."""
    rules = rules or load_ecosystem_rules()
    points = [k for k in rules.kinds if k.shape == "point"]
    shapes = [k for k in rules.kinds if k.shape != "point"]
    around = [k for k in shapes if k.around_m]
    lines = [f"[out:json][timeout:{QUERY_TIMEOUT_S}];", boundary_statement(selector),
             ".commune_rel map_to_area->.commune;",
             "(", *_statements(points, "area.commune"), ")->.points;",
             "(", *_statements(shapes, "area.commune"), ")->.shapes;",
             ".points out center tags;", ".shapes out geom;",
             f"make {OUTSIDE_MARKER};", "out;"]
    for kind in around:
        lines += ["(", *_statements([kind], f"around.commune_rel:{kind.around_m}"),
                  f")->.around_{kind.kind};", f"(.around_{kind.kind}; - .shapes;);", "out geom;"]
    lines.append(".commune_rel out tags bb;")
    return "\n".join(lines)
