"""`migdip negotiate A B`: the deal space and the predicted agreement between two parties."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from migdip.bargaining.coupling import negotiate, play
from migdip.bargaining.model import Terms, check_issues
from migdip.cli.common import (
    DataVersionOpt,
    JsonOpt,
    PinnedOpt,
    WarehouseOpt,
    console,
    emit_json,
    handle_errors,
    open_pinned,
)
from migdip.data.actors import resolve
from migdip.data.ingest import with_datasets
from migdip.meta import result_meta


def _interval(s: dict[str, float], money: bool = False) -> str:
    if money:
        return f"EUR {s['estimate']:,.0f} (90% interval {s['low']:,.0f} to {s['high']:,.0f})"
    return f"{s['estimate']:.0%} (90% interval {s['low']:.0%} to {s['high']:.0%})"


def _estimated(est: dict[str, Any]) -> None:
    """The estimated model's predictions (docs/validation.md says how well they hold)."""
    console.print(
        "[bold]Estimated model[/] (parameters fitted on the Atlas's episodes; out-of-sample "
        "record in docs/validation.md): probability of a deal "
        + _interval(est["deal_probability"])
        + "."
    )
    if est["money_promised_eur"] is not None:
        console.print("  Money promised, predicted: " + _interval(est["money_promised_eur"], True))
    for target, probs in est["outcomes"].items():
        parts = ", ".join(f"{c} {_interval(v)}" for c, v in probs.items())
        console.print(f"  {target.replace('_', ' ')}: {parts}")
    table = Table(title="Estimated parameters (posterior mode, 90% interval)")
    for column in ("parameter", "estimate", "low", "high"):
        table.add_column(column, justify="left" if column == "parameter" else "right")
    for name, v in est["params"].items():
        table.add_row(name, *(f"{v[k]:,.4g}" for k in ("estimate", "low", "high")))
    console.print(table)


@handle_errors
def negotiate_cmd(
    destination: Annotated[str, typer.Argument(help="Destination state or bloc (e.g. EU).")],
    partner: Annotated[str, typer.Argument(help="Transit or origin state (e.g. TUN).")],
    year: Annotated[
        int, typer.Option(help="Year of the negotiation (data of the year before).")
    ] = 2024,
    threat: Annotated[
        float, typer.Option(help="Share of the people it hosts the partner threatens to release.")
    ] = 0.0,
    credibility: Annotated[float, typer.Option(help="Credibility of that threat, 0 to 1.")] = 0.0,
    issues: Annotated[
        str | None,
        typer.Option(help="Issues on the table, comma-separated (default: all), e.g. money,visas."),
    ] = None,
    sanction: Annotated[
        float, typer.Option(help="Share of visas the destination would withhold without a deal.")
    ] = 0.0,
    trade_value: Annotated[
        float,
        typer.Option(help="EUR a year the trade access or accession step on offer is worth."),
    ] = 0.0,
    periods: Annotated[
        int,
        typer.Option(help="Play this many yearly periods (compliance, breakdown, renegotiation)."),
    ] = 1,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each side's stakes and their sources, the deal space and the Nash agreement."""
    con = with_datasets(open_pinned(warehouse, data_version, pinned))
    dest, part = resolve(destination, year), resolve(partner, year)
    if periods > 1:
        history = play(con, dest, part, year, periods)
        if as_json:
            emit_json({"periods": history}, result_meta(con, datasets=True))
            return
        print_periods(history)
        return
    terms = Terms(
        check_issues(issues.split(",") if issues else None),
        threat,
        credibility,
        sanction,
        trade_value,
    )
    result = negotiate(con, dest, part, year, terms=terms, moves=True)
    if as_json:
        emit_json(result, result_meta(con, datasets=True))
        return
    table = Table(title=f"{result['destination']} and {result['partner']}, {year}: stakes")
    for column in ("input", "value", "source"):
        table.add_column(column, overflow="fold")
    for key, value in result["inputs"].items():
        table.add_row(
            key, f"{value:,.3g}" if value < 1 else f"{value:,.0f}", result["sources"].get(key, "")
        )
    console.print(table)
    console.print(f"Valued by: {result['valued_by']}.")
    d = result["disagreement"]
    console.print(
        f"Disagreement point (EUR a year): destination {d['destination']:,.0f}, "
        f"partner {d['partner']:,.0f}; {result['pareto_packages']} Pareto-efficient "
        "packages in the deal space."
    )
    _estimated(result["estimated"])
    if not result["agreement"]:
        console.print("No package leaves both sides better off than disagreement: no deal.")
        return
    p = result["package"]
    console.print(
        f"Nash agreement: interception effort {p['interception']:.0%}, readmission "
        f"{p['readmission']:.0%} of returnable nationals, visa liberalisation {p['visas']:.0%}, "
        f"legal pathways {p['legal_pathways_share_of_diaspora']:.0%} of the diaspora, "
        f"resettlement {p['resettlement_share_of_hosted']:.0%} of refugees hosted, trade access "
        f"{p['trade']:.0%}, transfer EUR {p['money_eur']:,.0f} a year; the destination gets "
        f"{result['got']['destination']}, the partner {result['got']['partner']} of what it seeks."
    )
    _moves_table(result["what_would_move_it"])


def print_periods(history: list[dict[str, Any]]) -> None:
    """One line per period of a played negotiation, with its returns, places and detections."""
    for h in history:
        deal = h.get("package")
        text = "no deal"
        if deal:
            kept = "complied" if h["complied"] else "broke down"
            text = (
                f"transfer EUR {deal['money_eur']:,.0f}, interception "
                f"{deal['interception']:.0%}, paid EUR {h['disbursed_eur']:,.0f}, {kept}"
            )
        console.print(
            f"{h['year']}: threat {h['threat']:.0%} (credibility {h['credibility']:.0%}); {text}"
        )
        if deal:
            how = "simulated" if h["terms_simulated"] else "counted"
            replaced = h.get("irregular_departures_replaced_by_legal_places")
            console.print(
                f"    returns ({how}): {h['returns']:,.0f}; legal places: "
                f"{h['legal_pathway_places']:,.0f}"
                + (f", replacing {replaced:,.0f} irregular departures" if replaced else "")
            )
        for route, n in h.get("projected_detections_by_route", {}).items():
            console.print(f"    projected detections, {route}: {n:,.0f}")


def _moves_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title="What would move it (the same negotiation with one change)")
    for column in ("change", "deal", "transfer change (EUR)", "terms that change"):
        table.add_column(column, overflow="fold")
    for m in rows:
        changed = ", ".join(f"{k} {a:g}->{b:g}" for k, (a, b) in m.get("terms_changed", {}).items())
        money = m.get("money_change_eur")
        table.add_row(
            m["change"],
            "yes" if m["agreement"] else "no",
            "" if money is None else f"{money:+,.0f}",
            changed,
        )
    console.print(table)


@handle_errors
def labour_cmd(
    origin: Annotated[str, typer.Argument(help="Origin state (e.g. PHL).")],
    destinations: Annotated[list[str], typer.Argument(help="Two or more destinations.")],
    ban: Annotated[
        list[str] | None,
        typer.Option(help="Deployment ban as DEST=FLOOR, e.g. KWT=0.5 (repeatable)."),
    ] = None,
    growth: Annotated[
        float,
        typer.Option(help="Yearly growth of every destination's labour shortage (an assumption)."),
    ] = 0.02,
    end: Annotated[int, typer.Option(help="Last year.")] = 2050,
    warehouse: WarehouseOpt = None,
    data_version: DataVersionOpt = None,
    pinned: PinnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Destinations' competition for an origin's workers to 2050, and deployment bans."""
    from migdip.bargaining.labour import LabourParams, project
    from migdip.errors import InputError

    bans: dict[str, float] = {}
    for item in ban or []:
        name, _, floor = item.partition("=")
        try:
            bans[name] = float(floor)
        except ValueError:
            raise InputError(f"--ban {item!r}; accepted: DEST=FLOOR, e.g. KWT=0.5") from None
    con = with_datasets(open_pinned(warehouse, data_version, pinned))
    out = project(
        con,
        origin,
        destinations,
        end=end,
        bans=bans,
        p=LabourParams(default_shortage_growth=growth),
    )
    if as_json:
        emit_json(out, result_meta(con, datasets=True))
        return
    table = Table(title=f"Terms offered to workers from {out['origin']} (0-1) and origin leverage")
    table.add_column("year")
    for d in out["destinations"]:
        table.add_column(d, justify="right")
    table.add_column("leverage", justify="right")
    for y in out["years"]:
        table.add_row(
            str(y["year"]), *(f"{t:.2f}" for t in y["terms"]), f"{y['origin_leverage']:.2f}"
        )
    console.print(table)
