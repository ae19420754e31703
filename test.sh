#!/usr/bin/env bash
# The test command: install migdip with its development tools in ./.venv at the locked versions
# of uv.lock (and Debian's Chromium for the browser tests and wrk for the load benchmark), then lint, type-check, run the test suite
# (warnings are errors; browser tests included) and print the benchmark figures.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh --extra dev --extra ray   # the exact versions of uv.lock
if ! command -v chromium >/dev/null || ! command -v wrk >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium wrk >/dev/null
fi
export MIGDIP_WAREHOUSE="${MIGDIP_WAREHOUSE:-$(mktemp -d)/migdip-test.duckdb}"
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
.venv/bin/pytest -q "$@"
.venv/bin/python benchmarks/atlas_bench.py
.venv/bin/python benchmarks/data_bench.py
.venv/bin/python benchmarks/update_bench.py
.venv/bin/python benchmarks/flows_bench.py
.venv/bin/python benchmarks/corridor_bench.py
.venv/bin/python benchmarks/forecast_bench.py
.venv/bin/python benchmarks/bargaining_bench.py
.venv/bin/python benchmarks/api_load_bench.py
# The negotiation library (AGPL) lives in its own environment, never in migdip's: a failed install
# only skips that comparison.
.venv/bin/python benchmarks/negotiation_library_bench.py --install \
  || echo "negotiation library comparison skipped (its separate environment could not be set up)"
