"""Bargaining coupled to the flow engine, and played over several periods.

Disagreement and deal values come from the route model on the flow engine (EU destinations and
partners that a Frontex route runs through): for each interception effort, the engine projects
the next twelve months of detections on all routes with the partner's routes under that effort;
the arrivals a deal prevents are the baseline total minus that projection. Interception pulls
people back and some divert to other routes, so prevention is less than effort x arrivals: the
engine, not an assumption, says how much less.

``play`` then runs periods (years): each period the sides bargain from that period's data, the
agreed effort becomes an interception lever in the engine for the year, the destination disburses
a share of the promised money, and the partner complies while the deal leaves it better off than
breaking it. The agreed interception then acts as a lever in the engine for the year (after a
breakdown the partner stops enforcing and its routes become more attractive: a release), and the
projected detections by route are recorded. A breakdown (promised money withheld) also makes
the partner's threat credible in the next period's bargaining, as Turkey's 2020 "open the
gates" followed disputes over the 2016 Statement's money.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.bargaining.episodes import context_of
from migdip.bargaining.estimated import episode_for
from migdip.bargaining.estimated import predict as predict_estimated
from migdip.bargaining.model import INTERCEPTION, BargainParams, Terms, build, solve
from migdip.bargaining.moves import what_moves
from migdip.data.actors import Party, resolve
from migdip.data.series import FRONTEX_ROUTE, MAIN_ROUTES
from migdip.flows.routes.model import (
    Fitted,
    RouteData,
    RouteParams,
    fit,
    forecast,
    from_frontex,
    route_lever,
)
from migdip.flows.routes.terms import RouteTerms, forecast_with_terms
from migdip.indicators.compute import route_transit

ROUTES = [FRONTEX_ROUTE[r] for r in MAIN_ROUTES]
FIRST_FRONTEX_YEAR = 2009


def partner_routes(partner: Party) -> list[str]:
    """The Frontex routes through the partner (or through one of its members)."""
    return sorted({r for r, t in route_transit() if t in partner.members and r in ROUTES})


def couples(destination: Party, partner: Party) -> bool:
    """Whether the engine can value this negotiation (an EU destination, a route partner, and a
    year whose previous December has a year of Frontex history before it)."""
    if destination.year - 1 < FIRST_FRONTEX_YEAR + 1:
        return False
    return bool(partner_routes(partner)) and destination.within("EU")


@dataclass
class EngineValues:
    prevented: NDArray[np.float64]  # arrivals prevented over 12 months, per INTERCEPTION level
    baseline_total: float
    baseline_through_partner: float
    origin: str
    routes: list[str] = field(default_factory=list)


def fitted_before(data: RouteData, year: int) -> Fitted:
    """The route model fitted on the detections up to December of the year before ``year``."""
    origin = max(i for i, m in enumerate(data.months) if m <= f"{year - 1}-12")
    return fit(data, origin, RouteParams())


def engine_values(
    con: duckdb.DuckDBPyConnection,
    partner: Party,
    extra_effort: float = 0.0,
    data: RouteData | None = None,
) -> EngineValues:
    """Twelve-month projections from December of the year before the partner's year, per
    interception effort.

    ``data``: the Frontex series if already read (``from_frontex``), else read here."""
    data = from_frontex(con, ROUTES) if data is None else data
    f = fitted_before(data, partner.year)
    routes = partner_routes(partner)
    totals = []
    for effort in INTERCEPTION:
        levers: tuple[Any, ...] = ()
        for route in routes:
            levers += route_lever(
                data, route, "interception", 0, None, min(effort + extra_effort, 0.95)
            )
        totals.append(float(forecast(data, f, 12, RouteParams(), levers).sum()))
    base = forecast(data, f, 12)
    idx = [data.routes.index(r) for r in routes]
    return EngineValues(
        np.array(totals[0]) - np.array(totals),
        float(base.sum()),
        float(base[:, idx].sum()),
        data.months[f.origin],
        routes,
    )


def negotiate(
    con: duckdb.DuckDBPyConnection,
    destination: str | Party,
    partner: str | Party,
    year: int,
    p: BargainParams | None = None,
    threat: float = 0.0,
    credibility: float = 0.0,
    terms: Terms | None = None,
    moves: bool = False,
    data: RouteData | None = None,
    estimated: bool = True,
) -> dict[str, Any]:
    """Solve a negotiation, valued by the flow engine where it can be, from data otherwise.

    ``estimated`` adds the estimated model's probabilities (``migdip.bargaining.estimated``);
    the stylised benchmark of docs/validation.md leaves them out.

    ``terms`` (issues on the table, threats, trade value) replace ``threat``/``credibility``;
    ``moves`` adds what would move the agreement (see ``migdip.bargaining.moves``); ``data``:
    the Frontex series if already read.
    """
    p = p or BargainParams()
    terms = terms or Terms(threat=threat, credibility=credibility)
    dest, part = resolve(destination, year), resolve(partner, year)
    values = engine_values(con, part, data=data) if couples(dest, part) else None
    prevented = None if values is None else values.prevented
    result = solve(build(con, dest, part, year, p, prevented=prevented, terms=terms))
    result["terms"] = {
        "threat": terms.threat,
        "credibility": terms.credibility,
        "sanction": terms.sanction,
        "trade_value_eur": terms.trade_value_eur,
    }
    if moves:
        result["what_would_move_it"] = what_moves(con, result, p, terms, prevented)
    result["valued_by"] = "flow engine (route model)" if values else "data (linear)"
    if estimated:
        on_table = set(terms.issues) - (set() if terms.trade_value_eur > 0 else {"trade"})
        result["estimated"] = predict_estimated(
            episode_for(
                dest.code,
                part.code,
                year,
                result["inputs"],
                frozenset(on_table),
                terms.threat > 0 and terms.credibility > 0,
                context_of(con, dest, part),
            )
        )
    if values is not None:
        result["engine"] = {
            "origin": values.origin,
            "routes": values.routes,
            "baseline_12_months_all_routes": values.baseline_total,
            "baseline_12_months_partner_routes": values.baseline_through_partner,
            "prevented_by_effort": dict(
                zip(map(str, INTERCEPTION), values.prevented.tolist(), strict=True)
            ),
        }
    return result


@dataclass(frozen=True)
class PlayParams:
    disbursement: float = 0.5  # share of promised money actually paid each period
    breakdown_below: float = 0.4  # the partner defects when paid < this share of the promise
    threat_after_breakdown: float = 0.3  # share of hosted people it then threatens to release
    credibility_after_breakdown: float = 0.8
    release_factor: float = 3.0  # after a breakdown the partner's routes become this attractive
    legal_substitution: float = 0.5  # share of legal places replacing irregular departures


def play(
    con: duckdb.DuckDBPyConnection,
    destination: str | Party,
    partner: str | Party,
    start: int,
    periods: int,
    p: BargainParams | None = None,
    q: PlayParams | None = None,
) -> list[dict[str, Any]]:
    """Bargain, implement, comply or break down, renegotiate: one entry per period (year)."""
    q = q or PlayParams()
    history: list[dict[str, Any]] = []
    threat, credibility = 0.0, 0.0
    frontex = cache(lambda: from_frontex(con, ROUTES))  # read once, if the engine values any year
    for k in range(periods):
        year = start + k
        dest, part = resolve(destination, year), resolve(partner, year)
        data = frontex() if couples(dest, part) else None
        result = negotiate(con, dest, part, year, p, threat, credibility, data=data)
        entry: dict[str, Any] = {
            "year": year,
            "threat": threat,
            "credibility": credibility,
            "agreement": result["agreement"],
        }
        if result["agreement"]:
            promised = float(result["package"]["money_eur"])
            paid = q.disbursement * promised
            broke = promised > 0 and paid < q.breakdown_below * promised
            entry |= {
                "package": result["package"],
                "promised_eur": promised,
                "disbursed_eur": paid,
                "complied": not broke,
            }
            threat, credibility = (
                (q.threat_after_breakdown, q.credibility_after_breakdown) if broke else (0.0, 0.0)
            )
            effort = 0.0 if broke else float(result["package"]["interception"])
            implemented = _implemented(frontex, dest, part, result, effort, broke, q)
            entry |= implemented
        history.append(entry)
    return history


def _implemented(
    frontex: Callable[[], RouteData],
    destination: Party,
    partner: Party,
    result: dict[str, Any],
    effort: float,
    broke: bool,
    q: PlayParams,
) -> dict[str, Any]:
    """The agreed terms as the year's levers: projected detections, returns, legal places.

    Interception (or, after a breakdown, none and a release: the partner's routes made
    ``release_factor`` times as attractive) acts in the route model on the flow engine, and so do
    readmission (a returns lever on the partner's nationals without a right to stay) and the
    legal-pathway places (a quota lever on its nationals' would-be departures; see
    ``migdip.flows.routes.terms``). Where the engine cannot value the pair, the terms are counted.
    """
    package, inputs = result["package"], result["inputs"]
    readmission = 0.0 if broke else float(package["readmission"])
    places = inputs["diaspora"] * float(package["legal_pathways_share_of_diaspora"])
    out: dict[str, Any] = {
        "returns": inputs["returnable"] * readmission,
        "legal_pathway_places": places,
        "terms_simulated": False,
    }
    year = destination.year
    if not couples(destination.at(year + 1), partner.at(year + 1)):
        return out
    data = frontex()
    f = fitted_before(data, year)
    levers: tuple[Any, ...] = ()
    for route in partner_routes(partner):
        if broke:
            levers += route_lever(data, route, "attractiveness", 0, None, factor=q.release_factor)
        elif effort > 0:
            levers += route_lever(data, route, "interception", 0, None, effort)
    route_terms = RouteTerms(
        partner.code,
        destination.code,
        readmission=readmission,
        without_right_to_stay=float(inputs["returnable"]),
        legal_places=places,
        substitution=q.legal_substitution,
    )
    run = forecast_with_terms(data, f, 12, route_terms, RouteParams(), levers)
    projected = run.detections.sum(axis=0)
    return out | {
        "terms_simulated": True,
        "returns": run.returned,
        "irregular_departures_replaced_by_legal_places": run.legal_arrivals_replacing_departures,
        "projected_detections_by_route": dict(zip(data.routes, projected.tolist(), strict=True)),
    }


def load_negotiation(path: Any) -> dict[str, Any]:
    """A scenario file of ``kind: negotiation`` (destination, partner, start, periods, params)."""
    from pathlib import Path

    import yaml
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    from migdip.errors import InputError

    class NegotiationFile(BaseModel):
        model_config = ConfigDict(extra="forbid")
        kind: str = Field(pattern="^negotiation$")
        name: str
        description: str = ""
        destination: str
        partner: str
        start: int = Field(ge=1992, le=2100)
        periods: int = Field(1, ge=1, le=30)
        play: dict[str, float] = Field(default_factory=dict)

    path = Path(path)
    try:
        spec = NegotiationFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise InputError(
            "\n".join(
                f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']} (value: {e.get('input')!r})"
                for e in exc.errors()
            )
        ) from None
    unknown = set(spec.play) - set(PlayParams.__dataclass_fields__)
    if unknown:
        raise InputError(
            f"{path}: play.{sorted(unknown)[0]} is not a parameter; accepted: "
            f"{', '.join(PlayParams.__dataclass_fields__)}"
        )
    return spec.model_dump()


def run_negotiation(con: duckdb.DuckDBPyConnection, spec: dict[str, Any]) -> dict[str, Any]:
    """Play a negotiation scenario with the flows: one entry per period."""
    q = PlayParams(**spec["play"])
    history = play(
        con, spec["destination"], spec["partner"], spec["start"], spec["periods"], None, q
    )
    return {
        "scenario": spec["name"],
        "destination": spec["destination"],
        "partner": spec["partner"],
        "periods": history,
    }
