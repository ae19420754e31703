"""One JSON envelope for results and one for errors, and the error handlers that produce it.

Results: ``{"data": ..., "meta": {...}}``. Errors: ``{"error": {"status", "code", "message",
"problems"}}`` where ``problems`` lists what is wrong, each with the field, the value and what is
accepted where known.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from migdip.api.state import Unavailable
from migdip.atlas.edit import RecordExists, RecordInvalid
from migdip.atlas.store import AtlasInvalid
from migdip.errors import InputError, MigdipError, NotFoundError
from migdip.jobs import Busy

API_VERSION = "v1"


class Problem(BaseModel):
    field: str = ""
    value: str = ""
    message: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    problems: list[Problem] = Field(default_factory=list)


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class Envelope(BaseModel):
    data: Any
    meta: dict[str, Any] = Field(default_factory=dict)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorEnvelope, "description": text}
    for code, text in (
        (400, "Bad input: the message names the field, the value and what is accepted"),
        (401, "A token is needed (Authorization: Bearer <token>)"),
        (404, "Not found"),
        (409, "Conflict (e.g. the record id exists)"),
        (413, "Request body too large"),
        (422, "Invalid parameters or body"),
        (429, "Too many jobs"),
    )
}


# What a request's results were computed from (:func:`migdip.meta.result_meta` of the warehouse
# generation it reads: migdip_version, data_versions, and atlas for endpoints that read the
# Atlas), set per request by the dependencies in migdip.api.deps: every result's meta names
# them, so the figures can be reproduced.
RESULT_META: ContextVar[dict[str, Any] | None] = ContextVar("result_meta", default=None)


def ok(data: Any, **meta: Any) -> dict[str, Any]:
    """The result envelope; ``meta`` adds to (or, for a job's result, replaces) the request's."""
    return {"data": data, "meta": {"api_version": API_VERSION, **(RESULT_META.get() or {}), **meta}}


def error(
    status: int, code: str, message: str, problems: list[dict[str, str]] | None = None
) -> JSONResponse:
    body = {"status": status, "code": code, "message": message, "problems": problems or []}
    return JSONResponse({"error": body}, status_code=status)


def _problems(report: Any) -> list[dict[str, str]]:
    return [
        {"field": p.field, "value": str(p.value), "message": f"{p.file}: {p.message}"}
        for p in report.errors
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(RecordInvalid)
    async def _invalid(_: Request, exc: RecordInvalid) -> JSONResponse:
        return error(
            422,
            "invalid_record",
            "the record has errors; nothing was written",
            _problems(exc.report),
        )

    @app.exception_handler(AtlasInvalid)
    async def _atlas(_: Request, exc: AtlasInvalid) -> JSONResponse:
        return error(
            422,
            "invalid_atlas",
            "the Atlas would have errors; nothing was written",
            _problems(exc.report),
        )

    # The library's errors: status and code by class (the first matching class in the MRO wins,
    # so MigdipError only catches what the others do not).
    for cls, status, code in (
        (RecordExists, 409, "exists"),
        (NotFoundError, 404, "not_found"),
        (Busy, 429, "busy"),
        (Unavailable, 503, "unavailable"),
        (InputError, 400, "bad_input"),
        (MigdipError, 400, "error"),
    ):
        app.add_exception_handler(cls, _plain(status, code))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": ".".join(str(x) for x in e["loc"]),
                "value": _short(e.get("input")),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        return error(
            422, "invalid_request", "the request's parameters or body are not accepted", problems
        )

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        codes = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        response = error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response


RETRY_AFTER_SECONDS = "5"


def _plain(status: int, code: str) -> Any:
    async def handler(_: Request, exc: Exception) -> JSONResponse:
        response = error(status, code, str(exc))
        if status in (429, 503):
            response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    return handler


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
