"""Environment variables the tool reads (one name each, used by every command)."""

from typing import Final

#: The Google Maps Platform key (Places API) for `scan`, `sources` and `rescan`.
PLACES_KEY_ENV: Final = "GOOGLE_MAPS_API_KEY"

#: Where compiled matchers and derived tables are cached ("off": no cache); see
#: core/derived_cache.py for the default.
CACHE_DIR_ENV: Final = "SMARTCOMMERCE_CACHE_DIR"
