"""Safe by default: headers, read-only, the token gate, and `serve` refusing to be exposed."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from output.dashboard.security import CONTENT_SECURITY_POLICY, TOKEN_COOKIE
from scanner.cli import app
from scanner.cli.serve import check_exposure, is_local_host
from tests.output.dashboard.conftest import TOKEN
from tests.output.sample import COMMUNE

URLS = ["/", f"/commune?name={COMMUNE}", f"/compare?name={COMMUNE}", "/static/report.css",
        "/static/report.js", "/static/dashboard.css", "/does-not-exist", "/shop/i-none"]


@pytest.mark.parametrize("url", URLS)
def test_every_answer_carries_the_security_headers(client: TestClient, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code in (200, 404)
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_csp_allows_nothing_inline_and_no_other_origin() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for url in URLS[:3]:
        page = client.get(url).text
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert page.count("<script") == 1 and '<script src="/static/report.js" defer>' in page


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_read_only(client: TestClient, method: str) -> None:
    assert client.request(method, "/").status_code == 405
    assert client.request(method, f"/commune?name={COMMUNE}").status_code == 405


def test_token_required(token_client: TestClient) -> None:
    token_client.cookies.clear()
    for url in URLS:
        answer = token_client.get(url)
        assert answer.status_code == 401, url
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert token_client.post("/").status_code == 401
    wrong = {"Authorization": "Bearer " + TOKEN[:-1] + "x"}
    assert token_client.get("/", headers=wrong).status_code == 401
    assert token_client.get("/", params={"token": "nope"}).status_code == 401


def test_token_by_header(token_client: TestClient) -> None:
    token_client.cookies.clear()
    answer = token_client.get("/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and COMMUNE in answer.text
    assert token_client.post("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


def test_token_in_the_address_sets_a_cookie_and_leaves_the_address(
        token_client: TestClient) -> None:
    token_client.cookies.clear()
    answer = token_client.get("/", params={"token": TOKEN, "sector": "horeca"},
                              follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?sector=horeca"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert TOKEN not in cookie  # the cookie holds a derived value, not the token
    assert token_client.cookies.get(TOKEN_COOKIE)
    assert token_client.get("/", params={"sector": "horeca"}).status_code == 200
    token_client.cookies.clear()
    assert token_client.get("/").status_code == 401


def test_exposure_rules() -> None:
    assert is_local_host("127.0.0.1") and is_local_host("::1") and is_local_host("localhost")
    assert not is_local_host("0.0.0.0") and not is_local_host("192.168.1.10")
    assert check_exposure("127.0.0.1", None) is None
    assert check_exposure("0.0.0.0", "x" * 24) is None
    assert "--token" in (check_exposure("0.0.0.0", None) or "")
    assert "16" in (check_exposure("127.0.0.1", "short") or "")


@pytest.mark.parametrize("args", [["--host", "0.0.0.0"], ["--host", "::"],
                                  ["--host", "0.0.0.0", "--token", "short"]])
def test_serve_refuses_to_start_exposed_without_a_token(args: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTCOMMERCE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", *args, "--db", "sqlite:///:memory:"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Erreur")
    assert "Traceback" not in result.output
