"""Sourced flow figures are checked against the warehouse's Frontex series."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from migdip.atlas.store import build_atlas
from migdip.data.ingest import ingest
from migdip.flows.flowcheck import check_flows, months_of
from migdip.paths import records_dir
from migdip.warehouse import open_warehouse


def test_periods_are_read_as_months() -> None:
    assert months_of("2016") == [f"2016-{m:02d}" for m in range(1, 13)]
    assert months_of("2016-03..2016-05") == ["2016-03", "2016-04", "2016-05"]
    assert months_of("spring 2016") is None


def test_a_figure_far_from_the_series_is_flagged(tmp_path: Path) -> None:
    root = tmp_path / "records" / "2017"
    root.mkdir(parents=True)
    source = records_dir() / "2017" / "ita-lby-2017-mou.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["related"], doc["confounders"] = [], []
    doc["outcome"]["flow_effects"] = [
        {
            "metric": "Detections on the Central Mediterranean route",
            "series": "frontex:central_mediterranean",
            "before_value": 181436,
            "before_period": "2016",
            "after_value": 50000,  # the series holds 23,485 for 2018
            "after_period": "2018",
            "sources": ["s1"],
        }
    ]
    (root / "ita-lby-2017-mou.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    shutil.copytree(records_dir().parent / "computed", tmp_path / "computed")
    con = open_warehouse(tmp_path / "w.duckdb")
    ingest(con, "frontex_detections")
    build_atlas(con, tmp_path / "records")
    report = check_flows(con)
    by_period = {c["period"]: c for c in report["checked"]}
    assert not by_period["2016"]["flagged"] and abs(by_period["2016"]["difference"]) < 0.01
    assert by_period["2018"]["flagged"] and by_period["2018"]["warehouse"] > 20000
