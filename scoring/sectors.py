"""Which sector a shop belongs to, from its OSM tag or its NACE-BEL code.

The mapping is data (scoring/data/sectors.toml): exact OSM tags first
("shop=bakery"), then the key wildcard ("shop=*"), then NACE-BEL codes by
longest prefix ("nace:47.24" and "nace:4724" both match "47.2"), then, for the
free text of an agency's list ("Boulangerie-pâtisserie"), word stems ([words]).
A category may hold several values separated by ";"; the first one that maps wins.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from core.shop import Shop
from core.text import fold

from .errors import RubricError
from .model import SECTORS

SECTORS_PATH = Path(__file__).parent / "data" / "sectors.toml"
FALLBACK_SECTOR = "other"
NACE_PREFIX = "nace:"


@cache
def load_sector_map(path: Path = SECTORS_PATH) -> tuple[dict[str, str], dict[str, str]]:
    """`(osm_tags, nace_prefixes)`, validated; NACE keys are stored as bare digits."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    osm, nace = data.get("osm", {}), data.get("nace", {})
    for table, mapping in (("osm", osm), ("nace", nace)):
        for key, sector in mapping.items():
            if sector not in SECTORS:
                raise RubricError(f"Fichier {path.name}, [{table}] {key!r} : secteur inconnu "
                                  f"{sector!r} (secteurs : {', '.join(SECTORS)}).")
    return dict(osm), {nace_digits(k): v for k, v in nace.items()}


@cache
def load_category_words(path: Path = SECTORS_PATH) -> tuple[tuple[str, str], ...]:
    """`((stem, sector), ...)` from [words], in file order, validated."""
    with open(path, "rb") as fh:
        words = tomllib.load(fh).get("words", {})
    for stem, sector in words.items():
        if sector not in SECTORS:
            raise RubricError(f"Fichier {path.name}, [words] {stem!r} : secteur inconnu "
                              f"{sector!r} (secteurs : {', '.join(SECTORS)}).")
    return tuple((fold(stem), sector) for stem, sector in words.items())


def sector_of_words(text: str) -> str | None:
    words = re.findall(r"[a-z0-9]+", fold(text))
    for stem, sector in load_category_words():
        if any(word.startswith(stem) for word in words):
            return sector
    return None


def nace_digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def sector_of_category(category: str) -> str | None:
    osm, nace = load_sector_map()
    for part in category.split(";"):
        part = part.strip().lower()
        if part.startswith(NACE_PREFIX):
            digits = nace_digits(part[len(NACE_PREFIX):])
            for length in range(len(digits), 0, -1):
                if digits[:length] in nace:
                    return nace[digits[:length]]
        elif "=" in part:
            key = part.split("=", 1)[0].strip()
            found = osm.get(part.replace(" ", "")) or osm.get(f"{key}=*")
            if found:
                return found
        elif part:
            found = sector_of_words(part)
            if found:
                return found
    return None


def sector_of(shop: Shop) -> str:
    """One of SECTORS. A sector already set on the shop (and valid) is kept."""
    if shop.sector in SECTORS:
        return shop.sector
    if shop.category:
        return sector_of_category(shop.category) or FALLBACK_SECTOR
    return FALLBACK_SECTOR
