"""The shares of stopped people who reroute that scenarios draw by default, from past closures.

``python -m migdip.flows.impact.diversion --write`` estimates, for each past closure whose fall
the validated forecaster tells from noise, the share of that fall that reappeared on the other
routes, with a range from the intervals, and commits it to ``flows/routes/data/diversion.json``.
Route-model and corridor scenarios draw ``ensemble.diversion`` from the pooled range (the rises
over the falls summed over the closures, with the other routes' interval bounds), capped at 1,
unless their file sets a range of its own (for example as a stress test).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from migdip.errors import MigdipError

FILE = "data/diversion.json"


def path() -> Path:
    return Path(str(resources.files("migdip.flows.routes").joinpath(FILE)))


def committed() -> dict[str, Any]:
    return dict(json.loads(path().read_text(encoding="utf-8")))


@cache
def estimated_range() -> tuple[float, float]:
    """The pooled range of the committed closures, within 0 to 1."""
    doc = committed()
    pooled = doc.get("pooled_range")
    if not doc["closures"] or pooled is None:
        raise MigdipError(
            f"{path()} holds no closure; run `python -m migdip.flows.impact.diversion --write`"
        )
    return max(0.0, float(pooled[0])), min(1.0, float(pooled[1]))
