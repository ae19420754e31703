"""Benchmark: Nash bargaining solutions per second on one core (target: 10,000 or more).

Each problem has 64 candidate packages with random utilities and a disagreement point; problems
are solved in batches, vectorised. Also times the alternating-offers solver on a 2,001-package
split. Run: python benchmarks/bargaining_bench.py
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")

from migdip.bargaining.solvers import alternating_offers, nash


def main() -> None:
    rng = np.random.default_rng(0)
    problems, packages = 100_000, 64
    u1, u2 = rng.random((problems, packages)), rng.random((problems, packages))
    d1, d2 = rng.random(problems) * 0.3, rng.random(problems) * 0.3
    start = time.perf_counter()
    for lo in range(0, problems, 10_000):
        nash(u1[lo : lo + 10_000], u2[lo : lo + 10_000], d1[lo : lo + 10_000], d2[lo : lo + 10_000])
    seconds = time.perf_counter() - start
    print(
        f"Nash bargaining: {problems / seconds:,.0f} solutions per second ({problems:,} problems "
        f"of {packages} packages, one core; target >= 10,000)"
    )
    grid = np.linspace(0, 1, 2001)
    start = time.perf_counter()
    for _ in range(20):
        alternating_offers(grid, 1 - grid, delta1=0.95, delta2=0.9, rounds=200)
    ms = (time.perf_counter() - start) / 20 * 1000
    print(
        f"alternating offers: {ms:.1f} ms per game (2,001 packages, 200 rounds, backward "
        "induction); compared with a negotiation library in negotiation_library_bench.py"
    )


if __name__ == "__main__":
    main()
