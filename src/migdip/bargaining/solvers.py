"""Bargaining solutions over issue-linked packages, vectorised over many problems at once.

A problem is a set of P candidate packages with each side's utility, and a disagreement point.
``nash`` picks the package maximising the Nash product (u1 - d1)(u2 - d2) over the packages both
prefer to disagreement; ``pareto`` marks the packages no other package beats for both sides;
``alternating_offers`` solves a finite-horizon alternating-offers game (Rubinstein, with a
deadline after which the disagreement point holds) by backward induction. With patient players
and a long horizon its first-round agreement approaches the Nash solution, and with a split of a
unit surplus it gives Rubinstein's shares (tests check both).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Solution:
    index: NDArray[np.int64]  # (B,) chosen package per problem, -1 where no agreement
    u1: NDArray[np.float64]  # (B,) utilities at the solution (disagreement where none)
    u2: NDArray[np.float64]
    agreed: NDArray[np.bool_]  # (B,)


def _batch(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return x[None, :] if x.ndim == 1 else x


def nash(
    u1: NDArray[np.float64],
    u2: NDArray[np.float64],
    d1: NDArray[np.float64] | float = 0.0,
    d2: NDArray[np.float64] | float = 0.0,
) -> Solution:
    """Nash bargaining solution for B problems of P packages: u1, u2 of shape (B, P) or (P,)."""
    a, b = _batch(np.asarray(u1, dtype=float)), _batch(np.asarray(u2, dtype=float))
    n = a.shape[0]
    d1a = np.broadcast_to(np.asarray(d1, dtype=float), (n,))[:, None]
    d2a = np.broadcast_to(np.asarray(d2, dtype=float), (n,))[:, None]
    gain1, gain2 = a - d1a, b - d2a
    feasible = (gain1 > 0) & (gain2 > 0)
    product = np.where(feasible, gain1 * gain2, -np.inf)
    idx = np.argmax(product, axis=1)
    agreed = np.isfinite(product[np.arange(n), idx])
    rows = np.arange(n)
    return Solution(
        np.where(agreed, idx, -1),
        np.where(agreed, a[rows, idx], d1a[:, 0]),
        np.where(agreed, b[rows, idx], d2a[:, 0]),
        agreed,
    )


def pareto(u1: NDArray[np.float64], u2: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Mask of Pareto-efficient packages (one problem: u1, u2 of shape (P,))."""
    order = np.lexsort((-u2, -u1))  # by u1 descending, then u2 descending
    s2 = np.asarray(u2, dtype=float)[order]
    before = np.maximum.accumulate(np.concatenate(([-np.inf], s2[:-1])))
    mask = np.zeros(len(u1), dtype=bool)
    mask[order] = s2 > before  # better for side 2 than every package better for side 1
    return mask


def alternating_offers(
    u1: NDArray[np.float64],
    u2: NDArray[np.float64],
    d1: float = 0.0,
    d2: float = 0.0,
    delta1: float = 0.95,
    delta2: float = 0.95,
    rounds: int = 50,
    first: int = 1,
) -> tuple[int, int]:
    """Subgame-perfect agreement of a finite alternating-offers game over the packages.

    Player ``first`` proposes in round 0, the other in round 1, and so on; utilities in round t
    are discounted by delta**t; after ``rounds`` rounds without agreement the disagreement point
    holds. Returns (package index or -1, the round of agreement: always 0 on the equilibrium
    path when an agreement exists).
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    # continuation values (undiscounted at the round they are obtained) after the deadline
    cont = {1: d1, 2: d2}
    delta = {1: delta1, 2: delta2}
    utility = {1: u1, 2: u2}
    choice = -1
    for t in range(rounds - 1, -1, -1):
        proposer = first if t % 2 == 0 else 3 - first
        responder = 3 - proposer
        last = t == rounds - 1
        # each side accepts (or proposes) nothing worse than waiting for the next round
        floor = {i: cont[i] if last else delta[i] * cont[i] for i in (1, 2)}
        ok = (utility[responder] >= floor[responder]) & (utility[proposer] >= floor[proposer])
        if ok.any():
            choice = int(np.flatnonzero(ok)[np.argmax(utility[proposer][ok])])
            cont = {1: float(u1[choice]), 2: float(u2[choice])}
        else:
            choice = -1
            cont = {i: delta[i] * cont[i] for i in (1, 2)}
    return choice, 0 if choice >= 0 else -1
