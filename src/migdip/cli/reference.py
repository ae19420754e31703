"""Render the CLI reference (docs/cli-reference.md) from the commands themselves."""

from __future__ import annotations

from typing import Any

import typer.main


def _leaves(group: Any, prefix: str) -> list[tuple[str, Any]]:
    commands = getattr(group, "commands", None)
    if commands:
        out: list[tuple[str, Any]] = []
        for name in sorted(commands):
            out += _leaves(commands[name], f"{prefix} {name}")
        return out
    return [(prefix, group)]


def _param_line(param: Any) -> str:
    if param.param_type_name == "argument":
        text = getattr(param, "help", "") or ""
        return f"- `{str(param.name).upper()}` (argument): {text}".rstrip(": ")
    opts = ", ".join(f"`{o}`" for o in param.opts)
    help_text: Any = getattr(param, "help", "") or ""
    return f"- {opts}: {help_text}".rstrip(": ")


def render(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "Generated from the commands by `python -m migdip.cli.reference`; a test keeps it",
        "current. Every command takes `--json` for machine-readable output; an object output",
        "carries `meta`: the data versions it read, the Atlas build, migdip's version. A command",
        "that reads datasets takes `--data-version` and `--pinned` to read past versions for",
        "that run only (a saved `--json` output is a pinned file; see docs/data.md).",
        "",
    ]
    for name, command in _leaves(root, "migdip"):
        lines += [f"## `{name}`", "", (command.help or "").strip().split("\n")[0], ""]
        lines += [_param_line(p) for p in command.params if p.name != "help"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    from migdip.cli import app as main_app

    print(render(main_app), end="")
