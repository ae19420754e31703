from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from migdip.atlas import Atlas
from migdip.paths import records_dir
from migdip.warehouse import open_warehouse

EXAMPLE = records_dir() / "2016" / "eu-tur-2016-statement.yaml"

# No test may pass or fail on the machine's speed: Hypothesis keeps its checks of what it
# generates, without the clock (per-example deadlines, slow-generation health check).
settings.register_profile(
    "migdip", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("migdip")


@pytest.fixture(autouse=True)
def _isolated_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's real warehouse."""
    monkeypatch.setenv("MIGDIP_WAREHOUSE", str(tmp_path / "default.duckdb"))


@pytest.fixture(scope="session")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Atlas]:
    """The real Atlas (curated records and imports) built once into a fresh warehouse."""
    path = tmp_path_factory.mktemp("wh") / "atlas.duckdb"
    a = Atlas(con=open_warehouse(path))
    yield a
    a.close()


@pytest.fixture
def records_copy(tmp_path: Path) -> Path:
    """A folder holding only the example record, to break on purpose."""
    root = tmp_path / "records"
    (root / "2016").mkdir(parents=True)
    shutil.copy(EXAMPLE, root / "2016" / EXAMPLE.name)
    return root


@pytest.fixture(scope="session")
def data_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A warehouse with every bundled dataset ingested (once per test session)."""
    from migdip.data.ingest import ensure_datasets

    con = open_warehouse(tmp_path_factory.mktemp("data") / "data.duckdb")
    ensure_datasets(con)
    yield con
    con.close()
