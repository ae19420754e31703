"""Atlas resources: search with facets, records with their sources, stats, timeline, network,
codebook; proposing and editing records (token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi import Path as PathParam

from migdip.api.deps import (
    DOWNLOADABLE,
    Con,
    Format,
    Limit,
    Offset,
    ReadsAtlas,
    Token,
    actor,
    page_meta,
    state,
)
from migdip.api.downloads import download
from migdip.api.envelope import ERROR_RESPONSES, Envelope, ok
from migdip.atlas.codebook import fields, vocabulary, vocabulary_names
from migdip.atlas.coverage import coverage, money_paid
from migdip.atlas.edit import save_record
from migdip.atlas.query import (
    FACETS,
    MONEY_FACET,
    SORTS,
    Facets,
    get_record,
    network,
    search,
    stats,
    timeline,
)
from migdip.flows.impact.flowcheck import check_flows, record_flows

router = APIRouter(prefix="/atlas", tags=["atlas"], responses=ERROR_RESPONSES)
Text = Annotated[str | None, Query(max_length=200)]
Word = Annotated[str | None, Query(max_length=80, pattern=r"^[A-Za-z0-9_:.\-]+$")]


def _vocab(name: str) -> Any:
    """A facet whose accepted values (the codebook's vocabulary) are listed in the OpenAPI
    document; other values get a 400 error naming them."""
    return Query(max_length=80, json_schema_extra={"enum": list(vocabulary(name))})


Kind = Annotated[str | None, _vocab("record_kind")]
Instrument = Annotated[str | None, _vocab("instrument")]
Role = Annotated[str | None, _vocab("role")]
Position = Annotated[str | None, _vocab("position")]
Approach = Annotated[str | None, _vocab("approach_mode")]
Region = Annotated[str | None, _vocab("region")]
Status = Annotated[str | None, _vocab("status")]
Got = Annotated[str | None, _vocab("got")]
CarriedOut = Annotated[str | None, _vocab("carried_out")]
Money = Annotated[str | None, Query(max_length=40, json_schema_extra={"enum": list(MONEY_FACET)})]
Year = Annotated[int | None, Query(ge=1800, le=2100)]
SORT_PATTERN = "^(" + "|".join(s.replace("-", "\\-") for s in SORTS) + ")$"


def facets(
    q: Text = None,
    kind: Kind = None,
    instrument: Instrument = None,
    party: Word = None,
    role: Role = None,
    position: Position = None,
    approach: Approach = None,
    region: Region = None,
    year_from: Year = None,
    year_to: Year = None,
    status: Status = None,
    dataset: Word = None,
    got: Got = None,
    money: Money = None,
    carried_out: CarriedOut = None,
) -> Facets:
    """The Atlas facets every search-like endpoint takes (a FastAPI dependency)."""
    return Facets(
        q,
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
    )


FacetsDep = Annotated[Facets, Depends(facets)]


@router.get(
    "/records",
    response_model=None,
    responses=DOWNLOADABLE,
    dependencies=[ReadsAtlas],
    summary="Search records (facets, full text)",
)
def records(
    request: Request,
    con: Con,
    f: FacetsDep,
    sort: Annotated[str | None, Query(pattern=SORT_PATTERN)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    if format is not None:
        found = search(con, f, None, 0, sort, with_facets=False)
        return download(found.records, format, "atlas-records")
    found = search(con, f, limit, offset, sort)
    return ok(found.records, **page_meta(request, found.total, limit, offset), facets=found.facets)


@router.get(
    "/records/{record_id}",
    response_model=Envelope,
    dependencies=[ReadsAtlas],
    summary="One record, with its sources",
)
def record(record_id: Annotated[str, PathParam(max_length=120)], con: Con) -> Any:
    return ok(get_record(con, record_id))


@router.get(
    "/records/{record_id}/flows",
    response_model=Envelope,
    dependencies=[ReadsAtlas],
    summary="A record's sourced flow figures beside the warehouse series they name",
)
def record_flow_series(record_id: Annotated[str, PathParam(max_length=120)], con: Con) -> Any:
    get_record(con, record_id)  # an unknown id is a 404 that names it
    return ok(record_flows(con, record_id))


@router.post(
    "/records",
    status_code=201,
    response_model=Envelope,
    dependencies=[Token],
    summary="Propose a record (token)",
)
def propose(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
    s = state(request)
    return ok(save_record(s.warehouse, body, s.records, actor=actor(request)))


@router.put(
    "/records/{record_id}",
    response_model=Envelope,
    dependencies=[Token],
    summary="Edit a record (token)",
)
def edit(
    record_id: Annotated[str, PathParam(max_length=120)],
    request: Request,
    body: Annotated[dict[str, Any], Body()],
) -> Any:
    s = state(request)
    return ok(save_record(s.warehouse, body, s.records, replace=record_id, actor=actor(request)))


@router.get(
    "/audit",
    response_model=Envelope,
    dependencies=[Token],
    summary="Every write of a record: who (token name), when, what changed (token)",
)
def audit(con: Con, limit: Limit = 50, offset: Offset = 0) -> Any:
    rows = con.execute(
        "SELECT written_at, actor, action, target, file, diff FROM audit_log "
        "ORDER BY written_at DESC "
        "LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    names = ("written_at", "actor", "action", "target", "file", "diff")
    return ok([dict(zip(names, (str(r[0]), *r[1:]), strict=True)) for r in rows])


@router.get(
    "/coverage",
    response_model=Envelope,
    dependencies=[ReadsAtlas],
    summary="What the curated records code, by field",
)
def atlas_coverage(con: Con) -> Any:
    return ok(coverage(con))


@router.get(
    "/flow-checks",
    response_model=Envelope,
    dependencies=[ReadsAtlas],
    summary="Sourced flow figures checked against the warehouse's series (>10% flagged)",
)
def atlas_flow_checks(con: Con) -> Any:
    return ok(check_flows(con))


@router.get(
    "/money",
    response_model=None,
    responses=DOWNLOADABLE,
    dependencies=[ReadsAtlas],
    summary="Deals by the share of promised money paid (euros)",
)
def atlas_money(con: Con, format: Format = None) -> Any:
    rows = money_paid(con)
    return download(rows, format, "atlas-money") if format is not None else ok(rows)


@router.get("/stats", response_model=Envelope, dependencies=[ReadsAtlas], summary="Counts by facet")
def atlas_stats(con: Con) -> Any:
    return ok(stats(con))


@router.get(
    "/timeline", response_model=Envelope, dependencies=[ReadsAtlas], summary="Records by year"
)
def atlas_timeline(con: Con, f: FacetsDep) -> Any:
    return ok(timeline(con, f))


@router.get(
    "/network",
    response_model=Envelope,
    dependencies=[ReadsAtlas],
    summary="Actors linked by shared records",
)
def atlas_network(con: Con, f: FacetsDep) -> Any:
    return ok(network(con, f).as_dict())


@router.get("/codebook", response_model=Envelope, summary="Fields, vocabularies, facets and sorts")
def codebook() -> Any:
    return ok(
        {
            "fields": [vars(f) for f in fields()],
            "vocabularies": {name: list(vocabulary(name)) for name in vocabulary_names()},
            "facets": list(FACETS),
            "sorts": list(SORTS),
        }
    )
