"""Benchmark: a bounded load test of the REST API on loopback, with 1 and 4 server workers.

Target (issue 7): at least 1,000 requests a second with p95 latency under 50 ms on 2 cores for
cached reads. Starts `migdip serve` (one process as the README runs it, then `--workers 4`) on
one warehouse, warms the read cache with each URL once, then drives it with wrk (Debian package
`wrk`, installed by test.sh) from one thread with keep-alive connections over the URL mix for a
fixed time; then the same for uncached reads (Atlas searches whose page offset changes on every
request, so each is computed). wrk shares the machine's cores with the server. Prints requests a
second, latency percentiles and errors for each.
Run: python benchmarks/api_load_bench.py [--seconds 10] [--connections 16] [--workers 1,4]
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


UNCACHED_LUA = """
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/atlas/records?q=agreement&limit=5&offset=" .. (i % 20000))
end
""" + (LUA[LUA.index("done = function") :] % ())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", default="1,4", help="worker counts to measure")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk); test.sh installs it")
    print(
        f"API load test: {len(URLS)} Atlas and dyad reads, {args.connections} keep-alive "
        f"connections, {args.seconds} s each, wrk and the server on {os.cpu_count()} cores"
    )
    met = True
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "load.duckdb"
        for workers in (int(w) for w in args.workers.split(",")):
            met &= _measure(wrk, workers, warehouse, Path(tmp), args)
    print(f"  targets (cached reads, 1 worker) {'met' if met else 'NOT met'}")


def _measure(wrk: str, workers: int, warehouse: Path, tmp: Path, args: argparse.Namespace) -> bool:
    migdip = Path(sys.executable).with_name("migdip")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, MIGDIP_WAREHOUSE=str(warehouse))
    command = [str(migdip), "serve", "--port", str(port), "--json", "--token", "bench-token"]
    proc = subprocess.Popen(
        [*command, "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        wait_until_up(base, proc)
        cold = []
        for url in URLS:
            for _ in range(workers):  # each worker has its own cache: warm them all
                start = time.perf_counter()
                with urllib.request.urlopen(base + url, timeout=60) as r:
                    json.load(r)
                cold.append(time.perf_counter() - start)
        mix = LUA % ", ".join(f'"{u}"' for u in URLS)
        cached = _wrk(wrk, tmp / "mix.lua", mix, base, args.seconds, args.connections)
        uncached = _wrk(wrk, tmp / "uncached.lua", UNCACHED_LUA, base, args.seconds, 4)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(
        f"  {workers} worker(s): first requests median {sorted(cold)[len(cold) // 2] * 1000:.0f} ms"
    )
    for name, (rate, p50, p95, p99, errors) in (
        (f"cached, {args.connections} connections", cached),
        ("uncached searches, 4 connections", uncached),
    ):
        print(
            f"    {name}: {rate:,.0f} requests/s, latency p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
            f"p99 {p99:.2f} ms; errors {errors}"
        )
    rate, _, p95, _, errors = cached
    return workers != 1 or (rate >= 1000 and p95 < 50 and errors == 0)


def _wrk(
    wrk: str, script: Path, text: str, base: str, seconds: int, connections: int
) -> tuple[float, float, float, float, int]:
    script.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, micros, p50, p95, p99, _, errors = line.split()[1:]
    return int(n) / (int(micros) / 1e6), float(p50), float(p95), float(p99), int(errors)


if __name__ == "__main__":
    main()
