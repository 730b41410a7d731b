"""The five journey steps, in canvas order. Used everywhere."""

from typing import Final

STEPS: Final = ("web_presence", "google_listing", "online_ordering", "click_and_collect", "reviews")

STEP_LABELS_FR: Final = {
    "web_presence": "Présence web",
    "google_listing": "Fiche Google",
    "online_ordering": "Commande en ligne",
    "click_and_collect": "Click & collect",
    "reviews": "Avis clients",
}
