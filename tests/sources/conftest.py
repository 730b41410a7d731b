from collections.abc import Iterator

import pytest

from fixtures.farm import Farm


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    """One farm per test module (starting one costs a CA and ~0.5 s to stop); each test
    registers fresh fakes with add_host, which replaces the previous handler."""
    with Farm() as running:
        yield running
