"""A bargaining problem between a destination and a transit or origin state, from real data.

Issues (each on a grid of levels): the transit state's interception effort (the share of
crossings it stops), readmission (the share of its nationals refused asylum at the destination
that it takes back), visa liberalisation for its citizens, and money from the destination.
Utilities are in euros a year, built from the warehouse for the year before the negotiation:

- destination: + cost per arrival x arrivals prevented (arrivals through the transit state from
  Frontex and the route table for EU destinations, otherwise asylum applications by its
  nationals) + value per return x returns - visa cost (asylum applications from the partner)
  - money;
- both: legal pathways (places a year, a share of the partner's diaspora at the destination):
  the destination gains the value of a worker net of the domestic cost of admitting one; the
  partner gains the remittances a migrant there sends home (World Bank matrix / UN DESA stock);
- transit/origin state: - enforcement cost per person stopped (rising with the effort: the
  last crossings are the hardest to stop) - readmission cost per return,
  scaled up by its remittance dependence + visa value (its diaspora at the destination) + money.

The disagreement point is the status quo (0, 0), or, under a threat to release people, the
expected loss of each side if the threat were carried out (see coercion.py). Parameters are
set once (``BargainParams``) and documented in docs/bargaining.md.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.bargaining.solvers import nash, pareto
from migdip.data.countries import members
from migdip.errors import InputError
from migdip.indicators.compute import entity_kind, route_transit

INTERCEPTION = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
READMISSION = (0.0, 0.25, 0.5, 0.75, 1.0)
VISAS = (0.0, 0.5, 1.0)
QUOTAS = (0.0, 0.02, 0.05, 0.1)  # legal-pathway places a year, as a share of the diaspora
MONEY_STEPS = 41


@dataclass(frozen=True)
class BargainParams:
    cost_per_arrival_eur: float = 20_000.0
    value_per_return_eur: float = 10_000.0
    enforcement_cost_per_stop_eur: float = 2_000.0
    enforcement_convexity: float = 20.0  # marginal cost of stopping rises with the effort
    readmission_cost_per_return_eur: float = 5_000.0
    visa_value_per_diaspora_member_eur: float = 100.0
    visa_cost_per_asylum_application_eur: float = 2_000.0
    value_per_worker_eur: float = 5_000.0  # a destination's yearly gain from a legal worker
    political_cost_per_worker_eur: float = 3_000.0  # its domestic cost of admitting one


@dataclass
class Problem:
    destination: str
    partner: str
    year: int
    inputs: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    packages: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 5)))
    u_destination: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    u_partner: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    d_destination: float = 0.0
    d_partner: float = 0.0


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> float:
    row = con.execute(sql, params).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def _codes(code: str, year: int) -> list[str]:
    return members(code, year) if entity_kind(code) == "bloc" else [code]


def inputs(
    con: duckdb.DuckDBPyConnection, destination: str, partner: str, year: int
) -> tuple[dict[str, float], dict[str, str]]:
    """The quantities a negotiation in ``year`` can know (data of the year before)."""
    dest, part, y = _codes(destination, year), _codes(partner, year), year - 1
    eu = set(members("EU", year))
    through = [r for r, t in route_transit() if t in part]
    out: dict[str, float] = {}
    src: dict[str, str] = {}
    applications = _one(
        con,
        "SELECT sum(applied) FROM unhcr_asylum_applications WHERE year = ? AND origin IN "
        "(SELECT unnest(?::VARCHAR[])) AND asylum IN (SELECT unnest(?::VARCHAR[]))",
        [y, part, dest],
    )
    if through and (destination == "EU" or set(dest) <= eu):
        out["arrivals"] = _one(
            con,
            "SELECT sum(detections) FROM frontex_detections WHERE "
            "route IN (SELECT unnest(?::VARCHAR[])) AND left(month, 4) = ?",
            [through, str(y)],
        )
        src["arrivals"] = (
            f"Frontex detections {y} on routes through {partner}: {', '.join(through)}"
        )
    else:
        out["arrivals"] = applications
        src["arrivals"] = f"UNHCR asylum applications {y} by {partner} nationals in {destination}"
    out["returnable"] = _one(
        con,
        "SELECT sum(dec_rejected) FROM unhcr_asylum_decisions WHERE "
        "year = ? AND origin IN (SELECT unnest(?::VARCHAR[])) AND asylum IN "
        "(SELECT unnest(?::VARCHAR[]))",
        [y, part, dest],
    )
    src["returnable"] = f"UNHCR rejected asylum decisions {y}, {partner} nationals in {destination}"
    out["asylum_applications"] = applications
    src["asylum_applications"] = f"UNHCR asylum applications {y}"
    out["diaspora"] = _one(
        con,
        "SELECT sum(migrants) FROM undesa_stock WHERE year = (SELECT "
        "max(year) FROM undesa_stock WHERE year <= ?) AND origin IN (SELECT "
        "unnest(?::VARCHAR[])) AND destination IN (SELECT unnest(?::VARCHAR[]))",
        [y, part, dest],
    )
    src["diaspora"] = "UN DESA migrant stock (latest year before)"
    remin = _one(
        con,
        "SELECT sum(value) FROM wdi WHERE indicator = 'remin' AND year = (SELECT "
        "max(year) FROM wdi WHERE indicator = 'remin' AND year <= ?) AND iso3 IN (SELECT "
        "unnest(?::VARCHAR[]))",
        [y, part],
    )
    gdp = _one(
        con,
        "SELECT sum(value) FROM wdi WHERE indicator = 'gdp' AND year = (SELECT "
        "max(year) FROM wdi WHERE indicator = 'gdp' AND year <= ?) AND iso3 IN (SELECT "
        "unnest(?::VARCHAR[]))",
        [y, part],
    )
    out["remittance_dependence"] = remin / gdp if gdp > 0 else 0.0
    src["remittance_dependence"] = "WDI remittances received / GDP (latest year before)"
    remitted = _one(
        con,
        "SELECT sum(usd_millions) FROM wb_remittances WHERE sender IN (SELECT "
        "unnest(?::VARCHAR[])) AND receiver IN (SELECT unnest(?::VARCHAR[]))",
        [dest, part],
    )
    out["remittances_per_migrant"] = 1e6 * remitted / out["diaspora"] if out["diaspora"] else 0.0
    src["remittances_per_migrant"] = (
        "World Bank bilateral remittances 2017 (US$, taken at par with euros) / UN DESA diaspora"
    )
    out["hosted"] = _one(
        con,
        "SELECT sum(coalesce(refugees, 0) + coalesce(asylum_seekers, 0)) "
        "FROM unhcr_population WHERE year = ? AND asylum IN (SELECT "
        "unnest(?::VARCHAR[])) AND origin <> asylum",
        [y, part],
    )
    src["hosted"] = f"UNHCR refugees and asylum seekers hosted by {partner}, {y}"
    return out, src


def build(
    con: duckdb.DuckDBPyConnection,
    destination: str,
    partner: str,
    year: int,
    p: BargainParams | None = None,
    threat: float = 0.0,
    credibility: float = 0.0,
    prevented: NDArray[np.float64] | None = None,
) -> Problem:
    """The problem's packages and utilities; ``threat``: share of hosted people to be released.

    ``prevented``: arrivals each INTERCEPTION level prevents (from the flow engine); by default
    the effort's share of the year's arrivals through the partner.
    """
    p = p or BargainParams()
    destination, partner = destination.upper(), partner.upper()
    if destination == partner:
        raise InputError(f"a negotiation needs two different parties; got {partner} twice")
    values, src = inputs(con, destination, partner, year)
    grid = np.array(list(itertools.product(INTERCEPTION, READMISSION, VISAS, QUOTAS, [0.0])))
    e, r, v, q = grid[:, 0], grid[:, 1], grid[:, 2], grid[:, 3]
    workers = values["diaspora"] * q
    if prevented is None:
        stops = values["arrivals"] * e
    else:
        level = {x: k for k, x in enumerate(INTERCEPTION)}
        stops = np.array([prevented[level[x]] for x in e])
    returns = values["returnable"] * r
    base_d = (
        p.cost_per_arrival_eur * stops
        + p.value_per_return_eur * returns
        - p.visa_cost_per_asylum_application_eur * values["asylum_applications"] * v
        + (p.value_per_worker_eur - p.political_cost_per_worker_eur) * workers
    )
    base_p = (
        -p.enforcement_cost_per_stop_eur * stops * (1 + p.enforcement_convexity * e)
        - p.readmission_cost_per_return_eur * (1 + 10 * values["remittance_dependence"]) * returns
        + p.visa_value_per_diaspora_member_eur * values["diaspora"] * v
        + values["remittances_per_migrant"] * workers
    )
    d_dest = -credibility * threat * values["hosted"] * p.cost_per_arrival_eur
    d_part = -credibility * threat * values["hosted"] * p.enforcement_cost_per_stop_eur
    top = max(float((base_d - d_dest).max()), 1.0)
    money = np.linspace(0.0, top, MONEY_STEPS)
    packages = np.repeat(grid, MONEY_STEPS, axis=0)
    packages[:, 4] = np.tile(money, len(grid))
    u_d = np.repeat(base_d, MONEY_STEPS) - packages[:, 4]
    u_p = np.repeat(base_p, MONEY_STEPS) + packages[:, 4]
    return Problem(destination, partner, year, values, src, packages, u_d, u_p, d_dest, d_part)


def solve(problem: Problem) -> dict[str, Any]:
    """The Nash agreement, the deal space (Pareto frontier) and what would move the outcome."""
    sol = nash(problem.u_destination, problem.u_partner, problem.d_destination, problem.d_partner)
    agreed = bool(sol.agreed[0])
    front = pareto(problem.u_destination, problem.u_partner)
    out: dict[str, Any] = {
        "destination": problem.destination,
        "partner": problem.partner,
        "year": problem.year,
        "inputs": problem.inputs,
        "sources": problem.sources,
        "disagreement": {"destination": problem.d_destination, "partner": problem.d_partner},
        "agreement": agreed,
        "pareto_packages": int(front.sum()),
    }
    if agreed:
        k = int(sol.index[0])
        e, r, v, q, m = problem.packages[k]
        out["package"] = {
            "interception": e,
            "readmission": r,
            "visas": v,
            "legal_pathways_share_of_diaspora": q,
            "money_eur": m,
        }
        out["utility"] = {"destination": float(sol.u1[0]), "partner": float(sol.u2[0])}
        out["got"] = {
            "destination": got_level((e / max(INTERCEPTION) + r) / 2),
            "partner": got_level(min(1.0, (v + q / max(QUOTAS) + (1.0 if m > 0 else 0.0)) / 3)),
        }
    return out


def got_level(score: float) -> str:
    """How much of what a side sought a package gives it: all, most, some or none."""
    if score >= 0.9:
        return "all"
    if score >= 0.5:
        return "most"
    if score > 0.05:
        return "some"
    return "none"


def params_dict(p: BargainParams) -> dict[str, float]:
    return asdict(p)
