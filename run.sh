#!/usr/bin/env bash
# The main job: set up migdip in ./.venv (first run only), build the warehouse from the bundled
# records and data (first run only), and serve the dashboard and the REST API; it prints the
# address and the token for writes. Extra arguments go to `migdip serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/migdip ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
fi
exec .venv/bin/migdip serve "$@"
