"""Benchmark the flow engine; prints measured figures with peak memory.

Targets (issues 4 and 5): the full backtest of Europe's routes under 60 s; 1 million people,
365 days, 500 places (synthetic) under 30 s on 2 cores; at least 50 times faster than Flee on the
same case (Flee here: mali2012 170.5 s, burundi2015 570.8 s with one process). Issue 14: an
ensemble of 1,000 runs of mali2012 (seeds and a parameter range), vectorised over runs, under 3 s
on 2 cores, and the same call on Ray; all eleven bundled Flee cases under 10 s.
Run: python benchmarks/flows_bench.py [--runs 1000] [--no-ray]
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import time

import numpy as np

from migdip.flows.engine.core import simulate
from migdip.flows.engine.ensemble import EnsembleSpec, run_ensemble
from migdip.flows.engine.runner import _Summary
from migdip.flows.engine.synthetic import synthetic_network, synthetic_run
from migdip.flows.flee.model import FLEE_PARAMS, build, run_case
from migdip.flows.flee.reader import read_case
from migdip.flows.flee.report import suite
from migdip.flows.flee.scoring import score
from migdip.paths import data_dir

FLEE_SECONDS = {"mali2012": 170.5, "burundi2015": 570.8}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()

    net = synthetic_network(500, 50, 50, seed=0)
    run = synthetic_run(net, 365, 1_000_000, seed=0)
    start = time.perf_counter()
    result = simulate(run, seed=1)
    seconds = time.perf_counter() - start
    print(
        f"synthetic: {int(run.spawn.sum()):,} people, 365 days, {net.n} places, "
        f"{len(net.links)} routes, whole people (seed 1): {seconds:.2f} s (target < 30 s); "
        f"conservation error {abs(run.spawn.sum() - result.deaths.sum() - result.total()[-1]):.0f}"
        f"; peak memory {peak_mb():.0f} MB"
    )

    cases = data_dir() / "flee_cases"
    start = time.perf_counter()
    results = suite(cases)
    print(
        f"all {len(results)} bundled Flee cases read, run and scored: "
        f"{time.perf_counter() - start:.2f} s (target < 10 s); peak memory {peak_mb():.0f} MB"
    )
    for name in ("mali2012", "burundi2015", "ssudan2013"):
        case = read_case(cases / name, cases / "simsetting.yml")
        times = []
        for _ in range(5):
            start = time.perf_counter()
            sim, _, _ = run_case(case)
            times.append(time.perf_counter() - start)
        s = score(case, sim)
        best = min(times)
        flee = FLEE_SECONDS.get(name)
        ratio = f", {flee / best:,.0f} times faster than Flee ({flee} s)" if flee else ""
        print(
            f"{name}: error rescaled {s.error_rescaled:.3f}, normal {s.error_normal:.3f}; "
            f"{best * 1000:.0f} ms per run (best of 5){ratio}"
        )

    import tempfile

    from migdip.data.ingest import ensure_datasets
    from migdip.data.series import FRONTEX_ROUTE, MAIN_ROUTES
    from migdip.flows.routes.model import backtest, from_frontex
    from migdip.warehouse import open_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        con = open_warehouse(f"{tmp}/bench.duckdb")
        ensure_datasets(con)
        start = time.perf_counter()
        data = from_frontex(con, [FRONTEX_ROUTE[r] for r in MAIN_ROUTES])
        bt = backtest(data)
        seconds = time.perf_counter() - start
        con.close()
    below = int((bt["mase"][2] < 1).sum())
    print(
        f"Europe route model: full rolling-origin backtest of all 6 routes, horizons 1-12 "
        f"({int(bt['origins'][0])} origins): {seconds:.2f} s (target < 60 s); MASE < 1 at 3 months "
        f"on {below} of 6 routes; peak memory {peak_mb():.0f} MB"
    )

    case = read_case(cases / "mali2012", cases / "simsetting.yml")
    fr = build(case)
    summary = _Summary(tuple(int(i) for i in fr.camp_index))
    spec = EnsembleSpec(args.runs, 0, {"distance_power": (0.5, 1.0)})
    backends = ["local"]
    if not args.no_ray and importlib.util.find_spec("ray") is not None:
        backends.append("ray")
    for backend in backends:
        start = time.perf_counter()
        values = run_ensemble(fr.run, summary, spec, FLEE_PARAMS, backend=backend, workers=2)
        seconds = time.perf_counter() - start
        finals = values[:, -1, :].sum(axis=1)
        print(
            f"ensemble of {args.runs} mali2012 runs (seeds and distance power 0.5-1), "
            f"backend {backend}, 2 workers: {seconds:.2f} s (target < 3 s); people in camps "
            f"on the last day: 5-95% {np.quantile(finals, 0.05):,.0f}-"
            f"{np.quantile(finals, 0.95):,.0f}; peak memory {peak_mb():.0f} MB (this process)"
        )


if __name__ == "__main__":
    main()
