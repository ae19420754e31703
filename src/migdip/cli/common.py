"""Shared CLI plumbing: JSON output, error mapping, options."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from migdip.errors import MigdipError

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        envvar="MIGDIP_WAREHOUSE",
        help="Warehouse file (default: the user data directory).",
        show_default=False,
    ),
]
RecordsOpt = Annotated[
    Path | None,
    typer.Option(
        "--records",
        envvar="MIGDIP_RECORDS",
        help="Folder of Atlas record files (default: the bundled records).",
        show_default=False,
    ),
]


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Map migdip's exceptions to a clean message and exit code 1 (2 for usage errors)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except MigdipError as exc:
            if kwargs.get("as_json"):
                emit_json({"error": {"type": type(exc).__name__, "message": str(exc)}})
            else:
                err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def show_markdown(text: str, output: Path | None, what: str) -> None:
    """Print Markdown, or write it atomically to ``output`` and say so."""
    if output is None:
        console.print(text, markup=False, highlight=False)
        return
    from migdip.atomic import write_text

    write_text(output, text)
    console.print(f"Wrote {what} to {output}.")
