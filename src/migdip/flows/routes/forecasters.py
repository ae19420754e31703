"""Forecasters of one monthly count series: the baselines and the statistical models.

Every forecaster takes the history up to a forecast origin (counts, oldest first, no gaps) and
returns ``h`` point forecasts. Baselines: the last value; the seasonal naive (the same month a
year earlier); drift (the last value plus the mean monthly change of the history). Statistical
models from statsforecast (Nixtla, Apache-2.0; a maintained library, not reimplemented):
AutoETS, AutoARIMA and AutoTheta with a season of 12 months, fitted on log(1 + count) so that
a forecast never goes below zero and a proportional change weighs the same at any level; the
point forecast is the back-transformed median. In a backtest, the automatic searches of AutoETS
and AutoARIMA (which model, which orders) can run once a year and their choice be refitted at
the origins in between (``specs``): the parameters are re-estimated at every origin, the
specification every twelve months, as in the usual practice of rolling-origin evaluations; it
cuts the cost of AutoARIMA's search twentyfold. AutoARIMA's search compares its candidates by
conditional sums of squares (``approximation=True``, Hyndman and Khandakar's option, which the
library otherwise takes only for series over 150 months) and refits the chosen model by maximum
likelihood. Measured on the Frontex backtest: the search four times cheaper (18 searches in 11 s
against 42 s), the project's forecast as good (mean MASE over the routes at 1, 3 and 6 months
1.252, 2.132, 2.730 against 1.254, 2.143, 2.721 with the exact search). ``combination``: the
median of the three statistical models' log forecasts (a combination is the usual winner of
forecasting competitions; whether it is here is what ``migdip.flows.routes.backtest`` measures).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

os.environ.setdefault("NIXTLA_NUMBA_CACHE", "1")  # compile statsforecast's kernels once

SEASON = 12


def last_value(y: NDArray[np.float64], h: int) -> NDArray[np.float64]:
    return np.full(h, float(y[-1]))


def seasonal_naive(y: NDArray[np.float64], h: int) -> NDArray[np.float64]:
    k = np.arange(h)
    return np.asarray(y[len(y) - SEASON + (k % SEASON)], dtype=np.float64)


def drift(y: NDArray[np.float64], h: int) -> NDArray[np.float64]:
    slope = (float(y[-1]) - float(y[0])) / max(len(y) - 1, 1)
    return np.asarray(np.maximum(float(y[-1]) + slope * np.arange(1, h + 1), 0.0))


Spec = tuple[Any, ...]  # a fitted model's specification, to refit with new data


def _model(name: str, spec: Spec | None) -> Any:
    from statsforecast.models import ARIMA, AutoARIMA, AutoETS, AutoTheta

    if name == "auto_ets":
        if spec is None:
            return AutoETS(season_length=SEASON)
        return AutoETS(season_length=SEASON, model=spec[0], damped=spec[1])
    if name == "auto_arima":
        if spec is None:
            return AutoARIMA(season_length=SEASON, approximation=True)
        order, seasonal, mean, with_drift = spec
        return ARIMA(
            order=order,
            seasonal_order=seasonal,
            season_length=SEASON,
            include_mean=mean,
            include_drift=with_drift,
        )
    if name == "auto_theta":
        return AutoTheta(season_length=SEASON)
    raise ValueError(f"forecaster {name!r}; accepted: {', '.join(STATISTICAL)}")


def _spec(name: str, fitted: Any) -> Spec | None:
    """What the model search found, to refit at later origins without searching again."""
    m = fitted.model_
    if name == "auto_ets":
        c = str(m["components"])
        return (c[:3], c[3] == "D" if c[1] != "N" else None)
    if name == "auto_arima":
        p, q, sp, sq, _, d, sd = m["arma"]
        coef = m["coef"]
        return ((p, d, q), (sp, sd, sq), "intercept" in coef, "drift" in coef)
    return None  # AutoTheta's search is cheap: it searches at every origin


def log_forecast(
    name: str, y: NDArray[np.float64], h: int, spec: Spec | None = None
) -> tuple[NDArray[np.float64], Spec | None]:
    """A statsforecast model's mean forecast of log(1 + y), and the specification it used.

    With ``spec`` (from an earlier origin's search) the model is refitted with that
    specification; without, the library's automatic search chooses it."""
    log = np.log1p(np.maximum(np.asarray(y, dtype=np.float64), 0.0))
    if np.ptp(log) == 0:  # a constant series: every model would say the same
        return np.full(h, log[-1]), None
    if spec is not None:
        try:
            mean = _mean(_model(name, spec).fit(log), h)
            if np.isfinite(mean).all():
                return mean, spec
        except (ValueError, np.linalg.LinAlgError):
            pass  # the earlier choice cannot be fitted to this history: search again
    with warnings.catch_warnings():
        # AutoARIMA's search by conditional sums of squares only ranks candidate orders, and
        # statsforecast notes every candidate whose optimiser stopped early; the chosen model
        # is then refitted by maximum likelihood
        warnings.filterwarnings("ignore", "possible convergence problem", UserWarning)
        fitted = _model(name, None).fit(log)
    return _mean(fitted, h), _spec(name, fitted)


def _mean(fitted: Any, h: int) -> NDArray[np.float64]:
    """A fitted model's ``h`` mean forecasts. statsforecast computes standard errors with them,
    unused here (the intervals are conformal, from the backtest's errors), which are NaN where a
    refitted model's forecast variance goes negative: numpy's note on that is silenced."""
    with np.errstate(invalid="ignore"):
        return np.asarray(fitted.predict(h=h)["mean"], dtype=np.float64)


STATISTICAL = ("auto_ets", "auto_arima", "auto_theta")
BASELINES = ("last_value", "seasonal_naive", "drift", *STATISTICAL)
NAMES = (*BASELINES, "combination")


def forecast_all(
    y: NDArray[np.float64], h: int, specs: dict[str, Spec | None] | None = None
) -> tuple[dict[str, NDArray[np.float64]], dict[str, Spec | None]]:
    """Every forecaster's ``h`` point forecasts from history ``y`` (each model fitted once), and
    the statistical models' specifications (pass them back to refit without searching)."""
    out = {
        "last_value": last_value(y, h),
        "seasonal_naive": seasonal_naive(y, h),
        "drift": drift(y, h),
    }
    specs = specs or {}
    logs, used = {}, {}
    for name in STATISTICAL:
        logs[name], used[name] = log_forecast(name, y, h, specs.get(name))
    for name, log in logs.items():
        out[name] = np.maximum(np.expm1(log), 0.0)
    median = np.median(np.vstack(list(logs.values())), axis=0)
    out["combination"] = np.maximum(np.expm1(median), 0.0)
    return out, used
