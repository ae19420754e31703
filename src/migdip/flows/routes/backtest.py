"""The rolling-origin benchmark of forecasts of monthly crossings by route.

At every origin month t (every ``step`` months from ``first_origin``), each forecaster of
``migdip.flows.routes.forecasters`` and the route model (``migdip.flows.routes.model``) are
fitted on the months up to t only and forecast t+1 .. t+12 for every route. Errors are scaled as in
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
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray

from migdip.flows.routes.combine import combine, weights
from migdip.flows.routes.forecasters import BASELINES, NAMES, SEASON, Spec, forecast_all
from migdip.flows.routes.model import RouteData, RouteParams, fit, forecast

HORIZONS = 12
STEP = 3  # months between origins: the statistical models' searches are the cost
EVALUATION_FROM = "2019-01"
SELECTION_HORIZONS = (1, 3, 6)
MIN_CALIBRATION = 24
MIN_HISTORY = 24  # months of a route's own data before it is forecast
LEVELS = (80, 95)
MEMBERS = (*BASELINES, "route_model")  # of the weighted combination
MODELS = (*NAMES, "route_model", "weighted")
LABELS = {
    "last_value": "last value",
    "seasonal_naive": "seasonal naive",
    "drift": "drift",
    "auto_ets": "AutoETS",
    "auto_arima": "AutoARIMA",
    "auto_theta": "AutoTheta",
    "combination": "median of AutoETS, AutoARIMA, AutoTheta",
    "route_model": "route model",
    "weighted": "combination weighted on past errors",
}


@dataclass(frozen=True)
class Backtest:
    routes: list[str]
    months: list[str]  # the series' months
    origins: NDArray[np.intp]  # indices into months
    models: tuple[str, ...]
    forecast: NDArray[np.float64]  # (models, routes, origins, horizons) point forecasts
    actual: NDArray[np.float64]  # (routes, origins, horizons), NaN past the data
    scale: NDArray[np.float64]  # (routes, origins) MASE denominators
    evaluation_from: str = EVALUATION_FROM  # origins from this month on are scored, not chosen on

    def evaluation(self) -> NDArray[np.bool_]:
        return np.array([self.months[o] >= self.evaluation_from for o in self.origins])

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


Specs = list[dict[str, Spec | None]]  # per route, the statistical models' specifications


def at_origin(
    data: RouteData,
    origin: int,
    p: RouteParams,
    only: list[int] | None = None,
    specs: Specs | None = None,
) -> tuple[NDArray[np.float64], Specs]:
    """(models, routes, horizons) forecasts from one origin (the weighted combination, which
    needs past errors, NaN), and the specifications used; ``only``: the statistical models on
    these routes only; ``specs``: refit these specifications instead of searching."""
    totals = data.totals()
    out = np.full((len(MODELS), len(data.routes), HORIZONS), np.nan)
    used: Specs = [{} for _ in data.routes]
    for r in range(len(data.routes)) if only is None else only:
        history = totals[data.start(r) : origin + 1, r]  # the route's own months only
        if len(history) < MIN_HISTORY:
            continue  # a route that starts late: no forecast until it has two years
        every, used[r] = forecast_all(history, HORIZONS, specs[r] if specs else None)
        for k, name in enumerate(NAMES):
            out[k, r] = every[name]
    out[MODELS.index("route_model")] = forecast(data, fit(data, origin, p), HORIZONS, p).T
    return out, used


def _year(data: RouteData, origins: list[int], p: RouteParams) -> NDArray[np.float64]:
    """(models, routes, origins, horizons): the model searches at the first origin, refits of
    what they chose at the rest."""
    specs: Specs | None = None
    blocks = []
    for o in origins:
        f, used = at_origin(data, o, p, specs=specs)
        specs = specs or used
        blocks.append(f)
    return np.stack(blocks, axis=2)


def run(
    data: RouteData,
    first_origin: int = 48,
    step: int = 1,
    p: RouteParams | None = None,
    jobs: int = 2,
    evaluation_from: str = EVALUATION_FROM,
) -> Backtest:
    """Every forecaster from every origin. The statistical models search for their
    specification at the first origin of every twelve months and refit it at the others; the
    years run in ``jobs`` processes (the figures do not depend on the order). The origins from
    ``evaluation_from`` (YYYY-MM) on are scored; the earlier ones choose the project's forecast."""
    p = p or RouteParams()
    totals = data.totals()
    n_t = len(data.months)
    origins = np.arange(first_origin, n_t - 1, step, dtype=np.intp)
    years: dict[int, list[int]] = {}
    for o in origins:
        years.setdefault(int(o - first_origin) // 12, []).append(int(o))
    blocks = Parallel(n_jobs=jobs)(delayed(_year)(data, year, p) for year in years.values())
    forecasts = np.concatenate(blocks, axis=2)  # (models, routes, origins, horizons)
    actual = np.full((len(data.routes), len(origins), HORIZONS), np.nan)
    scale = np.zeros((len(data.routes), len(origins)))
    for i, o in enumerate(origins):
        ahead = totals[o + 1 : o + 1 + HORIZONS]
        actual[:, i, : len(ahead)] = ahead.T
        scale[:, i] = [_scale(totals[data.start(r) : o + 1, r]) for r in range(len(data.routes))]
    for r in range(len(data.routes)):  # every forecaster scored on the same origins
        forecasts[:, r, origins + 1 - data.start(r) < MIN_HISTORY] = np.nan
    members = [MODELS.index(m) for m in MEMBERS]
    errors = np.abs(forecasts[members] - actual[None]) / scale[None, :, :, None]
    w = weights(errors, origins, origins)
    forecasts[MODELS.index("weighted")] = combine(forecasts[members], w)
    return Backtest(
        data.routes, data.months, origins, MODELS, forecasts, actual, scale, evaluation_from
    )


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
    """(horizons,) share of evaluation forecasts whose outcome fell inside the interval (NaN
    where no evaluation forecast had an interval yet)."""
    lo, hi = intervals(bt, model, level)
    ev = bt.evaluation()
    a, lo, hi = bt.actual[:, ev], lo[:, ev], hi[:, ev]
    scored = ~np.isnan(a) & ~np.isnan(lo)
    inside = (a >= lo) & (a <= hi) & scored
    n = scored.sum(axis=(0, 1))
    share = np.divide(inside.sum(axis=(0, 1)), n, out=np.full(n.shape, np.nan), where=n > 0)
    return np.asarray(share)  # NaN at a horizon with no interval to score


def summarise(bt: Backtest, step: int) -> dict[str, Any]:
    """The benchmark's figures: the chosen forecast, every forecaster's MASE on the evaluation
    origins (models x routes x horizons), whether the chosen one beats every baseline at 1, 3 and
    6 months on each route, and the coverage of its intervals (``step``: months between
    origins)."""
    ev = bt.evaluation()
    mase = bt.mase(ev)  # (models, routes, horizons)
    chosen = bt.chosen()
    k = bt.models.index(chosen)
    rivals = [m for m in BASELINES if m != chosen]
    beats = []
    for r in range(len(bt.routes)):
        ok = all(
            mase[k, r, h - 1] < mase[bt.models.index(m), r, h - 1]
            for m in rivals
            for h in SELECTION_HORIZONS
        )
        beats.append(bool(ok))
    selection = np.nanmean(bt.mase(~ev)[:, :, [h - 1 for h in SELECTION_HORIZONS]], axis=(1, 2))

    def r2(x: float) -> float | None:
        return None if np.isnan(x) else round(float(x), 3)  # None: nothing to score

    return {
        "routes": bt.routes,
        "models": list(bt.models),
        "origins": {
            "selection": [bt.months[int(o)] for o in bt.origins[~ev][[0, -1]]],
            "evaluation": [bt.months[int(o)] for o in bt.origins[ev][[0, -1]]],
            "step_months": step,
        },
        "chosen": chosen,
        "selection_mase": {m: r2(v) for m, v in zip(bt.models, selection, strict=True)},
        "mase": {
            m: [[r2(v) for v in mase[i, r]] for r in range(len(bt.routes))]
            for i, m in enumerate(bt.models)
        },
        "beats_every_baseline": dict(zip(bt.routes, beats, strict=True)),
        "coverage": {str(lv): [r2(c) for c in coverage(bt, chosen, lv)] for lv in LEVELS},
    }
