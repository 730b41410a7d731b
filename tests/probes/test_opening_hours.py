"""Opening hours as people write them, FR, NL, DE, EN, IT (probes/opening_hours.py)."""

import pytest

from probes import inspect_html
from probes.opening_hours import load_hours_finder

WRITTEN = [
    "Openingsuren: ma t/m vr 9.00–17.30",
    "Wij zijn open di-za: 9u-18u",
    "Ouvert du lundi au samedi de 9h à 18h",
    "Öffnungszeiten Mo–Fr 9–18 Uhr",
    "Lundi : 9h30 – 12h / 14h – 18h30",
    "Hours of Operation: Monday-Friday 9AM - 4PM",
    "Orari: lunedì - sabato 9:00 - 19:30",
    "Sluitingsdag: maandag. Andere dagen 9-18",
    "Ruhetag: Montag, sonst 10-18",
]
NOT_HOURS = [
    "Customer service Mon-Fri 8am-5pm",
    "Klantenservice: ma t/m vr 9.00-17.00",
    "We sell packs of 10 - 12 items",
    "Le 14 juillet 2024 à Namur",
]


@pytest.mark.parametrize("text", WRITTEN)
def test_written_hours_are_found(text):
    assert load_hours_finder().find(text)


@pytest.mark.parametrize("text", NOT_HOURS)
def test_other_numbers_and_service_lines_are_not_hours(text):
    assert load_hours_finder().find(text) is None


def test_one_row_per_day_in_a_table():
    rows = "".join(f"<tr><td>{day}</td><td>{hours}</td></tr>" for day, hours in (
        ("Maandag", "gesloten"), ("Dinsdag", "9:00 - 18:00"), ("Woensdag", "9:00 - 18:00")))
    html = f"<html><body><h2>Openingsuren</h2><table>{rows}</table></body></html>"
    assert inspect_html(html, "https://bakkerij.example.be/")["signals"][
        "web_presence.opening_hours"] is True


def test_schema_opening_hours_specification():
    html = ('<html><body><script type="application/ld+json">{"@type": "Bakery", '
            '"openingHoursSpecification": [{"dayOfWeek": "Monday", "opens": "08:00", '
            '"closes": "18:00"}]}</script><p>Boulangerie</p></body></html>')
    assert inspect_html(html, "https://boulangerie.example.be/")["signals"][
        "web_presence.opening_hours"] is True
