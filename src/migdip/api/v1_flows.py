"""Datasets and provenance, route series with deal markers and impact estimates, scenarios."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
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
from migdip.data.ingest import list_datasets
from migdip.data.registry import DATASETS
from migdip.data.series import FRONTEX_ROUTE
from migdip.data.versions import list_versions
from migdip.errors import NotFoundError
from migdip.flows.impact.deals import computed_dir, month_grid, route_series
from migdip.paths import scenarios_dir
from migdip.tasks import scenario_names

router = APIRouter(tags=["data, routes and scenarios"], responses=ERROR_RESPONSES)
RoutePath = Annotated[str, PathParam(pattern=r"^[a-z_]{1,40}$", description="A route key")]
Slug = Annotated[str, PathParam(pattern=r"^[a-z0-9_\-]{1,120}$")]


@router.get("/datasets", response_model=Envelope, summary="Datasets with provenance")
def datasets(con: Con) -> Any:
    rows = list_datasets(con)
    return ok(rows, total=len(rows))


@router.get(
    "/data-versions", response_model=Envelope, summary="Every version of every dataset, kept"
)
def versions(con: Con) -> Any:
    rows = [v.as_dict() for v in list_versions(con)]
    return ok(rows, total=len(rows))


@router.get("/datasets/{dataset_id}", response_model=Envelope, summary="One dataset's provenance")
def dataset(dataset_id: Slug, con: Con) -> Any:
    for row in list_datasets(con):
        if row["id"] == dataset_id:
            return ok(row | {"columns": list(DATASETS[dataset_id].columns)})
    raise NotFoundError(f"no dataset {dataset_id!r}; accepted: {', '.join(DATASETS)}")


@router.get(
    "/datasets/{dataset_id}/rows",
    response_model=None,
    responses=DOWNLOADABLE,
    summary="A dataset's rows",
)
def dataset_rows(
    dataset_id: Slug,
    request: Request,
    con: HeavyCon,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    if dataset_id not in DATASETS:
        raise NotFoundError(f"no dataset {dataset_id!r}; accepted: {', '.join(DATASETS)}")
    rel = con.table(DATASETS[dataset_id].table)  # a name from the registry, never the request
    counted = rel.aggregate("count(*)").fetchall()[0]
    total = int(counted[0]) if counted else 0
    chosen = rel if format is not None else rel.limit(limit, offset)
    rows = [dict(zip(rel.columns, r, strict=True)) for r in chosen.fetchall()]
    if format is not None:
        return download(rows, format, dataset_id)
    return ok(rows, **page_meta(request, total, limit, offset))


@router.get("/routes", response_model=Envelope, summary="Frontex routes")
def routes() -> Any:
    return ok([{"key": k, "name": v} for k, v in FRONTEX_ROUTE.items()])


def _impact(record_id: str) -> dict[str, Any] | None:
    path = computed_dir() / f"{record_id}.yaml"
    if not path.is_file():
        return None
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@router.get(
    "/routes/{route}/series",
    response_model=None,
    responses=DOWNLOADABLE,
    dependencies=[ReadsAtlas],
    summary="Monthly detections, deals, impacts",
)
def series(
    route: RoutePath,
    con: Con,
    nationality: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    format: Format = None,
) -> Any:
    if route not in FRONTEX_ROUTE:
        raise NotFoundError(f"no route {route!r}; accepted: {', '.join(FRONTEX_ROUTE)}")
    months = month_grid(con)
    values = route_series(con, route, months, nationality)
    rows = [{"month": m, "detections": float(v)} for m, v in zip(months, values, strict=True)]
    if format is not None:
        return download(rows, format, f"detections-{route}")
    deals = con.execute(
        "SELECT id, title, date_start, approach_mode FROM atlas_records "
        "WHERE list_contains(routes, ?) AND provenance = 'curated' AND date_start >= ? "
        "ORDER BY date_start, id",
        [route, months[0][:4]],
    ).fetchall()
    markers = [
        {"id": i, "title": t, "date": d, "approach": a, "impact": _impact(i)}
        for i, t, d, a in deals
    ]
    return ok(
        {"route": route, "name": FRONTEX_ROUTE[route], "series": rows, "deals": markers},
        source="Frontex detections of illegal border crossings (detections, not persons)",
        nationality=nationality,
    )


@router.get("/impacts", response_model=Envelope, summary="Computed deal impact estimates")
def impacts() -> Any:
    out = []
    for path in sorted(computed_dir().glob("*.yaml")):
        data = _impact(path.stem)
        if data is not None:
            out.append(data)
    return ok(out, total=len(out))


@router.get("/impacts/{record_id}", response_model=Envelope, summary="One record's impact estimate")
def impact(record_id: Slug) -> Any:
    data = _impact(record_id)
    if data is None:
        raise NotFoundError(
            f"no computed impact for {record_id!r}; run `migdip impact {record_id}` or start an "
            "impact job"
        )
    return ok(data)


@router.get("/scenarios", response_model=Envelope, summary="Bundled scenario files")
def scenarios() -> Any:
    out = []
    for name in scenario_names():
        spec = yaml.safe_load((scenarios_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
        out.append(
            {
                "name": name,
                "kind": spec.get("kind", "network"),
                "title": spec.get("name", name),
                "description": spec.get("description", ""),
            }
        )
    return ok(out, total=len(out))


@router.get("/scenarios/{name}", response_model=Envelope, summary="One scenario file")
def scenario(name: Slug) -> Any:
    if name not in scenario_names():
        raise NotFoundError(f"no scenario {name!r}; accepted: {', '.join(scenario_names())}")
    return ok(yaml.safe_load((scenarios_dir() / f"{name}.yaml").read_text(encoding="utf-8")))
