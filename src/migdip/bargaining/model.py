"""A bargaining problem between a destination and a transit or origin state, from real data.

Issues (each on a grid of levels; ``issues`` chooses which are on the table, the others stay at
zero): the transit state's interception effort (the share of crossings it stops), readmission
(the share of its nationals refused asylum at the destination that it takes back), visa
liberalisation for its citizens, legal pathways, resettlement of refugees it hosts, trade access
or accession steps (valued by the user: no trade data are bundled), and money from the
destination. Utilities are in euros a year, built from the warehouse for the year before the
negotiation:

- destination: + cost per arrival x arrivals prevented (arrivals through the transit state from
  Frontex and the route table for EU destinations, otherwise asylum applications by its
  nationals) + value per return x returns - visa cost (asylum applications from the partner)
  - money;
- both: legal pathways (places a year, a share of the partner's diaspora at the destination):
  the destination gains the value of a worker net of the domestic cost of admitting one; the
  partner gains the remittances a migrant there sends home (World Bank matrix / UN DESA stock);
- transit/origin state: - enforcement cost per person stopped (rising with the effort: the
  last crossings are the hardest to stop) - readmission cost per return,
  scaled up by its remittance dependence + visa value (its diaspora at the destination) + money;
- resettlement (a share of the refugees the partner hosts, UNHCR): the destination pays a
  reception cost per person and saves the irregular arrivals some of them would have made; the
  partner saves its cost of hosting them;
- trade access or accession steps: worth ``trade_value_eur`` a year to the partner (an input the
  user gives) and costing the destination ``trade_cost_share`` of that.

The disagreement point is the status quo (0, 0); under the partner's threat to release people,
the expected loss of each side if the threat were carried out (see coercion.py); under the
destination's threat of sanctions (visas withheld from the partner's nationals: the stick of
carrot-and-stick conditionality), the partner's loss of visa value and the destination's cost of
imposing them. Parameters are set once (``BargainParams``) and documented in docs/bargaining.md.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.bargaining.solvers import nash, pareto
from migdip.data.actors import Party, resolve
from migdip.errors import InputError
from migdip.indicators.compute import route_transit

INTERCEPTION = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
READMISSION = (0.0, 0.25, 0.5, 0.75, 1.0)
VISAS = (0.0, 0.5, 1.0)
QUOTAS = (0.0, 0.02, 0.05, 0.1)  # legal-pathway places a year, as a share of the diaspora
RESETTLEMENT = (0.0, 0.01, 0.02, 0.05)  # refugees resettled a year, as a share of those hosted
TRADE = (0.0, 1.0)  # share of the trade access (or accession step) on offer that is granted
MONEY_STEPS = 41
ISSUES = (
    "interception",
    "readmission",
    "visas",
    "legal_pathways",
    "resettlement",
    "trade",
    "money",
)
LEVELS: dict[str, tuple[float, ...]] = {
    "interception": INTERCEPTION,
    "readmission": READMISSION,
    "visas": VISAS,
    "legal_pathways": QUOTAS,
    "resettlement": RESETTLEMENT,
    "trade": TRADE,
}


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
    resettlement_cost_per_refugee_eur: float = 15_000.0  # destination's first-year reception
    resettlement_substitution: float = 0.5  # share of resettled who would have come irregularly
    hosting_cost_per_refugee_eur: float = 2_000.0  # partner's yearly cost of hosting one
    trade_cost_share: float = 0.3  # destination's domestic cost per euro of trade access granted
    sanction_cost_share: float = 0.1  # destination's cost per euro of visa value it withholds


@dataclass
class Problem:
    destination: str
    partner: str
    year: int
    inputs: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    packages: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, len(ISSUES))))
    u_destination: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    u_partner: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    d_destination: float = 0.0
    d_partner: float = 0.0
    issues: tuple[str, ...] = ISSUES


def check_issues(issues: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The issues on the table (default: all); unknown names are an error naming them."""
    if issues is None:
        return ISSUES
    unknown = [i for i in issues if i not in ISSUES]
    if unknown or not issues:
        raise InputError(
            f"issues {', '.join(map(repr, unknown)) or '(none)'}; accepted: one or more of "
            f"{', '.join(ISSUES)}"
        )
    return tuple(i for i in ISSUES if i in issues)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> float:
    row = con.execute(sql, params).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def inputs(
    con: duckdb.DuckDBPyConnection, dest_party: Party, partner_party: Party
) -> tuple[dict[str, float], dict[str, str]]:
    """The quantities a negotiation in the parties' year can know (data of the year before)."""
    destination, partner, year = dest_party.code, partner_party.code, dest_party.year
    dest, part, y = list(dest_party.members), list(partner_party.members), year - 1
    through = [r for r, t in route_transit() if t in part]
    out: dict[str, float] = {}
    src: dict[str, str] = {}
    applications = _one(
        con,
        "SELECT sum(applied) FROM unhcr_asylum_applications WHERE year = ? AND origin IN "
        "(SELECT unnest(?::VARCHAR[])) AND asylum IN (SELECT unnest(?::VARCHAR[]))",
        [y, part, dest],
    )
    if through and dest_party.within("EU"):
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


@dataclass(frozen=True)
class Terms:
    """What a negotiation is about and what each side threatens.

    ``threat``: share of the people it hosts the partner threatens to release (credibility
    ``credibility``); ``sanction``: share of visas the destination would withhold from the
    partner's nationals without a deal (credible); ``trade_value_eur``: yearly value to the
    partner of the trade access or accession step on offer (0: not on offer).
    """

    issues: tuple[str, ...] = ISSUES
    threat: float = 0.0
    credibility: float = 0.0
    sanction: float = 0.0
    trade_value_eur: float = 0.0

    def check(self) -> None:
        check_issues(self.issues)
        for name in ("threat", "credibility", "sanction"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise InputError(f"{name} {value}; accepted: a share from 0 to 1")
        if self.trade_value_eur < 0:
            raise InputError(f"trade value {self.trade_value_eur}; accepted: euros a year >= 0")


def _grid(terms: Terms) -> NDArray[np.float64]:
    axes = []
    for issue in ISSUES[:-1]:
        levels = LEVELS[issue] if issue in terms.issues else (0.0,)
        if issue == "trade" and terms.trade_value_eur == 0:
            levels = (0.0,)
        axes.append(levels)
    return np.array(list(itertools.product(*axes, [0.0])))


def build(
    con: duckdb.DuckDBPyConnection,
    destination: str | Party,
    partner: str | Party,
    year: int,
    p: BargainParams | None = None,
    threat: float = 0.0,
    credibility: float = 0.0,
    prevented: NDArray[np.float64] | None = None,
    terms: Terms | None = None,
    known: tuple[dict[str, float], dict[str, str]] | None = None,
) -> Problem:
    """The problem's packages and utilities.

    ``terms`` (issues on the table, threats, trade value); ``threat``/``credibility`` are kept
    for callers that give only the partner's threat. ``prevented``: arrivals each INTERCEPTION
    level prevents (from the flow engine); by default the effort's share of the year's arrivals
    through the partner. ``known``: the inputs and sources if already read.
    """
    p = p or BargainParams()
    terms = terms or Terms(threat=threat, credibility=credibility)
    terms.check()
    dest_party, partner_party = resolve(destination, year), resolve(partner, year)
    destination, partner = dest_party.code, partner_party.code
    if destination == partner:
        raise InputError(f"a negotiation needs two different parties; got {partner} twice")
    values, src = known or inputs(con, dest_party, partner_party)
    flows = ("arrivals", "returnable", "asylum_applications")
    if known is None and not any(values.get(k) for k in flows):
        swapped, _ = inputs(con, partner_party, dest_party)
        if any(swapped.get(k) for k in flows):
            raise InputError(
                f"{destination} receives no arrivals, asylum applications or returnable "
                f"nationals from {partner} in {year}, while {partner} receives them from "
                f"{destination}; accepted: the destination first, then the transit or origin "
                f"partner: did you mean {partner} {destination}?"
            )
    grid = _grid(terms)
    e, r, v, q, s, t = (grid[:, k] for k in range(6))
    workers = values["diaspora"] * q
    resettled = values["hosted"] * s
    if prevented is None:
        stops = values["arrivals"] * e
    else:
        level = {x: k for k, x in enumerate(INTERCEPTION)}
        stops = np.array([prevented[level[x]] for x in e])
    returns = values["returnable"] * r
    visa_value = p.visa_value_per_diaspora_member_eur * values["diaspora"]
    base_d = (
        p.cost_per_arrival_eur * stops
        + p.value_per_return_eur * returns
        - p.visa_cost_per_asylum_application_eur * values["asylum_applications"] * v
        + (p.value_per_worker_eur - p.political_cost_per_worker_eur) * workers
        + (
            p.resettlement_substitution * p.cost_per_arrival_eur
            - p.resettlement_cost_per_refugee_eur
        )
        * resettled
        - p.trade_cost_share * terms.trade_value_eur * t
    )
    base_p = (
        -p.enforcement_cost_per_stop_eur * stops * (1 + p.enforcement_convexity * e)
        - p.readmission_cost_per_return_eur * (1 + 10 * values["remittance_dependence"]) * returns
        + visa_value * v
        + values["remittances_per_migrant"] * workers
        + p.hosting_cost_per_refugee_eur * resettled
        + terms.trade_value_eur * t
    )
    released = terms.credibility * terms.threat * values["hosted"]
    d_dest = (
        -released * p.cost_per_arrival_eur - p.sanction_cost_share * terms.sanction * visa_value
    )
    d_part = -released * p.enforcement_cost_per_stop_eur - terms.sanction * visa_value
    money_on_table = "money" in terms.issues
    steps = MONEY_STEPS if money_on_table else 1
    top = max(float((base_d - d_dest).max()), 1.0) if money_on_table else 0.0
    money = np.linspace(0.0, top, steps)
    packages = np.repeat(grid, steps, axis=0)
    packages[:, -1] = np.tile(money, len(grid))
    gains_d, gains_p = np.repeat(base_d, steps), np.repeat(base_p, steps)
    if money_on_table:
        # the exact Nash transfer for each package of the other issues (utility is
        # transferable through money): it splits the joint gain equally, within [0, top]
        best = np.clip(((base_d - d_dest) - (base_p - d_part)) / 2, 0.0, top)
        exact = grid.copy()
        exact[:, -1] = best
        packages = np.vstack([packages, exact])
        gains_d, gains_p = np.concatenate([gains_d, base_d]), np.concatenate([gains_p, base_p])
    u_d = gains_d - packages[:, -1]
    u_p = gains_p + packages[:, -1]
    return Problem(
        destination, partner, year, values, src, packages, u_d, u_p, d_dest, d_part, terms.issues
    )


def solve(problem: Problem) -> dict[str, Any]:
    """The Nash agreement and the deal space (Pareto frontier)."""
    sol = nash(problem.u_destination, problem.u_partner, problem.d_destination, problem.d_partner)
    agreed = bool(sol.agreed[0])
    front = pareto(problem.u_destination, problem.u_partner)
    out: dict[str, Any] = {
        "destination": problem.destination,
        "partner": problem.partner,
        "year": problem.year,
        "issues": list(problem.issues),
        "inputs": problem.inputs,
        "sources": problem.sources,
        "disagreement": {"destination": problem.d_destination, "partner": problem.d_partner},
        "agreement": agreed,
        "pareto_packages": int(front.sum()),
        "frontier": _frontier(problem, front),
    }
    if agreed:
        k = int(sol.index[0])
        e, r, v, q, s, t, m = (float(x) for x in problem.packages[k])
        out["package"] = {
            "interception": e,
            "readmission": r,
            "visas": v,
            "legal_pathways_share_of_diaspora": q,
            "resettlement_share_of_hosted": s,
            "trade": t,
            "money_eur": m,
        }
        out["utility"] = {"destination": float(sol.u1[0]), "partner": float(sol.u2[0])}
        out["got"] = {
            "destination": got_level((e / max(INTERCEPTION) + r) / 2),
            "partner": got_level(min(1.0, (v + q / max(QUOTAS) + (1.0 if m > 0 else 0.0)) / 3)),
        }
    return out


def _frontier(problem: Problem, front: NDArray[np.bool_], points: int = 60) -> list[list[float]]:
    """The Pareto frontier as (destination, partner) utilities, thinned to ``points``."""
    idx = np.flatnonzero(front)
    idx = idx[np.argsort(problem.u_destination[idx])]
    if len(idx) > points:
        idx = idx[np.linspace(0, len(idx) - 1, points).astype(int)]
    return [[float(problem.u_destination[i]), float(problem.u_partner[i])] for i in idx]


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
