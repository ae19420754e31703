"""Out-of-sample tests of the estimated bargaining model against strong baselines.

Two designs: leave one episode out (every episode predicted by models fitted on all the others)
and a temporal split (fitted on the episodes before 2014, predicting those of 2014-2025). In each
fold every model is fitted on the training episodes only: the structural posterior mode
(``migdip.bargaining.estimate``, started from the prior's centre), and the baselines:

- the majority class (or, for money, the training median);
- a regularised logistic regression (scikit-learn, C = 1, features standardised, missing values
  imputed with the training median) on the dyadic indicators of ``episodes.FEATURES``;
- a gradient-boosted model (scikit-learn's HistGradientBoosting, 100 trees of depth 3, learning
  rate 0.1, seed 0) on the same indicators.

The structural model predicts a deal from its likelihood; each side's outcome and the
coercion outcome from a multinomial logistic regression on the structural quantities alone (the
surplus, the share of what each side sought that the Nash package grants, the threat); money
from the Nash transfer. Settings are fixed here, once, and never chosen on a held-out fold.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from scipy.stats import spearmanr
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import recall_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from migdip.bargaining.episodes import COERCION, GOT, Episode, feature_matrix
from migdip.bargaining.estimate import Data, fit, predicted_money, structure
from migdip.bargaining.targets import labels, structural_features

SPLIT_YEAR = 2014
MODELS = ("structural", "majority", "logistic", "boosted")
CLASS_TARGETS: dict[str, tuple[str, ...]] = {
    "deal": ("no", "yes"),
    "got_destination": GOT,
    "got_partner": GOT,
    "coercion": COERCION,
}
SEED = 0


def _logistic() -> Any:
    return make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegression(C=1.0, max_iter=2000),
    )


def _boosted() -> Any:
    return HistGradientBoostingClassifier(
        max_iter=100, max_depth=3, learning_rate=0.1, random_state=SEED
    )


def _proba(model: Any, x: NDArray[np.float64], classes: tuple[str, ...]) -> NDArray[np.float64]:
    """Probabilities over all ``classes`` (zero for a class the training fold lacked)."""
    out = np.zeros((len(x), len(classes)))
    p = model.predict_proba(x)
    for k, c in enumerate(model.classes_):
        out[:, classes.index(str(c))] = p[:, k]
    return out


@dataclass
class Predictions:
    """Out-of-sample probabilities (classification) and amounts (money) per model."""

    proba: dict[str, dict[str, NDArray[np.float64]]] = field(default_factory=dict)
    money: dict[str, NDArray[np.float64]] = field(default_factory=dict)


def _fold(
    items: list[Episode],
    x: NDArray[np.float64],
    data: Data,
    train: NDArray[np.intp],
    test: NDArray[np.intp],
    start: NDArray[np.float64],
) -> tuple[dict[str, dict[str, NDArray[np.float64]]], dict[str, NDArray[np.float64]]]:
    """Every model fitted on ``train``, predicting ``test`` (a target none of the test
    episodes records is not fitted: its predictions would never be scored)."""
    fitted = fit(data.take(train), start=start, covariance=False)
    st_all = structure(fitted.mode, data)
    proba: dict[str, dict[str, NDArray[np.float64]]] = {}
    for target, classes in CLASS_TARGETS.items():
        y = labels(items, target)
        tr = np.array([i for i in train if y[i] is not None], dtype=np.intp)
        out: dict[str, NDArray[np.float64]] = {}
        if len(tr) == 0 or all(y[i] is None for i in test):
            continue
        ytr = np.array([y[i] for i in tr])
        counts = np.array([(ytr == c).sum() for c in classes], dtype=float)
        out["majority"] = np.tile(counts / counts.sum(), (len(test), 1))
        single = len(set(ytr)) < 2
        if target == "deal":
            p_yes = 1 / (1 + np.exp(-st_all.deal_index[test]))
            out["structural"] = np.column_stack([1 - p_yes, p_yes])
        else:
            sx = structural_features(st_all, data, target)
            out["structural"] = (
                out["majority"]
                if single
                else _proba(
                    LogisticRegression(C=1.0, max_iter=2000).fit(sx[tr], ytr), sx[test], classes
                )
            )
        for name, make in (("logistic", _logistic), ("boosted", _boosted)):
            out[name] = (
                out["majority"] if single else _proba(make().fit(x[tr], ytr), x[test], classes)
            )
        proba[target] = out
    money: dict[str, NDArray[np.float64]] = {}
    m = data.money_eur
    tr = np.array([i for i in train if not math.isnan(m[i])], dtype=np.intp)
    if np.isnan(m[test]).all():
        return proba, money
    money["structural"] = predicted_money(fitted.mode, st_all)[test]
    money["majority"] = np.full(len(test), float(np.median(m[tr])))
    ridge = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), Ridge(alpha=1.0))
    money["logistic"] = np.exp(ridge.fit(x[tr], np.log(m[tr])).predict(x[test]))
    boosted = HistGradientBoostingRegressor(
        max_iter=100, max_depth=3, learning_rate=0.1, random_state=SEED
    )
    money["boosted"] = np.exp(boosted.fit(x[tr], np.log(m[tr])).predict(x[test]))
    return proba, money


def _splits(
    items: list[Episode], design: str
) -> Iterator[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    n = len(items)
    if design == "leave-one-out":
        for i in range(n):
            yield np.array([j for j in range(n) if j != i], dtype=np.intp), np.array([i])
    elif design == "temporal":
        years = np.array([e.year for e in items])
        yield np.flatnonzero(years < SPLIT_YEAR), np.flatnonzero(years >= SPLIT_YEAR)
    else:
        raise ValueError(f"design {design!r}; accepted: leave-one-out, temporal")


def predict_out_of_sample(
    items: list[Episode], design: str, jobs: int = 2
) -> tuple[Predictions, NDArray[np.intp]]:
    """Out-of-sample predictions for the episodes each split tests, and their indices.

    Every structural fit starts at the mode of the whole sample and converges to its own
    training fold's mode (the start speeds the optimiser, it does not choose the answer: the
    posterior has one mode). The folds are independent, so they run in ``jobs`` processes
    and give the same figures in any order. Where a fold does not fit a target (its test
    episodes do not record it), its rows are NaN."""
    x = feature_matrix(items)
    data = Data.of(items)
    start = fit(data, covariance=False).mode
    splits = list(_splits(items, design))
    results = Parallel(n_jobs=min(jobs, len(splits)))(
        delayed(_fold)(items, x, data, train, test, start) for train, test in splits
    )
    preds = Predictions()
    for (proba, money), (_, test) in zip(results, splits, strict=True):
        for target, classes in CLASS_TARGETS.items():
            for name in MODELS:
                block = proba.get(target, {}).get(name)
                if block is None:
                    block = np.full((len(test), len(classes)), np.nan)
                rows = preds.proba.setdefault(target, {}).get(name)
                preds.proba[target][name] = block if rows is None else np.vstack([rows, block])
        for name in MODELS:
            v = money.get(name, np.full(len(test), np.nan))
            preds.money[name] = np.concatenate([preds.money.get(name, np.zeros(0)), v])
    return preds, np.concatenate([test for _, test in splits])


def class_scores(
    y: list[str | None], proba: NDArray[np.float64], classes: tuple[str, ...]
) -> dict[str, float] | None:
    keep = [i for i, v in enumerate(y) if v is not None]
    if not keep:
        return None
    truth = np.array([classes.index(str(y[i])) for i in keep])
    p = proba[keep]
    guess = p.argmax(axis=1)
    onehot = np.eye(len(classes))[truth]
    clipped = np.clip(p[np.arange(len(truth)), truth], 1e-6, 1.0)
    return {
        "n": float(len(keep)),
        "accuracy": float((guess == truth).mean()),
        # balanced accuracy: the mean recall over the classes the episodes hold
        "balanced_accuracy": float(
            recall_score(truth, guess, labels=np.unique(truth), average="macro", zero_division=0)
        ),
        "brier": float(((p - onehot) ** 2).sum(axis=1).mean()),
        "log_loss": float(-np.log(clipped).mean()),
    }


def money_scores(actual: NDArray[np.float64], predicted: NDArray[np.float64]) -> dict[str, float]:
    keep = ~np.isnan(actual)
    a, p = actual[keep], predicted[keep]
    ratio = np.abs(np.log(a / np.maximum(p, 1.0)))
    rho = float(spearmanr(a, p).statistic) if len(a) > 2 and np.ptp(p) > 0 else math.nan
    return {
        "n": float(len(a)),
        "spearman": rho,
        "within_factor_2": float((ratio <= math.log(2)).mean()),
        "median_abs_log_error": float(np.median(ratio)),
    }


@dataclass
class Evaluation:
    design: str
    classes: dict[str, dict[str, dict[str, float] | None]]  # target -> model -> scores
    money: dict[str, dict[str, float]]  # model -> scores
    calibration: list[tuple[float, float, int]]  # structural deal model: (predicted, observed, n)
    coercion_shares: dict[str, dict[str, float]]  # model -> predicted success / at least partial
    tested: NDArray[np.intp]
    predictions: Predictions
    # the same over the episodes of Greenhill's catalogue only, with their number ("n")
    greenhill_shares: dict[str, dict[str, float]] = field(default_factory=dict)


def calibration(
    y: list[str | None], p_yes: NDArray[np.float64], bins: int = 10
) -> list[tuple[float, float, int]]:
    """Deciles of the predicted probability: mean prediction, observed share, episodes."""
    keep = [i for i, v in enumerate(y) if v is not None]
    if not keep:
        return []
    p = p_yes[keep]
    obs = np.array([y[i] == "yes" for i in keep], dtype=float)
    order = np.argsort(p, kind="stable")
    out = []
    for chunk in np.array_split(order, min(bins, len(order))):
        if len(chunk):
            out.append((float(p[chunk].mean()), float(obs[chunk].mean()), len(chunk)))
    return out


def _coercion_shares(
    preds: Predictions, y: list[str | None], rows: list[int]
) -> dict[str, dict[str, float]]:
    """Per model, the mean predicted share of ``rows`` in which the challenger got all or most
    of its demands and at least some; ``recorded``: the same from the coding."""
    shares = {}
    for m in MODELS:
        p = preds.proba["coercion"][m][rows] if rows else np.zeros((0, 3))
        shares[m] = {
            "success": float(p[:, 2].mean()) if len(p) else math.nan,
            "at_least_partial": float((p[:, 1] + p[:, 2]).mean()) if len(p) else math.nan,
        }
    observed = [y[i] for i in rows]
    shares["recorded"] = {
        "success": observed.count("success") / len(observed) if observed else math.nan,
        "at_least_partial": (
            sum(v != "failure" for v in observed) / len(observed) if observed else math.nan
        ),
    }
    return shares


def evaluate(items: list[Episode], design: str) -> Evaluation:
    preds, tested = predict_out_of_sample(items, design)
    chosen = [items[i] for i in tested]
    classes: dict[str, dict[str, dict[str, float] | None]] = {}
    for target, names in CLASS_TARGETS.items():
        y = labels(chosen, target)
        classes[target] = {
            m: class_scores(y, preds.proba[target][m], names)
            for m in MODELS
            if m in preds.proba.get(target, {})
        }
    actual = Data.of(chosen).money_eur
    money = {m: money_scores(actual, preds.money[m]) for m in MODELS}
    y_deal = labels(chosen, "deal")
    cal = calibration(y_deal, preds.proba["deal"]["structural"][:, 1])
    y_co = labels(chosen, "coercion")
    coded = [i for i, v in enumerate(y_co) if v is not None]
    shares = _coercion_shares(preds, y_co, coded)
    greenhill = [i for i in coded if chosen[i].greenhill_case]
    cases = _coercion_shares(preds, y_co, greenhill)
    cases["recorded"]["n"] = float(len(greenhill))
    return Evaluation(design, classes, money, cal, shares, tested, preds, cases)
