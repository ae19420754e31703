"""Benchmark: ingest every bundled dataset; all pair indicators for one year; one dyad profile.

Targets (issue 3): full ingest under 30 s; all pairs for one year under 5 s; one dyad profile
under 50 ms. Prints measured figures (medians over repeats) and peak memory.
Run: python benchmarks/data_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from migdip.data import ingest as ingest_module
from migdip.data.ingest import ensure_datasets
from migdip.indicators.compute import pair_table, prepare
from migdip.indicators.profiles import dyad
from migdip.warehouse import open_warehouse

DYADS = (("TUR", "EU"), ("PHL", "KWT"), ("MEX", "USA"), ("SYR", "LBN"), ("IND", "ARE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2020)
    args = parser.parse_args()
    ingest_s, unchecked_s = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            con = open_warehouse(Path(tmp) / f"bench{i}.duckdb")
            start = time.perf_counter()
            results = ensure_datasets(con)
            ingest_s.append(time.perf_counter() - start)
            con.close()
        for i in range(args.repeat):  # the same ingest with the value rules switched off
            con = open_warehouse(Path(tmp) / f"unchecked{i}.duckdb")
            with mock.patch.object(ingest_module, "check", lambda *a, **k: None):
                start = time.perf_counter()
                ensure_datasets(con)
                unchecked_s.append(time.perf_counter() - start)
            con.close()
        rows = sum(r.rows for r in results)
        con = open_warehouse(Path(tmp) / "bench0.duckdb")
        pairs_s = []
        for _ in range(args.repeat):
            con.execute("DROP TABLE IF EXISTS _prepared_for")
            start = time.perf_counter()
            prepare(con, args.year)
            pair_table(con)
            count = con.execute("SELECT count(*) FROM _pairs").fetchone()
            pairs_s.append(time.perf_counter() - start)
        cold, warm = [], []
        for a, b in DYADS:
            con.execute("DROP TABLE IF EXISTS _prepared_for")
            start = time.perf_counter()
            dyad(con, a, b, args.year)
            cold.append(time.perf_counter() - start)
            for _ in range(5):
                start = time.perf_counter()
                dyad(con, a, b, args.year)
                warm.append(time.perf_counter() - start)
        con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ingest all {len(results)} bundled datasets ({rows:,} rows) into a fresh warehouse: "
        f"median {statistics.median(ingest_s):.2f} s over {args.repeat} runs (target < 30 s)"
    )
    checked, unchecked = statistics.median(ingest_s), statistics.median(unchecked_s)
    print(
        f"value rules (pandera) add {checked - unchecked:.2f} s to that ingest: "
        f"{100 * (checked - unchecked) / unchecked:+.0f}% over {unchecked:.2f} s without them "
        "(target < +20%)"
    )
    print(
        f"all pair indicators for {args.year} ({count[0] if count else 0:,} ordered pairs, "
        f"inputs staged): median {statistics.median(pairs_s):.2f} s (target < 5 s)"
    )
    print(
        f"one dyad profile: median {statistics.median(warm) * 1000:.0f} ms with the year's inputs "
        f"already staged, {statistics.median(cold) * 1000:.0f} ms from cold "
        f"({len(DYADS)} dyads; target < 50 ms)"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
