"""`migdip dyad`, `migdip leverage`, `migdip country`, `migdip indicators ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from migdip.atlas import Atlas
from migdip.atomic import atomic_path
from migdip.cli.common import (
    DataVersionOpt,
    JsonOpt,
    PinnedOpt,
    WarehouseOpt,
    console,
    emit_json,
    handle_errors,
    open_pinned,
    show_markdown,
)
from migdip.indicators import DEFAULT_YEAR, Indicators
from migdip.indicators.catalogue import indicators, render_markdown
from migdip.meta import result_meta
from migdip.profile import country_profile

app = typer.Typer(help="The indicator catalogue and all-pairs tables.")
Year = Annotated[int, typer.Option("--year", help="Year (sources use their latest year <= it).")]


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


@handle_errors
def dyad_cmd(
    a: Annotated[str, typer.Argument(help="State or bloc code (e.g. TUR).")],
    b: Annotated[str, typer.Argument(help="State or bloc code (e.g. EU).")],
    year: Year = DEFAULT_YEAR,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A dyad's profile: every figure with its year and source, and leverage both ways."""
    ind = Indicators(open_pinned(warehouse, data_version, pinned))
    profile = ind.dyad(a, b, year)
    if as_json:
        emit_json(profile, result_meta(ind.con, datasets=True))
        return
    table = Table(title=f"{profile['a']} and {profile['b']}, {year}")
    for column in ("indicator", "value", "unit", "year", "dataset"):
        table.add_column(column, overflow="fold")
    for f in profile["figures"]:
        table.add_row(
            f["title"], _num(f["value"]), f["unit"], _num(f["year"]), ", ".join(f["datasets"])
        )
    console.print(table)
    for side, label in (("a_over_b", f"{a} over {b}"), ("b_over_a", f"{b} over {a}")):
        lev = profile["leverage"][side]
        parts = ", ".join(f"{k} {_num(v)}" for k, v in lev["components"].items())
        console.print(f"Leverage {label}: {_num(lev['score'])} (components 0-1: {parts})")


@handle_errors
def leverage_cmd(
    over: Annotated[str, typer.Option("--over", help="The state or bloc leverage is over.")],
    year: Year = DEFAULT_YEAR,
    top: Annotated[int, typer.Option(help="How many partners.")] = 15,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Partners ranked by their leverage over a state or bloc, with the components."""
    ind = Indicators(open_pinned(warehouse, data_version, pinned))
    result = ind.leverage_over(over, year, top)
    if as_json:
        emit_json(result, result_meta(ind.con, datasets=True))
        return
    table = Table(title=f"Leverage over {result['over']}, {year}")
    for column in ("partner", "score", "route", "hosting", "workers", "remittances", "power"):
        table.add_column(column, justify="right")
    for p in result["partners"]:
        c = p["components"]
        table.add_row(
            p["partner"],
            _num(p["leverage"]),
            *(_num(c[k]) for k in ("route", "hosting", "workers", "remittances", "power")),
        )
    console.print(table)
    console.print(f"Formula: {result['formula']}", highlight=False)


@handle_errors
def country_cmd(
    code: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code.")],
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A country: position over time, top corridors, hosting, remittances, Atlas records."""
    wh = open_pinned(warehouse, data_version, pinned)
    Atlas(warehouse=wh).close()  # builds the Atlas if the warehouse has none yet
    ind = Indicators(wh)
    profile = country_profile(ind.con, code)
    if as_json:
        emit_json(profile, result_meta(ind.con, datasets=True, atlas=True))
        return
    table = Table(title=f"{profile['country']} over time")
    for column in (
        "year",
        "position",
        "emigrants",
        "immigrants",
        "hosted",
        "per 1,000",
        "remittances % GDP",
    ):
        table.add_column(column, justify="right")
    for r in profile["series"]:
        table.add_row(
            str(r["year"]),
            _num(r["position"]),
            _num(r["emigrants"]),
            _num(r["immigrants"]),
            _num(r["hosted_total"]),
            _num(r["hosted_per_1000"]),
            _num(r["remittances_received_pct_gdp"]),
        )
    console.print(table)
    for key, label in (("corridors_out", "living abroad in"), ("corridors_in", "born in")):
        rows = ", ".join(f"{r['partner']} {_num(r['migrants'])}" for r in profile[key])
        console.print(f"Top corridors ({label}, {profile['corridors_year']}): {rows}")
    atlas = profile["atlas"]
    console.print(
        f"Atlas: {atlas['curated_total']} curated records, "
        f"{atlas['bilateral_labour_agreements']} bilateral labour agreements"
    )
    for r in atlas["curated"][:10]:
        console.print(f"  {r['year']} {r['id']}: {r['title']}", highlight=False)


@app.command("catalogue")
@handle_errors
def catalogue_cmd(
    output: Annotated[Path | None, typer.Option("--output", help="Write Markdown here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The indicator catalogue (formulas, units, inputs, parameters)."""
    if as_json:
        emit_json([i.__dict__ for i in indicators().values()])
        return
    show_markdown(render_markdown(), output, "the catalogue")


@app.command("pairs")
@handle_errors
def pairs_cmd(
    output: Annotated[Path, typer.Argument(help="Parquet or CSV file to write.")],
    year: Year = DEFAULT_YEAR,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write every pair indicator of a year for all ordered pairs of states."""
    ind = Indicators(open_pinned(warehouse, data_version, pinned))
    relation = ind.pairs(year)
    fmt = "parquet" if output.suffix == ".parquet" else "csv"
    with atomic_path(output) as tmp:
        if fmt == "parquet":
            relation.write_parquet(str(tmp))
        else:
            relation.write_csv(str(tmp))
    rows = ind.con.execute("SELECT count(*) FROM _pairs").fetchone()
    n = int(rows[0]) if rows else 0
    if as_json:
        emit_json(
            {"written": str(output), "rows": n, "year": year, "format": fmt},
            result_meta(ind.con, datasets=True),
        )
    else:
        console.print(f"Wrote {n:,} pairs for {year} to {output}.")
