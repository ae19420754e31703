"""Docs stay honest: generated references are current, the README's commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from migdip.cli import app
from migdip.cli.reference import render

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8") == render(app)


def test_every_command_in_the_readme_exists() -> None:
    reference = render(app)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shell = "\n".join(re.findall(r"```bash\n(.*?)```", readme, flags=re.S))
    used = set(re.findall(r"^migdip ([a-z]+(?: [a-z]+)?)", shell, flags=re.M))
    assert used, "the README shows no migdip commands"
    for command in used:
        first = command.split()[0]
        assert f"## `migdip {command}`" in reference or f"## `migdip {first}`" in reference, command


def test_readme_names_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash run.sh" in readme
    assert "bash test.sh" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash test.sh" in ci
