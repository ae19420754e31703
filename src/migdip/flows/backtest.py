"""The rolling-origin benchmark of forecasts of monthly crossings by route.

At every origin month t (every ``step`` months from ``first_origin``), each forecaster of
``migdip.flows.forecasters`` and the route model (``migdip.flows.routes_model``) are fitted on
the months up to t only and forecast t+1 .. t+12 for every route. Errors are scaled as in
Hyndman and Koehler's MASE: by the mean absolute seasonal difference of that route's history
up to t, so that errors add up across routes and origins.

The project's forecast is chosen, once, on the origins before ``EVALUATION_FROM`` (the
forecaster with the lowest mean scaled error at 1, 3 and 6 months over every route); the
tables report every forecaster on the origins from ``EVALUATION_FROM`` on, which the choice
never saw. Its prediction intervals are conformal: at origin t and horizon h, the empirical
quantiles of its own log errors at that horizon on that route at the earlier origins whose
outcome was known by t (at least ``MIN_CALIBRATION`` of them), added to its log forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray

from migdip.flows.forecasters import NAMES, SEASON, forecast_all
from migdip.flows.routes_model import RouteData, RouteParams, fit, forecast

HORIZONS = 12
EVALUATION_FROM = "2019-01"
SELECTION_HORIZONS = (1, 3, 6)
MIN_CALIBRATION = 24
LEVELS = (80, 95)
MODELS = (*NAMES, "route_model")


@dataclass(frozen=True)
class Backtest:
    routes: list[str]
    months: list[str]  # the series' months
    origins: NDArray[np.intp]  # indices into months
    models: tuple[str, ...]
    forecast: NDArray[np.float64]  # (models, routes, origins, horizons) point forecasts
    actual: NDArray[np.float64]  # (routes, origins, horizons), NaN past the data
    scale: NDArray[np.float64]  # (routes, origins) MASE denominators

    def evaluation(self) -> NDArray[np.bool_]:
        return np.array([self.months[o] >= EVALUATION_FROM for o in self.origins])

    def scaled_errors(self) -> NDArray[np.float64]:
        """(models, routes, origins, horizons) |forecast - actual| / scale."""
        return np.abs(self.forecast - self.actual[None]) / self.scale[None, :, :, None]

    def mase(self, origins: NDArray[np.bool_]) -> NDArray[np.float64]:
        """(models, routes, horizons) mean scaled error over the chosen origins."""
        return np.asarray(np.nanmean(self.scaled_errors()[:, :, origins], axis=2))

    def chosen(self) -> str:
        """The project's forecast: the lowest mean scaled error at 1, 3 and 6 months over every
        route, on the selection origins only."""
        m = self.mase(~self.evaluation())[:, :, [h - 1 for h in SELECTION_HORIZONS]]
        return self.models[int(np.argmin(np.nanmean(m, axis=(1, 2))))]


def _scale(y: NDArray[np.float64]) -> float:
    diffs = np.abs(y[SEASON:] - y[:-SEASON])
    return float(diffs.mean()) if len(diffs) and diffs.mean() > 0 else 1.0


def _at_origin(data: RouteData, origin: int, p: RouteParams) -> NDArray[np.float64]:
    """(models, routes, horizons) forecasts from one origin."""
    totals = data.totals()
    out = np.zeros((len(MODELS), len(data.routes), HORIZONS))
    for r in range(len(data.routes)):
        every = forecast_all(totals[: origin + 1, r], HORIZONS)
        for k, name in enumerate(NAMES):
            out[k, r] = every[name]
    out[len(NAMES)] = forecast(data, fit(data, origin, p), HORIZONS, p).T
    return out


def run(
    data: RouteData,
    first_origin: int = 48,
    step: int = 1,
    p: RouteParams | None = None,
    jobs: int = 2,
) -> Backtest:
    """Every forecaster from every origin; the origins run in ``jobs`` processes (the
    figures do not depend on the order)."""
    p = p or RouteParams()
    totals = data.totals()
    n_t = len(data.months)
    origins = np.arange(first_origin, n_t - 1, step, dtype=np.intp)
    blocks = Parallel(n_jobs=jobs)(delayed(_at_origin)(data, int(o), p) for o in origins)
    forecasts = np.stack(blocks, axis=2)  # (models, routes, origins, horizons)
    actual = np.full((len(data.routes), len(origins), HORIZONS), np.nan)
    scale = np.zeros((len(data.routes), len(origins)))
    for i, o in enumerate(origins):
        ahead = totals[o + 1 : o + 1 + HORIZONS]
        actual[:, i, : len(ahead)] = ahead.T
        scale[:, i] = [_scale(totals[: o + 1, r]) for r in range(len(data.routes))]
    return Backtest(data.routes, data.months, origins, MODELS, forecasts, actual, scale)


def intervals(
    bt: Backtest, model: str, level: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(routes, origins, horizons) conformal bounds of ``model`` (NaN where fewer than
    ``MIN_CALIBRATION`` earlier errors were known at the origin)."""
    k = bt.models.index(model)
    log_f = np.log1p(bt.forecast[k])
    log_err = np.log1p(bt.actual) - log_f  # (routes, origins, horizons)
    lo = np.full_like(log_f, np.nan)
    hi = np.full_like(log_f, np.nan)
    q = ((100 - level) / 200, (100 + level) / 200)
    for i, o in enumerate(bt.origins):
        for h in range(1, HORIZONS + 1):
            known = bt.origins + h <= o  # outcomes known at origin o
            past = log_err[:, known, h - 1]
            for r in range(len(bt.routes)):
                e = past[r][~np.isnan(past[r])]
                if len(e) >= MIN_CALIBRATION:
                    a, b = np.quantile(e, q)
                    lo[r, i, h - 1] = log_f[r, i, h - 1] + a
                    hi[r, i, h - 1] = log_f[r, i, h - 1] + b
    return np.expm1(lo), np.expm1(hi)


def coverage(bt: Backtest, model: str, level: int) -> NDArray[np.float64]:
    """(horizons,) share of evaluation forecasts whose outcome fell inside the interval."""
    lo, hi = intervals(bt, model, level)
    ev = bt.evaluation()
    a, lo, hi = bt.actual[:, ev], lo[:, ev], hi[:, ev]
    scored = ~np.isnan(a) & ~np.isnan(lo)
    inside = (a >= lo) & (a <= hi) & scored
    return np.asarray(inside.sum(axis=(0, 1)) / np.maximum(scored.sum(axis=(0, 1)), 1))
