"""The command line's own help and error texts are in French."""

from __future__ import annotations

from typer.testing import CliRunner

from scanner.cli import app


def test_help_and_errors_in_french() -> None:
    runner = CliRunner()
    helped = runner.invoke(app, ["history", "--help"])
    assert "Affiche cette aide et quitte." in helped.output
    assert "Show this message" not in helped.output
    assert "Utilisation : " in helped.output and "Usage:" not in helped.output
    unknown = runner.invoke(app, ["scan", "--nope"])
    assert unknown.exit_code == 2
    assert "Option inconnue : --nope" in unknown.output and "Essayez" in unknown.output
    assert "No such option" not in unknown.output and "Try " not in unknown.output
    assert "Usage:" not in unknown.output
    missing = runner.invoke(app, ["history"])
    assert "Option obligatoire manquante" in missing.output
