"""Negotiations, coercion and labour (computed on request), and jobs for long runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from migdip.api.deps import DOWNLOADABLE, Con, Format, Token, state
from migdip.api.downloads import download
from migdip.api.envelope import ERROR_RESPONSES, Envelope, ok
from migdip.bargaining.coercion import assess
from migdip.bargaining.coupling import negotiate
from migdip.bargaining.labour import project
from migdip.bargaining.model import ISSUES, Terms, check_issues
from migdip.data.actors import resolve
from migdip.errors import InputError, NotFoundError
from migdip.tasks import KINDS, make_work

router = APIRouter(tags=["negotiations and jobs"], responses=ERROR_RESPONSES)
CodePath = Annotated[str, PathParam(pattern=r"^[A-Za-z]{2,8}$")]
Share = Annotated[float, Query(ge=0, le=1)]
NegYear = Annotated[int, Query(ge=2000, le=2030)]


@router.get(
    "/negotiations/{destination}/{partner}",
    response_model=Envelope,
    summary="Predicted agreement, deal space and what would move it",
)
def negotiation(
    destination: CodePath,
    partner: CodePath,
    con: Con,
    year: NegYear = 2024,
    threat: Share = 0.0,
    credibility: Share = 0.0,
    sanction: Share = 0.0,
    trade_value: Annotated[float, Query(ge=0, le=1e12, description="EUR a year")] = 0.0,
    issues: Annotated[
        list[str] | None,
        Query(max_length=len(ISSUES), json_schema_extra={"items": {"enum": list(ISSUES)}}),
    ] = None,
) -> Any:
    terms = Terms(check_issues(issues), threat, credibility, sanction, trade_value)
    dest, part = resolve(destination, year), resolve(partner, year)
    return ok(negotiate(con, dest, part, year, terms=terms, moves=True))


@router.get(
    "/coercion/{challenger}/{target}", response_model=Envelope, summary="Coercion assessment"
)
def coercion(
    challenger: CodePath,
    target: CodePath,
    con: Con,
    year: NegYear = 2024,
    credibility: Share = 0.5,
    polarisation: Share = 0.5,
    hypocrisy: Share = 0.5,
) -> Any:
    ch, tg = resolve(challenger, year), resolve(target, year)
    return ok(assess(con, ch, tg, year, credibility, polarisation, hypocrisy))


@router.get("/labour/{origin}", response_model=Envelope, summary="Competition for workers to 2050")
def labour(
    origin: CodePath,
    con: Con,
    destinations: Annotated[list[str], Query(min_length=1, max_length=12)],
    ban: Annotated[list[str], Query(max_length=12, description="DEST=FLOOR, e.g. KWT=0.5")] = [],  # noqa: B006
) -> Any:
    bans: dict[str, float] = {}
    for item in ban:
        code, _, floor = item.partition("=")
        try:
            bans[code.upper()] = float(floor)
        except ValueError:
            raise InputError(f"ban {item!r}; accepted: DEST=FLOOR, e.g. KWT=0.5") from None
    return ok(project(con, origin.upper(), [d.upper() for d in destinations], bans=bans))


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(description=f"One of: {', '.join(KINDS)}")
    params: dict[str, Any] = Field(default_factory=dict)


JobId = Annotated[str, PathParam(pattern=r"^[a-f0-9]{12}$")]


@router.post(
    "/jobs",
    status_code=202,
    response_model=Envelope,
    dependencies=[Token],
    summary="Start a job (token)",
)
def start_job(request: Request, body: Annotated[JobIn, Body()]) -> Any:
    s = state(request)
    work = make_work(body.kind, body.params, s.pool.new)
    return ok(s.jobs.submit(body.kind, body.params, work).public())


@router.get("/jobs", response_model=Envelope, summary="Jobs, newest first")
def jobs(request: Request) -> Any:
    return ok([j.public() for j in state(request).jobs.all()])


@router.get("/jobs/{job_id}", response_model=Envelope, summary="A job's status and progress")
def job(job_id: JobId, request: Request) -> Any:
    return ok(state(request).jobs.get(job_id).public())


@router.delete(
    "/jobs/{job_id}", response_model=Envelope, dependencies=[Token], summary="Cancel a job (token)"
)
def cancel_job(job_id: JobId, request: Request) -> Any:
    return ok(state(request).jobs.cancel(job_id).public())


@router.get(
    "/jobs/{job_id}/result",
    response_model=None,
    responses=DOWNLOADABLE,
    summary="A finished job's result",
)
def job_result(job_id: JobId, request: Request, format: Format = None) -> Any:
    j = state(request).jobs.get(job_id)
    if j.status != "done":
        raise NotFoundError(
            f"job {job_id} has no result (status: {j.status}{': ' + j.error if j.error else ''})"
        )
    if format is not None:
        rows = j.result if isinstance(j.result, list) else [j.result]
        return download(rows, format, f"job-{job_id}")
    return ok(j.result, job=j.public(), **(j.meta or {}))  # the versions the job read
