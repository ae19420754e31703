"""The shares of stopped people who reroute that scenarios draw by default, from past closures.

``python -m migdip.flows.impact.diversion --write`` estimates, for each past closure whose fall
the validated forecaster tells from noise, the share of that fall that reappeared on the other
routes, with a range from the intervals, and commits it to ``flows/routes/data/diversion.json``.
Route-model and corridor scenarios draw ``ensemble.diversion`` from the union of those ranges
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
    """The lowest and highest share the committed closures' intervals allow."""
    found = committed()["closures"]
    if not found:
        raise MigdipError(
            f"{path()} holds no closure; run `python -m migdip.flows.impact.diversion --write`"
        )
    lows = [float(c["share_range"][0]) for c in found]
    highs = [float(c["share_range"][1]) for c in found]
    return min(lows), min(1.0, max(highs))
