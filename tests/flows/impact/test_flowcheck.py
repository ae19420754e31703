"""Sourced flow figures are checked against the warehouse's series (Frontex, IOM, UNHCR)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from migdip.atlas.store import build_atlas
from migdip.data.ingest import ingest
from migdip.data.series import parse_series
from migdip.flows.impact.flowcheck import check_flows, months_of, value_for, years_of
from migdip.paths import records_dir
from migdip.warehouse import open_warehouse


def test_periods_are_read_as_months() -> None:
    assert months_of("2016") == [f"2016-{m:02d}" for m in range(1, 13)]
    assert months_of("2016-03..2016-05") == ["2016-03", "2016-04", "2016-05"]
    assert months_of("spring 2016") is None
    assert years_of("2015..2016") == [2015, 2016]
    assert years_of("2016-03..2016-05") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("unhcr:SYR>JOR", "unknown series kind 'unhcr'; accepted: frontex, iom"),
        ("frontex:aegean", "frontex has no route 'aegean'; accepted: eastern_mediterranean"),
        ("unhcr_returns:Syria>JOR", "takes ORIGIN>DESTINATION as ISO3 codes or *, not"),
    ],
)
def test_a_bad_series_names_what_is_accepted(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("*", r"\*")):
        parse_series(text)
    assert parse_series("iom:central_mediterranean+eastern_mediterranean").text == (
        "iom:central_mediterranean+eastern_mediterranean"
    )


def test_yearly_and_dated_series_are_summed_over_the_period(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    for dataset in ("unhcr_population", "unhcr_solutions", "iom_missing_migrants"):
        ingest(con, dataset)
    returns = parse_series("unhcr_returns:SYR>JOR")
    by_year = [value_for(con, returns, str(y)) for y in (2022, 2023)]
    assert value_for(con, returns, "2022..2023") == pytest.approx(sum(v or 0 for v in by_year))
    assert value_for(con, returns, "2023-06") is None  # a yearly series needs whole years
    stock = parse_series("unhcr_refugees:*>UGA")
    assert value_for(con, stock, "2018..2019") is None  # a stock is read at one year's end
    one = con.execute(
        "SELECT sum(refugees) FROM unhcr_population WHERE asylum = 'UGA' AND year = 2018"
    ).fetchone()
    assert one is not None and value_for(con, stock, "2018") == pytest.approx(one[0])
    deaths = parse_series("iom:central_mediterranean")
    months = [value_for(con, deaths, f"2016-{m:02d}") for m in range(1, 13)]
    assert value_for(con, deaths, "2016") == pytest.approx(sum(v or 0 for v in months))
    assert value_for(con, deaths, "2010") is None  # before IOM's data begin


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
