"""CrawlSettings: defaults, layering (defaults -> [crawl] table -> overrides), validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.gather.settings import (
    CHROMIUM_ENV_VAR,
    DEFAULT_GLOBAL_CONCURRENCY,
    DEFAULT_PER_HOST_CONCURRENCY,
    CrawlSettings,
    CrawlSettingsError,
)


def test_defaults_are_the_named_constants() -> None:
    s = CrawlSettings.layered(None, {})
    assert s.global_concurrency == DEFAULT_GLOBAL_CONCURRENCY == 32
    assert s.per_host_concurrency == DEFAULT_PER_HOST_CONCURRENCY == 2
    assert s.max_body_bytes == 5 * 1024 * 1024 and s.max_extra_pages == 5
    assert s.user_agent_header.startswith("SmartCommerceScanner/")
    assert "(+https://" in s.user_agent_header


def test_file_then_overrides_win(tmp_path: Path) -> None:
    config = tmp_path / "smartcommerce.toml"
    config.write_text('[crawl]\nglobal_concurrency = 8\nper_host_delay = 1.5\nrender = false\n'
                      'retry_http_codes = [429, 503]\n[other]\nignored = 1\n', "utf-8")
    s = CrawlSettings.layered(config, {"global_concurrency": 4, "per_host_delay": None})
    assert s.global_concurrency == 4  # command line beats the file
    assert s.per_host_delay == 1.5  # None override keeps the file's value
    assert s.render is False and s.retry_http_codes == (429, 503)


@pytest.mark.parametrize("overrides, fragment", [
    ({"global_concurency": 4}, "global_concurency"),
    ({"per_host_concurrency": 0}, "per_host_concurrency"),
    ({"per_host_delay": -1}, "per_host_delay"),
    ({"read_timeout": "vite"}, "read_timeout"),
    ({"render": "peut-être"}, "render"),
    ({"retry_http_codes": [429, 999]}, "retry_http_codes"),
    ({"max_retries": True}, "max_retries"),
])
def test_bad_settings_fail_with_a_clear_message(overrides: dict[str, object],
                                                fragment: str) -> None:
    with pytest.raises(CrawlSettingsError, match=fragment):
        CrawlSettings.layered(None, overrides)


def test_unreadable_config_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[crawl\n", "utf-8")
    with pytest.raises(CrawlSettingsError, match="configuration"):
        CrawlSettings.layered(bad, {})
    with pytest.raises(CrawlSettingsError, match="configuration"):
        CrawlSettings.layered(tmp_path / "missing.toml", {})


def test_chromium_path_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHROMIUM_ENV_VAR, "/opt/chromium/chrome")
    assert CrawlSettings().chromium_path == "/opt/chromium/chrome"
    assert CrawlSettings.layered(None, {"chromium_path": "/x"}).chromium_path == "/x"
