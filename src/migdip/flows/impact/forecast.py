"""Deal impacts from the validated forecaster, and the placebo study of that estimator.

A counterfactual is a forecast. The counterfactual of a deal on a route is the project's
forecast, the one the rolling-origin benchmark chose (``migdip.flows.routes.backtest``; its
committed arrays, ``forecast_report.committed_backtest``), made from the month before the deal
for the 12 months from the deal on, with data up to that month only. Its interval is conformal: the
quantiles of the same forecaster's log errors on 12-month totals, log(1 + actual) - log(1 +
forecast), at the benchmark's origins whose 12 months were over before the deal, pooled over the
six routes (at least ``MIN_CALIBRATION`` of them). The effect is observed minus counterfactual.

The placebo study runs the same estimator at every benchmark origin on every route where no
Atlas deal on that route starts in the 12 months after it: each time the interval excludes
zero is a false positive. The verdict on an estimate leads with that rate: an estimator whose
false-positive rate at the 90% level exceeds 10% is not reliable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.data.series import FRONTEX_ROUTE
from migdip.errors import InputError
from migdip.flows.routes.backtest import MEMBERS, MODELS, Backtest, at_origin
from migdip.flows.routes.combine import combine, weights
from migdip.flows.routes.model import RouteData, RouteParams, add_months, from_frontex

WINDOW = 12
LEVEL = 90
MIN_CALIBRATION = 24
MAX_FALSE_POSITIVES = 0.10


def _index(months: list[str], month: str) -> int:
    """The index of ``month`` on the grid that starts at ``months[0]`` (past its end too)."""
    y0, m0 = int(months[0][:4]), int(months[0][5:7])
    return (int(month[:4]) - y0) * 12 + int(month[5:7]) - m0


def total_log_errors(bt: Backtest, model: str) -> NDArray[np.float64]:
    """(routes, origins) log(1 + actual) - log(1 + forecast) of 12-month totals (NaN where the
    12 months are not all known)."""
    k = bt.models.index(model)
    forecast = bt.forecast[k][:, :, :WINDOW].sum(axis=2)
    actual = bt.actual[:, :, :WINDOW].sum(axis=2)  # NaN when any month is missing
    return np.asarray(np.log1p(actual) - np.log1p(forecast))


def bounds(
    errors: NDArray[np.float64], origins: NDArray[np.intp], t: int, level: int = LEVEL
) -> tuple[float, float, int] | None:
    """Quantiles of the pooled log errors at origins whose window ended by month ``t``, and
    how many there were; None below ``MIN_CALIBRATION``."""
    known = errors[:, origins + WINDOW <= t]
    e = known[~np.isnan(known)]
    if len(e) < MIN_CALIBRATION:
        return None
    lo, hi = np.quantile(e, ((100 - level) / 200, (100 + level) / 200))
    return float(lo), float(hi), len(e)


@dataclass(frozen=True)
class Placebo:
    model: str
    level: int
    tested: int
    false_positives: int
    excluded_deal_windows: int
    by_route: dict[str, tuple[int, int]]  # route: (tested, false positives)

    @property
    def rate(self) -> float:
        return self.false_positives / self.tested if self.tested else float("nan")

    @property
    def passes(self) -> bool:
        return bool(self.tested) and self.rate <= MAX_FALSE_POSITIVES

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"rate": self.rate, "passes": self.passes}


def deal_months(con: duckdb.DuckDBPyConnection, bt: Backtest) -> dict[str, set[int]]:
    """Per benchmark route, the month indices at which an Atlas record on it starts."""
    key = {v: k for k, v in FRONTEX_ROUTE.items()}
    rows = con.execute("SELECT date_start, routes FROM atlas_records").fetchall()
    out: dict[str, set[int]] = {r: set() for r in bt.routes}
    for start, routes in rows:
        month = str(start)[:7] if len(str(start)) >= 7 else f"{str(start)[:4]}-01"
        for route in bt.routes:
            if key.get(route) in (routes or []):
                out[route].add(_index(bt.months, month))
    return out


def placebo(bt: Backtest, deals: dict[str, set[int]], level: int = LEVEL) -> Placebo:
    """The estimator at every origin whose 12 months hold no deal on the route."""
    model = bt.chosen()
    errors = total_log_errors(bt, model)
    tested = positives = excluded = 0
    by_route: dict[str, tuple[int, int]] = {}
    for r, route in enumerate(bt.routes):
        n = fp = 0
        for j, o in enumerate(bt.origins):
            b = bounds(errors, bt.origins, int(o), level)
            if b is None or np.isnan(errors[r, j]):
                continue
            if any(int(o) < d <= int(o) + WINDOW for d in deals.get(route, ())):
                excluded += 1
                continue
            n += 1
            fp += int(not b[0] <= errors[r, j] <= b[1])
        by_route[route] = (n, fp)
        tested, positives = tested + n, positives + fp
    return Placebo(model, level, tested, positives, excluded, by_route)


def project_forecast(
    data: RouteData, t: int, bt: Backtest, route: int, p: RouteParams | None = None
) -> NDArray[np.float64]:
    """The chosen forecaster's 12 months after month ``t`` of ``data`` on one route."""
    p = p or RouteParams()
    model = bt.chosen()
    f = at_origin(data, t, p, only=[route])[0][:, route]  # (models, horizons)
    if model != "weighted":
        return np.asarray(f[MODELS.index(model)][:WINDOW])
    members = [bt.models.index(m) for m in MEMBERS]
    past = bt.scaled_errors()[members]
    at = np.array([_index(bt.months, data.months[t])], dtype=np.intp)
    w = weights(past, bt.origins, at)[:, bt.routes.index(data.routes[route]), 0]
    return np.asarray(combine(f[[MODELS.index(m) for m in MEMBERS]], w)[:WINDOW])


def estimate(
    con: duckdb.DuckDBPyConnection, route_key: str, deal_month: str, bt: Backtest
) -> dict[str, Any]:
    """Observed against the validated counterfactual over the 12 months from ``deal_month``."""
    if route_key not in FRONTEX_ROUTE or FRONTEX_ROUTE[route_key] not in bt.routes:
        raise InputError(
            f"route {route_key!r}; accepted: "
            + ", ".join(k for k, v in FRONTEX_ROUTE.items() if v in bt.routes)
        )
    data = from_frontex(con, bt.routes, RouteParams().top_nationalities)
    if deal_month not in data.months[48:]:
        raise InputError(
            f"deal month {deal_month}: the forecast needs four years of data before it and the "
            f"Frontex series runs {data.months[0]} to {data.months[-1]}; accepted: "
            f"{data.months[48]} to {data.months[-1]}"
        )
    b = data.months.index(deal_month)
    r = data.routes.index(FRONTEX_ROUTE[route_key])
    counterfactual = project_forecast(data, b - 1, bt, r)
    observed = data.totals()[b : b + WINDOW, r]
    months = len(observed)
    cf = float(counterfactual[:months].sum())
    obs = float(observed.sum())
    errors = total_log_errors(bt, bt.chosen())
    q = bounds(errors, bt.origins, _index(bt.months, deal_month) - 1)
    interval = None
    if q is not None and months == WINDOW:
        low, high = (float(np.expm1(np.log1p(cf) + e)) for e in (q[0], q[1]))
        interval = [obs - high, obs - low]
    return {
        "route": FRONTEX_ROUTE[route_key],
        "forecaster": bt.chosen(),
        "origin": data.months[b - 1],
        "period": f"{deal_month} to {add_months(deal_month, months - 1)}",
        "months": months,
        "observed": obs,
        "counterfactual": cf,
        "counterfactual_monthly": [float(v) for v in counterfactual[:months]],
        "effect": obs - cf,
        "effect_pct": 100 * (obs - cf) / cf if cf > 0 else None,
        "effect_interval": interval,
        "level": LEVEL,
        "calibration_errors": q[2] if q else 0,
        "significant": None if interval is None else not interval[0] <= 0 <= interval[1],
    }
