"""A forecast combination weighted on past errors.

Bates and Granger (1969) and Stock and Watson (2004): combine several forecasts with weights
inversely proportional to their past squared errors. Here, for each route and horizon, every
member's weight at an origin is proportional to 1 / MASE^2, the MASE over that member's errors
at the same route and horizon from the earlier origins whose outcome was already known; the
members' log(1 + count) forecasts are averaged with those weights. Until ``MIN_PAST`` past errors
are known, the weights are equal. Nothing here looks past the origin.

The members are every baseline of the benchmark and the route model. Which forecast the project
uses (this combination or any single member) is still chosen by
``migdip.flows.routes.backtest`` on the selection origins only.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

POWER = 2.0  # inverse squared MASE (inverse-MSE weighting, on scaled errors)
MIN_PAST = 4


def weights(
    errors: NDArray[np.float64], origins: NDArray[np.intp], at: NDArray[np.intp]
) -> NDArray[np.float64]:
    """(members, routes, len(at), horizons) weights summing to 1 over members.

    ``errors``: (members, routes, origins, horizons) scaled absolute errors at ``origins``
    (sorted month indices), NaN where unknown. At a month ``t`` in ``at`` and horizon h, the
    errors counted are those at origins o with o + h <= t (their outcome was known at t).
    """
    n_m, n_r, _, n_h = errors.shape
    known = ~np.isnan(errors)
    filled = np.where(known, errors, 0.0)
    zero = np.zeros((n_m, n_r, 1, n_h))
    total = np.concatenate([zero, np.cumsum(filled, axis=2)], axis=2)
    count = np.concatenate([zero, np.cumsum(known, axis=2, dtype=np.float64)], axis=2)
    out = np.empty((n_m, n_r, len(at), n_h))
    for h in range(1, n_h + 1):
        upto = np.searchsorted(origins, np.asarray(at) - h, side="right")  # origins o <= t - h
        s, c = total[:, :, upto, h - 1], count[:, :, upto, h - 1]
        enough = np.asarray((c >= MIN_PAST).all(axis=0))  # (routes, at): every member has a record
        mase = np.where(c > 0, s / np.maximum(c, 1), np.nan)
        inv = 1.0 / np.maximum(np.nan_to_num(mase, nan=1.0), 1e-9) ** POWER
        w = inv / inv.sum(axis=0, keepdims=True)
        out[:, :, :, h - 1] = np.where(enough[None], w, 1.0 / n_m)
    return out


def combine(forecasts: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """The weighted mean of the members' log(1 + count) forecasts, back to counts; both
    arrays have the members first and the same shape."""
    log = np.log1p(np.maximum(forecasts, 0.0))
    return np.asarray(np.maximum(np.expm1((w * log).sum(axis=0)), 0.0))
