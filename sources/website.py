"""Find a shop's website when the list has none, and never guess.

``adopt_places_website(shop, artifact)``: a Google listing's websiteUri fills an empty
website (``website_source = "places"``). OSM, KBO and CSV websites are taken by the merge.
"""

from __future__ import annotations

from core.artifacts import PlacesArtifact
from core.shop import Shop


def adopt_places_website(shop: Shop, artifact: PlacesArtifact) -> bool:
    """Fill shop.website from a found Places listing; True when it did."""
    uri = (artifact.place or {}).get("websiteUri") if artifact.status == "found" else None
    if shop.website or not uri:
        return False
    shop.website, shop.website_source = str(uri), "places"
    shop.provenance["website"] = "places"
    return True
