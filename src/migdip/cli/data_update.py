"""`migdip data update | versions | use`: newer releases from the publishers, and versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from migdip.cli.common import JsonOpt, WarehouseOpt, console, emit_json, err_console, handle_errors
from migdip.data.ingest import with_datasets
from migdip.data.pinned import pins_of
from migdip.data.pins import use_versions
from migdip.data.update import UpdateReport, updatable, update
from migdip.data.versions import data_versions, list_versions
from migdip.meta import result_meta
from migdip.warehouse import Warehouse


def _print_report(report: UpdateReport) -> None:
    for o in report.outcomes:
        if o.status == "updated" and o.changes is not None:
            c = o.changes
            console.print(
                f"[bold]{o.dataset}[/]: updated to {o.release} (version {o.version}, "
                f"{o.rows:,} rows): {c.added:,} added, {c.removed:,} removed, {c.revised:,} "
                f"revised, {c.unchanged:,} unchanged",
                highlight=False,
            )
            for r in c.largest:
                key = ", ".join(f"{k}={v}" for k, v in r["key"].items())
                console.print(f"    {r['column']} {key}: {r['old']} -> {r['new']}", highlight=False)
        elif o.status == "unchanged":
            console.print(f"{o.dataset}: already the newest release ({o.release})", highlight=False)
        else:
            err_console.print(f"[bold red]{o.message}[/]", highlight=False)
        for note in o.notes:
            console.print(f"    note: {note}", highlight=False)
    if report.offline:
        err_console.print(
            "No network: the publishers could not be reached; the current versions are kept.",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    @app.command("update")
    @handle_errors
    def update_cmd(
        datasets: Annotated[
            list[str] | None,
            typer.Argument(help=f"Datasets to update (default: all of {', '.join(updatable())})."),
        ] = None,
        warehouse: WarehouseOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Fetch the newest releases from the publishers, check them, show what changed, swap
        them in (each dataset all or nothing; a copy of every version is kept)."""
        wh = Warehouse(warehouse)
        if as_json or not console.is_terminal:
            report = update(wh, datasets or None)
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=console,
                transient=True,
            ) as bar:
                tasks: dict[str, Any] = {}

                def progress(dataset: str, url: str, done: int, total: int | None) -> None:
                    if url not in tasks:
                        tasks[url] = bar.add_task(f"{dataset}", total=total)
                    bar.update(tasks[url], completed=done, total=total)

                report = update(wh, datasets or None, report=progress)
        if as_json:
            emit_json(report.as_dict(), result_meta() | {"data_versions": report.data_versions})
        else:
            _print_report(report)
        if report.failed:
            raise typer.Exit(1)

    @app.command("versions")
    @handle_errors
    def versions_cmd(
        dataset: Annotated[str | None, typer.Argument(help="One dataset (default: all).")] = None,
        warehouse: WarehouseOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Every version of each dataset: release, retrieval date, sha256, in use or kept."""
        con = with_datasets(Warehouse(warehouse))
        rows = [v.as_dict() for v in list_versions(con, dataset)]
        if as_json:
            emit_json(rows)
            return
        table = Table(title="Data versions (* in use)")
        for column in ("dataset", "version", "release", "retrieved", "rows", "kept"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(
                r["dataset"],
                ("* " if r["in_use"] else "  ") + r["version"],
                r["release"] or "-",
                (r["retrieved_at"] or "-")[:19],
                f"{r['rows']:,}" if r["rows"] is not None else "-",
                r["stored"] or "no copy",
            )
        console.print(table)

    @app.command("use")
    @handle_errors
    def use_cmd(
        data_version: Annotated[
            list[str] | None,
            typer.Option(
                "--data-version", help="DATASET=VERSION (repeat); see `migdip data versions`."
            ),
        ] = None,
        pinned: Annotated[
            Path | None,
            typer.Option(help="A pinned versions file (JSON or YAML; a result's meta works)."),
        ] = None,
        warehouse: WarehouseOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Put pinned versions back in use, to reproduce a past result (each from its kept copy,
        checked again)."""
        pins = pins_of(data_version, pinned)
        if not pins:
            raise typer.BadParameter("give --data-version DATASET=VERSION or --pinned FILE")
        wh = Warehouse(warehouse)
        results = use_versions(wh, pins)
        con = wh.read()
        versions = data_versions(con)
        meta = result_meta(con, datasets=True)
        if wh.shared:
            con.close()
        if as_json:
            emit_json({"used": [r.as_dict() for r in results], "data_versions": versions}, meta)
            return
        for r in results:
            console.print(f"{r.id}: version {r.checksum[:12]} in use ({r.rows:,} rows)")
