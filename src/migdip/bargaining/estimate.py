"""The bargaining model's parameters estimated on the Atlas's outcome-coded episodes.

The structural core is the model of ``migdip.bargaining.model`` (utilities in euros a year from
the warehouse's data of the year before) in closed form: money is transferable, so the Nash
agreement maximises the joint gain and splits it equally; the joint gain is a sum over the
issues on the table, so the best level of each issue is chosen issue by issue (vectorised over
episodes, no grid of packages). For episode e with the issues the record puts on the table:

    S_e(theta) = Σ_issues max_level [gain_destination + gain_partner] - d_destination - d_partner

where a threat to release people sets the disagreement point: k x (people threatened or moved,
else the refugees the partner hosts) arrive, costing the destination ``cost_per_arrival`` each
and the partner ``enforcement_cost`` each.

Likelihood (documented in docs/bargaining.md):

- deal reached: Bernoulli, P = logistic(a + b asinh(S_e / 1e6) - r threat_e - sum_i c_i
  on_table_i,e + sum_k g_k x_k,e) (r: the reputational cost of conceding under a threat,
  Greenhill's hypocrisy costs; c_i: the fixed domestic cost of putting issue i on the table,
  in the same units; x_k: the dyadic context the utilities leave out, ``CONTEXT``, scaled by
  fixed constants, g_k its weights: the structure and the context compete in one likelihood);
- money: for the episodes whose record gives the money promised, log(promised euros) ~
  Normal(log(F + H m_e) + sum_k h_k x_k,e, s), m_e the Nash transfer a year, H the years a
  promise covers, F the smallest package worth announcing and h_k the context's weights.

Priors: each positive structural parameter log-normal around the stylised value of
``BargainParams`` (one log unit: a factor of 2.7 either way), the link parameters normal, the
context weights normal around 0 (sd 1 for the deal, 0.5 log units for money: a ridge penalty). The
estimate is the posterior mode (scipy.optimize, L-BFGS-B); the intervals are those of the
Laplace approximation (the inverse Hessian of the log posterior at the mode), drawn with a seed.
scipy is used rather than PyMC or NumPyro: the posterior has 47 dimensions, is smooth almost
everywhere and is cheap to evaluate, so a mode and its curvature take well under a second, and
no compiler or sampler is needed on a 2-core machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from migdip.bargaining.episodes import FEATURES, Episode, feature_matrix
from migdip.bargaining.model import (
    INTERCEPTION,
    ISSUES,
    QUOTAS,
    READMISSION,
    RESETTLEMENT,
    VISAS,
)
from migdip.draws import inverse_spd, multivariate_normal

SCALE_EUR = 1e6
CONVEXITY = 20.0  # enforcement convexity, kept at its stylised value
RESETTLEMENT_COST = 15_000.0
RESETTLEMENT_SUBSTITUTION = 0.5
TRADE_COST_SHARE = 0.3
# The dyadic context the utilities leave out, in the deal index: (feature, centre, scale), set
# once from what the features measure, never from the episodes; a missing value sits at the
# centre. Log counts are natural logs of 1 + people, GDP per head log10 of US$.
SOFT_EUR = 1e6  # width of the smooth floor at 0 of the transfer, euros a year

CONTEXT: tuple[tuple[str, float, float], ...] = (
    *((f, 7.0, 4.0) for f in FEATURES if f.startswith("log_") and "gdp" not in f),
    ("remittance_dependence", 0.05, 0.1),
    ("log_gdp_per_head_destination", 4.0, 0.5),
    ("log_gdp_per_head_partner", 4.0, 0.5),
    ("stability_partner", 0.0, 1.0),
    ("destination_is_bloc", 0.0, 1.0),
    ("year", 2010.0, 10.0),
)

# name, prior centre, prior sd, positive (log-parametrised)
PRIORS: tuple[tuple[str, float, float, bool], ...] = (
    ("cost_per_arrival_eur", 20_000.0, 1.0, True),
    ("enforcement_cost_per_stop_eur", 2_000.0, 1.0, True),
    ("value_per_return_eur", 10_000.0, 1.0, True),
    ("readmission_cost_per_return_eur", 5_000.0, 1.0, True),
    ("visa_value_per_diaspora_member_eur", 100.0, 1.0, True),
    ("visa_cost_per_asylum_application_eur", 2_000.0, 1.0, True),
    ("net_value_per_worker_eur", 2_000.0, 1.0, True),
    ("hosting_cost_per_refugee_eur", 2_000.0, 1.0, True),
    ("trade_value_eur", 1e8, 1.0, True),
    ("threat_credibility", 0.05, 1.0, True),
    ("money_years", 3.0, 0.5, True),
    ("money_floor_eur", 1e7, 1.5, True),
    ("money_sd_log", 1.5, 0.5, True),
    ("deal_intercept", 0.0, 2.5, False),
    ("deal_slope", 0.0, 2.5, False),
    ("threat_reputation", 0.0, 2.5, False),
    *((f"issue_cost_{k}", 0.0, 1.0, False) for k in ISSUES),
    *((f"deal_context_{f}", 0.0, 1.0, False) for f, _, _ in CONTEXT),
    *((f"money_context_{f}", 0.0, 0.5, False) for f, _, _ in CONTEXT),
)
NAMES = tuple(p[0] for p in PRIORS)
_CENTRE = np.array([math.log(c) if pos else c for _, c, _, pos in PRIORS])
_SD = np.array([sd for _, _, sd, _ in PRIORS])
_POSITIVE = np.array([pos for *_, pos in PRIORS])


@dataclass(frozen=True)
class Data:
    """The episodes' quantities as arrays (one entry per episode)."""

    arrivals: NDArray[np.float64]
    returnable: NDArray[np.float64]
    applications: NDArray[np.float64]
    diaspora: NDArray[np.float64]
    hosted: NDArray[np.float64]
    remittances_per_migrant: NDArray[np.float64]
    remittance_dependence: NDArray[np.float64]
    on_table: dict[str, NDArray[np.float64]]  # issue -> 0/1
    threat: NDArray[np.float64]
    threatened: NDArray[np.float64]  # people threatened or moved; NaN: not coded
    deal: NDArray[np.float64]  # 1, 0, NaN (unknown)
    money_eur: NDArray[np.float64]  # NaN where not recorded
    context: NDArray[np.float64] | None = None  # (E, len(CONTEXT)) scaled; None: all at centre

    @classmethod
    def of(cls, items: list[Episode]) -> Data:
        def q(name: str) -> NDArray[np.float64]:
            return np.array([max(e.quantities[name], 0.0) for e in items], dtype=np.float64)

        nan = math.nan
        return cls(
            q("arrivals"),
            q("returnable"),
            q("asylum_applications"),
            q("diaspora"),
            q("hosted"),
            q("remittances_per_migrant"),
            q("remittance_dependence"),
            {k: np.array([float(k in e.issues) for e in items]) for k in ISSUES},
            np.array([float(e.threat) for e in items]),
            np.array([nan if e.people_threatened is None else e.people_threatened for e in items]),
            np.array([nan if e.deal is None else float(e.deal) for e in items]),
            np.array([e.money_eur if e.money_eur else nan for e in items]),
            context_matrix(items),
        )

    def take(self, idx: NDArray[np.intp]) -> Data:
        return Data(
            self.arrivals[idx],
            self.returnable[idx],
            self.applications[idx],
            self.diaspora[idx],
            self.hosted[idx],
            self.remittances_per_migrant[idx],
            self.remittance_dependence[idx],
            {k: v[idx] for k, v in self.on_table.items()},
            self.threat[idx],
            self.threatened[idx],
            self.deal[idx],
            self.money_eur[idx],
            None if self.context is None else self.context[idx],
        )


def context_matrix(items: list[Episode]) -> NDArray[np.float64]:
    """The CONTEXT features of each episode, centred and scaled (missing: 0, the centre)."""
    x = feature_matrix(items)
    cols = [FEATURES.index(f) for f, _, _ in CONTEXT]
    centre = np.array([c for _, c, _ in CONTEXT])
    scale = np.array([s for _, _, s in CONTEXT])
    return np.asarray(np.nan_to_num((x[:, cols] - centre) / scale, nan=0.0), dtype=np.float64)


def natural(z: NDArray[np.float64]) -> dict[str, float]:
    """The parameters on their own scale from the optimiser's vector."""
    return {n: float(v) for n, v in zip(NAMES, _values(np.atleast_2d(z))[0], strict=True)}


def _values(z2: NDArray[np.float64]) -> NDArray[np.float64]:
    """(rows, P) optimiser vectors to natural values (exponent clipped: the optimiser may
    probe far out, where the posterior is flat anyway)."""
    values = z2.astype(np.float64, copy=True)
    values[:, _POSITIVE] = np.exp(np.clip(z2[:, _POSITIVE], -60.0, 60.0))
    return values


def _columns(z: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """The parameters as columns: shape (1, 1) for one vector, (E, 1) for one vector per
    episode (the draws of a prediction), so that they broadcast over (episodes, levels)."""
    values = _values(np.atleast_2d(z))
    return {n: values[:, [k]] for k, n in enumerate(NAMES)}


@dataclass(frozen=True)
class Structure:
    """What the model says of each episode under one parameter vector."""

    surplus: NDArray[np.float64]  # S_e, euros a year
    transfer: NDArray[np.float64]  # the Nash transfer a year
    destination_share: NDArray[np.float64]  # (interception/max + readmission) / 2 granted
    partner_share: NDArray[np.float64]  # (visas + pathways/max + money) / 3 granted
    deal_index: NDArray[np.float64]
    context: NDArray[np.float64] | None = None


def _l8(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """(E, 1) the L8 norm of each row (rescaled by its largest entry: no overflow)."""
    size = np.max(np.abs(x), axis=1, keepdims=True) + 1.0
    return np.asarray(size * ((x / size) ** 8).sum(axis=1, keepdims=True) ** (1 / 8))


def structure(z: NDArray[np.float64], d: Data) -> Structure:
    """``z``: one parameter vector, or one per episode (shape (E, P))."""
    p = _columns(z)
    ca, ce = p["cost_per_arrival_eur"], p["enforcement_cost_per_stop_eur"]

    def best(
        levels: tuple[float, ...],
        dest: NDArray[np.float64],
        part: NDArray[np.float64],
        issue: str,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """(chosen level, destination gain, partner gain) per episode; dest/part: (E, L).

        The choice is a softened maximum (weights proportional to exp(joint gain / T), T one
        fiftieth of the stakes on each side, the L8 norms (smooth stand-ins for the largest) of
        the destination's and the partner's gains), so that the posterior is smooth in theta,
        also where the joint gain changes sign while the stakes stay large, and the mode the
        optimiser reaches does not depend on rounding; it picks the best level whenever one
        stands out."""
        on = d.on_table[issue][:, None] > 0
        joint = np.where(on, dest + part, -np.inf)
        joint[:, 0] = 0.0  # level 0 (the status quo on this issue) is always possible
        top = joint.max(axis=1, keepdims=True)
        temperature = (_l8(np.where(on, dest, 0.0)) + _l8(np.where(on, part, 0.0))) / 50 + 1.0
        w = np.exp((joint - top) / temperature)
        w /= w.sum(axis=1, keepdims=True)
        chosen = w @ np.asarray(levels)
        return chosen, (w * dest).sum(axis=1), (w * part).sum(axis=1)

    e = np.asarray(INTERCEPTION)[None, :]
    stops = d.arrivals[:, None] * e
    ie, dd1, dp1 = best(INTERCEPTION, ca * stops, -ce * stops * (1 + CONVEXITY * e), "interception")
    r = np.asarray(READMISSION)[None, :]
    returns = d.returnable[:, None] * r
    readmission_cost = p["readmission_cost_per_return_eur"] * (
        1 + 10 * d.remittance_dependence[:, None]
    )
    ir, dd2, dp2 = best(
        READMISSION,
        p["value_per_return_eur"] * returns,
        -readmission_cost * returns,
        "readmission",
    )
    v = np.asarray(VISAS)[None, :]
    iv, dd3, dp3 = best(
        VISAS,
        -p["visa_cost_per_asylum_application_eur"] * d.applications[:, None] * v,
        p["visa_value_per_diaspora_member_eur"] * d.diaspora[:, None] * v,
        "visas",
    )
    q = np.asarray(QUOTAS)[None, :]
    workers = d.diaspora[:, None] * q
    iq, dd4, dp4 = best(
        QUOTAS,
        p["net_value_per_worker_eur"] * workers,
        d.remittances_per_migrant[:, None] * workers,
        "legal_pathways",
    )
    s = np.asarray(RESETTLEMENT)[None, :]
    resettled = d.hosted[:, None] * s
    _, dd5, dp5 = best(
        RESETTLEMENT,
        (RESETTLEMENT_SUBSTITUTION * ca - RESETTLEMENT_COST) * resettled,
        p["hosting_cost_per_refugee_eur"] * resettled,
        "resettlement",
    )
    t = np.array([[0.0, 1.0]])
    trade = p["trade_value_eur"] * np.ones_like(d.arrivals)[:, None] * t  # (E, 2)
    _, dd6, dp6 = best((0.0, 1.0), -TRADE_COST_SHARE * trade, trade, "trade")
    gain_d = dd1 + dd2 + dd3 + dd4 + dd5 + dd6
    gain_p = dp1 + dp2 + dp3 + dp4 + dp5 + dp6
    v1 = {k: x[:, 0] for k, x in p.items()}  # (1,) or (E,): broadcast over episodes
    people = np.where(np.isnan(d.threatened), d.hosted, d.threatened)
    released = d.threat * v1["threat_credibility"] * people
    d_dest = -released * v1["cost_per_arrival_eur"]
    d_part = -released * v1["enforcement_cost_per_stop_eur"]
    surplus = gain_d + gain_p - d_dest - d_part
    # the Nash transfer, never below 0: a softplus a million euros wide, not a kink at 0
    transfer = SOFT_EUR * np.logaddexp(0.0, ((gain_d - d_dest) - (gain_p - d_part)) / 2 / SOFT_EUR)
    transfer = np.where(d.on_table["money"] > 0, transfer, 0.0)
    index = (
        v1["deal_intercept"]
        + v1["deal_slope"] * np.arcsinh(surplus / SCALE_EUR)
        - v1["threat_reputation"] * d.threat
        - sum(v1[f"issue_cost_{k}"] * d.on_table[k] for k in ISSUES)
    )
    if d.context is not None:
        index = index + sum(
            v1[f"deal_context_{f}"] * d.context[:, k] for k, (f, _, _) in enumerate(CONTEXT)
        )
    return Structure(
        surplus,
        transfer,
        (ie / max(INTERCEPTION) + ir) / 2,
        np.minimum(1.0, (iv + iq / max(QUOTAS) + (transfer > 0)) / 3),
        index,
        d.context,
    )


def predicted_money(z: NDArray[np.float64], st: Structure) -> NDArray[np.float64]:
    """Money promised over the years a promise covers, in euros (never below the floor);
    ``z`` as for ``structure``."""
    p = {k: x[:, 0] for k, x in _columns(z).items()}
    base = p["money_floor_eur"] + p["money_years"] * st.transfer
    if st.context is None:
        return np.asarray(base)
    shift = sum(p[f"money_context_{f}"] * st.context[:, k] for k, (f, _, _) in enumerate(CONTEXT))
    return np.asarray(base * np.exp(shift))


def log_posterior(z: NDArray[np.float64], d: Data) -> float:
    st = structure(z, d)
    p = natural(z)
    known = ~np.isnan(d.deal)
    y = d.deal[known]
    eta = st.deal_index[known]
    ll = float(np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta)))
    money = ~np.isnan(d.money_eur)
    if money.any():
        sd = p["money_sd_log"]
        resid = np.log(d.money_eur[money]) - np.log(predicted_money(z, st)[money])
        ll += float(np.sum(-0.5 * (resid / sd) ** 2 - math.log(sd)))
    prior = float(-0.5 * np.sum(((z - _CENTRE) / _SD) ** 2))
    return ll + prior


@dataclass(frozen=True)
class Fit:
    mode: NDArray[np.float64]  # optimiser's scale
    covariance: NDArray[np.float64]
    converged: bool
    n_deal: int
    n_money: int

    def params(self) -> dict[str, float]:
        return natural(self.mode)

    def draws(self, n: int, seed: int) -> NDArray[np.float64]:
        return multivariate_normal(np.random.default_rng(seed), self.mode, self.covariance, n)

    def intervals(
        self, seed: int = 0, n: int = 2000, level: float = 0.9
    ) -> dict[str, tuple[float, float, float]]:
        """Each parameter's posterior mode and central interval (Laplace approximation)."""
        z = self.draws(n, seed)
        lo, hi = (1 - level) / 2, (1 + level) / 2
        out = {}
        values = _values(z)
        for k, name in enumerate(NAMES):
            col = values[:, k]
            out[name] = (
                float(natural(self.mode)[name]),
                float(np.quantile(col, lo)),
                float(np.quantile(col, hi)),
            )
        return out


def _hessian(f: object, z: NDArray[np.float64], step: float = 1e-3) -> NDArray[np.float64]:
    fn = f  # (z) -> float, the negative log posterior
    n = len(z)
    h = np.zeros((n, n))
    f0 = fn(z)  # type: ignore[operator]
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            value = (
                fn(z + ei + ej) - fn(z + ei - ej) - fn(z - ei + ej) + fn(z - ei - ej)  # type: ignore[operator]
            ) / (4 * step * step)
            if i == j:
                value = (fn(z + 2 * ei) - 2 * f0 + fn(z - 2 * ei)) / (4 * step * step)  # type: ignore[operator]
            h[i, j] = h[j, i] = value
    return h


def fit(d: Data, start: NDArray[np.float64] | None = None, covariance: bool = True) -> Fit:
    """The posterior mode and its Laplace covariance (skipped with ``covariance=False``, for
    the refits of a cross-validation). ``start``: a warm start (the mode reached does not
    depend on it where the posterior has one mode)."""

    def nlp(z: NDArray[np.float64]) -> float:
        return -log_posterior(z, d)

    z0 = _CENTRE.copy() if start is None else start
    if start is None:
        # converged tightly: the posterior is smooth and its prior curves every direction, so
        # the mode is one point; stopping early would leave it where rounding happened to lead
        options = {"maxiter": 3000, "ftol": 1e-14, "gtol": 1e-6, "finite_diff_rel_step": 1e-5}
        res = minimize(nlp, z0, method="L-BFGS-B", jac="3-point", options=options)
    else:  # a refit from a nearby mode (cross-validation): a few steps from the same start
        res = minimize(nlp, z0, method="L-BFGS-B", options={"maxiter": 500, "ftol": 1e-12})
    cov = np.diag(_SD**2)
    if covariance:
        h = _hessian(nlp, res.x)
        w, v = np.linalg.eigh((h + h.T) / 2)
        w = np.maximum(w, 1e-6)  # a flat direction keeps a finite width
        cov = inverse_spd((v * w) @ v.T)
    return Fit(
        res.x,
        cov,
        bool(res.success),
        int((~np.isnan(d.deal)).sum()),
        int((~np.isnan(d.money_eur)).sum()),
    )


def deal_probability(fitted: Fit, d: Data) -> NDArray[np.float64]:
    return np.asarray(expit(structure(fitted.mode, d).deal_index))
