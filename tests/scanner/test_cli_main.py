"""The top of the command: version, help in French, every command registered."""

from __future__ import annotations

from typer.testing import CliRunner

from scanner.cli import app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("smartcommerce ")


def test_help_lists_every_command_in_french() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("scan", "resume", "sources", "inspect", "report", "diff", "history",
                    "rescan"):
        assert f" {command} " in result.stdout
    assert "commerces" in result.stdout
