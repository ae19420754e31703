"""Check the Atlas's sourced before/after figures against the series the warehouse holds.

A flow effect is checkable when it names its series (``series: frontex:<route>[+<route>]``) or,
failing that, when its metric names Frontex and the record lists its routes; its periods must
be a year (``2016``), a month (``2016-03``) or a range (``2016-03..2017-02``, ``2015..2016``)
inside the data. The record's figure is compared with the sum of Frontex detections over those
routes and months; a difference over ``TOLERANCE`` is reported (a curation error, or another
measure: sea arrivals counted by UNHCR are not detections).
"""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb

from migdip.flows.impact import FRONTEX_ROUTE
from migdip.flows.routes_model import month_range

TOLERANCE = 0.10
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:\.\.(\d{4})(?:-(\d{2}))?)?$")


def months_of(period: str | None) -> list[str] | None:
    """The months a period covers, or None when it is not a year, month or range of them."""
    match = _PERIOD.match((period or "").strip())
    if not match:
        return None
    y1, m1, y2, m2 = match.groups()
    first = f"{y1}-{m1 or '01'}"
    last = f"{y1}-{m1 or '12'}" if y2 is None else f"{y2}-{m2 or '12'}"
    return month_range(first, last) or None


def _routes(effect: dict[str, Any], record: dict[str, Any]) -> list[str]:
    series = str(effect.get("series") or "")
    if series.startswith("frontex:"):
        return [r for r in series.removeprefix("frontex:").split("+") if r in FRONTEX_ROUTE]
    if "frontex" in str(effect.get("metric", "")).lower():
        return [r for r in record.get("routes", []) if r in FRONTEX_ROUTE]
    return []


def check_flows(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Every checkable figure with the warehouse's value; differences over 10% flagged."""
    span = con.execute("SELECT min(month), max(month) FROM frontex_detections").fetchone()
    first, last = (span[0], span[1]) if span and span[0] else ("", "")
    rows = con.execute(
        "SELECT id, doc FROM atlas_records WHERE provenance = 'curated' ORDER BY id"
    ).fetchall()
    checked: list[dict[str, Any]] = []
    uncheckable = 0
    for rid, raw in rows:
        record = json.loads(raw) if isinstance(raw, str) else raw
        for effect in record.get("outcome", {}).get("flow_effects", []):
            if effect.get("computed"):
                continue
            routes = _routes(effect, record)
            if not routes:
                uncheckable += 1
                continue
            for side in ("before", "after"):
                value, period = effect.get(f"{side}_value"), effect.get(f"{side}_period")
                months = months_of(period)
                if value is None or months is None or months[0] < first or months[-1] > last:
                    continue
                got = con.execute(
                    "SELECT coalesce(sum(detections), 0) FROM frontex_detections "
                    "WHERE list_contains(?, route) AND list_contains(?, month)",
                    [[FRONTEX_ROUTE[r] for r in routes], months],
                ).fetchone()
                warehouse = float(got[0]) if got else 0.0
                diff = (float(value) - warehouse) / warehouse if warehouse else None
                checked.append(
                    {
                        "record": rid,
                        "metric": effect.get("metric"),
                        "period": period,
                        "routes": routes,
                        "recorded": float(value),
                        "warehouse": warehouse,
                        "difference": None if diff is None else round(diff, 4),
                        "flagged": diff is None or abs(diff) > TOLERANCE,
                    }
                )
    return {
        "tolerance": TOLERANCE,
        "series": f"frontex_detections {first} to {last}",
        "checked": checked,
        "flagged": sum(1 for c in checked if c["flagged"]),
        "not_checkable": uncheckable,
    }
