"""Helpers shared by the CLI tests."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from migdip.cli import app

runner = CliRunner()


def run_json(*args: str) -> object:
    """Run a command with --json; it must succeed; return the parsed output."""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
