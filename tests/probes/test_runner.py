import tomllib

import probes
from core.signals import SIGNAL_CATALOGUE_PATH
from core.steps import STEPS
from probes import accessibility, inspect_html, run_probes
from probes._runner import STEP_MODULES
from tests.probes.builders import artifacts, html_page, page, place

CATALOGUE = tomllib.loads(SIGNAL_CATALOGUE_PATH.read_text())
REQUIRED_INSPECT = ("web_presence.language", "web_presence.mobile_viewport",
                    "web_presence.schema_types", "web_presence.schema_localbusiness",
                    "web_presence.social_links", "online_ordering.webshop",
                    "online_ordering.platform", "online_ordering.payment_methods",
                    "click_and_collect.pickup")


def test_public_surface():
    assert probes.__all__ == sorted(probes.__all__)
    assert set(probes.__all__) == {"artifacts_for_html", "inspect_artifacts", "inspect_html",
                                   "run_probes"}


def test_step_meta_matches_the_catalogue():
    assert tuple(STEP_MODULES) == STEPS
    for step_id, module in STEP_MODULES.items():
        assert module.META.id == step_id
        own = set(module.META.signals) | set(accessibility.SIGNALS.get(step_id, ()))
        assert own == set(CATALOGUE[step_id]), step_id


def test_emitted_signals_are_catalogued():
    html = html_page('<a href="/cart">Panier</a><button>Ajouter au panier</button>')
    report = run_probes(artifacts(page(html), places=place(rating=4.0, takeout=True)))
    assert [obs.status for obs in report.steps.values()] == ["measured"] * 5
    for step, obs in report.steps.items():
        assert set(obs.signals) <= set(CATALOGUE[step]), step


def test_inspect_html_always_has_the_required_signals():
    for html in ("", "<html>", html_page("<p>Bonjour</p>")):
        result = inspect_html(html, "https://x.example.be/")
        assert set(result) >= {"input", "signals", "evidence"}
        missing = [key for key in REQUIRED_INSPECT if key not in result["signals"]]
        assert missing == [], html


def test_a_raising_step_becomes_an_error_status(monkeypatch):
    def boom(ctx):
        raise RuntimeError("kaput")
    monkeypatch.setattr(STEP_MODULES["reviews"], "evaluate", boom)
    report = run_probes(artifacts(page(html_page("x"))))
    assert report.steps["reviews"].status == "error"
    assert "kaput" in report.steps["reviews"].reason
    assert report.steps["web_presence"].status == "measured"


def test_a_raising_rule_becomes_an_error_signal(monkeypatch):
    from probes import web_presence

    def boom(ctx):
        raise ValueError("bad rule")
    monkeypatch.setitem(web_presence.RULES, "email", boom)
    report = run_probes(artifacts(page(html_page("x"))))
    signal = report.steps["web_presence"].signals["email"]
    assert signal.value is None and "bad rule" in signal.error
    assert report.steps["web_presence"].signals["title"].error is None


def test_a_broken_context_gives_error_steps(monkeypatch):
    def broken_loader(*args, **kwargs):
        raise OSError("data file missing")
    monkeypatch.setattr("probes.context.load_keywords", broken_loader)
    report = run_probes(artifacts(page(html_page("x"))))
    assert {obs.status for obs in report.steps.values()} == {"error"}
