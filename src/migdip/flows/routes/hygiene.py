"""Series hygiene for monthly counts by route: where each route's series starts, and yearly
totals mixed into a monthly series.

A route whose series starts late has no data, not zeros, before its first month: ``starts``
finds that month, and the forecasters and the benchmark use a route's own months only (so a late
route neither forecasts from invented zeros nor changes the others' history or error scale).
A yearly total entered as if it were one month's count shows as a year in which one month holds
(nearly) everything and every other month is zero, while the years around it are spread over
the months; ``yearly_totals`` reports each such year so that the file can be corrected.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

SPREAD_MONTHS = 6  # a year "spread over the months" has at least this many non-zero months


def starts(observed: NDArray[np.bool_]) -> NDArray[np.intp]:
    """(routes,) the index of each route's first observed month ((months, routes) input;
    the number of months where a route is never observed)."""
    any_obs = observed.any(axis=0)
    first = np.argmax(observed, axis=0)
    return np.asarray(np.where(any_obs, first, observed.shape[0]), dtype=np.intp)


def yearly_totals(months: list[str], values: NDArray[np.float64]) -> list[str]:
    """Years (YYYY) of one route's monthly ``values`` that look like a yearly total put in one
    month: complete years where a single month is non-zero, next to a complete year (before or
    after) with at least ``SPREAD_MONTHS`` non-zero months."""
    by_year: dict[str, list[float]] = {}
    for m, v in zip(months, values, strict=True):
        by_year.setdefault(m[:4], []).append(float(v))
    full = {y: v for y, v in by_year.items() if len(v) == 12}
    spread = {y for y, v in full.items() if sum(x > 0 for x in v) >= SPREAD_MONTHS}
    flagged = []
    for y, v in sorted(full.items()):
        neighbours = {str(int(y) - 1), str(int(y) + 1)}
        if sum(x > 0 for x in v) == 1 and neighbours & spread:
            flagged.append(y)
    return flagged
