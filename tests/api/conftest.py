"""One API app on a warehouse built once per session; a second, writable one per test that
writes records (on a copy of the records)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from migdip.api import Settings, create_app
from migdip.paths import records_dir

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="session")
def api_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api") / "api.duckdb"


@pytest.fixture(scope="session")
def client(api_warehouse: Path) -> Iterator[TestClient]:
    app = create_app(Settings(warehouse=api_warehouse, token=TOKEN, max_body_bytes=200_000))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """A client whose records folder is a copy (writes go there), on a warehouse of its own."""
    tmp = tmp_path_factory.mktemp("writable")
    root = tmp / "records"
    shutil.copytree(records_dir(), root)
    app = create_app(Settings(warehouse=tmp / "w.duckdb", records=root, token=TOKEN))
    with TestClient(app) as c:
        yield c, root
