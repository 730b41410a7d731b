"""A typer app holding only the `inspect` command, for tests that invoke it alone."""

from __future__ import annotations

import typer

from scanner.cli.inspect import register


def inspect_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app
