"""The ``smartcommerce`` command: one typer app, every command registered here.

    app.py      the app, the global options, ``scan`` and ``resume``
    sources.py  ``sources``
    ecosystem.py  ``ecosystem`` (the commune's lockers, parking, centre, attractions...)
    inspect.py  ``inspect`` (fetches through the crawler, then judges)
    reports.py  ``report``, ``diff``, ``history``, ``scans``, ``rescan``
    serve.py    ``serve`` (the territory dashboard)
    support.py  error handling shared by all commands (one line, exit code, --debug)
    french.py   click's and typer's own help and error texts in French
"""

from __future__ import annotations

from scanner.cli import ecosystem, inspect, reports, serve, sources
from scanner.cli.app import app
from scanner.cli.french import install_french
from scanner.cli.support import guard_all_commands

for _module in (sources, inspect, reports, ecosystem, serve):
    _module.register(app)
guard_all_commands(app)
install_french()


def main() -> None:
    """Entry point of the ``smartcommerce`` script."""
    app()


__all__ = ["app", "main"]
