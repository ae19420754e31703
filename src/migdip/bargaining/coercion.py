"""Coercive migration diplomacy: threats to release people, and who concedes.

Transparent rules from the published theory, with their parameters stated:

- Challenger types (coercive engineered migration): a *generator* creates or threatens outflows
  of its own people (a large refugee population originates from it); an *opportunist* exploits
  outflows others caused (it hosts many refugees from elsewhere); otherwise an *agent
  provocateur* (it provokes others into generating them).
- Host states' strategy (refugee rentier states): a host *blackmails* (threatens to release
  refugees) when it hosts many and sees itself as strategically important to the target (it
  controls a large share of the target's irregular arrivals, or the target depends on it);
  otherwise it *back-scratches* (bargains for money or access in return for keeping them).
- Whether the target concedes: a logistic function of the threat's credibility, the target's
  structural vulnerability (the indicator ``vulnerability_engineered_migration``), its domestic
  polarisation and the hypocrisy costs it would pay for refusing (both not in the bundled data:
  inputs with stated defaults), minus its capacity (GDP per head).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from migdip.data.actors import Party, resolve
from migdip.errors import MigdipError
from migdip.indicators.compute import prepare, state_table
from migdip.indicators.profiles import dyad


@dataclass(frozen=True)
class CoercionParams:
    generator_min_refugees_abroad: float = 250_000
    opportunist_min_hosted: float = 250_000
    blackmail_min_hosted_per_1000: float = 10.0
    blackmail_min_importance: float = 0.2
    intercept: float = -2.0
    credibility: float = 2.0
    vulnerability: float = 2.0
    polarisation: float = 1.0
    hypocrisy: float = 1.0
    capacity: float = 1.0  # per log10 of GDP per head above 10,000 US$


def _state(con: duckdb.DuckDBPyConnection, party: Party, year: int) -> dict[str, Any]:
    prepare(con, year, (party.code,) if party.is_bloc else ())
    state_table(con, [party.code])
    row = con.execute("SELECT * FROM _states WHERE entity = ?", [party.code]).fetchone()
    names = [d[0] for d in con.description or []]
    return dict(zip(names, row, strict=True)) if row else {}


def assess(
    con: duckdb.DuckDBPyConnection,
    challenger: str | Party,
    target: str | Party,
    year: int,
    credibility: float = 0.5,
    polarisation: float = 0.5,
    hypocrisy: float = 0.5,
    p: CoercionParams | None = None,
) -> dict[str, Any]:
    """Challenger type, host strategy and the probability that the target concedes, from the
    data of the year before ``year`` (what both sides could know when the threat was made)."""
    p = p or CoercionParams()
    ch_party, tg_party = resolve(challenger, year), resolve(target, year)
    challenger, target = ch_party.code, tg_party.code
    before = year - 1
    ch = _state(con, ch_party, before)
    tg = _state(con, tg_party, before)
    abroad = con.execute(
        "SELECT sum(coalesce(refugees, 0) + coalesce(asylum_seekers, 0)) FROM unhcr_population "
        "WHERE origin = ? AND year = (SELECT max(year) FROM unhcr_population WHERE year <= ?)",
        [challenger, before],
    ).fetchone()
    refugees_abroad = float(abroad[0]) if abroad and abroad[0] is not None else 0.0
    hosted = float(ch.get("hosted_total") or 0.0)
    if refugees_abroad >= p.generator_min_refugees_abroad:
        kind = "generator"
    elif hosted >= p.opportunist_min_hosted:
        kind = "opportunist"
    else:
        kind = "agent_provocateur"
    figures = {f["name"]: f["value"] for f in dyad(con, challenger, target, before)["figures"]}
    importance = max(
        float(figures.get("transit_share_a_for_b") or 0.0),
        float(figures.get("migrants_a_in_b_pct_pop_b") or 0.0) / 10,
    )
    per_1000 = float(ch.get("hosted_per_1000") or 0.0)
    strategy = (
        "blackmailing"
        if per_1000 >= p.blackmail_min_hosted_per_1000 and importance >= p.blackmail_min_importance
        else "back_scratching"
    )
    vulnerability = float(tg.get("vulnerability_engineered_migration") or 0.0) / 100
    gdp, pop = tg.get("gdp_usd"), tg.get("population")
    capacity = math.log10(gdp / pop / 10_000) if gdp and pop else 0.0
    z = (
        p.intercept
        + p.credibility * credibility
        + p.vulnerability * vulnerability
        + p.polarisation * polarisation
        + p.hypocrisy * hypocrisy
        - p.capacity * capacity
    )
    return {
        "challenger": challenger,
        "target": target,
        "year": year,
        "challenger_type": kind,
        "host_strategy": strategy,
        "refugees_abroad": refugees_abroad,
        "hosted": hosted,
        "hosted_per_1000": per_1000,
        "strategic_importance": importance,
        "target_vulnerability": vulnerability,
        "target_capacity_log10_gdp_per_head_over_10k": capacity,
        "inputs_not_in_data": {
            "credibility": credibility,
            "polarisation": polarisation,
            "hypocrisy": hypocrisy,
        },
        "concession_probability": 1 / (1 + math.exp(-z)),
        "params": asdict(p),
        "estimated": _estimated(con, ch_party, tg_party),
    }


def _estimated(
    con: duckdb.DuckDBPyConnection, challenger: Party, target: Party
) -> dict[str, Any] | None:
    """The estimated model's probabilities of the challenger's success (all or most of its
    demands), partial success and failure, with 90% intervals (docs/validation.md says how
    well they hold out of sample); None where the data cannot pose the dyad."""
    from migdip.bargaining.episodes import context_of
    from migdip.bargaining.estimated import episode_for, predict
    from migdip.bargaining.model import inputs

    try:
        quantities, _ = inputs(con, target, challenger)
    except MigdipError:
        return None
    issues = frozenset({"money", "interception"})
    context = context_of(con, target, challenger)
    out = predict(
        episode_for(target.code, challenger.code, target.year, quantities, issues, True, context)
    )
    return {"coercion": out["outcomes"].get("coercion"), "deal": out["deal_probability"]}
