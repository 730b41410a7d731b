from collections.abc import Iterator
from pathlib import Path

import pytest

from core.http import HttpContext
from fixtures.farm import Farm

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    """One farm per test module (starting one costs a CA and ~0.5 s to stop); each test
    registers fresh fakes with add_host, which replaces the previous handler."""
    with Farm() as running:
        yield running


def farm_context(farm: Farm) -> HttpContext:
    """Call after add_host: the resolve map lists the registered hosts."""
    return HttpContext(resolve=farm.resolve_map(), allow_private=True, ca_file=str(farm.ca_pem))


async def no_sleep(seconds: float) -> None:
    return None
