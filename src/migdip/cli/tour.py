"""`migdip tour` and `migdip migrations`."""

from __future__ import annotations

from dataclasses import asdict

from rich.panel import Panel
from rich.table import Table

from migdip.atlas import Atlas
from migdip.cli.common import (
    DataVersionOpt,
    JsonOpt,
    PinnedOpt,
    RecordsOpt,
    WarehouseOpt,
    console,
    emit_json,
    handle_errors,
    open_pinned,
)
from migdip.data.ingest import ensure_bundled
from migdip.meta import result_meta
from migdip.paths import default_warehouse_path
from migdip.tour import Tour, run_tour
from migdip.warehouse import Warehouse, applied_migrations


@handle_errors
def tour_cmd(
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the warehouse if needed and tour the Atlas of migration diplomacy."""
    wh = open_pinned(warehouse, data_version, pinned)
    ensure_bundled(wh)  # before the Atlas's connection opens, so that it sees the data
    atlas = Atlas(warehouse=wh, records=records)
    tour = run_tour(atlas)
    if as_json:
        emit_json(
            asdict(tour) | {"warehouse": str(warehouse or default_warehouse_path())},
            result_meta(atlas.con, datasets=True, atlas=True),
        )
        return
    s = tour.stats
    console.print(
        Panel.fit(
            f"[bold]migdip[/]: the Atlas of migration diplomacy\n"
            f"{s['records']} records ({s['curated']} curated with sources, {s['imported']} "
            f"imported bilateral labour agreements), {s['years'][0]}-{s['years'][1]}\n"
            f"warehouse: {warehouse or default_warehouse_path()}",
        )
    )
    for title, total, rows in tour.searches:
        table = Table(title=f"{title} ({total} records)", title_justify="left")
        for column in ("id", "year", "title", "parties"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(r["id"], str(r["year"]), r["title"][:60], ", ".join(r["parties"]))
        console.print(table)
    if tour.record:
        r = tour.record
        console.print(Panel(r["summary"], title=f"{r['title']} ({r['id']})", expand=False))
    console.print(
        "Curated records by decade: " + ", ".join(f"{d} {n}" for d, n in tour.decades.items())
    )
    table = Table(title="Who deals with whom most often (curated records)", title_justify="left")
    for column in ("actor", "actor", "records", "coercive"):
        table.add_column(column)
    for e in tour.top_links:
        table.add_row(e["source"], e["target"], str(e["weight"]), str(e["coercive"]))
    console.print(table)
    _print_data(tour)
    console.print(
        "Next: `migdip atlas search TEXT --region africa`, `migdip atlas show ID`, "
        "`migdip dyad PHL KWT`, `migdip country TUR`, `migdip --help`."
    )


@handle_errors
def migrations_cmd(warehouse: WarehouseOpt = None, as_json: JsonOpt = False) -> None:
    """List the schema migrations applied to the warehouse."""
    con = Warehouse(warehouse).read()
    names = applied_migrations(con)
    if as_json:
        emit_json(
            {"warehouse": str(warehouse or default_warehouse_path()), "migrations": names},
            result_meta(),  # the warehouse's schema, no dataset
        )
    else:
        for name in names:
            console.print(name)


def _print_data(tour: Tour) -> None:
    table = Table(title="Real data in the warehouse (migdip data list)", title_justify="left")
    for column in ("dataset", "publisher", "coverage", "rows"):
        table.add_column(column)
    for d in tour.datasets:
        table.add_row(d["id"], d["publisher"], d["coverage"] or "-", f"{d['rows']:,}")
    console.print(table)
    table = Table(
        title="Leverage over the EU in 2016 (migdip leverage --over EU --year 2016)",
        title_justify="left",
    )
    for column in ("partner", "score", "route", "hosting", "workers", "remittances", "power"):
        table.add_column(column, justify="right")
    for p in tour.leverage["partners"]:
        c = p["components"]
        cells = ("-" if c[k] is None else f"{c[k]:.2f}" for k in LEVERAGE_PARTS)
        table.add_row(p["partner"], f"{p['leverage']:.1f}", *cells)
    console.print(table)


LEVERAGE_PARTS = ("route", "hosting", "workers", "remittances", "power")
