"""Helpers the tests import (conftest.py files hold fixtures only).

- ``sources``: the sources fixtures folder, an HttpContext for the fixture farm, a no-op sleep;
- ``crawler``: fast crawl settings, static site folders and small shop pages;
- ``results``: hand-made shops and shop results in the stored shape;
- ``scoring``: golden files and hand-made probe reports for the scoring tests;
- ``postgres``: a fresh PostgreSQL database per test (the ``db_url`` fixture of tests/conftest.py);
- ``clock``: a fake clock and sleep for code that takes them (as PlacesClient does).
"""
