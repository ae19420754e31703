"""Benchmark the forecast benchmark: the full rolling-origin backtest and one deal impact.

Target (issue 15): the full backtest of the route model and every baseline (last value, seasonal
naive, drift, statsforecast's AutoETS, AutoARIMA and AutoTheta, and the combinations) on the six
Frontex routes under 60 s on 2 cores. Prints the measured figures with peak memory.
Run: python benchmarks/forecast_bench.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

from migdip.data.ingest import with_datasets
from migdip.flows.impact import forecast as forecast_impact
from migdip.flows.routes import forecast_report
from migdip.warehouse import Warehouse


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # statsforecast's convergence notes, not figures
    con = with_datasets(Warehouse())
    start = time.perf_counter()
    bt = forecast_report.run(con, jobs=args.jobs)
    seconds = time.perf_counter() - start
    n = len(bt.origins) * len(bt.routes)
    print(
        f"forecast backtest: {len(bt.models)} forecasters, {len(bt.routes)} routes, "
        f"{len(bt.origins)} origins (every {forecast_report.STEP} months), 12 horizons, "
        f"{n} fits per model, {args.jobs} processes: {seconds:.1f} s (target < 60 s); "
        f"peak memory {peak_mb():.0f} MB (this process; the workers are separate)"
    )
    committed = forecast_report.committed_backtest()
    start = time.perf_counter()
    estimate = forecast_impact.estimate(con, "eastern_mediterranean", "2016-03", committed)
    print(
        f"one deal impact (EU-Turkey 2016, Eastern Mediterranean, {estimate['forecaster']}): "
        f"{time.perf_counter() - start:.2f} s; peak memory {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
