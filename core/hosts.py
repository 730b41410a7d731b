"""Social networks and hosts shared by many shops, from ``core/data/hosts.toml``.

    social_network("https://m.facebook.com/dupont") -> "facebook"
    is_not_crawled("https://maps.app.goo.gl/x")    -> True   (recorded, never crawled)
    is_shared_domain("wixsite.com")                -> True   (says nothing about the shop)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

HOSTS_FILE = Path(__file__).parent / "data" / "hosts.toml"


class HostListError(ValueError):
    """hosts.toml is malformed."""


@dataclass(frozen=True, slots=True)
class HostLists:
    social_networks: dict[str, str]  # host -> network name
    not_crawled: frozenset[str]  # social networks included
    shared: frozenset[str]  # social networks included


@lru_cache(maxsize=2)
def load_host_lists(path: Path = HOSTS_FILE) -> HostLists:
    data = tomllib.loads(path.read_text("utf-8"))
    social = data.get("social_networks")
    if not isinstance(social, dict) or not social or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in social.items()):
        raise HostListError(f"{path}: [social_networks] must map host names to network names")
    extra = _names(path, data, "not_crawled", "hosts")
    shared = _names(path, data, "shared", "domains")
    socials = {h.lower() for h in social}
    return HostLists(social_networks={k.lower(): v for k, v in social.items()},
                     not_crawled=frozenset(socials | extra), shared=frozenset(socials | shared))


def _names(path: Path, data: dict[str, object], table: str, key: str) -> frozenset[str]:
    section = data.get(table)
    names = section.get(key) if isinstance(section, dict) else None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise HostListError(f"{path}: [{table}] {key} must be a non-empty list of host names")
    return frozenset(n.lower() for n in names)


def _host(url_or_host: str) -> str:
    text = url_or_host if "//" in url_or_host else "//" + url_or_host
    try:
        return (urlsplit(text).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _matches(host: str, names: frozenset[str] | dict[str, str]) -> str | None:
    """The listed name that ``host`` is or is a subdomain of."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in names:
            return candidate
    return None


def social_network(url_or_host: str) -> str | None:
    """'https://www.facebook.com/x' -> 'facebook'; None for anything else."""
    lists = load_host_lists()
    match = _matches(_host(url_or_host), lists.social_networks)
    return lists.social_networks[match] if match else None


def is_not_crawled(url_or_host: str) -> bool:
    """True for social networks and the other hosts that are recorded, never crawled."""
    return _matches(_host(url_or_host), load_host_lists().not_crawled) is not None


def is_shared_domain(domain: str) -> bool:
    """True for a registrable domain shared by many unrelated shops."""
    return domain.lower() in load_host_lists().shared
