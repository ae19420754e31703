"""Shared dependencies of the routers: the process state, a connection, the write token, pages."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated, Any

import duckdb
from fastapi import Depends, HTTPException, Query, Request

from migdip.api.state import State

MAX_LIMIT = 500


def state(request: Request) -> State:
    s: State = request.app.state.migdip
    return s


def connection(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    with state(request).pool.connection() as con:
        yield con


def require_token(request: Request) -> None:
    """Writes and jobs need ``Authorization: Bearer <token>`` (the token the server printed)."""
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    expected = state(request).settings.token
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            401,
            "this request writes or starts a job: send Authorization: Bearer <token> (the token "
            "`migdip serve` printed, or $MIGDIP_API_TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )


Con = Annotated[duckdb.DuckDBPyConnection, Depends(connection)]
Token = Depends(require_token)
Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description="Page size (0 to 500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Code = Annotated[str, Query(pattern=r"^[A-Za-z]{2,8}$")]
FORMAT_PATTERN = r"^(json|csv|parquet)$"
Format = Annotated[
    str | None,
    Query(pattern=FORMAT_PATTERN, description="Download instead: json, csv or parquet."),
]


def page_meta(
    request: Request, total: int, limit: int, offset: int, **extra: Any
) -> dict[str, Any]:
    nxt = None
    if offset + limit < total and limit > 0:
        nxt = str(request.url.include_query_params(offset=offset + limit))
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
