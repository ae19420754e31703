"""`migdip atlas ...`: thin commands over migdip.atlas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from migdip.atlas import Atlas, load_atlas
from migdip.atlas.codebook import render_markdown
from migdip.atlas.query import network_graphml
from migdip.atomic import write_text
from migdip.cli.common import (
    JsonOpt,
    RecordsOpt,
    WarehouseOpt,
    console,
    emit_json,
    err_console,
    handle_errors,
    show_markdown,
)
from migdip.meta import result_meta
from migdip.paths import records_dir

app = typer.Typer(help="The Atlas of migration diplomacy: search, show, export, validate.")

Text = Annotated[str | None, typer.Argument(help="Full-text query (all words must match).")]
Kind = Annotated[str | None, typer.Option(help="instrument or episode.")]
Instrument = Annotated[str | None, typer.Option(help="Instrument type, e.g. deployment_ban.")]
Party = Annotated[str | None, typer.Option(help="Actor code of a party: ISO3, bloc or org.")]
Role = Annotated[str | None, typer.Option(help="Role of --party (or any party).")]
Position = Annotated[str | None, typer.Option(help="origin, transit, destination, host.")]
Got = Annotated[
    str | None,
    typer.Option(help="What a party (of --party/--role) got: all, most, some, none, unknown."),
]
Money = Annotated[
    str | None,
    typer.Option(help="promised, committed, disbursed or promised_not_disbursed."),
]
CarriedOut = Annotated[
    str | None, typer.Option(help="Threats carried out: yes, partly, no, unknown.")
]
Approach = Annotated[str | None, typer.Option(help="cooperative, coercive or mixed.")]
Region = Annotated[str | None, typer.Option(help="World region, e.g. africa.")]
YearFrom = Annotated[int | None, typer.Option("--from", help="Active in or after this year.")]
YearTo = Annotated[int | None, typer.Option("--to", help="Started in or before this year.")]
Status = Annotated[str | None, typer.Option(help="Latest status (outcome), e.g. in_force.")]
Dataset = Annotated[str | None, typer.Option(help="'curated' or a source dataset id.")]
Limit = Annotated[int, typer.Option(help="Rows per page.")]
Offset = Annotated[int, typer.Option(help="Rows to skip.")]
Sort = Annotated[str | None, typer.Option(help="year, -year, title, id or relevance.")]


TIMELINE_COLUMNS = ("year", "records", "instruments", "episodes", "cooperative", "coercive")


def _atlas(warehouse: Path | None, records: Path | None) -> Atlas:
    return Atlas(warehouse=warehouse, records=records)


def _print_records(rows: list[dict[str, Any]], total: int, title: str) -> None:
    table = Table(title=f"{title}: {len(rows)} of {total}", show_lines=False)
    for column in ("id", "year", "title", "instruments", "parties", "approach", "status"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r["id"],
            str(r["year"]),
            r["title"][:70],
            ", ".join(r["instruments"]),
            ", ".join(r["parties"]),
            r["approach"],
            r["status"],
        )
    console.print(table)


@app.command("search")
@handle_errors
def search_cmd(
    text: Text = None,
    kind: Kind = None,
    instrument: Instrument = None,
    party: Party = None,
    role: Role = None,
    position: Position = None,
    approach: Approach = None,
    region: Region = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    status: Status = None,
    dataset: Dataset = None,
    got: Got = None,
    money: Money = None,
    carried_out: CarriedOut = None,
    limit: Limit = 20,
    offset: Offset = 0,
    sort: Sort = None,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Full-text and faceted search of the Atlas."""
    atlas = _atlas(warehouse, records)
    result = atlas.search(
        text,
        limit=limit,
        offset=offset,
        sort=sort,
        kind=kind,
        instrument=instrument,
        party=party,
        role=role,
        position=position,
        approach=approach,
        region=region,
        year_from=year_from,
        year_to=year_to,
        status=status,
        dataset=dataset,
        got=got,
        money=money,
        carried_out=carried_out,
    )
    if as_json:
        emit_json(
            {"total": result.total, "records": result.records, "facets": result.facets},
            result_meta(atlas.con, atlas=True),
        )
        return
    _print_records(result.records, result.total, "Atlas records")
    for name in ("instrument", "region", "approach", "dataset"):
        top = list(result.facets.get(name, {}).items())[:6]
        console.print(f"[bold]{name}[/]: " + ", ".join(f"{k} {v}" for k, v in top))


@app.command("list")
@handle_errors
def list_cmd(
    kind: Kind = None,
    instrument: Instrument = None,
    party: Party = None,
    role: Role = None,
    position: Position = None,
    approach: Approach = None,
    region: Region = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    status: Status = None,
    dataset: Dataset = None,
    got: Got = None,
    money: Money = None,
    carried_out: CarriedOut = None,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Sort = None,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List Atlas records (facets filter; no text query)."""
    search_cmd(
        None,
        kind,
        instrument,
        party,
        role,
        position,
        approach,
        region,
        year_from,
        year_to,
        status,
        dataset,
        got,
        money,
        carried_out,
        limit,
        offset,
        sort,
        warehouse,
        records,
        as_json=as_json,
    )


@app.command("show")
@handle_errors
def show_cmd(
    record_id: Annotated[str, typer.Argument(help="Record id.")],
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one record with its parties, terms, outcome and sources."""
    atlas = _atlas(warehouse, records)
    doc = atlas.get(record_id)
    if as_json:
        emit_json(doc, result_meta(atlas.con, atlas=True))
        return
    console.print(f"[bold]{doc['title']}[/] ({doc['id']})")
    console.print(
        f"{doc['kind']} · {', '.join(doc['instruments'])} · {doc['date_start']}"
        + (f" to {doc['date_end']}" if doc.get("date_end") else "")
    )
    console.print(doc["summary"], highlight=False)
    for p in doc["parties"]:
        gives = ", ".join(i["type"] for i in p.get("gives", [])) or "-"
        gets = ", ".join(i["type"] for i in p.get("gets", [])) or "-"
        console.print(
            f"  [bold]{p['actor']}[/] {p['name']} ({p['role']}; {', '.join(p['positions'])}): "
            f"gives {gives}; gets {gets}; got {p.get('got', 'unknown')}"
        )
    approach = doc["approach"]
    console.print("Approach: " + ", ".join(f"{k} {v}" for k, v in approach.items()))
    console.print(
        "Status: " + " -> ".join(f"{e['status']} ({e['date']})" for e in doc["outcome"]["status"])
    )
    for s in doc["sources"]:
        console.print(
            f"  [{s['id']}] {s['title']}, {s.get('publisher', '')} {s['url']}", highlight=False
        )


@app.command("export")
@handle_errors
def export_cmd(
    output: Annotated[Path, typer.Argument(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, json or parquet.")] = "csv",
    text: Annotated[str | None, typer.Option("--text", help="Full-text filter.")] = None,
    kind: Kind = None,
    instrument: Instrument = None,
    party: Party = None,
    role: Role = None,
    position: Position = None,
    approach: Approach = None,
    region: Region = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    status: Status = None,
    dataset: Dataset = None,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export records (all, or those matching the facets) as CSV, JSON or Parquet."""
    atlas = _atlas(warehouse, records)
    n = atlas.export(
        output,
        fmt,
        text=text,
        kind=kind,
        instrument=instrument,
        party=party,
        role=role,
        position=position,
        approach=approach,
        region=region,
        year_from=year_from,
        year_to=year_to,
        status=status,
        dataset=dataset,
    )
    if as_json:
        emit_json(
            {"written": str(output), "format": fmt, "records": n},
            result_meta(atlas.con, atlas=True),
        )
    else:
        console.print(f"Wrote {n} records to {output} ({fmt}).")


@app.command("validate")
@handle_errors
def validate_cmd(records: RecordsOpt = None, as_json: JsonOpt = False) -> None:
    """Check every record file and the bulk imports; report every problem; exit 1 on errors."""
    report, imports = load_atlas(records)
    if as_json:
        emit_json(
            {
                "valid": report.valid,
                "records": len(report.records),
                "errors": [p.__dict__ for p in report.errors],
                "warnings": [p.__dict__ for p in report.warnings],
                "imports": [i.__dict__ for i in imports],
            },
            result_meta(records=records or records_dir()),
        )
    else:
        for problem in report.problems:
            colour = "red" if problem.severity == "error" else "yellow"
            err_console.print(f"[{colour}]{problem}[/]", highlight=False, soft_wrap=True)
        state = "[green]valid[/]" if report.valid else "[red]invalid[/]"
        console.print(
            f"{len(report.records)} records checked: {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s): {state}"
        )
    if not report.valid:
        raise typer.Exit(1)


@app.command("build")
@handle_errors
def build_cmd(
    warehouse: WarehouseOpt = None, records: RecordsOpt = None, as_json: JsonOpt = False
) -> None:
    """Compile the records into the warehouse (all or nothing)."""
    atlas = Atlas(warehouse=warehouse, records=records, auto_build=False)
    result = atlas.rebuild()
    payload = {
        "records": result.n_records,
        "curated": result.n_curated,
        "imported": result.n_imported,
        "warnings": len(result.report.warnings),
        "fingerprint": result.fingerprint,
    }
    if as_json:
        emit_json(payload, result_meta(atlas.con, atlas=True))
    else:
        console.print(
            f"Built the Atlas: {result.n_records} records ({result.n_curated} curated, "
            f"{result.n_imported} imported), {len(result.report.warnings)} warning(s)."
        )


@app.command("stats")
@handle_errors
def stats_cmd(
    warehouse: WarehouseOpt = None, records: RecordsOpt = None, as_json: JsonOpt = False
) -> None:
    """Counts by kind, instrument, region, approach, status, dataset and decade."""
    atlas = _atlas(warehouse, records)
    s = atlas.stats()
    if as_json:
        emit_json(s, result_meta(atlas.con, atlas=True))
        return
    console.print(
        f"{s['records']} records: {s['curated']} curated, {s['imported']} imported; "
        f"years {s['years'][0]}-{s['years'][1]}; {s['sources']} sources "
        f"({s['distinct_source_urls']} distinct URLs); curated records involving Europe: "
        f"{s['curated_with_europe']} ({s['curated_europe_share']:.0%})"
    )
    for name in ("kind", "instrument", "region", "approach", "status", "decade"):
        table = Table(title=f"curated records by {name}")
        table.add_column(name)
        table.add_column("records", justify="right")
        for key, n in s["curated_by"][name].items():
            table.add_row(key, str(n))
        console.print(table)
    c = s["coercion"]
    g = c["greenhill"]
    table = Table(
        title=f"Coercion episodes: the challenger's outcome ({c['episodes']} episodes, "
        f"{c['coded']} coded; a check of the coding, not a figure to tune towards)"
    )
    for column in ("share of coded episodes", "the Atlas", "Greenhill (published)"):
        table.add_column(column)
    table.add_row("got all or most", _share(c["all_or_most"]), g["all_or_most_note"])
    table.add_row("got at least some", _share(c["at_least_some"]), _share(g["at_least_some"]))
    console.print(table)
    console.print(f"Greenhill's aggregates as published in: {g['source']}")


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


@app.command("coverage")
@handle_errors
def coverage_cmd(
    money: Annotated[
        bool, typer.Option("--money", help="List deals by the share of promised money paid.")
    ] = False,
    check_flows: Annotated[
        bool,
        typer.Option(
            "--check-flows",
            help="Check sourced flow figures against the warehouse's series (>10% reported).",
        ),
    ] = False,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """For each outcome field, how many curated records carry it, by region and decade."""
    atlas = _atlas(warehouse, records)
    if check_flows:
        from migdip.data.ingest import with_datasets
        from migdip.flows.impact.flowcheck import check_flows as run_checks

        con = with_datasets(atlas.warehouse)
        report = run_checks(con)
        if as_json:
            emit_json(report, result_meta(con, datasets=True, atlas=True))
            return
        table = Table(title="Sourced flow figures against the warehouse's series")
        for column in ("record", "series", "period", "recorded", "warehouse", "difference"):
            table.add_column(column)
        for c in report["checked"]:
            diff = "-" if c["difference"] is None else f"{c['difference']:+.1%}"
            table.add_row(
                c["record"],
                c["series"],
                str(c["period"]),
                f"{c['recorded']:,.0f}",
                f"{c['warehouse']:,.0f}",
                f"[red]{diff}[/]" if c["flagged"] else diff,
            )
        console.print(table)
        console.print(
            f"{report['flagged']} of {len(report['checked'])} figures differ by more than "
            f"{report['tolerance']:.0%}; {report['not_checkable']} flow effects name no series "
            "the warehouse holds (give `series:`, e.g. `frontex:<route>` or "
            "`unhcr_returns:SYR>JOR`, to check one; docs/codebook.md lists the kinds)."
        )
        return
    if money:
        deals = atlas.money_paid()
        if as_json:
            emit_json(deals)
            return
        table = Table(title="Money promised and paid (euros of each figure's year)")
        for column in ("record", "year", "promised", "disbursed", "paid"):
            table.add_column(column, justify="right" if column != "record" else "left")
        for d in deals:
            table.add_row(
                d["id"],
                str(d["year"]),
                f"{d['promised_eur']:,.0f}",
                "-" if d["disbursed_eur"] is None else f"{d['disbursed_eur']:,.0f}",
                _share(d["paid_share"]),
            )
        console.print(table)
        return
    cov = atlas.coverage()
    if as_json:
        emit_json(cov, result_meta(atlas.con, atlas=True))
        return
    regions = list(cov["regions"])
    table = Table(title=f"What the {cov['records']} curated records code")
    table.add_column("field")
    table.add_column("records", justify="right")
    table.add_column("share", justify="right")
    for r in regions:
        table.add_column(r.replace("middle_east_north_africa", "mena"), justify="right")
    for name, f in cov["fields"].items():
        table.add_row(
            name, str(f["records"]), _share(f["share"]), *(str(f["by_region"][r]) for r in regions)
        )
    console.print(table)
    q = cov["sources"]
    console.print(
        "Sources by address: "
        + ", ".join(f"{n:,} {c}" for c, n in q["by_class"].items())
        + f". {q['records_with_weak_only_codings']} records have an outcome coding resting only "
        f"on mirrors, aggregators, blogs or encyclopedias ({q['high_confidence_on_weak_only']} "
        "of them at confidence high)."
    )


@app.command("timeline")
@handle_errors
def timeline_cmd(
    text: Text = None,
    instrument: Instrument = None,
    party: Party = None,
    approach: Approach = None,
    region: Region = None,
    dataset: Dataset = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Records per year, by kind and approach."""
    rows = _atlas(warehouse, records).timeline(
        text=text,
        instrument=instrument,
        party=party,
        approach=approach,
        region=region,
        dataset=dataset,
        year_from=year_from,
        year_to=year_to,
    )
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Atlas timeline")
    for column in (*TIMELINE_COLUMNS, "ids"):
        table.add_column(column, overflow="fold")
    for r in rows:
        ids = ", ".join(r["ids"][:4]) + (" ..." if len(r["ids"]) > 4 else "")
        table.add_row(*(str(r[c]) for c in TIMELINE_COLUMNS), ids)
    console.print(table)


@app.command("network")
@handle_errors
def network_cmd(
    output: Annotated[Path | None, typer.Option("--graphml", help="Write GraphML here.")] = None,
    text: Text = None,
    instrument: Instrument = None,
    party: Party = None,
    approach: Approach = None,
    region: Region = None,
    dataset: Dataset = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    top: Annotated[int, typer.Option()] = 15,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who deals with whom: actors and the records that link them (JSON or GraphML)."""
    atlas = _atlas(warehouse, records)
    net = atlas.network(
        text=text,
        instrument=instrument,
        party=party,
        approach=approach,
        region=region,
        dataset=dataset,
        year_from=year_from,
        year_to=year_to,
    )
    if output is not None:
        write_text(output, network_graphml(net))
    if as_json:
        emit_json(
            net.as_dict() | ({"graphml": str(output)} if output else {}),
            result_meta(atlas.con, atlas=True),
        )
        return
    console.print(f"{len(net.nodes)} actors, {len(net.edges)} links.")
    table = Table(title=f"Strongest links (top {top})")
    for column in ("actor", "actor", "records", "coercive"):
        table.add_column(column)
    for e in net.edges[:top]:
        table.add_row(e["source"], e["target"], str(e["weight"]), str(e["coercive"]))
    console.print(table)
    if output is not None:
        console.print(f"Wrote GraphML to {output}.")


@app.command("codebook")
@handle_errors
def codebook_cmd(
    output: Annotated[Path | None, typer.Option("--output", help="Write Markdown here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Render the codebook (fields and vocabularies) as Markdown."""
    from migdip.atlas.codebook import fields, terms

    if as_json:
        emit_json(
            {"fields": [f.__dict__ for f in fields()], "terms": [t.__dict__ for t in terms()]},
            result_meta(),  # the codebook shipped with migdip
        )
        return
    show_markdown(render_markdown(), output, "the codebook")
