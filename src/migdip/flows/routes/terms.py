"""Readmission and legal-pathway terms acting in the route model on the flow engine.

A deal's readmission clause and its legal-pathway places become engine levers on three extra
places of the route model (they hold people; nobody leaves them by choice):

- ``without right to stay in DEST: NAT``: the partner's nationals at the destination whose asylum
  claims were rejected (UNHCR, the year before), the stock a readmission clause acts on. A
  ``returns`` lever sends the agreed share of them to ``returned to NAT`` over twelve months (a
  constant monthly rate ``1 - (1 - share) ** (1 / 12)``). Returned people stay there: the model
  does not let them depart again (an assumption, listed below).
- ``legal pathway from NAT``: a ``quota`` lever moves ``substitution`` x places / 12 a month from
  the partner's nationality's would-be departures (the route model's origin ``from NAT``) before
  they choose a route, so irregular detections fall by what the engine moves; the rest of the
  places go to people who would not have departed irregularly (counted, not moved). If the
  partner's nationality is not among the route model's nationalities (a transit state whose
  nationals are few), the places are counted and no departures are replaced.

Assumptions: no re-departure after return; ``substitution`` (the share of legal places taken by
people who would otherwise have left irregularly) is an assumption, not an estimate (0.5 by
default; set it per scenario).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migdip.errors import InputError
from migdip.flows.engine.levers import Lever
from migdip.flows.engine.network import Place
from migdip.flows.routes.model import HELD, Fitted, RouteData, RouteParams, run_months


@dataclass(frozen=True)
class RouteTerms:
    nationality: str
    destination: str = "EU"
    readmission: float = 0.0  # share of the stock without right to stay returned in 12 months
    without_right_to_stay: float = 0.0  # people at the start
    legal_places: float = 0.0  # a year
    substitution: float = 0.5

    def check(self) -> None:
        for name in ("readmission", "substitution"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise InputError(f"terms.{name} {value}; accepted: a share from 0 to 1")
        for name in ("without_right_to_stay", "legal_places"):
            value = getattr(self, name)
            if not value >= 0:
                raise InputError(f"terms.{name} {value}; accepted: a number >= 0")


@dataclass(frozen=True)
class TermsResult:
    detections: np.ndarray  # (horizon, routes)
    returned: float
    legal_arrivals_replacing_departures: float
    legal_places: float
    replaces_departures: bool


def forecast_with_terms(
    data: RouteData,
    f: Fitted,
    horizon: int,
    terms: RouteTerms,
    p: RouteParams | None = None,
    levers: tuple[Lever, ...] = (),
    seed: int | None = None,
) -> TermsResult:
    """Project detections with route levers plus the readmission and legal-pathway terms."""
    terms.check()
    nat, dest = terms.nationality, terms.destination
    held = f"without right to stay in {dest}: {nat}"
    back = f"returned to {nat}"
    legal = f"legal pathway from {nat}"
    extra = (Place(held, HELD), Place(back, HELD), Place(legal, HELD))
    monthly = 1 - (1 - terms.readmission) ** (1 / 12) if terms.readmission < 1 else 1.0
    own = f"from {nat}" in {f"from {n}" for n in data.nationalities}
    terms_levers = [Lever("returns", 0, horizon, place=held, to=back, rate=monthly)]
    if own and terms.legal_places > 0:
        per_month = terms.substitution * terms.legal_places / 12
        terms_levers.append(
            Lever("quota", 0, horizon, place=f"from {nat}", to=legal, per_day=per_month)
        )
    result = run_months(
        data,
        f,
        horizon,
        p or RouteParams(),
        levers + tuple(terms_levers),
        seed,
        extra,
        (terms.without_right_to_stay, 0.0, 0.0),
    )
    n_nat, n_r = len(data.nationalities), len(data.routes)
    base = n_nat + n_r
    return TermsResult(
        detections=result.arrivals[1:, n_nat:base],
        returned=float(result.arrivals[:, base + 1].sum()),
        legal_arrivals_replacing_departures=float(result.arrivals[:, base + 2].sum()),
        legal_places=terms.legal_places * horizon / 12,
        replaces_departures=own,
    )
