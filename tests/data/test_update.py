"""`data update` from recorded responses: a newer release, its change summary, kept versions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from migdip.data.pins import use_versions
from migdip.data.store import VersionStore
from migdip.data.transport import RecordedTransport
from migdip.data.update import UpdateReport, updatable, update
from migdip.data.versions import data_versions, list_versions
from migdip.warehouse import Warehouse


@pytest.fixture(scope="module")
def updated(
    tmp_path_factory: pytest.TempPathFactory, release: Path
) -> Iterator[tuple[Warehouse, UpdateReport, RecordedTransport]]:
    from tests.data.conftest import unhcr

    old = unhcr.this_year
    unhcr.this_year = lambda: 2026  # module scope: the autouse fixture is function-scoped
    try:
        wh = Warehouse(tmp_path_factory.mktemp("update") / "w.duckdb")
        transport = RecordedTransport(release)
        yield wh, update(wh, None, transport), transport
    finally:
        unhcr.this_year = old


def test_every_dataset_with_a_service_is_updated(
    updated: tuple[Warehouse, UpdateReport, RecordedTransport],
) -> None:
    _, report, transport = updated
    assert [o.dataset for o in report.outcomes] == updatable()
    assert {o.status for o in report.outcomes} == {"updated"}, [o.message for o in report.failed]
    assert all(url.startswith("https://") for url in transport.requested)


def test_the_change_summary_counts_added_and_revised_rows(
    updated: tuple[Warehouse, UpdateReport, RecordedTransport],
) -> None:
    _, report, _ = updated
    population = next(o for o in report.outcomes if o.dataset == "unhcr_population")
    c = population.changes
    assert c is not None
    assert c.added == 40 and c.removed == 0  # ADDED rows of a year after the last
    assert c.revised > 100 and c.unchanged > 138_000
    assert population.rows == 138_893 + 40
    assert c.key == ("year", "origin", "asylum")
    biggest = c.largest[0]
    assert abs(biggest["change"]) >= abs(c.largest[-1]["change"])
    assert biggest["new"] == pytest.approx(biggest["old"] * 1.5 + 10, abs=1)
    wdi = next(o for o in report.outcomes if o.dataset == "wdi")
    assert any("carried over" in n for n in wdi.notes)


def test_versions_are_recorded_kept_and_named(
    updated: tuple[Warehouse, UpdateReport, RecordedTransport],
) -> None:
    wh, report, _ = updated
    con = wh.read()
    try:
        in_use = {v["dataset"]: v for v in data_versions(con)}
        assert in_use == {v["dataset"]: v for v in report.data_versions}
        pop = in_use["unhcr_population"]
        assert pop["release"].startswith("Refugee Data Finder API, 1951-2026")
        assert pop["retrieved_at"] and len(pop["sha256"]) == 64
        history = list_versions(con, "unhcr_population")
        assert len(history) == 2 and sum(v.in_use for v in history) == 1
        store = VersionStore.beside(wh)
        assert store is not None
        kept = next(v for v in history if v.in_use)
        assert kept.stored and store.path(kept.stored).exists()
        entry = json.loads((store.path(kept.stored).parent / "version.json").read_text())
        assert entry["sha256"] == kept.sha256 and entry["source_url"].startswith("https://api")
        assert not list(store.root.rglob("*.tmp"))
    finally:
        con.close()


def test_a_past_version_is_put_back_and_again_forward(
    updated: tuple[Warehouse, UpdateReport, RecordedTransport],
) -> None:
    wh, _, _ = updated
    con = wh.read()
    history = list_versions(con, "frontex_detections")
    con.close()
    bundled = next(v for v in history if not v.in_use)
    newer = next(v for v in history if v.in_use)
    use_versions(wh, {"frontex_detections": bundled.version[:8]})
    con = wh.read()
    assert con.execute("SELECT count(*) FROM frontex_detections").fetchone() == (34_273,)
    assert {v["dataset"]: v["version"] for v in data_versions(con)}["frontex_detections"] == (
        bundled.version
    )
    con.close()
    use_versions(wh, {"frontex_detections": newer.version})
    con = wh.read()
    assert con.execute("SELECT count(*) FROM frontex_detections").fetchone() == (34_313,)
    con.close()


def test_an_unchanged_release_is_not_swapped_in_again(
    updated: tuple[Warehouse, UpdateReport, RecordedTransport], release: Path
) -> None:
    wh, _, _ = updated
    again = update(wh, ["eurostat_asylum"], RecordedTransport(release))
    assert [o.status for o in again.outcomes] == ["unchanged"]
