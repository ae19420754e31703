from __future__ import annotations

from pathlib import Path

import pytest

from migdip.cli import app
from tests.cli.helpers import run_json, runner


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli-data") / "w.duckdb"
    result = runner.invoke(app, ["data", "list", "--warehouse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return str(path)


def test_data_list_is_a_provenance_table(warehouse: str) -> None:
    rows = run_json("data", "list", "--warehouse", warehouse)
    assert isinstance(rows, list) and len(rows) == 15
    for row in rows:
        assert row["publisher"] and row["licence"] and row["rows"] > 0
        assert len(row["checksum"]) == 64 and row["ingested_at"] and row["coverage"]


def test_data_ingest_and_refusal(warehouse: str, tmp_path: Path) -> None:
    out = run_json("data", "ingest", "capital_distances", "--warehouse", warehouse)
    assert isinstance(out, dict) and out["rows"] == 52441
    bad = tmp_path / "bad.csv"
    bad.write_text("orig,dest,distance\nABW,AFG,far\n")
    result = runner.invoke(
        app, ["data", "ingest", "capital_distances", str(bad), "--warehouse", warehouse]
    )
    assert result.exit_code == 1
    assert "line 2, column 'distance': value 'far' is not accepted" in result.stderr
    again = run_json("data", "list", "--warehouse", warehouse)
    assert isinstance(again, list)
    assert next(r for r in again if r["id"] == "capital_distances")["rows"] == 52441


def test_data_codes() -> None:
    rows = run_json("data", "codes")
    assert isinstance(rows, list) and any(
        r["code"] == "UKN" and r["maps_to"] == "UNK" for r in rows
    )


def test_dyad_leverage_country(warehouse: str) -> None:
    d = run_json("dyad", "TUR", "EU", "--year", "2016", "--warehouse", warehouse)
    assert isinstance(d, dict) and d["leverage"]["a_over_b"]["score"] > 0
    text = runner.invoke(app, ["dyad", "TUR", "EU", "--year", "2016", "--warehouse", warehouse])
    assert text.exit_code == 0 and "Leverage TUR over EU" in text.stdout
    lev = run_json(
        "leverage", "--over", "EU", "--year", "2016", "--top", "3", "--warehouse", warehouse
    )
    assert isinstance(lev, dict) and len(lev["partners"]) == 3
    c = run_json("country", "PHL", "--warehouse", warehouse)
    assert isinstance(c, dict) and c["atlas"]["curated_total"] > 0


def test_indicator_errors_are_clean(warehouse: str) -> None:
    result = runner.invoke(app, ["dyad", "TUR", "ZZZ", "--warehouse", warehouse])
    assert result.exit_code == 1 and "'ZZZ' is neither" in result.stderr


def test_pairs_export(warehouse: str, tmp_path: Path) -> None:
    out = run_json(
        "indicators",
        "pairs",
        str(tmp_path / "p.parquet"),
        "--year",
        "2020",
        "--warehouse",
        warehouse,
    )
    assert isinstance(out, dict) and out["rows"] > 50000
    cat = run_json("indicators", "catalogue")
    assert isinstance(cat, list) and any(i["name"] == "leverage_a_over_b" for i in cat)


def test_impact_leaves_tracked_files_alone_unless_asked(warehouse: str, tmp_path: Path) -> None:
    from migdip.paths import records_dir

    computed = records_dir().parent / "computed"
    before = {p.name: p.read_bytes() for p in computed.glob("*.yaml")}
    out = run_json("impact", "ita-lby-2017-mou", "--warehouse", warehouse)
    assert isinstance(out, dict) and "written_to" not in out
    assert {p.name: p.read_bytes() for p in computed.glob("*.yaml")} == before


def test_data_update_versions_and_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI is a thin client: update (offline: a clear error), versions, use, JSON names them."""
    import json

    from migdip.data import update as update_module
    from migdip.data.transport import RecordedTransport
    from tests.data.conftest import RECORDED

    offline = RecordedTransport(RECORDED / "errors" / "offline")
    monkeypatch.setattr(update_module, "UrllibTransport", lambda: offline)
    wh = str(tmp_path / "w.duckdb")
    result = runner.invoke(app, ["data", "update", "eurostat_asylum", "--warehouse", wh])
    assert result.exit_code == 1
    assert "no network" in result.stderr and "current versions are kept" in result.stderr
    out = runner.invoke(app, ["data", "update", "eurostat_asylum", "--warehouse", wh, "--json"])
    body = json.loads(out.stdout)
    assert body["outcomes"][0]["status"] == "offline" and len(body["data_versions"]) == 15
    versions = run_json("data", "versions", "eurostat_asylum", "--warehouse", wh)
    assert isinstance(versions, list) and versions[0]["in_use"] and versions[0]["version"]
    pinned = tmp_path / "pins.json"
    pinned.write_text(json.dumps(body))  # a command's JSON output is a pinned versions file
    used = run_json("data", "use", "--pinned", str(pinned), "--warehouse", wh)
    assert isinstance(used, dict) and len(used["used"]) == 15 and used["data_versions"]
    bad = runner.invoke(app, ["data", "use", "--data-version", "wdi", "--warehouse", wh])
    assert bad.exit_code == 1 and "accepted: DATASET=VERSION" in bad.stderr


def test_data_outputs_name_the_versions_in_use(warehouse: str) -> None:
    versions = run_json("data", "versions", "--warehouse", warehouse)
    assert isinstance(versions, list)
    in_use = {v["dataset"]: v["version"] for v in versions if v["in_use"]}
    for args in (("dyad", "TUR", "EU", "--year", "2016"), ("country", "PHL")):
        out = run_json(*args, "--warehouse", warehouse)
        assert isinstance(out, dict), args
        named = {v["dataset"]: v["version"] for v in out["meta"]["data_versions"]}
        assert named == in_use, args
    assert "atlas" in out["meta"]  # country reads the Atlas too
    pinned = run_json(
        "dyad",
        "TUR",
        "EU",
        "--year",
        "2016",
        "--data-version",
        f"wdi={in_use['wdi']}",
        "--warehouse",
        warehouse,
    )
    assert (
        isinstance(pinned, dict) and pinned["meta"]["data_versions"] == out["meta"]["data_versions"]
    )
