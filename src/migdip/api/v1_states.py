"""Countries, dyads and indicators: profiles, leverage, the catalogue, map values, pairs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam

from migdip.api.deps import (
    DOWNLOADABLE,
    Con,
    Format,
    HeavyCon,
    Limit,
    Offset,
    ReadsAtlas,
    page_meta,
)
from migdip.api.downloads import download
from migdip.api.envelope import ERROR_RESPONSES, Envelope, ok
from migdip.data.countries import bloc_memberships, m49_codes, states
from migdip.errors import InputError, NotFoundError
from migdip.indicators.catalogue import indicators, parameters
from migdip.indicators.compute import DEFAULT_YEAR, pair_table, prepare, state_table
from migdip.indicators.profiles import dyad, leverage_over
from migdip.profile import country_profile

router = APIRouter(tags=["countries and indicators"], responses=ERROR_RESPONSES)
CodePath = Annotated[str, PathParam(pattern=r"^[A-Za-z]{2,8}$", description="ISO3 or bloc code")]
YearQ = Annotated[int, Query(ge=1990, le=2030, description="Indicator year")]
CodeQ = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,8}$")]
NameQ = Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,60}$")]


@router.get("/countries", response_model=Envelope, summary="States and territories")
def countries() -> Any:
    m49 = m49_codes()
    rows = [
        {
            "code": s.iso3,
            "name": s.name,
            "region": s.region,
            "historical": s.historical,
            "m49": m49.get(s.iso3),
        }
        for s in sorted(states().values(), key=lambda s: s.iso3)
    ]
    return ok(rows, total=len(rows))


@router.get(
    "/countries/{code}",
    response_model=Envelope,
    dependencies=[ReadsAtlas],
    summary="A country's profile",
)
def country(code: CodePath, con: Con) -> Any:
    return ok(country_profile(con, code.upper()))


@router.get(
    "/countries/{code}/leverage", response_model=Envelope, summary="Who has leverage over it"
)
def leverage(
    code: CodePath,
    con: HeavyCon,
    year: YearQ = DEFAULT_YEAR,
    top: Annotated[int, Query(ge=1, le=100)] = 15,
) -> Any:
    return ok(leverage_over(con, code.upper(), year, top))


@router.get("/dyads/{a}/{b}", response_model=Envelope, summary="Every pair figure of A and B")
def dyads(a: CodePath, b: CodePath, con: Con, year: YearQ = DEFAULT_YEAR) -> Any:
    return ok(dyad(con, a.upper(), b.upper(), year))


@router.get("/indicators", response_model=Envelope, summary="The indicator catalogue")
def catalogue() -> Any:
    return ok({"indicators": [vars(i) for i in indicators().values()], "parameters": parameters()})


@router.get(
    "/indicators/{name}/map",
    response_model=Envelope,
    summary="One indicator for every state (choropleth)",
)
def indicator_map(
    name: Annotated[str, PathParam(pattern=r"^[a-z0-9_]{1,60}$")],
    con: HeavyCon,
    year: YearQ = DEFAULT_YEAR,
    partner: CodeQ = None,
) -> Any:
    """A state indicator for every state, or a pair indicator (A = every state, B = ``partner``)."""
    known = indicators()
    if name not in known:
        raise NotFoundError(f"no indicator {name!r}; accepted: {', '.join(known)}")
    level = known[name].level
    blocs = {m.bloc for m in bloc_memberships()}
    if partner is not None and partner.upper() not in states() and partner.upper() not in blocs:
        raise InputError(
            f"partner {partner!r} is not a known state or bloc; accepted: ISO 3166 alpha-3 "
            f"codes (GET /api/v1/countries) or a bloc: {', '.join(sorted(blocs))}"
        )
    years = prepare(con, year, (partner.upper(),) if partner else ())
    if level == "state":
        rel = state_table(con)
        rows = rel.project(f'entity, "{name}"').fetchall() if name in rel.columns else []
    else:
        if partner is None:
            raise InputError(
                f"indicator {name!r} is a pair indicator; accepted: give ?partner=CODE"
            )
        rel = pair_table(con, None, [partner.upper()])
        rows = rel.project(f'a, "{name}"').fetchall() if name in rel.columns else []
    if not rows and name not in rel.columns:
        raise InputError(f"indicator {name!r} has no map form; accepted: a numeric indicator")
    values = [
        {"code": c, "value": v if v is None or isinstance(v, int | float | list) else str(v)}
        for c, v in rows
    ]
    return ok(
        values, indicator=vars(known[name]), year=year, partner=partner, source_years=vars(years)
    )


@router.get(
    "/indicators/pairs",
    response_model=None,
    responses=DOWNLOADABLE,
    summary="Pair indicators (filter, sort, page)",
)
def pairs(
    request: Request,
    con: HeavyCon,
    year: YearQ = DEFAULT_YEAR,
    a: CodeQ = None,
    b: CodeQ = None,
    sort: NameQ = "leverage_a_over_b",
    descending: bool = True,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    blocs = tuple(x.upper() for x in (a, b) if x)
    prepare(con, year, blocs)
    rel = pair_table(con, [a.upper()] if a else None, [b.upper()] if b else None)
    if sort not in rel.columns:
        raise InputError(f"sort {sort!r}; accepted: {', '.join(rel.columns)}")
    order = f'"{sort}" {"DESC" if descending else "ASC"} NULLS LAST, a, b'
    ordered = rel.order(order)
    counted = rel.aggregate("count(*)").fetchall()[0]
    total = int(counted[0]) if counted else 0
    chosen = ordered if format is not None else ordered.limit(limit, offset)
    rows = [dict(zip(rel.columns, r, strict=True)) for r in chosen.fetchall()]
    if format is not None:
        return download(rows, format, f"pairs-{year}")
    return ok(rows, **page_meta(request, total, limit, offset), year=year)
