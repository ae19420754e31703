"""The weighted combination and the forecast-based impact estimator: nothing looks past its
origin, the placebo study counts what it says, and the verdict leads the result."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from migdip.atlas import Atlas
from migdip.errors import InputError
from migdip.flows.impact import forecast as fi
from migdip.flows.impact.deals import evaluate, public
from migdip.flows.routes import forecast_report
from migdip.flows.routes.backtest import MODELS, Backtest
from migdip.flows.routes.combine import MIN_PAST, combine, weights
from migdip.flows.routes.model import RouteData, RouteParams, from_frontex


def _errors(n_origins: int = 20) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    errors = rng.uniform(0.5, 1.5, size=(3, 2, n_origins, 12))
    errors[0] *= 0.2  # member 0 is five times better
    return errors, np.arange(100, 100 + 3 * n_origins, 3, dtype=np.intp)


def test_weights_are_equal_until_enough_errors_are_known() -> None:
    errors, origins = _errors()
    w = weights(errors, origins, origins)
    np.testing.assert_allclose(w.sum(axis=0), 1.0)
    # at 1 month ahead the first MIN_PAST origins know fewer than MIN_PAST outcomes
    np.testing.assert_allclose(w[:, :, :MIN_PAST, 0], 1 / 3)
    assert np.all(w[0, :, -1, :] > 0.8)  # the better member dominates once known


def test_weights_never_use_an_outcome_after_the_origin() -> None:
    errors, origins = _errors()
    at = origins[10:11]
    before = weights(errors, origins, at)
    later = errors.copy()
    for h in range(1, 13):
        later[:, :, origins + h > at[0], h - 1] = 1e6  # outcomes not yet known at `at`
    np.testing.assert_array_equal(weights(later, origins, at), before)


def test_combine_is_a_weighted_mean_in_logs() -> None:
    f = np.array([[[99.0]], [[9999.0]]])  # two members, log1p 2 ln 10 and 4 ln 10
    w = np.full_like(f, 0.5)
    np.testing.assert_allclose(combine(f, w), [[999.0]])


def _backtest(errors: np.ndarray) -> Backtest:
    """A backtest whose chosen forecast is 100 a month with log errors ``errors`` on totals."""
    n_r, n_o = errors.shape
    origins = np.arange(48, 48 + 3 * n_o, 3, dtype=np.intp)
    months = [f"{2009 + k // 12}-{k % 12 + 1:02d}" for k in range(int(origins[-1]) + 14)]
    forecast = np.full((len(MODELS), n_r, n_o, 12), 1000.0)
    forecast[MODELS.index("last_value")] = 100.0  # the best at selection: the one chosen
    actual = np.repeat((np.expm1(np.log1p(1200.0) + errors) / 12)[:, :, None], 12, axis=2)
    scale = np.ones((n_r, n_o))
    return Backtest(["a", "b"], months, origins, MODELS, forecast, actual, scale)


def test_placebo_counts_false_positives_and_skips_deal_windows() -> None:
    rng = np.random.default_rng(2)
    errors = rng.normal(0, 0.1, size=(2, 40))
    errors[1, 30] = 5.0  # one placebo month far outside any interval
    bt = _backtest(errors)
    assert bt.chosen() == "last_value"
    study = fi.placebo(bt, {"a": set(), "b": set()})
    assert study.false_positives >= 1 and study.tested > 0
    deal = int(bt.origins[30]) + 1  # a deal starts the month after that origin
    excluded = fi.placebo(bt, {"a": set(), "b": {deal}})
    assert excluded.excluded_deal_windows >= 1
    assert excluded.by_route["b"][1] < study.by_route["b"][1]  # the outlier is a deal month


def test_bounds_use_only_windows_over_before_the_month() -> None:
    rng = np.random.default_rng(3)
    errors = rng.normal(0, 0.2, size=(2, 40))
    origins = np.arange(48, 168, 3, dtype=np.intp)
    t = int(origins[20])
    got = fi.bounds(errors, origins, t)
    later = errors.copy()
    later[:, origins + fi.WINDOW > t] = 99.0
    assert got is not None and fi.bounds(later, origins, t) == got
    assert fi.bounds(errors, origins, int(origins[2])) is None  # too few known yet


def test_the_counterfactual_sees_no_month_after_its_origin(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    bt = forecast_report.committed_backtest()
    data = from_frontex(data_con, bt.routes, RouteParams().top_nationalities)
    t = data.months.index("2016-02")
    r = data.routes.index("Eastern Mediterranean Route")
    full = fi.project_forecast(data, t, bt, r)
    cut = RouteData(data.months[: t + 1], data.routes, data.nationalities, data.counts[: t + 1])
    cut.displacement = data.displacement
    np.testing.assert_allclose(fi.project_forecast(cut, t, bt, r), full)


def test_the_verdict_leads_the_estimate(data_con: duckdb.DuckDBPyConnection) -> None:
    Atlas(con=data_con)
    result = public(evaluate(data_con, "eu-tur-2016-statement"))
    assert list(result)[:4] == ["record", "title", "deal_month", "verdict"]
    assert isinstance(result["verdict"]["reliable"], bool)
    assert result["verdict"]["reasons"]["eastern_mediterranean"]
    fc = result["routes"]["eastern_mediterranean"]["forecast"]
    assert fc["origin"] == "2016-02" and fc["period"] == "2016-03 to 2017-02"
    assert fc["forecaster"] == forecast_report.committed()["chosen"]
    lo, hi = fc["effect_interval"]
    assert lo <= fc["effect"] <= hi


def test_a_deal_too_early_for_the_forecaster_is_a_clear_error(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(InputError, match="four years of data before it"):
        fi.estimate(
            data_con, "eastern_mediterranean", "2010-05", forecast_report.committed_backtest()
        )
