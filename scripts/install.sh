#!/usr/bin/env bash
# Install migdip into ./.venv with the exact versions of uv.lock (the lock file), using uv
# (itself pinned and installed into ./.tools). Arguments go to `uv sync`, e.g. --extra dev.
#
# Upgrading the locked versions is one command, then run the tests and commit uv.lock:
#   .tools/bin/uv lock --upgrade            (or --upgrade-package NAME for one package)
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION="0.13.9"
if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  python3 -m venv .tools
  .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
export UV_PROJECT_ENVIRONMENT="$PWD/.venv"
.tools/bin/uv sync --frozen --quiet --python "$(command -v python3)" "$@"
