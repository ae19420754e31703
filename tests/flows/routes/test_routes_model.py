"""Europe's route model: calibration, backtest, scenarios, other regions."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from migdip.cli import app
from migdip.data.series import FRONTEX_ROUTE, MAIN_ROUTES
from migdip.errors import InputError
from migdip.flows.routes.model import (
    RouteParams,
    backtest,
    fit,
    forecast,
    from_frontex,
    route_lever,
)
from migdip.flows.routes.scenario import (
    backtest_scenario,
    load_route_scenario,
    run_route_scenario,
)

ROOT = Path(__file__).resolve().parents[3]
ROUTES = [FRONTEX_ROUTE[r] for r in MAIN_ROUTES]


@pytest.fixture(scope="module")
def data(data_con: duckdb.DuckDBPyConnection):  # type: ignore[no-untyped-def]
    return from_frontex(data_con, ROUTES)


def test_forecast_without_levers_is_level_times_season_times_share(data) -> None:  # type: ignore[no-untyped-def]
    f = fit(data, len(data.months) - 13, RouteParams())
    pred = forecast(data, f, 3)
    month = int(data.months[f.origin][5:7])
    expected = np.array([(f.level * f.season[(month - 1 + h) % 12]) @ f.shares for h in (1, 2, 3)])
    assert np.allclose(pred, expected, rtol=2e-3)  # shares below 1e-4 are floored


def test_interception_diverts_to_other_routes(data) -> None:  # type: ignore[no-untyped-def]
    f = fit(data, len(data.months) - 1, RouteParams())
    free = forecast(data, f, 6)
    lever = route_lever(data, "Central Mediterranean Route", "interception", 0, None, 0.6)
    deal = forecast(data, f, 6, RouteParams(diversion=1.0), lever)
    c = ROUTES.index("Central Mediterranean Route")
    others = [k for k in range(len(ROUTES)) if k != c]
    assert deal[:, c].sum() < free[:, c].sum()
    assert deal[:, others].sum() > free[:, others].sum()


def test_backtest_beats_seasonal_naive_at_three_months(data) -> None:  # type: ignore[no-untyped-def]
    bt = backtest(data)
    assert bt["mase"].shape == (12, 6)
    assert int(np.sum(bt["mase"][2] < 1)) >= 4
    again = backtest(data)
    assert np.array_equal(bt["mase"], again["mase"])


def test_validation_doc_is_current(data_con: duckdb.DuckDBPyConnection) -> None:
    """docs/validation.md, its calibration plot and the bargaining model's committed
    estimate are what the code computes; regenerate with `python -m migdip.validation --write`."""
    from migdip.atlas import Atlas
    from migdip.bargaining.estimated import estimate_path
    from migdip.bargaining.report import PLOT
    from migdip.validation import generate

    Atlas(con=data_con)
    g = generate(data_con)
    assert (ROOT / "docs" / "validation.md").read_text(encoding="utf-8") == g.markdown
    assert (ROOT / "docs" / PLOT).read_text(encoding="utf-8") == g.calibration_svg
    committed = json.loads(estimate_path().read_text(encoding="utf-8"))
    assert committed.keys() == g.estimate.keys()
    for key in ("mode", "covariance"):  # an optimiser's last digits may differ by machine
        assert np.allclose(committed[key], g.estimate[key], rtol=1e-3, atol=1e-9), key
    assert committed["outcomes"].keys() == g.estimate["outcomes"].keys()


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml") if "route_model" in p.read_text()),
)
def test_route_scenarios_run(name: str, data_con: duckdb.DuckDBPyConnection) -> None:
    path = ROOT / "scenarios" / name
    out = run_route_scenario(load_route_scenario(path), path.parent, data_con, runs=4, seed=1)
    assert "baseline" in out["variants"] and len(out["months"]) >= 1
    for v in out["variants"].values():
        assert np.all(np.array(v["q05"]) <= np.array(v["q95"]))


def _seasonal_scenario(folder: Path, months: int) -> Path:
    """A scenario on a CSV series that repeats the same twelve months every year."""
    rows = ["route,nationality,month,count"]
    for t in range(months):
        for nat, base in (("AAA", 100), ("BBB", 40)):
            rows.append(f"A Route,{nat},{2010 + t // 12}-{t % 12 + 1:02d},{base + 30 * (t % 12)}")
    (folder / "series.csv").write_text("\n".join(rows) + "\n")
    path = folder / "s.yaml"
    path.write_text("kind: route_model\nname: seasonal\nseries: series.csv\nroutes: [A Route]\n")
    return path


def test_other_region_benchmark_scores_every_forecaster(tmp_path: Path) -> None:
    """`migdip sim backtest` on a user's series: every forecaster, the first half of the origins
    choosing and the second half scored; on a series that repeats every year the seasonal naive
    forecast is exact, so its MASE is 0 and nothing beats it."""
    path = _seasonal_scenario(tmp_path, 60)
    out = backtest_scenario(load_route_scenario(path), tmp_path, None, step=3, jobs=1)
    assert out["routes"] == ["A Route"] and out["months"] == ["2010-01", "2014-12"]
    assert out["origins"]["selection"] == ["2012-01", "2013-04"]  # origins 24, 27, ..., 57
    assert out["origins"]["evaluation"] == ["2013-07", "2014-10"]
    assert out["mase"]["seasonal_naive"][0] == [0.0] * 12
    assert out["mase"]["last_value"][0][0] > 0.5
    assert out["beats_every_baseline"] == {"A Route": out["chosen"] == "seasonal_naive"}
    with pytest.raises(InputError, match="give 3 forecast origin"):
        backtest_scenario(load_route_scenario(_seasonal_scenario(tmp_path, 34)), tmp_path, None)


def test_backtest_command_prints_the_benchmark(tmp_path: Path) -> None:
    path = _seasonal_scenario(tmp_path, 60)
    wh = str(tmp_path / "w.duckdb")
    args = ["sim", "backtest", str(path), "--jobs", "1", "--warehouse", wh]
    shown = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "MASE at 3 months, origins 2013-07 to 2014-10" in shown.output
    assert "AutoARIMA" in shown.output and "interval coverage" in shown.output
    doc = json.loads(CliRunner().invoke(app, [*args, "--json"]).output)
    assert doc["meta"]["data_versions"] and doc["chosen"] in doc["models"]
    bad = CliRunner().invoke(app, [*args, "--step", "0"])
    assert bad.exit_code != 0 and "--step" in bad.output


def test_route_scenario_errors(tmp_path: Path, data_con: duckdb.DuckDBPyConnection) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("kind: route_model\nname: x\nroutes: [Nowhere Route]\n")
    with pytest.raises(InputError, match="no detections at all on route"):
        run_route_scenario(load_route_scenario(bad), tmp_path, data_con, runs=1)
    bad.write_text("kind: route_model\nname: x\nroutes: [A]\nlevers: [{route: A, kind: bribe}]\n")
    with pytest.raises(InputError, match=r"levers\.0\.kind"):
        load_route_scenario(bad)
    csv = tmp_path / "series.csv"
    csv.write_text("route,nationality,month,count\nA,X,2020-13,5\n")
    bad.write_text("kind: route_model\nname: x\nseries: series.csv\nroutes: [A]\n")
    with pytest.raises(InputError, match="line 2: month '2020-13'"):
        run_route_scenario(load_route_scenario(bad), tmp_path, data_con, runs=1)
    bad.write_text(
        "kind: route_model\nname: x\nroutes: [Western Balkan Route]\nparams: {speed: 3}\n"
    )
    with pytest.raises(InputError, match=r"params\.speed is not a route-model parameter"):
        run_route_scenario(load_route_scenario(bad), tmp_path, data_con, runs=1)


def test_impact_command_errors_and_json(
    data_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    runner = CliRunner()
    wh = str(tmp_path / "w.duckdb")
    result = runner.invoke(app, ["impact", "jpn-idn-2007-epa", "--warehouse", wh, "--no-write"])
    assert result.exit_code == 1 and "is tied to no Frontex route" in result.stderr
    ok = runner.invoke(
        app,
        [
            "impact",
            "ita-lby-2017-mou",
            "--warehouse",
            wh,
            "--no-write",
            "--out",
            str(tmp_path / "plots"),
            "--json",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "plots" / "ita-lby-2017-mou-central_mediterranean.svg").exists()


def test_a_route_series_is_checked_whole(tmp_path: Path) -> None:
    from migdip.errors import InputError
    from migdip.flows.routes.model import from_csv

    path = tmp_path / "series.csv"
    path.write_text(
        "route,nationality,month,count\n"
        "A,SYR,2020-01,5\n"
        "A,SYR,2020-02,-3\n"  # negative
        "A,other,2020-03,4\n"  # reserved name
        "A,SYR,2020-01,6\n"  # repeated key
        "A,AFG,2020-05,inf\n"  # not finite
        "A,AFG,2020-06,1\n",  # 2020-02..05 have no valid row: missing months
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        from_csv(path)
    text = str(info.value)
    assert "line 3: count '-3' is not accepted" in text
    assert "line 4: nationality 'other' is reserved" in text
    assert "line 5: route 'A', nationality 'SYR', month 2020-01 repeats line 2" in text
    assert "line 6: count 'inf' is not accepted" in text
    assert (
        "route 'A' has no row for 4 month(s) inside its span (2020-02, 2020-03, 2020-04, " in text
    )
