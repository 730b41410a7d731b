"""Free-text categories from an agency's list get a sector too ([words] in sectors.toml)."""

from __future__ import annotations

import pytest

from core.shop import Shop
from scoring import sector_of


@pytest.mark.parametrize(("category", "sector"), [
    ("Boulangerie-pâtisserie", "food_retail"),
    ("Slagerij", "food_retail"),
    ("Kapper", "personal_services"),
    ("Institut de beauté", "personal_services"),
    ("Pharmacie", "health"),
    ("Restaurant italien", "horeca"),
    ("Friterie", "horeca"),
    ("Fleuriste", "nonfood_retail"),
    ("Fietsenwinkel", "nonfood_retail"),
    ("shop=bakery", "food_retail"),  # OSM tags keep priority
    ("nace:96.02", "personal_services"),
    ("Garage", "other"),  # nothing known: other, never a guess
])
def test_free_text_categories(category: str, sector: str) -> None:
    assert sector_of(Shop(name="x", category=category)) == sector
