#!/usr/bin/env bash
# The main job: set up migdip in ./.venv with the locked versions (uv.lock), build the warehouse
# from the bundled records and data (first run only), and serve the dashboard and the REST API; it prints the
# address and the token for writes. Extra arguments go to `migdip serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh   # the exact versions of uv.lock; quick when nothing changed
exec .venv/bin/migdip serve "$@"
