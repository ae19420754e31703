"""Benchmark: estimating the bargaining model on the Atlas (target: under 60 s on 2 cores) and
one prediction with intervals (target: under 50 ms), with peak memory.

Builds the warehouse if needed, reads the episode table from it (timed apart: it is SQL over
the bundled data), fits the posterior mode and its Laplace covariance, then times predictions of
one negotiation with 1,000 posterior draws. Run: python benchmarks/estimation_bench.py
"""

from __future__ import annotations

import resource
import time

from migdip.atlas import Atlas
from migdip.bargaining.episodes import episodes
from migdip.bargaining.estimate import Data, fit
from migdip.bargaining.estimated import episode_for, predict
from migdip.data.ingest import ensure_bundled
from migdip.warehouse import Warehouse


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    wh = Warehouse()
    ensure_bundled(wh)
    atlas = Atlas(warehouse=wh)
    start = time.perf_counter()
    items = episodes(atlas.con)
    table = time.perf_counter() - start
    start = time.perf_counter()
    fitted = fit(Data.of(items))
    seconds = time.perf_counter() - start
    print(
        f"episode table: {len(items)} episodes in {table:.1f} s; estimation (posterior mode and "
        f"Laplace covariance): {seconds:.2f} s (target < 60 s); converged {fitted.converged}; "
        f"peak memory {_peak_mib():,.0f} MiB"
    )
    one = episode_for(
        "EU",
        "TUR",
        2016,
        {"arrivals": 885_000.0, "returnable": 5_000.0, "diaspora": 3e6, "hosted": 2.8e6},
        frozenset({"money", "interception", "readmission", "visas"}),
        False,
    )
    predict(one)  # warm: reads the committed estimate once
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        predict(one)
    ms = (time.perf_counter() - start) / runs * 1000
    print(
        f"one prediction with 90% intervals (1,000 posterior draws): {ms:.1f} ms "
        f"(target < 50 ms); peak memory {_peak_mib():,.0f} MiB"
    )


if __name__ == "__main__":
    main()
