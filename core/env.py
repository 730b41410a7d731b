"""Environment variables the tool reads (one name each, used by every command)."""

from typing import Final

#: The Google Maps Platform key (Places API) for `scan`, `sources` and `rescan`.
PLACES_KEY_ENV: Final = "GOOGLE_MAPS_API_KEY"
