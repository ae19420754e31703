"""The Atlas's negotiations as a table to estimate and test models on.

One row per curated record with a destination party and a transit, origin or host partner
(states or blocs the data know) from 1992 on (the bundled UNHCR and WDI series start there).
Every feature is data of the year before the episode (what both sides could know); every target
is read from the record's outcome coding:

- ``deal``: an agreement was reached (a status signed, in force, renewed, suspended, lapsed or
  ended), not reached (only proposed, negotiating, threatened, carried out, rejected or broken
  down), or unknown;
- ``got_destination``, ``got_partner``: all, most, some or none, where coded with a source;
- ``money_eur``: the money promised (else committed) in euros of its year (ECB rates), where
  the record gives it;
- ``coercion``: for threats and engineered movements, the challenger's outcome: ``success``
  (all or most of its demands: the Atlas's counterpart of Greenhill's success), ``partial``
  (some) or ``failure`` (none);
- ``host_strategy``: back-scratching or blackmailing, where scholarship classifies it.

``greenhill_case`` marks the episodes of Greenhill's catalogue of coercive engineered migration
(the population her published success shares describe); no model reads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.atlas.coverage import curated_docs
from migdip.atlas.model import Record
from migdip.atlas.money import stage_totals, to_euros
from migdip.atlas.validate import CODED, COERCIVE_INSTRUMENTS
from migdip.bargaining.model import inputs
from migdip.data.actors import Party, is_known, resolve
from migdip.errors import MigdipError

FIRST_YEAR = 1992
DEAL = frozenset({"signed", "in_force", "renewed", "suspended", "lapsed", "ended"})
NO_DEAL = frozenset(
    {"proposed", "negotiating", "threatened", "carried_out", "rejected", "breakdown"}
)
GOT = ("none", "some", "most", "all")  # ordered
COERCION = ("failure", "partial", "success")  # ordered
# what each of the model's issues is called among the Atlas's item types
ISSUE_ITEMS: dict[str, frozenset[str]] = {
    "interception": frozenset({"border_control", "containment", "equipment_training"}),
    "readmission": frozenset({"readmission"}),
    "visas": frozenset({"visas"}),
    "legal_pathways": frozenset({"legal_pathways", "labour_supply", "worker_protections"}),
    "resettlement": frozenset({"resettlement"}),
    "trade": frozenset(
        {"trade_access", "accession_talks", "investment", "budget_support", "sanctions_relief"}
    ),
    "money": frozenset({"money"}),
}
QUANTITIES = (
    "arrivals",
    "returnable",
    "asylum_applications",
    "diaspora",
    "hosted",
    "remittances_per_migrant",
    "remittance_dependence",
)


@dataclass
class Episode:
    record: str
    destination: str
    partner: str
    year: int
    issues: frozenset[str]
    threat: bool
    people_threatened: float | None  # moved or threatened, from the coercion fields
    quantities: dict[str, float]
    context: dict[str, float]  # GDP per head, stability, distance, common language
    deal: bool | None
    got_destination: str | None
    got_partner: str | None
    money_eur: float | None
    coercion: str | None
    host_strategy: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    greenhill_case: bool = False  # in Greenhill's catalogue of coercive engineered migration


def _deal(statuses: list[str]) -> bool | None:
    if DEAL & set(statuses):
        return True
    if statuses and statuses[-1] in NO_DEAL:
        return False
    return None


def _money(record: Record) -> float | None:
    totals = {t.stage: t for t in stage_totals(record.outcome.money)}
    for stage in ("promised", "committed"):
        t = totals.get(stage)
        if t is not None:
            euros = to_euros(t.amount, t.currency, t.as_of).amount
            if euros:
                return euros
    return None


def _coercion(record: Record, challenger_got: str | None) -> str | None:
    threat = bool(COERCIVE_INSTRUMENTS & set(record.instruments)) or record.coercion is not None
    if not threat or challenger_got not in CODED:
        return None
    if challenger_got in ("all", "most"):
        return "success"
    return "partial" if challenger_got == "some" else "failure"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> float:
    row = con.execute(sql, params).fetchone()
    return float(row[0]) if row and row[0] is not None else math.nan


def context_of(
    con: duckdb.DuckDBPyConnection, destination: Party, partner: Party
) -> dict[str, float]:
    """The dyad's context in the year before the parties' year: each side's GDP per head
    (log10 US$), the partner's political stability, whether the destination is a bloc (NaN: no
    data)."""
    year = destination.year

    def latest(indicator: str, codes: list[str]) -> float:
        return _scalar(
            con,
            "SELECT sum(value) FROM wdi WHERE indicator = ? AND year = (SELECT max(year) FROM "
            "wdi WHERE indicator = ? AND year <= ?) AND iso3 IN (SELECT unnest(?::VARCHAR[]))",
            [indicator, indicator, year - 1, codes],
        )

    dest, part = list(destination.members), list(partner.members)
    out = {}
    for side, codes in (("destination", dest), ("partner", part)):
        gdp, pop = latest("gdp", codes), latest("pop", codes)
        out[f"log_gdp_per_head_{side}"] = math.log10(gdp / pop) if gdp > 0 and pop > 0 else math.nan
    out["stability_partner"] = latest("polstb", part) / len(part) if len(part) == 1 else math.nan
    out["destination_is_bloc"] = float(destination.is_bloc)
    return out


def episodes(con: duckdb.DuckDBPyConnection) -> list[Episode]:
    """Every usable negotiation in the curated Atlas, oldest first."""
    out = []
    for doc in curated_docs(con):
        record = Record.model_validate(doc)
        if record.year < FIRST_YEAR:
            continue
        dest = [p for p in record.parties if "destination" in p.positions and is_known(p.actor)]
        other = [
            p
            for p in record.parties
            if set(p.positions) & {"transit", "origin", "host"}
            and "destination" not in p.positions
            and is_known(p.actor)
        ]
        if not dest or not other or dest[0].actor == other[0].actor:
            continue
        d, o = dest[0], other[0]
        types = {i.type for p in record.parties for i in (*p.gives, *p.gets)}
        issues = frozenset(k for k, names in ISSUE_ITEMS.items() if names & types)
        challenger = next((p for p in record.parties if p.role == "challenger"), None)
        c = record.coercion
        people = None
        if c is not None:
            people = c.people_moved if c.people_moved is not None else c.people_threatened
        try:
            dest_party, partner_party = resolve(d.actor, record.year), resolve(o.actor, record.year)
            quantities, _ = inputs(con, dest_party, partner_party)
            context = context_of(con, dest_party, partner_party)
        except MigdipError:
            continue
        out.append(
            Episode(
                record=record.id,
                destination=d.actor,
                partner=o.actor,
                year=record.year,
                issues=issues,
                threat=bool(COERCIVE_INSTRUMENTS & set(record.instruments)),
                people_threatened=people,
                quantities={k: float(quantities.get(k, 0.0)) for k in QUANTITIES},
                context=context,
                deal=_deal([s.status for s in record.outcome.status]),
                got_destination=d.got if d.got in CODED else None,
                got_partner=o.got if o.got in CODED else None,
                money_eur=_money(record),
                coercion=_coercion(record, challenger.got if challenger else None),
                host_strategy=record.approach.host_strategy,
                greenhill_case=bool(c is not None and c.greenhill_case),
            )
        )
    out.sort(key=lambda e: (e.year, e.record))
    return out


CONTEXT_KEYS = (
    "log_gdp_per_head_destination",
    "log_gdp_per_head_partner",
    "stability_partner",
    "destination_is_bloc",
)
FEATURES = (
    *(f"log_{q}" for q in QUANTITIES if q != "remittance_dependence"),
    "remittance_dependence",
    *CONTEXT_KEYS,
    "threat",
    *(f"issue_{k}" for k in ISSUE_ITEMS),
    "year",
)


def feature_matrix(items: list[Episode]) -> NDArray[np.float64]:
    """The dyadic indicators and the terms on the table, one row per episode, in FEATURES
    order (NaN where the data lack a value: the baselines impute from their training fold)."""
    rows = []
    for e in items:
        q = e.quantities
        row = [math.log1p(max(q[k], 0.0)) for k in QUANTITIES if k != "remittance_dependence"]
        row.append(q["remittance_dependence"])
        row += [e.context.get(k, math.nan) for k in CONTEXT_KEYS]
        row.append(float(e.threat))
        row += [float(k in e.issues) for k in ISSUE_ITEMS]
        row.append(float(e.year))
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(items), len(FEATURES))
