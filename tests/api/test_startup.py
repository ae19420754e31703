"""The API starts without the fitting libraries: a worker answers sooner (uvicorn pings it)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_api_leaves_the_fitting_libraries_unloaded() -> None:
    libraries = ("sklearn", "statsforecast", "statsmodels")
    code = f"import sys, migdip.api; print(','.join(m for m in {libraries!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""
