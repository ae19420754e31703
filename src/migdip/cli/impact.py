"""`migdip impact RECORD_ID`: what a deal changed on its routes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
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
from migdip.data.series import FRONTEX_ROUTE
from migdip.errors import InputError
from migdip.flows.impact.deals import evaluate, plot, public, write_back
from migdip.meta import result_meta


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value:+.0f}%"


@handle_errors
def impact_cmd(
    record_id: Annotated[str, typer.Argument(help="An Atlas record tied to Frontex routes.")],
    pre: Annotated[int, typer.Option(help="Months before the deal to fit on.")] = 36,
    post: Annotated[int, typer.Option(help="Months after the deal to evaluate.")] = 12,
    seed: Annotated[int, typer.Option(help="Seed of the interval simulation.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Folder for the plots (PNG and SVG).")] = None,
    write: Annotated[
        bool,
        typer.Option(
            help="Write the estimates back to atlas/computed/<id>.yaml (a tracked file); "
            "`python -m migdip.validation --write` regenerates every committed estimate."
        ),
    ] = False,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Estimate a deal's effect on Frontex detections, with intervals and diagnostics."""
    if write and (data_version or pinned):
        raise InputError(
            "--write with --data-version or --pinned: the committed estimates are computed from "
            "the current data; accepted: --write alone, or the pins without --write"
        )
    wh = open_pinned(warehouse, data_version, pinned)
    ensure_bundled(wh)  # the Frontex and IOM series, on first use
    atlas = Atlas(warehouse=wh, records=records)
    result = evaluate(atlas.con, record_id, pre, post, seed)
    payload = public(result)
    if out is not None:
        payload["plots"] = [str(p) for p in plot(result, out)]
    if write:
        payload["written_to"] = str(write_back(result))
        atlas.rebuild()
    if as_json:
        emit_json(payload, result_meta(atlas.con, datasets=True, atlas=True))
        return
    console.print(f"[bold]{payload['title']}[/] ({record_id}), deal month {payload['deal_month']}")
    verdict = payload["verdict"]
    colour = "green" if verdict["reliable"] else "red"
    console.print(
        f"[bold {colour}]{'Reliable' if verdict['reliable'] else 'Not reliable'}[/]: "
        + "; ".join(f"{FRONTEX_ROUTE[r]}: {why}" for r, why in verdict["reasons"].items())
    )
    table = Table(title="Effect on detections: observed - validated counterfactual")
    for column in (
        "route",
        "period",
        "observed",
        "counterfactual",
        "effect",
        "interval",
        "forecaster",
    ):
        table.add_column(column, overflow="fold")
    for route, d in payload["routes"].items():
        fc = d["forecast"]
        if fc is None:
            table.add_row(FRONTEX_ROUTE[route], "-", "-", "-", "-", "-", "none")
            continue
        iv = fc["effect_interval"]
        table.add_row(
            FRONTEX_ROUTE[route],
            fc["period"],
            f"{fc['observed']:,.0f}",
            f"{fc['counterfactual']:,.0f}",
            f"{fc['effect']:+,.0f} ({_pct(fc['effect_pct'])})",
            "-" if iv is None else f"{fc['level']}%: {iv[0]:+,.0f} to {iv[1]:+,.0f}",
            f"{fc['forecaster']} from {fc['origin']}",
        )
    console.print(table)
    table = Table(title="For comparison: interrupted time series and synthetic control")
    for column in (
        "route",
        "post period",
        "counterfactual",
        "effect",
        "90% interval",
        "placebo (a year earlier)",
        "synthetic control",
    ):
        table.add_column(column, overflow="fold")
    for route, d in payload["routes"].items():
        its, placebo, sc = d["its"], d["placebo_a_year_earlier"], d["synthetic_control"]
        lo, hi = its["effect_interval"]
        sc_text = (
            "-"
            if sc is None
            else (
                f"{_pct(sc['effect_pct'])} (pre R² {sc['pre_r2_log']:.2f}"
                f"{'' if sc['holds'] else ', does not hold'})"
            )
        )
        table.add_row(
            FRONTEX_ROUTE[route],
            its["post_period"],
            f"{its['counterfactual']:,.0f}",
            f"{its['effect']:+,.0f} ({_pct(its['effect_pct'])})",
            f"{lo:+,.0f} to {hi:+,.0f}",
            "-"
            if placebo is None
            else _pct(placebo["effect_pct"]) + ("" if d["its_reliable"] else " (fails)"),
            sc_text,
        )
    console.print(table)
    moved = ", ".join(
        f"{FRONTEX_ROUTE[r]} {d['effect']:+,.0f}" for r, d in payload["displacement"].items()
    )
    console.print(f"Other routes, same months (displacement?): {moved}")
    for route, d in payload["routes"].items():
        deaths = d["dead_missing_per_1000_detections"]
        if deaths["before_12_months"] is not None:
            console.print(
                f"{FRONTEX_ROUTE[route]}: IOM dead and missing per 1,000 detections, "
                f"12 months before {deaths['before_12_months']:.1f}, after "
                f"{deaths['after_12_months']:.1f}"
            )
    for c in payload["confounders"]:
        console.print(f"Confounder named in the Atlas: {c['id']} ({c['date']}): {c['title']}")
    console.print("Assumptions: " + "; ".join(payload["assumptions"]) + ".")
    for route, d in payload["routes"].items():
        diag = d["its"]["diagnostics"]
        console.print(
            f"Diagnostics ({route}): pre-period fit R² (log) {diag['pre_r2_log']:.2f}, "
            f"Durbin-Watson {diag['durbin_watson']:.2f}, {diag['pre_months']} months"
        )
    if write:
        console.print(f"Estimates written to {payload['written_to']} (merged into the record).")
