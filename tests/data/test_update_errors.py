"""A bad answer from a publisher is a clear error, and nothing is replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migdip.data.store import VersionStore
from migdip.data.transport import RecordedTransport
from migdip.data.update import update
from migdip.errors import NotFoundError
from migdip.warehouse import Warehouse
from tests.data.conftest import RECORDED

POPULATION_URL = "https://api.unhcr.org/population/v1/population/"
EUROSTAT_URL = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/migr_asyappctza"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the bundled data of the two datasets the cases use (built once)."""
    from migdip.data.ingest import ensure_bundled

    path = tmp_path_factory.mktemp("errors") / "base.duckdb"
    ensure_bundled(Warehouse(path))
    return path


@pytest.fixture
def wh(base: Path, tmp_path: Path) -> Warehouse:
    import shutil

    target = tmp_path / "w.duckdb"
    shutil.copyfile(base.resolve(), target)
    return Warehouse(target)


def _state(wh: Warehouse) -> tuple[Any, ...]:
    con = wh.read()
    try:
        return (
            con.execute("SELECT count(*), sum(refugees) FROM unhcr_population").fetchone(),
            con.execute("SELECT count(*), sum(applications) FROM eurostat_asylum").fetchone(),
            con.execute("SELECT * FROM datasets ORDER BY id").fetchall(),
            con.execute("SELECT * FROM data_versions ORDER BY ALL").fetchall(),
        )
    finally:
        con.close()


def _store_files(wh: Warehouse) -> list[Path]:
    store = VersionStore.beside(wh)
    assert store is not None
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


CASES = [
    (
        "changed_layout",
        "unhcr_population",
        [POPULATION_URL, "does not pass the dataset's checks", "missing column(s) coo_iso"],
    ),
    (
        "changed_layout",
        "eurostat_asylum",
        [EUROSTAT_URL, "the layout of the eurostat_asylum download has changed", "citizen, sex"],
    ),
    ("html_error", "unhcr_population", [POPULATION_URL, "sent an HTML page", "not data"]),
    ("truncated", "unhcr_population", [POPULATION_URL, "not valid JSON", "truncated"]),
    ("truncated", "eurostat_asylum", [EUROSTAT_URL, "the download is truncated", "of 4,096 bytes"]),
    ("offline", "unhcr_population", ["no network", "api.unhcr.org", "current data are kept"]),
]


@pytest.mark.parametrize(("case", "dataset", "expected"), CASES)
def test_a_bad_answer_is_reported_and_nothing_is_replaced(
    wh: Warehouse, case: str, dataset: str, expected: list[str]
) -> None:
    before, files = _state(wh), _store_files(wh)
    report = update(wh, [dataset], RecordedTransport(RECORDED / "errors" / case))
    (outcome,) = report.outcomes
    assert outcome.status == ("offline" if case == "offline" else "failed")
    assert outcome.message.startswith(f"{dataset}: ")
    for text in expected:
        assert text in outcome.message, outcome.message
    assert report.offline is (case == "offline")
    assert _state(wh) == before
    assert _store_files(wh) == files  # nothing new, and no half-written file


def test_a_dataset_without_a_service_says_how_to_update_it(wh: Warehouse) -> None:
    report = update(wh, ["wb_remittances"], RecordedTransport(RECORDED / "errors" / "offline"))
    (outcome,) = report.outcomes
    assert outcome.status == "by_hand" and "migdip data ingest wb_remittances FILE" in (
        outcome.message
    )


def test_an_unknown_dataset_is_refused_before_any_download(wh: Warehouse) -> None:
    transport = RecordedTransport(RECORDED / "errors" / "offline")
    with pytest.raises(NotFoundError, match="accepted: undesa_stock"):
        update(wh, ["unhcr"], transport)
    assert transport.requested == []
