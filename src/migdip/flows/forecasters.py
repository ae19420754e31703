"""Forecasters of one monthly count series: the baselines and the statistical models.

Every forecaster takes the history up to a forecast origin (counts, oldest first, no gaps) and
returns ``h`` point forecasts. Baselines: the last value; the seasonal naive (the same month a
year earlier); drift (the last value plus the mean monthly change of the history). Statistical
models from statsforecast (Nixtla, Apache-2.0; a maintained library, not reimplemented):
AutoETS, AutoARIMA and AutoTheta with a season of 12 months, fitted on log(1 + count) so that
a forecast never goes below zero and a proportional change weighs the same at any level; the
point forecast is the back-transformed median. ``combination``: the median of the three
statistical models' log forecasts (a combination is the usual winner of forecasting
competitions; whether it is here is what ``migdip.flows.backtest`` measures).
"""

from __future__ import annotations

import os
from collections.abc import Callable
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


def log_forecast(name: str, y: NDArray[np.float64], h: int) -> NDArray[np.float64]:
    """A statsforecast model's mean forecast of log(1 + y)."""
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    models: dict[str, Callable[[], Any]] = {
        "auto_ets": lambda: AutoETS(season_length=SEASON),
        "auto_arima": lambda: AutoARIMA(season_length=SEASON),
        "auto_theta": lambda: AutoTheta(season_length=SEASON),
    }
    log = np.log1p(np.maximum(np.asarray(y, dtype=np.float64), 0.0))
    if np.ptp(log) == 0:  # a constant series: every model would say the same
        return np.full(h, log[-1])
    out = models[name]().forecast(y=log, h=h)
    return np.asarray(out["mean"], dtype=np.float64)


STATISTICAL = ("auto_ets", "auto_arima", "auto_theta")
BASELINES = ("last_value", "seasonal_naive", "drift", *STATISTICAL)
NAMES = (*BASELINES, "combination")


def forecast_all(y: NDArray[np.float64], h: int) -> dict[str, NDArray[np.float64]]:
    """Every forecaster's ``h`` point forecasts from history ``y`` (each model fitted once)."""
    out = {
        "last_value": last_value(y, h),
        "seasonal_naive": seasonal_naive(y, h),
        "drift": drift(y, h),
    }
    logs = {name: log_forecast(name, y, h) for name in STATISTICAL}
    for name, log in logs.items():
        out[name] = np.maximum(np.expm1(log), 0.0)
    median = np.median(np.vstack(list(logs.values())), axis=0)
    out["combination"] = np.maximum(np.expm1(median), 0.0)
    return out
