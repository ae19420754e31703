"""Interrupted time series and synthetic-control estimators for monthly counts.

Seasonal ITS: on the months before the break, log(1 + count) is fitted by least squares on a
level, a linear trend and calendar-month effects; the fit is projected over the months after the
break. Intervals come from simulation (a seeded generator): coefficients drawn from their
estimated sampling distribution, plus residual noise, back-transformed to counts. The effect is
observed minus counterfactual, summed over the post period.

Synthetic control: the treated series (log) is matched on the pre period by a non-negative
combination of donor series (other routes) plus a constant; reported only with its pre-period
fit, so a reader can judge whether the comparison holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import nnls

from migdip.draws import inverse_spd, multivariate_normal
from migdip.errors import InputError

MIN_PRE = 24


@dataclass
class ITS:
    break_index: int
    pre: int
    post: int
    observed: NDArray[np.float64]  # post-period observed counts
    counterfactual: NDArray[np.float64]  # post-period median counterfactual
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    fitted_pre: NDArray[np.float64]
    effect: float
    effect_lower: float
    effect_upper: float
    effect_pct: float | None
    level: float
    diagnostics: dict[str, Any] = field(default_factory=dict)


TRENDS = ("none", "linear")
HOLDOUT = 6


def _design(
    t: NDArray[np.int64], month_of_year: NDArray[np.int64], trend: str
) -> NDArray[np.float64]:
    dummies = np.zeros((len(t), 11))
    for m in range(1, 12):
        dummies[:, m - 1] = month_of_year == m
    columns = [np.ones(len(t))] + ([t.astype(float)] if trend == "linear" else [])
    return np.column_stack([*columns, dummies])


def _holdout_error(
    y: NDArray[np.float64], t: NDArray[np.int64], moy: NDArray[np.int64], trend: str
) -> float:
    """Mean absolute error (log) forecasting the last HOLDOUT pre months from the rest."""
    fit, test = slice(0, len(y) - HOLDOUT), slice(len(y) - HOLDOUT, len(y))
    beta, *_ = np.linalg.lstsq(_design(t[fit], moy[fit], trend), y[fit], rcond=None)
    return float(np.abs(_design(t[test], moy[test], trend) @ beta - y[test]).mean())


def choose_trend(y: NDArray[np.float64], t: NDArray[np.int64], moy: NDArray[np.int64]) -> str:
    """The trend form that best forecasts the last months before the break (pre data only)."""
    errors = {trend: _holdout_error(y, t, moy, trend) for trend in TRENDS}
    return min(errors, key=lambda k: errors[k])


def seasonal_its(
    values: NDArray[np.float64],
    months: list[str],
    break_index: int,
    pre: int = 36,
    post: int = 12,
    draws: int = 2000,
    level: float = 0.9,
    seed: int = 0,
    trend: str = "auto",
) -> ITS:
    """Estimate the change at ``break_index`` (the first post month) against a seasonal trend.

    ``trend`` is ``none`` (level and season), ``linear``, or ``auto``: the one that best
    forecasts the last six pre-break months from the earlier ones. Residual autocorrelation is
    carried into the intervals (AR(1) noise).
    """
    available = break_index
    if available < MIN_PRE:
        raise InputError(
            f"only {available} months of data before the break ({months[break_index]}); the "
            f"interrupted time series needs at least {MIN_PRE}"
        )
    pre = min(pre, available)
    post = min(post, len(values) - break_index)
    if post < 1:
        raise InputError(f"no months of data after the break ({months[-1]} is the last)")
    idx_pre = np.arange(break_index - pre, break_index)
    idx_post = np.arange(break_index, break_index + post)
    moy = np.array([int(m[5:7]) for m in months]) - 1
    y_pre = np.log1p(values[idx_pre])
    t_pre, t_post = idx_pre - idx_pre[0], idx_post - idx_pre[0]
    if trend == "auto":
        trend = choose_trend(y_pre, t_pre, moy[idx_pre])
    if trend not in TRENDS:
        raise InputError(f"trend {trend!r}; accepted: auto, {', '.join(TRENDS)}")
    x_pre = _design(t_pre, moy[idx_pre], trend)
    x_post = _design(t_post, moy[idx_post], trend)
    beta, *_ = np.linalg.lstsq(x_pre, y_pre, rcond=None)
    resid = y_pre - x_pre @ beta
    dof = max(len(y_pre) - x_pre.shape[1], 1)
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * inverse_spd(x_pre.T @ x_pre)
    rng = np.random.default_rng(seed)
    betas = multivariate_normal(rng, np.asarray(beta, dtype=np.float64), cov, draws)
    rho = float(np.clip(np.corrcoef(resid[:-1], resid[1:])[0, 1], 0.0, 0.95)) if pre > 3 else 0.0
    noise = np.zeros((draws, post))
    prev = np.full(draws, resid[-1])
    shocks = rng.normal(0.0, np.sqrt(sigma2 * (1 - rho**2)), size=(draws, post))
    for k in range(post):
        prev = rho * prev + shocks[:, k]
        noise[:, k] = prev
    sims = np.expm1(betas @ x_post.T + noise).clip(min=0.0)
    observed = values[idx_post]
    effects = observed.sum() - sims.sum(axis=1)
    alpha = (1 - level) / 2
    median_cf = np.median(sims, axis=0)
    cf_total = float(np.median(sims.sum(axis=1)))
    ss_tot = float(((y_pre - y_pre.mean()) ** 2).sum())
    dw = float((np.diff(resid) ** 2).sum() / max(float(resid @ resid), 1e-12))
    return ITS(
        break_index,
        pre,
        post,
        observed,
        median_cf,
        np.quantile(sims, alpha, axis=0),
        np.quantile(sims, 1 - alpha, axis=0),
        np.expm1(x_pre @ beta),
        float(np.median(effects)),
        float(np.quantile(effects, alpha)),
        float(np.quantile(effects, 1 - alpha)),
        100 * float(np.median(effects)) / cf_total if cf_total > 0 else None,
        level,
        {
            "pre_r2_log": 1 - float(resid @ resid) / ss_tot if ss_tot > 0 else None,
            "durbin_watson": dw,
            "residual_sd_log": float(np.sqrt(sigma2)),
            "residual_ar1": rho,
            "trend": trend,
            "pre_months": pre,
            "post_months": post,
        },
    )


@dataclass
class SyntheticControl:
    weights: dict[str, float]
    pre_rmspe_log: float
    pre_r2_log: float | None
    counterfactual: NDArray[np.float64]
    effect: float
    effect_pct: float | None
    holds: bool


def synthetic_control(
    treated: NDArray[np.float64],
    donors: dict[str, NDArray[np.float64]],
    break_index: int,
    pre: int = 36,
    post: int = 12,
    min_r2: float = 0.5,
) -> SyntheticControl | None:
    """A non-negative combination of donor series fitted on the pre period (in logs)."""
    if not donors or break_index < MIN_PRE:
        return None
    pre = min(pre, break_index)
    post = min(post, len(treated) - break_index)
    sl_pre = slice(break_index - pre, break_index)
    sl_post = slice(break_index, break_index + post)
    names = sorted(donors)
    d = np.column_stack([np.log1p(donors[n]) for n in names])
    y = np.log1p(treated)
    mean_y, mean_d = y[sl_pre].mean(), d[sl_pre].mean(axis=0)
    w, _ = nnls(d[sl_pre] - mean_d, y[sl_pre] - mean_y)
    fit = mean_y + (d - mean_d) @ w
    resid = y[sl_pre] - fit[sl_pre]
    ss_tot = float(((y[sl_pre] - mean_y) ** 2).sum())
    r2 = 1 - float(resid @ resid) / ss_tot if ss_tot > 0 else None
    cf = np.expm1(fit[sl_post]).clip(min=0.0)
    effect = float(treated[sl_post].sum() - cf.sum())
    return SyntheticControl(
        {n: float(v) for n, v in zip(names, w, strict=True) if v > 1e-9},
        float(np.sqrt((resid**2).mean())),
        r2,
        cf,
        effect,
        100 * effect / float(cf.sum()) if cf.sum() > 0 else None,
        holds=r2 is not None and r2 >= min_r2,
    )
