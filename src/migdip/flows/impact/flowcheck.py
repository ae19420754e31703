"""Check the Atlas's sourced before/after figures against the series the warehouse holds.

A flow effect is checkable when it names its series (``series:``, grammar in
``migdip.data.series``) or, failing that, when its metric names Frontex and the record lists
its routes. Its periods must be a year (``2016``), a month (``2016-03``) or a range
(``2016-03..2017-02``, ``2015..2016``) inside the series; yearly series need whole years, and a
stock (refugees hosted at the end of a year) a single year. The record's figure is compared
with the warehouse's value over the same period; a difference over ``TOLERANCE`` is reported (a
curation error, or another measure: sea arrivals counted by UNHCR are not Frontex detections).
"""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb

from migdip.data.series import FRONTEX_ROUTE, ROUTES, SERIES, Kind, Series, parse_series
from migdip.flows.routes.model import month_range

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


def years_of(period: str | None) -> list[int] | None:
    """The years a period covers when it is made of whole years, else None."""
    months = months_of(period)
    if months is None or months[0][5:] != "01" or months[-1][5:] != "12":
        return None
    return list(range(int(months[0][:4]), int(months[-1][:4]) + 1))


def _series_of(effect: dict[str, Any], record: dict[str, Any]) -> Series | None:
    text = effect.get("series")
    if text:
        return parse_series(str(text))
    if "frontex" in str(effect.get("metric", "")).lower():
        routes = tuple(r for r in record.get("routes", []) if r in FRONTEX_ROUTE)
        return Series("frontex", routes) if routes else None
    return None


def _where(series: Series) -> tuple[str, list[Any]]:
    spec = series.spec
    if spec.keys == "routes":
        names = [ROUTES[series.kind][r] for r in series.keys]
        return "list_contains(?, route)", [names]
    clauses, args = [], []
    for column, key in zip((spec.origin, spec.destination), series.keys, strict=True):
        if key != "*":
            clauses.append(f"{column} = ?")
            args.append(key)
    return " AND ".join(clauses) or "true", args


def _time(spec: Kind) -> str:
    return {"month": "month", "date": "strftime(date, '%Y-%m')"}.get(spec.time, "year")


def span(con: duckdb.DuckDBPyConnection, series: Series) -> tuple[str, str] | None:
    """The first and last month (or year) the warehouse holds for this kind of series."""
    spec = series.spec
    row = con.execute(f"SELECT min({_time(spec)}), max({_time(spec)}) FROM {spec.table}").fetchone()
    return (str(row[0]), str(row[1])) if row and row[0] is not None else None


def value_for(con: duckdb.DuckDBPyConnection, series: Series, period: str | None) -> float | None:
    """The warehouse's figure for the period, or None when the period cannot be checked."""
    spec = series.spec
    bounds = span(con, series)
    if bounds is None:
        return None
    where, args = _where(series)
    if spec.time in ("month", "date"):
        times: list[Any] | None = months_of(period)
        inside = times is not None and times[0] >= bounds[0] and times[-1] <= bounds[1]
    else:
        times = years_of(period)
        inside = times is not None and str(times[0]) >= bounds[0] and str(times[-1]) <= bounds[1]
        if spec.time == "stock" and times is not None and len(times) != 1:
            return None
    if not inside or times is None:
        return None
    got = con.execute(
        f"SELECT coalesce(sum({spec.value}), 0) FROM {spec.table} "
        f"WHERE {where} AND list_contains(?, {_time(spec)})",
        [*args, times],
    ).fetchone()
    return float(got[0]) if got else 0.0


def _sides(
    con: duckdb.DuckDBPyConnection, series: Series, effect: dict[str, Any]
) -> list[dict[str, Any]]:
    """The before and after figures an effect gives, each beside the warehouse's value over
    the same period (None where the period cannot be checked) and flagged past TOLERANCE."""
    out = []
    for side in ("before", "after"):
        value, period = effect.get(f"{side}_value"), effect.get(f"{side}_period")
        if value is None:
            continue
        warehouse = value_for(con, series, period)
        diff = (float(value) - warehouse) / warehouse if warehouse else None
        whole = years_of(period) or []
        out.append(
            {
                "side": side,
                "period": period,
                "recorded": float(value),
                "warehouse": warehouse,
                "difference": None if diff is None else round(diff, 4),
                "flagged": warehouse is not None and (diff is None or abs(diff) > TOLERANCE),
                "year": whole[0] if len(whole) == 1 else None,
            }
        )
    return out


def check_flows(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Every checkable figure with the warehouse's value; differences over 10% flagged."""
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
            series = _series_of(effect, record)
            if series is None:
                uncheckable += 1
                continue
            for side in _sides(con, series, effect):
                if side["warehouse"] is None:
                    continue
                checked.append(
                    {
                        "record": rid,
                        "metric": effect.get("metric"),
                        "series": series.text,
                        "period": side["period"],
                        "routes": list(series.keys) if series.spec.keys == "routes" else [],
                        **{k: side[k] for k in ("recorded", "warehouse", "difference", "flagged")},
                    }
                )
    return {
        "tolerance": TOLERANCE,
        "series": {kind: spec.description for kind, spec in SERIES.items()},
        "checked": checked,
        "flagged": sum(1 for c in checked if c["flagged"]),
        "not_checkable": uncheckable,
    }


def _yearly(
    con: duckdb.DuckDBPyConnection, series: Series, years: list[int]
) -> list[dict[str, Any]]:
    """The series by whole year (a stock at the year's end), years the data cover in full."""
    spec = series.spec
    bounds = span(con, series)
    if bounds is None:
        return []
    if spec.time in ("month", "date"):
        first = int(bounds[0][:4]) + (bounds[0][5:] != "01")
        last = int(bounds[1][:4]) - (bounds[1][5:] != "12")
    else:
        first, last = int(bounds[0]), int(bounds[1])
    chosen = [y for y in years if first <= y <= last]
    where, args = _where(series)
    year = {"date": "year(date)", "month": "CAST(substr(month, 1, 4) AS INTEGER)"}.get(
        spec.time, "year"
    )
    rows = con.execute(
        f"SELECT {year} AS y, coalesce(sum({spec.value}), 0) FROM {spec.table} "
        f"WHERE {where} AND list_contains(?, {year}) GROUP BY y ORDER BY y",
        [*args, chosen],
    ).fetchall()
    have = {int(y): float(v) for y, v in rows}
    return [{"year": y, "value": have.get(y, 0.0)} for y in chosen]


def record_flows(con: duckdb.DuckDBPyConnection, record_id: str) -> list[dict[str, Any]]:
    """Each sourced flow effect of a record beside the warehouse series it names.

    Per effect: the series, the warehouse's yearly values from three years before the first
    period to three after the last, and each side's recorded figure with the warehouse's value
    over the same period (None where the period cannot be checked).
    """
    row = con.execute("SELECT doc FROM atlas_records WHERE id = ?", [record_id]).fetchone()
    if row is None:
        return []
    record = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    out: list[dict[str, Any]] = []
    for effect in record.get("outcome", {}).get("flow_effects", []):
        series = None if effect.get("computed") else _series_of(effect, record)
        if series is None:
            continue
        sides = _sides(con, series, effect)
        years = [
            int(m[:4])
            for months in (months_of(side["period"]) for side in sides)
            if months
            for m in (months[0], months[-1])
        ]
        window = list(range(min(years) - 3, max(years) + 4)) if years else []
        out.append(
            {
                "metric": effect.get("metric"),
                "series": series.text,
                "description": series.spec.description,
                "yearly": _yearly(con, series, window),
                "sides": sides,
                "sources": effect.get("sources", []),
            }
        )
    return out
