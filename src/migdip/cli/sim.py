"""`migdip sim ...`: run Flee-format cases and scenario files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from migdip.cli.common import (
    DataVersionOpt,
    JsonOpt,
    PinnedOpt,
    WarehouseOpt,
    console,
    emit_json,
    err_console,
    handle_errors,
    open_pinned,
)
from migdip.data.ingest import with_datasets
from migdip.errors import InputError
from migdip.flows.engine.runner import run_scenario, save_to_warehouse, write_parquet
from migdip.flows.engine.scenario import load_scenario
from migdip.flows.flee.run import evaluate_case
from migdip.flows.routes.scenario import (
    backtest_scenario,
    load_route_scenario,
    run_route_scenario,
    scenario_kind,
)
from migdip.meta import result_meta
from migdip.warehouse import Warehouse

app = typer.Typer(help="Simulate flows: Flee-format cases and scenario files.")


@app.command("flee")
@handle_errors
def flee_cmd(
    case_dir: Annotated[
        Path, typer.Argument(help="A Flee case folder (input_csv/, source_data/).")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Folder for out.csv, plots, summary.json.")
    ] = None,
    settings: Annotated[
        Path | None, typer.Option(help="simsetting.yml (default: beside the case).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Draw whole people with this seed.")] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse the quirks Flee accepts (a location listed twice, unsorted dates...).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run a Flee-format case and score it against UNHCR data (Flee's error, MASE)."""
    summary = evaluate_case(case_dir, out, settings, seed, strict=strict)
    for warning in summary["warnings"]:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    if as_json:
        emit_json(summary, result_meta())  # the case folder's files, no dataset
        return
    s = summary["scores"]
    console.print(
        f"{summary['case']}: {summary['days']} days in {summary['seconds']:.2f} s; "
        f"error (rescaled) {s['error_rescaled']:.3f}, error (normal) {s['error_normal']:.3f}"
    )
    table = Table(title="Per camp")
    for column in ("camp", "MAE", "MASE day-7", "MASE day-30", "MASE day-7 share"):
        table.add_column(column, justify="right")
    for c in s["camps"]:
        cells = [
            "-" if c[k] is None else f"{c[k]:.3g}"
            for k in ("mae", "mase7", "mase30", "mase7_share")
        ]
        table.add_row(c["name"], *cells)
    console.print(table)
    if out is not None:
        console.print(f"Wrote {summary['out_csv']}, plots and summary.json in {out}.")


@app.command("flee-suite")
@handle_errors
def flee_suite_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder of Flee case folders.")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse the quirks Flee accepts.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run every Flee case in a folder with the same parameters; one table of their scores."""
    from dataclasses import asdict

    from migdip.flows.flee.report import suite, table

    results = suite(folder, strict=strict)
    if not results:
        raise InputError(f"{folder}: no case folders (folders with input_csv/) in it")
    if as_json:
        emit_json([asdict(r) for r in results])
        return
    for line in table(results, wall_time=True):
        console.print(line, highlight=False, soft_wrap=True)
    quirks = sum(len(r.warnings) for r in results)
    total = sum(r.seconds for r in results)
    console.print(
        f"{len(results)} cases in {total:.2f} s; {quirks} quirks read as Flee reads them "
        "(`migdip sim flee CASE_DIR` lists each)."
    )


@app.command("run")
@handle_errors
def run_cmd(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.")],
    runs: Annotated[int | None, typer.Option(help="Ensemble size (default: the file's).")] = None,
    seed: Annotated[int | None, typer.Option(help="Base seed (default: the file's).")] = None,
    backend: Annotated[str, typer.Option(help="serial, local (all cores) or ray.")] = "local",
    parquet: Annotated[
        Path | None, typer.Option(help="Write the bands to this Parquet file.")
    ] = None,
    save: Annotated[bool, typer.Option(help="Store the run in the warehouse.")] = False,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a scenario's baseline and counterfactuals as ensembles; print bands."""
    kind = scenario_kind(scenario)
    if kind in ("route_model", "corridor", "negotiation"):
        wh = open_pinned(warehouse, data_version, pinned)
        if kind == "route_model":
            _route_model(scenario, runs, seed, wh, as_json)
        elif kind == "corridor":
            _corridor(scenario, runs, seed, wh, as_json)
        else:
            _negotiation(scenario, wh, as_json)
        return
    if data_version or pinned:
        raise InputError(
            f"--data-version or --pinned: {scenario} is a network scenario, which reads no "
            "dataset; accepted: the pins with a scenario of kind route_model, corridor or "
            "negotiation"
        )
    sc = load_scenario(scenario)
    names = list(sc.variants())
    with Progress(console=console, disable=as_json, transient=True) as bar:
        task = bar.add_task(f"{sc.spec.name}", total=len(names))
        outcome = run_scenario(sc, runs, seed, backend, progress=lambda _: bar.advance(task))
    summary = outcome.summary()
    if parquet is not None:
        summary["parquet_rows"] = write_parquet(outcome, parquet)
    if save:
        with Warehouse(warehouse).write() as w:
            summary["run_id"] = save_to_warehouse(w, outcome)
    if as_json:
        emit_json(summary, result_meta())  # the scenario file alone
        return
    table = Table(
        title=f"{sc.spec.name}: people at each sink on the last day "
        f"(median [5%-95%], {outcome.runs} runs)"
    )
    table.add_column("sink")
    for name in names:
        table.add_column(name, justify="right")
    for sink in outcome.sinks:
        cells = []
        for name in names:
            f = summary["variants"][name]["final_at_sinks"][sink]
            cells.append(f"{f['q50']:,.0f} [{f['q05']:,.0f}-{f['q95']:,.0f}]")
        table.add_row(sink, *cells)
    console.print(table)
    for name in names:
        t = summary["variants"][name]["totals"]
        console.print(
            f"{name}: deaths {t['deaths']['q50']:,.0f}, intercepted "
            f"{t['intercepted']['q50']:,.0f}, returned {t['returned']['q50']:,.0f}"
        )


def _totals_table(out: dict[str, Any], what: str, column: str, places: list[str], key: str) -> None:
    """Each variant's total over the horizon per place: median [5%-95%] of the runs."""
    names = list(out["variants"])
    table = Table(
        title=f"{out['scenario']}: {what}, {out['months'][0]} to "
        f"{out['months'][-1]} (median [5%-95%], {out['runs']} runs)"
    )
    table.add_column(column)
    for name in names:
        table.add_column(name, justify="right")
    for place in places:
        cells = []
        for name in names:
            t = out["variants"][name][key][place]
            cells.append(f"{t['q50']:,.0f} [{t['q05']:,.0f}-{t['q95']:,.0f}]")
        table.add_row(place, *cells)
    console.print(table)


def _changes(out: dict[str, Any], label: str) -> None:
    low, high = out["diversion"]
    console.print(
        f"Share of people stopped or deterred who reroute, drawn per run: {low:.0%} to {high:.0%}"
    )
    for name in list(out["variants"])[1:]:
        change = out["variants"][name]["median_change_vs_baseline"]
        console.print(
            f"{name} vs baseline{label}: " + ", ".join(f"{r} {v:+,.0f}" for r, v in change.items())
        )


def _route_model(
    path: Path, runs: int | None, seed: int | None, wh: Warehouse, as_json: bool
) -> None:
    spec = load_route_scenario(path)
    con = with_datasets(wh)
    out = run_route_scenario(spec, path.parent, con, runs, seed)
    if as_json:
        emit_json(out, result_meta(con, datasets=True))
        return
    _totals_table(out, "detections by route", "route", out["routes"], "total_by_route")
    _changes(out, " (diversion between routes)")


def _corridor(path: Path, runs: int | None, seed: int | None, wh: Warehouse, as_json: bool) -> None:
    from migdip.flows.routes.corridor_scenario import load_corridor_scenario, run_corridor_scenario

    spec = load_corridor_scenario(path)
    con = with_datasets(wh)
    out = run_corridor_scenario(spec, path.parent, con, runs, seed)
    if as_json:
        emit_json(out, result_meta(con, datasets=True))
        return
    _totals_table(
        out,
        "people counted at each checkpoint",
        "checkpoint",
        out["checkpoints"],
        "total_by_checkpoint",
    )
    shares = ", ".join(
        f"{' > '.join(p)} {100 * s:.0f}%"
        for p, s in zip(out["paths"], out["path_shares"], strict=True)
    )
    console.print(f"Path shares before {out['origin']} (reroute weights): {shares}")
    _changes(out, "")


@app.command("backtest")
@handle_errors
def backtest_cmd(
    scenario: Annotated[Path, typer.Argument(help="A route-model scenario (kind: route_model).")],
    step: Annotated[
        int, typer.Option(min=1, help="Months between forecast origins (1: every month).")
    ] = 3,
    jobs: Annotated[int, typer.Option(min=1, help="Processes for the model fits.")] = 2,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The forecast benchmark on a route system: every forecaster against strong baselines."""
    spec = load_route_scenario(scenario)
    con = with_datasets(open_pinned(warehouse, data_version, pinned))
    out = backtest_scenario(spec, scenario.parent, con, step=step, jobs=jobs)
    if as_json:
        emit_json(out, result_meta(con, datasets=True))
        return
    _benchmark(out)


def _benchmark(out: dict[str, Any]) -> None:
    from migdip.flows.routes.backtest import LABELS, SELECTION_HORIZONS
    from migdip.flows.routes.forecasters import BASELINES

    chosen, routes, origins = out["chosen"], out["routes"], out["origins"]
    wins = [r for r, ok in out["beats_every_baseline"].items() if ok]
    console.print(
        f"[bold]Chosen on the origins {origins['selection'][0]} to {origins['selection'][1]}: "
        f"{LABELS[chosen]}[/]; it beats every baseline ({', '.join(LABELS[m] for m in BASELINES)})"
        f" at 1, 3 and 6 months on {len(wins)} of {len(routes)} routes"
        + (f" ({', '.join(wins)})" if wins else "")
    )
    for h in SELECTION_HORIZONS:
        table = Table(
            title=f"MASE at {h} month{'s' if h > 1 else ''}, origins {origins['evaluation'][0]} "
            f"to {origins['evaluation'][1]} (every {origins['step_months']}; lowest in bold)"
        )
        table.add_column("forecaster")
        for route in routes:
            table.add_column(route, justify="right")
        values = {m: [row[h - 1] for row in out["mase"][m]] for m in out["models"]}
        best = [
            min((v[r] for v in values.values() if v[r] is not None), default=None)
            for r in range(len(routes))
        ]
        for m, row in values.items():
            cells = [
                "-" if v is None else f"[bold]{v:.2f}[/]" if v == best[r] else f"{v:.2f}"
                for r, v in enumerate(row)
            ]
            table.add_row(LABELS[m] + (" (chosen)" if m == chosen else ""), *cells)
        console.print(table)
    for level, cov in out["coverage"].items():
        shown = ", ".join("-" if c is None else f"{100 * c:.0f}%" for c in cov)
        console.print(f"{level}% interval coverage at 1 to 12 months: {shown}")


def _negotiation(path: Path, wh: Warehouse, as_json: bool) -> None:
    from migdip.bargaining.coupling import load_negotiation, run_negotiation
    from migdip.cli.negotiate import print_periods

    spec = load_negotiation(path)
    con = with_datasets(wh)
    out = run_negotiation(con, spec)
    if as_json:
        emit_json(out, result_meta(con, datasets=True))
        return
    console.print(f"[bold]{out['scenario']}[/]: {out['destination']} and {out['partner']}")
    print_periods(out["periods"])
