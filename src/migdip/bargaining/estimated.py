"""The estimated bargaining model as the tools use it: the committed estimate (posterior mode,
Laplace covariance and the outcome models on the structural quantities, fitted on every
outcome-coded episode), predictions with intervals from it, and the generated report.

``python -m migdip.validation --write`` refits and rewrites ``data/estimate.json``; a test
checks that the committed file is what the code estimates from the bundled data and records.
Figures are rounded to six significant digits so that the file is the same on any machine.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from migdip.atomic import write_text
from migdip.bargaining.episodes import QUANTITIES, Episode
from migdip.bargaining.estimate import (
    NAMES,
    Data,
    Fit,
    fit,
    predicted_money,
    structure,
)
from migdip.bargaining.targets import labels, structural_features
from migdip.errors import MigdipError

ESTIMATE_FILE = "data/estimate.json"
OUTCOME_TARGETS = ("got_destination", "got_partner", "coercion")


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def estimate(items: list[Episode]) -> dict[str, Any]:
    """The estimate on every episode, as plain data (what ``data/estimate.json`` holds)."""
    # imported here: a prediction reads the committed estimate, and the API and CLI that make
    # predictions start two seconds sooner without scikit-learn
    from sklearn.linear_model import LogisticRegression

    data = Data.of(items)
    fitted = fit(data)
    st = structure(fitted.mode, data)
    outcomes: dict[str, Any] = {}
    for target in OUTCOME_TARGETS:
        y = labels(items, target)
        idx = np.array([i for i, v in enumerate(y) if v is not None], dtype=np.intp)
        x = structural_features(st, data, target)[idx]
        model = LogisticRegression(C=1.0, max_iter=2000).fit(x, [y[i] for i in idx])
        outcomes[target] = {
            "classes": [str(c) for c in model.classes_],
            "coef": [[_round(v) for v in row] for row in model.coef_],
            "intercept": [_round(v) for v in model.intercept_],
            "n": len(idx),
        }
    intervals = fitted.intervals()
    return {
        "names": list(NAMES),
        "mode": [_round(v) for v in fitted.mode],
        "covariance": [[_round(v) for v in row] for row in fitted.covariance],
        "params": {k: [_round(v) for v in iv] for k, iv in intervals.items()},
        "converged": fitted.converged,
        "episodes": len(items),
        "deal_episodes": fitted.n_deal,
        "money_episodes": fitted.n_money,
        "outcomes": outcomes,
    }


def estimate_path() -> Path:
    return Path(str(resources.files("migdip.bargaining").joinpath(ESTIMATE_FILE)))


def write_estimate(doc: dict[str, Any]) -> Path:
    path = estimate_path()
    write_text(path, json.dumps(doc, indent=1, sort_keys=True) + "\n")
    return path


@cache
def committed() -> dict[str, Any]:
    text = resources.files("migdip.bargaining").joinpath(ESTIMATE_FILE).read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def episode_for(
    destination: str,
    partner: str,
    year: int,
    quantities: dict[str, float],
    issues: tuple[str, ...] | frozenset[str],
    threat: bool,
    context: dict[str, float] | None = None,
) -> Episode:
    """A negotiation the user poses, as the estimated model reads it (no outcome known);
    ``context``: ``episodes.context_of`` for the dyad (a value left out sits at its centre)."""
    return Episode(
        record="",
        destination=destination,
        partner=partner,
        year=year,
        issues=frozenset(issues),
        threat=threat,
        people_threatened=None,
        quantities={k: float(quantities.get(k, 0.0)) for k in QUANTITIES},
        context=dict(context or {}),
        deal=None,
        got_destination=None,
        got_partner=None,
        money_eur=None,
        coercion=None,
        host_strategy=None,
    )


def _softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def predict(episode: Episode, draws: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Deal probability, each outcome's probabilities and the money promised for one
    negotiation, with 90% intervals over the posterior draws (Laplace approximation)."""
    doc = committed()
    if doc["names"] != list(NAMES):
        raise MigdipError(
            f"{estimate_path()}: estimated for the parameters {doc['names']}, but the model has "
            f"{list(NAMES)}; regenerate it with `python -m migdip.validation --write`"
        )
    est = Fit(
        np.array(doc["mode"]),
        np.array(doc["covariance"]),
        bool(doc["converged"]),
        int(doc["deal_episodes"]),
        int(doc["money_episodes"]),
    )
    z = np.vstack([est.mode, est.draws(draws, seed)])  # row 0: the posterior mode
    data = Data.of([episode] * len(z))
    st = structure(z, data)
    p_deal = 1 / (1 + np.exp(-st.deal_index))
    money = predicted_money(z, st)

    def summary(values: NDArray[np.float64]) -> dict[str, float]:
        return {
            "estimate": float(values[0]),
            "low": float(np.quantile(values[1:], 0.05)),
            "high": float(np.quantile(values[1:], 0.95)),
        }

    out: dict[str, Any] = {
        "deal_probability": summary(p_deal),
        "money_promised_eur": summary(money) if "money" in episode.issues else None,
        "surplus_eur_a_year": summary(st.surplus),
        "outcomes": {},
    }
    for target, model in doc["outcomes"].items():
        if target == "coercion" and not episode.threat:
            continue
        x = structural_features(st, data, target)
        logits = x @ np.array(model["coef"]).T + np.array(model["intercept"])
        if logits.shape[1] == 1:  # a binary model keeps one row of coefficients
            logits = np.hstack([np.zeros_like(logits), logits])
        p = _softmax(logits)
        out["outcomes"][target] = {c: summary(p[:, k]) for k, c in enumerate(model["classes"])}
    out["params"] = {
        k: dict(zip(("estimate", "low", "high"), v, strict=True)) for k, v in doc["params"].items()
    }
    return out
