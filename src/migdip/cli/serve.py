"""`migdip serve`: the REST API and the dashboard in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from migdip.cli.common import JsonOpt, RecordsOpt, WarehouseOpt, console, emit_json, handle_errors

# How long uvicorn's supervisor waits for a worker to answer its health ping before it kills and
# restarts it. Uvicorn's default, 5 s, is shorter than a worker's start (importing the app takes
# 5-15 s of CPU) when several start at once on a busy machine, so workers were killed and
# restarted forever and the server never answered (seen with 4 workers on 2 cores).
WORKER_HEALTHCHECK_SECONDS = 120


@handle_errors
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 to 65535).", min=0, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Token for writes and jobs (default: $MIGDIP_API_TOKEN or a new one).",
            envvar="MIGDIP_API_TOKEN",
        ),
    ] = None,
    max_jobs: Annotated[int, typer.Option(help="Jobs running at once.", min=1)] = 2,
    max_job_seconds: Annotated[float, typer.Option(help="A job's longest run (s).", min=1)] = 600.0,
    workers: Annotated[
        int, typer.Option(help="Server processes sharing the port and the warehouse.", min=1)
    ] = 1,
    warehouse: WarehouseOpt = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the warehouse if needed, then serve the API (/api/v1) and the dashboard (/)."""
    import os

    import uvicorn

    from migdip.api import Settings, create_app
    from migdip.api.state import State

    kwargs = {"token": token} if token else {}
    settings = Settings(
        warehouse=warehouse,
        records=records,
        max_jobs=max_jobs,
        max_job_seconds=max_job_seconds,
        **kwargs,  # type: ignore[arg-type]
    )
    state = State(settings)  # builds or updates the warehouse once, before any worker starts
    if not as_json and state.prepared:
        console.print("Prepared the warehouse (bundled data ingested, Atlas built).")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    info = {
        "dashboard": f"http://{shown}:{port}/",
        "api": f"http://{shown}:{port}/api/v1",
        "openapi": f"http://{shown}:{port}/api/v1/openapi.json",
        "docs": f"http://{shown}:{port}/api/docs",
        "token": settings.token,
    }
    if as_json:
        emit_json(info)
    else:
        console.print(f"Dashboard: [bold]{info['dashboard']}[/]")
        console.print(f"API: {info['api']} (documentation: {info['docs']})")
        console.print(f"Token for writes and jobs: {settings.token}")
        console.print("Press Ctrl+C to stop.")
    if workers == 1:
        uvicorn.run(create_app(settings, state), host=host, port=port, log_level="warning")
        return
    state.close()
    os.environ.update(settings.to_env())
    uvicorn.run(
        "migdip.api:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
