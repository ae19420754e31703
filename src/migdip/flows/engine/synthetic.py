"""Synthetic route networks for benchmarks and tests (reproducible from a seed)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from migdip.flows.engine.core import Run
from migdip.flows.engine.network import Link, Network, Place


def synthetic_network(
    n_places: int = 500,
    n_sinks: int = 50,
    n_sources: int = 50,
    seed: int = 0,
    neighbours: int = 4,
    size_km: float = 3000.0,
) -> Network:
    """Places scattered on a square, each linked to its nearest neighbours (connected)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, size_km, size=(n_places, 2))
    kinds = np.array(["town"] * n_places, dtype=object)
    order = rng.permutation(n_places)
    kinds[order[:n_sources]] = "conflict_zone"
    kinds[order[n_sources : n_sources + n_sinks]] = "camp"
    places = tuple(
        Place(
            f"p{i}",
            str(kinds[i]),
            country=f"c{int(xy[i, 0] // (size_km / 5))}",
            population=float(rng.integers(10_000, 500_000)) if kinds[i] == "conflict_zone" else 0.0,
            capacity=float(rng.integers(5_000, 100_000)) if kinds[i] == "camp" else float("inf"),
        )
        for i in range(n_places)
    )
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    pairs: set[tuple[int, int]] = set()
    for i in range(n_places):
        for j in np.argsort(dist[i])[1 : neighbours + 1]:
            pairs.add((min(i, int(j)), max(i, int(j))))
    for i in range(n_places - 1):  # a chain keeps the graph connected
        pairs.add(
            (int(order[i]), int(order[i + 1]))
            if order[i] < order[i + 1]
            else (int(order[i + 1]), int(order[i]))
        )
    links = tuple(Link(f"p{a}", f"p{b}", max(float(dist[a, b]), 1.0)) for a, b in sorted(pairs))
    return Network(places, links)


def synthetic_run(
    network: Network, days: int = 365, people: float = 1_000_000, seed: int = 0
) -> Run:
    """Spread ``people`` over the sources and days (more early on), reproducibly."""
    rng = np.random.default_rng(seed)
    sources = np.flatnonzero(network.kinds == "conflict_zone")
    weights: NDArray[np.float64] = rng.dirichlet(np.ones(len(sources)))
    daily = np.exp(-np.arange(days) / (days / 3))
    daily = daily / daily.sum()
    spawn = np.zeros((days, network.n))
    spawn[:, sources] = np.round(people * daily[:, None] * weights[None, :])
    return Run(network, days, spawn, np.zeros(network.n))
