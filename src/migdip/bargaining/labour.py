"""Origin-state leverage and competition among destinations for scarce workers, to 2050.

An origin sends workers abroad each year; destinations compete for them by the terms they offer
(protections and conditions, a level from 0 to 1 that costs the destination per worker hired; it
hires up to its shortage). Workers
choose destinations by a logit of the terms, weighted by the diaspora already there (the network:
UN DESA stock of the origin's emigrants in each destination, from the warehouse). Each
destination's labour shortage grows at a stated rate to the horizon (an assumption of the
scenario: no labour projections are bundled). Each year the destinations' terms are a Nash
equilibrium (best responses on a grid). A deployment ban by the origin on a destination stops
workers going there until its terms reach the ban's floor: the origin's leverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError

TERMS = np.linspace(0.0, 1.0, 21)


@dataclass(frozen=True)
class LabourParams:
    sensitivity: float = 4.0  # how strongly workers follow better terms (logit)
    value_per_worker: float = 1.0  # a destination's gain from a worker filling a shortage
    cost_per_term: float = 0.6  # its cost per worker of offering terms 1 rather than 0
    supply_growth: float = 0.0  # yearly growth of the origin's deployments
    shortage_growth: dict[str, float] = field(default_factory=dict)  # per destination, yearly
    default_shortage_growth: float = 0.02


def diaspora_shares(
    con: duckdb.DuckDBPyConnection, origin: str, destinations: list[str]
) -> NDArray[np.float64]:
    rows = dict(
        con.execute(
            "SELECT destination, sum(migrants) FROM undesa_stock WHERE origin = ? AND year = "
            "(SELECT max(year) FROM undesa_stock) AND destination IN (SELECT unnest(?::VARCHAR[])) "
            "GROUP BY destination",
            [origin, destinations],
        ).fetchall()
    )
    stock = np.array([float(rows.get(d, 0.0)) for d in destinations])
    if stock.sum() <= 0:
        raise InputError(
            f"UN DESA records no people born in {origin} in "
            f"{', '.join(destinations)}; accepted: destinations with a diaspora"
        )
    shares: NDArray[np.float64] = np.maximum(stock / stock.sum(), 1e-6)
    return shares


def _allocation(
    terms: NDArray[np.float64],
    weights: NDArray[np.float64],
    sensitivity: float,
    allowed: NDArray[np.bool_],
) -> NDArray[np.float64]:
    pull = weights * np.exp(sensitivity * terms) * allowed
    total = pull.sum()
    out: NDArray[np.float64] = pull / total if total > 0 else np.zeros_like(pull)
    return out


def equilibrium(
    weights: NDArray[np.float64],
    shortage: NDArray[np.float64],
    supply: float,
    p: LabourParams,
    floors: NDArray[np.float64],
    rounds: int = 50,
) -> NDArray[np.float64]:
    """Terms offered by each destination in a best-response equilibrium (grid search)."""
    n = len(weights)
    terms = np.zeros(n)
    for _ in range(rounds):
        previous = terms.copy()
        for d in range(n):
            best, best_u = terms[d], -np.inf
            for t in TERMS:
                trial = terms.copy()
                trial[d] = t
                allowed = trial >= floors
                workers = supply * _allocation(trial, weights, p.sensitivity, allowed)[d]
                hired = min(workers, shortage[d])  # visas are issued up to the shortage
                u = (p.value_per_worker - p.cost_per_term * t) * hired
                if u > best_u + 1e-12:
                    best, best_u = t, u
            terms[d] = best
        if np.array_equal(terms, previous):
            break
    return terms


def project(
    con: duckdb.DuckDBPyConnection,
    origin: str,
    destinations: list[str],
    start: int = 2025,
    end: int = 2050,
    bans: dict[str, float] | None = None,
    p: LabourParams | None = None,
    step: int = 5,
) -> dict[str, Any]:
    """Equilibrium terms and worker shares by destination, every ``step`` years to ``end``."""
    p = p or LabourParams()
    origin, destinations = origin.upper(), [d.upper() for d in destinations]
    if len(destinations) < 2:
        raise InputError("competition needs at least two destinations")
    bans = {k.upper(): v for k, v in (bans or {}).items()}
    unknown = set(bans) - set(destinations)
    if unknown:
        raise InputError(
            f"a ban names {sorted(unknown)[0]}, which is not a destination; "
            f"accepted: {', '.join(destinations)}"
        )
    weights = diaspora_shares(con, origin, destinations)
    floors = np.array([bans.get(d, 0.0) for d in destinations])
    years = list(range(start, end + 1, step))
    out: dict[str, Any] = {
        "origin": origin,
        "destinations": destinations,
        "bans": bans,
        "network_weights": dict(zip(destinations, weights.tolist(), strict=True)),
        "years": [],
    }
    for year in years:
        k = year - start
        supply = (1 + p.supply_growth) ** k
        growth = np.array(
            [p.shortage_growth.get(d, p.default_shortage_growth) for d in destinations]
        )
        shortage = weights * (1 + growth) ** k  # shortages start where the diaspora is
        terms = equilibrium(weights, shortage, supply, p, floors)
        shares = _allocation(terms, weights, p.sensitivity, terms >= floors)
        out["years"].append(
            {
                "year": year,
                "supply": supply,
                "shortage": shortage.tolist(),
                "terms": terms.tolist(),
                "shares": shares.tolist(),
                "origin_leverage": float((shares * terms).sum()),
            }
        )
    return out
