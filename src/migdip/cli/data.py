"""`migdip data ...`: the bundled datasets, their provenance, and refreshing them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from migdip.cli.common import JsonOpt, WarehouseOpt, console, emit_json, handle_errors
from migdip.cli.data_update import register
from migdip.data.codes import special_codes
from migdip.data.ingest import ingest, list_datasets, with_datasets
from migdip.data.store import VersionStore
from migdip.data.versions import VERSION_CHARS, Origin, data_versions
from migdip.meta import result_meta
from migdip.warehouse import Warehouse

app = typer.Typer(help="Datasets: provenance, ingest newer official files, code tables.")


@app.command("list")
@handle_errors
def list_cmd(warehouse: WarehouseOpt = None, as_json: JsonOpt = False) -> None:
    """The provenance table: publisher, version, licence, coverage, rows, checksum, ingested."""
    con = with_datasets(Warehouse(warehouse))
    rows = list_datasets(con)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Datasets in the warehouse")
    for column in (
        "id",
        "publisher",
        "version",
        "licence",
        "coverage",
        "rows",
        "sha256",
        "ingested",
    ):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r["id"],
            r["publisher"],
            r["version"],
            r["licence"],
            r["coverage"] or "-",
            f"{r['rows']:,}",
            (r["checksum"] or "-")[:12],
            str(r["ingested_at"] or "-")[:19],
        )
    console.print(table)


@app.command("ingest")
@handle_errors
def ingest_cmd(
    dataset: Annotated[str, typer.Argument(help="Dataset id (see `migdip data list`).")],
    file: Annotated[
        Path | None, typer.Argument(help="A newer official file (default: the bundled one).")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(help="Allow a file with far fewer rows than the dataset held to replace it."),
    ] = False,
    warehouse: WarehouseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replace one dataset from a file, atomically: all of it or nothing (a copy is kept)."""
    wh = Warehouse(warehouse)
    store = VersionStore.beside(wh)
    with wh.write() as con:
        if file is None or store is None:
            result = ingest(con, dataset, file, replace=replace)
        else:
            from migdip.data.ingest import sha256

            digest = sha256(file)
            name = f"{dataset}{''.join(file.suffixes)}"
            stored, _ = store.put(dataset, digest[:VERSION_CHARS], file, name)
            origin = Origin(sha256=digest, file=name, stored=stored)
            result = ingest(con, dataset, file, replace=replace, origin=origin)
        versions = data_versions(con)
        meta = result_meta(con, datasets=True)
    if as_json:
        emit_json(result.as_dict() | {"data_versions": versions}, meta)
    else:
        console.print(
            f"Ingested {result.id}: {result.rows:,} rows, {result.coverage}, from {result.file} "
            f"({result.format}); sha256 {result.checksum[:12]}"
        )


register(app)


@app.command("codes")
@handle_errors
def codes_cmd(as_json: JsonOpt = False) -> None:
    """The special country codes (unknown, stateless, aggregates) and how each is handled."""
    rows = [s.__dict__ for s in special_codes()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Special country codes")
    for column in ("system", "code", "maps_to", "category", "meaning", "note"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(*(r[c] for c in ("system", "code", "maps_to", "category", "meaning", "note")))
    console.print(table)
