"""Benchmark: a bounded load test of the REST API on loopback (cached Atlas and dyad reads).

Target (issue 7): at least 1,000 requests a second with p95 latency under 50 ms on 2 cores.
Starts `migdip serve` (one process, as the README runs it) on a fresh warehouse, warms the read
cache with each URL once, then drives it with wrk (Debian package `wrk`, installed by test.sh)
from one thread with keep-alive connections over the URL mix for a fixed time. wrk shares the
machine's cores with the server. Prints requests a second, latency percentiles and errors.
Run: python benchmarks/api_load_bench.py [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

URLS = (
    "/api/v1/atlas/records?q=readmission",
    "/api/v1/atlas/records?instrument=deployment_ban&limit=20",
    "/api/v1/atlas/records?region=oceania&approach=cooperative",
    "/api/v1/atlas/records?dataset=curated&sort=-year&limit=50&offset=50",
    "/api/v1/atlas/records/eu-tur-2016-statement",
    "/api/v1/atlas/records/blr-pol-2021-engineered-crossings",
    "/api/v1/dyads/TUR/EU?year=2016",
    "/api/v1/dyads/PHL/KWT?year=2020",
    "/api/v1/dyads/MEX/USA?year=2020",
    "/api/v1/dyads/SYR/LBN?year=2020",
)
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%.3f %%d\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not answer within the time limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk); test.sh installs it")
    migdip = Path(sys.executable).with_name("migdip")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, MIGDIP_WAREHOUSE=str(Path(tmp) / "load.duckdb"))
        proc = subprocess.Popen(
            [str(migdip), "serve", "--port", str(port), "--json", "--token", "bench"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base, proc)
            cold = []
            for url in URLS:
                start = time.perf_counter()
                with urllib.request.urlopen(base + url, timeout=30) as r:
                    json.load(r)
                cold.append(time.perf_counter() - start)
            script = Path(tmp) / "mix.lua"
            script.write_text(LUA % ", ".join(f'"{u}"' for u in URLS), encoding="utf-8")
            out = subprocess.run(
                [
                    wrk,
                    "-t1",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "-s",
                    str(script),
                    base,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, micros, p50, p95, p99, worst, errors = line.split()[1:]
    rate = int(n) / (int(micros) / 1e6)
    print(
        f"API load test: {len(URLS)} cached Atlas and dyad reads, {args.connections} keep-alive "
        f"connections, {args.seconds} s, one server process and wrk on {os.cpu_count()} cores"
    )
    print(
        f"  first (uncached) requests: median {sorted(cold)[len(cold) // 2] * 1000:.0f} ms, "
        f"slowest {max(cold) * 1000:.0f} ms"
    )
    print(f"  {int(n):,} requests: {rate:,.0f} requests/s (target >= 1,000)")
    print(
        f"  latency p50 {float(p50):.2f} ms, p95 {float(p95):.2f} ms (target < 50), "
        f"p99 {float(p99):.2f} ms, max {float(worst):.1f} ms; errors {errors}"
    )
    met = rate >= 1000 and float(p95) < 50 and int(errors) == 0
    print(f"  targets {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
