from core.artifacts import PlacesArtifact
from probes import reviews
from tests.probes.builders import artifacts, context, html_page, page, place


def _observe(*pages, **kw):
    return reviews.evaluate(context(artifacts(*pages, **kw)))


def test_google_and_site_ratings():
    html = html_page(
        '<div class="trustpilot-widget"></div><script src="https://widget.trustpilot.com/b.js">'
        '</script><script type="application/ld+json">{"@type": "Store", "aggregateRating": '
        '{"@type": "AggregateRating", "ratingValue": "4,6", "reviewCount": "120"}}</script>')
    obs = _observe(page(html), places=place(rating=4.4, userRatingCount=87))
    s = {name: sig.value for name, sig in obs.signals.items()}
    assert s == {"google_rating": 4.4, "google_review_count": 87, "schema_rating": 4.6,
                 "schema_review_count": 120, "review_widgets": ["trustpilot"]}


def test_measured_when_only_places_or_only_site():
    only_places = _observe(status="unreachable", website="https://x.be/", places=place())
    assert only_places.status == "measured"
    assert only_places.signals["google_review_count"].value == 0
    only_site = _observe(page(html_page("<p>Rien</p>")))
    assert only_site.status == "measured" and "google_rating" not in only_site.signals


def test_not_measured_when_neither():
    obs = _observe(status="refused", website="https://10.0.0.1/",
                   places=PlacesArtifact(status="not_measured", reason="no_api_key"))
    assert obs.status == "not_measured" and "refused" in obs.reason
