"""Corridor departures and diversion shares estimated from counts at the checkpoints.

Counts at checkpoints in sequence count the same people more than once (Frontex counts on the
Eastern Mediterranean and then on the Western Balkans), so the people entering each path must be
estimated. ``attribute`` does it month by month, longest paths first: a path takes as many
people as every one of its checkpoints still has uncounted (people counted further along a path
are attributed to its earlier checkpoints as far as those counts allow), and those people are
taken off each of its checkpoints. With a one-checkpoint path at every checkpoint (people who
enter there) the counts are explained exactly; otherwise what a checkpoint's count leaves
unexplained is an error that names it. The shares of the paths among all departures over a window
are what ``corridor.simulate`` reroutes people by when a closure stops them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError
from migdip.flows.routes.corridor import Corridor

TOLERANCE = 1e-6


def attribute(corridor: Corridor, counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """(months, nationalities, paths) departures from (months, nationalities, checkpoints)
    counts (``corridor.lag`` must be 0: people cross a sequence within the month)."""
    if corridor.lag:
        raise InputError(
            f"corridor lag {corridor.lag}: departures can be estimated from counts only with "
            "lag 0 (people crossing the whole sequence within a month)"
        )
    if counts.ndim != 3 or counts.shape[2] != len(corridor.checkpoints):
        raise InputError(
            f"counts have shape {counts.shape}; accepted: (months, nationalities, "
            f"{len(corridor.checkpoints)} checkpoints)"
        )
    left = np.asarray(counts, dtype=np.float64).copy()
    out = np.zeros((*counts.shape[:2], len(corridor.paths)))
    order = sorted(range(len(corridor.paths)), key=lambda p: -len(corridor.paths[p]))
    for p in order:
        idx = [corridor.index(c) for c in corridor.paths[p]]
        take = np.maximum(left[:, :, idx].min(axis=2), 0.0)
        out[:, :, p] = take
        left[:, :, idx] -= take[:, :, None]
    residual = left.sum(axis=(0, 1))
    unexplained = [
        f"{c} ({residual[k]:,.0f})"
        for k, c in enumerate(corridor.checkpoints)
        if residual[k] > TOLERANCE * max(float(counts[:, :, k].sum()), 1.0)
    ]
    if unexplained:
        raise InputError(
            "the paths do not explain every count: " + ", ".join(unexplained) + " left over; "
            "accepted: paths such that every checkpoint's count can be someone's; add a path "
            "that enters at that checkpoint (e.g. a one-checkpoint path)"
        )
    return out


def path_shares(departures: NDArray[np.float64]) -> NDArray[np.float64]:
    """(nationalities, paths) each path's share of a nationality's departures over the
    months given (all nationalities' shares where a nationality has none)."""
    total = departures.sum(axis=0)
    overall = total.sum(axis=0)
    s = float(overall.sum())
    fallback = overall / s if s > 0 else np.full(len(overall), 1 / len(overall))
    n = total.sum(axis=1, keepdims=True)
    out = np.tile(fallback, (len(total), 1))
    return np.asarray(np.divide(total, n, out=out, where=n > 0))
