"""Helpers for the crawler tests: fast settings, static site folders, small shop pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from scanner.gather.settings import CrawlSettings

#: Fast settings for tests: no politeness delay, short timeouts, no backoff wait.
FAST = CrawlSettings(per_host_delay=0.0, autothrottle=False, connect_timeout=2.0,
                     read_timeout=2.0, total_timeout_per_shop=10.0, retry_backoff_base=0.01,
                     render=False)


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a static site folder: {"index.html": "...", "robots.txt": "..."}."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root


CrawlerFactory = Callable[..., Any]


def page(title: str, body: str = "", links: dict[str, str] | None = None) -> str:
    """A small but real-looking shop page with enough text not to look like an app shell."""
    anchors = "".join(f'<a href="{href}">{text}</a> ' for text, href in (links or {}).items())
    filler = ("Bienvenue chez nous, artisans depuis 1952. Pains au levain, viennoiseries et "
              "pâtisseries préparés chaque matin avec des farines locales. ") * 4
    return (f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>{title}</title></head>"
            f"<body><nav>{anchors}</nav><h1>{title}</h1><p>{body}</p><p>{filler}</p></body></html>")
