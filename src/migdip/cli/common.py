"""Shared CLI plumbing: JSON output, error mapping, options."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from contextvars import ContextVar
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from migdip.errors import MigdipError
from migdip.warehouse import Warehouse

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
_RESOURCES: ContextVar[ExitStack | None] = ContextVar("cli_resources", default=None)
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
DataVersionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--data-version",
        help="Read this version of a dataset, for this command only: DATASET=VERSION (repeat; "
        "see `migdip data versions`).",
        show_default=False,
    ),
]
PinnedOpt = Annotated[
    Path | None,
    typer.Option(
        "--pinned",
        help="Read the versions a pinned file names, for this command only (a saved --json "
        "output works).",
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


def emit_json(payload: Any, meta: dict[str, Any] | None = None) -> None:
    """Print ``payload`` as JSON; an object result gets ``meta`` (:func:`migdip.meta.result_meta`:
    what it was computed from)."""
    if meta is not None:
        payload = {**payload, "meta": meta}
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def open_pinned(
    warehouse: Path | None, data_version: list[str] | None, pinned: Path | None
) -> Warehouse:
    """The warehouse to read, with ``--data-version`` / ``--pinned`` in use for this command
    (a private copy, deleted when the command ends; the warehouse's own versions untouched)."""
    from migdip.data.pinned import pinned_warehouse, pins_of

    wh = Warehouse(warehouse)
    pins = pins_of(data_version, pinned)
    if not pins:
        return wh
    where = " and ".join(
        ([f"--pinned {pinned}"] if pinned is not None else [])
        + (["--data-version"] if data_version else [])
    )
    stack = _RESOURCES.get()
    if stack is None:
        raise RuntimeError("open_pinned is called inside a command wrapped by handle_errors")
    return stack.enter_context(pinned_warehouse(wh, pins, where))


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Map migdip's exceptions to a clean message and exit code 1 (2 for usage errors)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with ExitStack() as stack:  # what the command opened (a pinned copy) closes with it
            token = _RESOURCES.set(stack)
            try:
                return func(*args, **kwargs)
            except MigdipError as exc:
                if kwargs.get("as_json"):
                    emit_json({"error": {"type": type(exc).__name__, "message": str(exc)}})
                else:
                    err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None
            finally:
                _RESOURCES.reset(token)

    return wrapper


def show_markdown(text: str, output: Path | None, what: str) -> None:
    """Print Markdown, or write it atomically to ``output`` and say so."""
    if output is None:
        console.print(text, markup=False, highlight=False)
        return
    from migdip.atomic import write_text

    write_text(output, text)
    console.print(f"Wrote {what} to {output}.")
