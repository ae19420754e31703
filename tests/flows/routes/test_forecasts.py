"""Forecasters and the rolling-origin benchmark: baselines are what they say, no forecast sees
the month it predicts, and the committed benchmark is what the code computes."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pytest

from migdip.flows.routes import backtest as bt_mod
from migdip.flows.routes import forecast_report
from migdip.flows.routes.forecasters import NAMES, drift, forecast_all, last_value, seasonal_naive
from migdip.flows.routes.model import RouteData


def test_baselines_are_what_they_say() -> None:
    y = np.arange(1.0, 25.0)  # 1 .. 24
    assert last_value(y, 3).tolist() == [24.0, 24.0, 24.0]
    assert seasonal_naive(y, 14).tolist() == [*range(13, 25), 13.0, 14.0]
    assert drift(y, 2).tolist() == [25.0, 26.0]


def test_statistical_forecasts_are_counts() -> None:
    rng = np.random.default_rng(0)
    months = np.arange(72)
    y = np.round(500 * (1 + 0.5 * np.sin(2 * np.pi * months / 12)) * rng.lognormal(0, 0.2, 72))
    out, _ = forecast_all(y, 12)
    assert set(out) == set(NAMES)
    for name, f in out.items():
        assert f.shape == (12,) and np.all(np.isfinite(f)) and np.all(f >= 0), name
    # a strongly seasonal series: the models follow the season, not a flat line
    assert np.corrcoef(out["combination"], y[-12:])[0, 1] > 0.5


def _toy(n: int = 70) -> RouteData:
    months = [f"{2015 + k // 12}-{k % 12 + 1:02d}" for k in range(n)]
    t = np.arange(n)
    counts = np.zeros((n, 1, 2))
    counts[:, 0, 0] = 100 + 50 * np.sin(2 * np.pi * t / 12)
    counts[:, 0, 1] = 40 + t
    return RouteData(months, ["a", "b"], ["X"], counts)


def test_no_forecast_sees_the_month_it_predicts(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = bt_mod.forecast_all

    def spy(y: np.ndarray, h: int, specs: Any = None) -> Any:
        seen.append(len(y))
        return real(y, h, specs)

    monkeypatch.setattr(bt_mod, "forecast_all", spy)
    data = _toy()
    bt = bt_mod.run(data, first_origin=48, step=6, jobs=1)
    assert sorted(set(seen)) == [int(o) + 1 for o in bt.origins]  # history ends at the origin
    for i, o in enumerate(bt.origins):  # and the actuals are the months after it
        ahead = data.totals()[o + 1 : o + 13]
        np.testing.assert_array_equal(bt.actual[:, i, : len(ahead)], ahead.T)


def test_intervals_use_only_errors_known_at_the_origin() -> None:
    bt = bt_mod.run(_toy(), first_origin=24, step=1, jobs=1)
    lo, hi = bt_mod.intervals(bt, "seasonal_naive", 80)
    first = np.flatnonzero(~np.isnan(lo[0, :, 0]))[0]
    # the first origin with an interval at 1 month has MIN_CALIBRATION earlier outcomes
    assert int(np.sum(bt.origins + 1 <= bt.origins[first])) >= bt_mod.MIN_CALIBRATION
    assert np.all(np.isnan(lo[:, :first, 0]))
    assert np.all((lo <= hi) | np.isnan(lo))


def test_the_committed_benchmark_is_current(data_con: duckdb.DuckDBPyConnection) -> None:
    committed = forecast_report.committed()
    fresh = bt_mod.summarise(forecast_report.run(data_con), forecast_report.STEP)
    assert fresh["chosen"] == committed["chosen"]
    assert fresh["origins"] == committed["origins"]
    assert fresh["beats_every_baseline"] == committed["beats_every_baseline"]
    # To 1% or 0.01: AutoARIMA's search takes another path on another CPU's floating point (an
    # AVX-512 and an AVX2 machine differ by up to 0.3% on one route's 10-12 month MASE).
    for key in ("mase", "coverage"):
        for name, rows in committed[key].items():
            np.testing.assert_allclose(
                fresh[key][name], rows, rtol=0.01, atol=0.01, err_msg=f"{key} {name}"
            )


def test_a_refitted_specification_is_the_searched_model() -> None:
    """Refitting what the search chose, on the same history, gives the search's forecast; on a
    longer history, it re-estimates the parameters."""
    rng = np.random.default_rng(4)
    months = np.arange(96)
    y = np.round(800 * (1 + 0.4 * np.cos(2 * np.pi * months / 12)) * rng.lognormal(0, 0.25, 96))
    searched, specs = forecast_all(y[:84], 12)
    assert specs["auto_ets"] is not None and specs["auto_arima"] is not None
    refitted, same = forecast_all(y[:84], 12, specs)
    assert same == specs
    for name in ("auto_ets", "auto_arima"):
        np.testing.assert_allclose(refitted[name], searched[name], rtol=1e-6, err_msg=name)
    later, _ = forecast_all(y, 12, specs)
    assert not np.allclose(later["auto_arima"], searched["auto_arima"])
