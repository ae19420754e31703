"""Anonymous clients cannot exhaust or mislead the server: a bounded cache keyed on declared
parameters, relative links, bounded expensive requests, offline docs, the bearer scheme."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from migdip.api import Settings, create_app
from migdip.api.middleware import ResponseCache
from tests.api.conftest import AUTH, TOKEN


def _cache(client: TestClient) -> ResponseCache:
    stack = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(stack, ResponseCache):
        stack = stack.app
    return stack


def test_junk_parameters_make_no_new_cache_entries(client: TestClient) -> None:
    cache = _cache(client)
    cache.clear()
    first = client.get("/api/v1/atlas/records?limit=3&offset=1")
    assert first.headers["x-cache"] == "miss"
    for i in range(150):
        r = client.get(f"/api/v1/atlas/records?offset=1&junk{i}={'x' * 200}&limit=3")
        assert r.status_code == 200 and r.headers["x-cache"] == "hit"
    assert len(cache) == 1


def test_the_cache_is_bounded_in_bytes(api_warehouse: Path) -> None:
    app = create_app(Settings(warehouse=api_warehouse, token=TOKEN, cache_bytes=60_000))
    with TestClient(app) as c:
        cache = _cache(c)
        for offset in range(40):
            assert c.get(f"/api/v1/atlas/records?limit=20&offset={offset}").status_code == 200
            assert cache.size_bytes <= 60_000
        assert 0 < len(cache) < 40


def test_links_do_not_trust_the_host_header(client: TestClient) -> None:
    r = client.get("/api/v1/atlas/records?limit=2&junk=1", headers={"Host": "evil.example"})
    nxt = r.json()["meta"]["next"]
    assert nxt == "/api/v1/atlas/records?limit=2&offset=2"
    again = client.get("/api/v1/atlas/records?limit=2", headers={"Host": "other.example"})
    assert again.json()["meta"]["next"] == nxt


def test_the_api_documentation_works_offline(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "/static/vendor/swagger-ui/" in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert client.get(f"/static/vendor/swagger-ui/{asset}").status_code == 200


def test_the_openapi_document_declares_the_bearer_scheme(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["token"]["description"],
    }
    assert doc["paths"]["/api/v1/atlas/records"]["post"]["security"] == [{"token": []}]
    assert "security" not in doc["paths"]["/api/v1/atlas/records"]["get"]


def test_a_chunked_body_over_the_limit_gets_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b"x" * 10_000  # 300,000 bytes, no Content-Length

    r = client.post("/api/v1/atlas/records", content=chunks(), headers=AUTH)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


@pytest.fixture
def tight(api_warehouse: Path) -> Iterator[TestClient]:
    settings = Settings(warehouse=api_warehouse, token=TOKEN, connections=2, wait_seconds=0.3)
    with TestClient(create_app(settings)) as c:
        yield c


def test_expensive_requests_cannot_take_every_connection(tight: TestClient) -> None:
    pool = tight.app.state.migdip.pool  # type: ignore[attr-defined]
    held, release = threading.Event(), threading.Event()

    def hog() -> None:
        with pool.connection(heavy=True):
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hog)
    worker.start()
    try:
        assert held.wait(10)
        r = tight.get("/api/v1/indicators/pairs?year=2019&limit=1&format=csv&n=1")
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
        assert r.json()["error"]["code"] == "unavailable"
        ordinary = tight.get("/api/v1/atlas/records?text=readmission&limit=1")
        assert ordinary.status_code == 200  # an ordinary search still finds a connection
    finally:
        release.set()
        worker.join()
