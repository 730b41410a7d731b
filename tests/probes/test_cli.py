"""`inspect` command: files, a real loopback HTTP server, the SSRF guard."""

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.http import DEFAULT_USER_AGENT
from tests.helpers.cli import inspect_app

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"
SHOP_HTML = (PAGES / "nl_fietsenwinkel_shopify.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    seen_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        _Handler.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Set-Cookie", "_shopify_y=1; Path=/")
        self.end_headers()
        self.wfile.write(SHOP_HTML)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_inspect_files_as_json_lines():
    files = [str(PAGES / "nl_fietsenwinkel_shopify.html"), str(PAGES / "fr_hotel_reserver.html")]
    result = CliRunner().invoke(inspect_app(), ["inspect", "--json", *files])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["signals"]["online_ordering.webshop"] for line in lines] == [True, False]
    assert lines[0]["signals"]["online_ordering.platform"] == "shopify"


def test_inspect_readable_summary_in_french():
    page = str(PAGES / "fr_boulangerie_woocommerce.html")
    result = CliRunner().invoke(inspect_app(), ["inspect", page,
                                                "--base-url", "https://boulangerie-dupont.example/"])
    assert result.exit_code == 0, result.output
    assert "Boutique en ligne" in result.output and "woocommerce" in result.output


def test_missing_file_is_a_usage_error():
    from scanner.cli import app

    result = CliRunner().invoke(app, ["inspect", "--json", "/nonexistent/page.html"])
    assert result.exit_code == 2
    assert "introuvable" in result.stderr and result.stdout == ""


def test_live_url_on_loopback_needs_the_flag(server):
    refused = CliRunner().invoke(inspect_app(), ["inspect", "--json", server + "/"])
    assert refused.exit_code == 1 and "refusée" in json.loads(refused.stdout)["error"]
    allowed = CliRunner().invoke(inspect_app(), ["inspect", "--json", "--allow-private-addresses",
                                          server + "/"])
    assert allowed.exit_code == 0, allowed.output
    line = json.loads(allowed.stdout)
    assert line["signals"]["online_ordering.platform"] == "shopify"
    assert line["input"]["url"] == server + "/"
    assert DEFAULT_USER_AGENT in _Handler.seen_agents


def test_http_error_is_a_plain_message(server):
    result = CliRunner().invoke(inspect_app(), ["inspect", "--json", "--allow-private-addresses",
                                         server + "/missing"])
    assert result.exit_code == 1 and "404" in json.loads(result.stdout)["error"]


def test_extra_fingerprints_option(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"technologies": {
        "Velo CMS": {"cats": [1], "html": "Gazelle Ultimate C380"}}}))
    result = CliRunner().invoke(inspect_app(), ["inspect", "--json", "--fingerprints", str(extra),
                                         str(PAGES / "nl_fietsenwinkel_shopify.html")])
    assert result.exit_code == 0, result.output
    assert "velo-cms" in json.loads(result.stdout)["signals"]["online_ordering.technologies"]


@pytest.mark.parametrize(("head", "source"), [
    ('<link rel="Canonical" href="https://velo.example/fr/">', "<link rel=canonical>"),
    ('<meta property="og:url" content="https://velo.example/fr/">', "og:url"),
    ('<base href="https://velo.example/fr/">', "<base href>"),
])
def test_saved_page_without_base_url_uses_the_address_it_gives(tmp_path, head, source):
    page = tmp_path / "saved.html"
    page.write_text(f"<html><head>{head}<title>Vélo</title></head><body>"
                    '<a href="/contact">Contact</a></body></html>', "utf-8")
    result = CliRunner().invoke(inspect_app(), ["inspect", "--json", str(page)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["input"]["url"] == "https://velo.example/fr/"
    assert line["input"]["base_url_from"] == source
    assert source in result.stderr and "https://velo.example/fr/" in result.stderr


def test_saved_page_without_any_address_stays_without(tmp_path):
    page = tmp_path / "saved.html"
    page.write_text('<html><head><link rel="stylesheet" href="https://cdn.example/a.css">'
                    "</head><body>Bonjour</body></html>", "utf-8")
    result = CliRunner().invoke(inspect_app(), ["inspect", "--json", str(page)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["input"]["url"] is None and line["input"]["base_url_from"] is None


def test_inspect_scores_with_the_rubric_given(tmp_path):
    """`inspect --rubric` judges as `scan --rubric` does: the user's levels, not the built-in."""
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "scoring" / "data", data)
    rubric = data / "rubric.toml"
    strict = rubric.read_text("utf-8").replace(
        '{ level = 2, min_score = 20, requires = ["webshop"] }',
        '{ level = 2, min_score = 20, requires = ["webshop", "payment"] }', 1)
    assert strict != rubric.read_text("utf-8")
    rubric.write_text(strict, "utf-8")
    page = str(PAGES / "nl_fietsenwinkel_shopify.html")  # a webshop without online payment
    levels = []
    for extra in ([], ["--rubric", str(rubric)]):
        result = CliRunner().invoke(inspect_app(), ["inspect", "--json", page, *extra])
        assert result.exit_code == 0, result.output
        levels.append(json.loads(result.output)["steps"]["online_ordering"]["level"])
    assert levels == [2, 1]


@pytest.mark.parametrize("lang", ["nl", "de", "en"])
def test_inspect_summary_in_the_language_asked(lang):
    """Labels, levels and advice come from the report's catalogue and rubric in that language;
    no text of the French inspect table is left."""
    from output.i18n import load_messages

    page = str(PAGES / "nl_fietsenwinkel_shopify.html")
    result = CliRunner().invoke(inspect_app(), ["inspect", page, "--lang", lang])
    assert result.exit_code == 0, result.output
    wanted, french = load_messages(lang), load_messages("fr")
    text = " ".join(result.output.split())
    for key in ("inspect.title", "signals.online_ordering.webshop", "steps.online_ordering"):
        assert wanted(key) in text
    for key in ("inspect.title", "inspect.first", "signals.online_ordering.payment_methods"):
        assert french(key) not in text
