"""Shared dependencies of the routers: the process state, a connection, the write token, pages,
what a result names in its meta."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

import duckdb
from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from migdip.api.envelope import RESULT_META
from migdip.api.state import State

MAX_LIMIT = 500


def state(request: Request) -> State:
    s: State = request.app.state.migdip
    return s


def connection(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    with state(request).pool.connection() as con:
        yield con


async def names_versions(request: Request) -> None:
    """Every result's meta names the data versions of the generation it reads (every ``/api/v1``
    operation declares this)."""
    RESULT_META.set(await run_in_threadpool(state(request).result_meta))


async def reads_atlas(request: Request) -> None:
    """An operation that reads the Atlas: its meta names the Atlas build too."""
    RESULT_META.set(await run_in_threadpool(state(request).result_meta, True))


# Async, so that the context they set reaches the operation (which runs in a worker thread); the
# meta itself is computed in a thread (once per generation), never on the event loop.
NamesVersions = Depends(names_versions)
ReadsAtlas = Depends(reads_atlas)


def actor(request: Request) -> str:
    """The name of the token a write came with (set by ``require_token``)."""
    return str(getattr(request.state, "actor", None) or "default")


def heavy_connection(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for an expensive request (whole tables, all pairs): at most half the pool
    serves such requests at once, so ordinary reads always find one; each is time-limited."""
    with state(request).pool.connection(heavy=True) as con:
        yield con


BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="The token `migdip serve` printed (or $MIGDIP_API_TOKEN), for writes and jobs.",
)


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> None:
    """Writes and jobs need ``Authorization: Bearer <token>`` (the token the server printed)."""
    token = (credentials.credentials if credentials is not None else "").encode()
    names = state(request).settings.token_names()
    found = [name for name, t in names.items() if secrets.compare_digest(token, t.encode())]
    request.state.actor = found[0] if found else None
    if credentials is None or not found:
        raise HTTPException(
            401,
            "this request writes or starts a job: send Authorization: Bearer <token> (the token "
            "`migdip serve` printed, or $MIGDIP_API_TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )


Con = Annotated[duckdb.DuckDBPyConnection, Depends(connection)]
HeavyCon = Annotated[duckdb.DuckDBPyConnection, Depends(heavy_connection)]
Token = Depends(require_token)
Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description="Page size (0 to 500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Code = Annotated[str, Query(pattern=r"^[A-Za-z]{2,8}$")]
FORMAT_PATTERN = r"^(json|csv|parquet)$"
Format = Annotated[
    str | None,
    Query(pattern=FORMAT_PATTERN, description="Download instead: json, csv or parquet."),
]


def declared_params(request: Request) -> list[tuple[str, str]]:
    """The request's query parameters that its operation declares, sorted (unknown ones, which
    FastAPI ignores, are left out so they can change neither links nor cache keys)."""
    names = query_names(request.app, request.url.path) or set()
    return sorted((k, v) for k, v in request.query_params.multi_items() if k in names)


def query_names(app: Any, path: str) -> set[str] | None:
    """The query parameters the GET operation at ``path`` declares (from the OpenAPI document),
    or None when no operation serves the path."""
    table: list[tuple[re.Pattern[str], set[str]]] | None = getattr(app.state, "query_table", None)
    if table is None:
        table = []
        paths = app.openapi().get("paths", {})
        for template in sorted(paths, key=lambda t: t.count("{")):  # literal paths first
            operations = paths[template]
            get = operations.get("get")
            if get is None:
                continue
            names = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            table.append((re.compile(regex), names))
        app.state.query_table = table
    for compiled, names in table:
        if compiled.fullmatch(path):
            return names
    return None


def page_meta(
    request: Request, total: int, limit: int, offset: int, **extra: Any
) -> dict[str, Any]:
    """Page figures and a relative ``next`` link (never built from the Host header)."""
    nxt = None
    if offset + limit < total and limit > 0:
        params = [(k, v) for k, v in declared_params(request) if k != "offset"]
        nxt = f"{request.url.path}?{urlencode([*params, ('offset', str(offset + limit))])}"
    return {"total": total, "limit": limit, "offset": offset, "next": nxt, **extra}


DOWNLOADABLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The envelope, or with ?format= a file: a JSON array, CSV or Parquet",
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/Envelope"},
                        {"type": "array", "items": {}},
                    ]
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
