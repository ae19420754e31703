"""Benchmark the corridor engine; prints measured figures with peak memory.

Target (issue 15): a corridor of 10 checkpoints, 50 nationalities and 120 months simulated in
under 1 s. The corridor here: a chain of 10 checkpoints (as from Panama to the United States)
with a path ending at each checkpoint and a path entering at each, 19 paths in all, a closure,
an interception and an attractiveness lever in force for part of the period (so people reroute
and re-choose their paths).
Run: python benchmarks/corridor_bench.py
"""

from __future__ import annotations

import resource
import time

import numpy as np

from migdip.flows.routes.corridor import Corridor, Lever, simulate


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    checkpoints = tuple(f"C{k}" for k in range(10))
    paths = tuple(checkpoints[: k + 1] for k in range(10)) + tuple((c,) for c in checkpoints[1:])
    corridor = Corridor(checkpoints, paths)
    months = [f"{2015 + k // 12}-{k % 12 + 1:02d}" for k in range(120)]
    rng = np.random.default_rng(0)
    departures = rng.gamma(2.0, 500.0, size=(120, 50, len(paths)))
    levers = (
        Lever("C4", "closure", 0.8, "2018-01", "2020-12"),
        Lever("C7", "interception", 0.3, "2017-06"),
        Lever("C2", "attractiveness", 0.0, "2019-01", "2021-12", factor=2.0),
    )
    simulate(corridor, months[:12], departures[:12], levers=levers)  # warm up
    start = time.perf_counter()
    result = simulate(corridor, months, departures, levers=levers, diversion=0.6)
    seconds = time.perf_counter() - start
    print(
        f"corridor: {len(checkpoints)} checkpoints, {len(paths)} paths, 50 nationalities, "
        f"120 months, a closure, an interception and an attractiveness lever: "
        f"{seconds:.3f} s (target < 1 s); "
        f"conservation error {abs(result.balance()):.2e} of {departures.sum():,.0f} people; "
        f"peak memory {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
