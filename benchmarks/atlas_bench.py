"""Benchmark: compile the whole Atlas into a fresh warehouse; faceted search latency.

Targets (issue 2): compile under 5 s; faceted search median under 50 ms. Prints measured figures.
Run: python benchmarks/atlas_bench.py [--repeat 3] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from migdip.atlas import Atlas
from migdip.atlas.codebook import vocabulary
from migdip.atlas.store import build_atlas
from migdip.warehouse import open_warehouse


def compile_times(repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            con = open_warehouse(Path(tmp) / "bench.duckdb")
            build_atlas(con)
            con.close()
            times.append(time.perf_counter() - start)
    return times


def search_times(atlas: Atlas, queries: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    words = ["readmission", "visa", "labour", "refugee", "border", "workers", "agreement", "deal"]
    parties = ["TUR", "PHL", "USA", "MEX", "EU", "LBY", "AUS", "DEU", "SAU", "KWT"]
    times = []
    for _ in range(queries):
        facets = {
            "region": rng.choice([None, *vocabulary("region")]),
            "instrument": rng.choice([None, None, *vocabulary("instrument")]),
            "approach": rng.choice([None, *vocabulary("approach_mode")]),
            "party": rng.choice([None, None, *parties]),
            "year_from": rng.choice([None, 1960, 1990, 2010]),
        }
        text = rng.choice([None, *words])
        start = time.perf_counter()
        atlas.search(text, limit=20, **facets)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    compile_s = compile_times(args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        atlas = Atlas(warehouse=Path(tmp) / "bench.duckdb")
        n = atlas.search(limit=0).total
        search_s = search_times(atlas, args.queries, args.seed)
        atlas.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records compiled: {n}")
    print(
        f"compile whole Atlas into a fresh warehouse: median {statistics.median(compile_s):.2f} s "
        f"(min {min(compile_s):.2f}, max {max(compile_s):.2f}, {args.repeat} runs; target < 5 s)"
    )
    ms = [t * 1000 for t in search_s]
    print(
        f"faceted search with facet counts: median {statistics.median(ms):.1f} ms, "
        f"p95 {statistics.quantiles(ms, n=20)[18]:.1f} ms ({args.queries} queries; target "
        "median < 50 ms)"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
