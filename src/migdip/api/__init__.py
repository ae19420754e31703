"""The REST API (FastAPI) and the dashboard, served by one process on the embedded warehouse.

``create_app(Settings(...))`` builds the app; ``migdip serve`` runs it with uvicorn. Paths are
versioned under ``/api/v1``; the OpenAPI document is at ``/api/v1/openapi.json`` and its pages at
``/api/docs``; the dashboard is at ``/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from migdip import __version__
from migdip.api import envelope, v1_atlas, v1_flows, v1_models, v1_states
from migdip.api.deps import NamesVersions
from migdip.api.envelope import Envelope, ok
from migdip.api.middleware import BodyLimit, ResponseCache
from migdip.api.state import Settings, State

__all__ = ["Settings", "app_from_env", "create_app"]


def app_from_env() -> FastAPI:
    """The app with settings from the environment (each worker of ``migdip serve --workers``)."""
    return create_app(Settings.from_env())


def create_app(settings: Settings | None = None, state: State | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if state is None:
            app.state.migdip.close()

    app = FastAPI(
        title="migdip",
        version=__version__,
        description="Migration diplomacy: the Atlas, indicators from real data, flows, bargaining.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from the package's own Swagger UI files (works offline)
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.migdip = state or State(settings)
    envelope.install(app)
    v1 = APIRouter(prefix="/api/v1", dependencies=[NamesVersions])

    @v1.get("", response_model=Envelope, summary="What the API serves", tags=["about"])
    def index(request: Request) -> Any:
        paths = sorted(request.app.openapi()["paths"])
        return ok({"name": "migdip", "version": __version__, "paths": paths})

    @v1.get("/health", response_model=Envelope, summary="Liveness", tags=["about"])
    def health() -> Any:
        return ok({"status": "ok"})

    for module in (v1_atlas, v1_states, v1_flows, v1_models):
        v1.include_router(module.router)
    app.include_router(v1)
    from migdip.web import mount

    mount(app)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="migdip API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    app.add_middleware(
        ResponseCache, entries=settings.cache_entries, max_bytes=settings.cache_bytes
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
