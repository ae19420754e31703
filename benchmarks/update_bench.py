"""Benchmark: update every dataset from recorded publisher responses (issue 16).

Target: an update of every dataset with a publisher service, from recorded responses (built in
the publishers' formats from the bundled data; see tests/data/recorded/README.md), under 60 s:
the fetch and conversion, the ingest checks, the change summaries and the atomic swaps. Prints
seconds (median over repeats) and peak memory.
Run: python benchmarks/update_bench.py [--repeat 1]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the recorded responses live with the tests

from tests.data.recorded.build import ensure_release  # noqa: E402

from migdip.data.ingest import ensure_bundled  # noqa: E402
from migdip.data.publishers import unhcr  # noqa: E402
from migdip.data.transport import RecordedTransport  # noqa: E402
from migdip.data.update import update  # noqa: E402
from migdip.warehouse import Warehouse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    unhcr.this_year = lambda: 2026  # the recordings' year (their URLs carry yearTo=2026)
    release = ensure_release()
    seconds, rows, counts = [], 0, ""
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            wh = Warehouse(Path(tmp) / f"bench{i}.duckdb")
            ensure_bundled(wh)
            start = time.perf_counter()
            report = update(wh, None, RecordedTransport(release))
            seconds.append(time.perf_counter() - start)
            if report.failed:
                raise SystemExit(f"update failed: {[o.message for o in report.failed]}")
            rows = sum(o.rows or 0 for o in report.outcomes)
            counts = ", ".join(f"{o.dataset} {o.status}" for o in report.outcomes)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"update every dataset from recorded responses ({len(counts.split(', '))} datasets, "
        f"{rows:,} rows checked, summarised and swapped in): median "
        f"{statistics.median(seconds):.1f} s over {args.repeat} run(s) (target < 60 s)"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
