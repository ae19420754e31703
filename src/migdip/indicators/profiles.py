"""Profiles built on the indicator tables: a dyad, partners' leverage over a state, a country.

Every figure comes with the year it refers to and the dataset it came from.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb

from migdip.data.actors import kind_of
from migdip.data.registry import DATASETS
from migdip.errors import InputError
from migdip.indicators.catalogue import indicators
from migdip.indicators.compute import (
    DEFAULT_YEAR,
    Years,
    pair_table,
    prepare,
    state_table,
)
from migdip.warehouse import transaction

COMPONENTS = ("c_route", "c_hosting", "c_workers", "c_remittances", "c_power")

# pair indicator -> (the Years field or pair column giving its year, datasets)
PAIR_YEARS: dict[str, tuple[str, tuple[str, ...]]] = {
    "migrants_a_in_b": ("desa", ("undesa_stock",)),
    "migrants_b_in_a": ("desa", ("undesa_stock",)),
    "migrants_a_in_b_pct_pop_a": ("desa", ("undesa_stock", "wdi")),
    "migrants_a_in_b_pct_pop_b": ("desa", ("undesa_stock", "wdi")),
    "migrants_b_in_a_pct_pop_a": ("desa", ("undesa_stock", "wdi")),
    "refugees_from_b_in_a": ("unhcr", ("unhcr_population",)),
    "refugees_from_a_in_b": ("unhcr", ("unhcr_population",)),
    "remittances_b_to_a": ("remittance_matrix", ("wb_remittances",)),
    "remittances_a_to_b": ("remittance_matrix", ("wb_remittances",)),
    "transit_share_a_for_b": ("frontex", ("frontex_detections",)),
    "gdp_ratio_a_b": ("gdp_year_a", ("wdi",)),
    "population_ratio_a_b": ("pop_year_a", ("wdi",)),
    "distance_km": ("", ("capital_distances",)),
    "leverage_a_over_b": (
        "asked",
        (
            "frontex_detections",
            "unhcr_population",
            "undesa_stock",
            "wb_remittances",
            "wdi",
            "capital_distances",
        ),
    ),
}
STATE_YEARS: dict[str, tuple[str, tuple[str, ...]]] = {
    "population": ("pop_year", ("wdi",)),
    "gdp_usd": ("gdp_year", ("wdi",)),
    "hosted_total": ("unhcr", ("unhcr_population",)),
    "hosted_per_1000": ("unhcr", ("unhcr_population", "wdi")),
    "hosted_per_gdp": ("unhcr", ("unhcr_population", "wdi")),
    "remittances_received_pct_gdp": ("remin_year", ("wdi",)),
    "emigrants": ("desa", ("undesa_stock",)),
    "immigrants": ("desa", ("undesa_stock",)),
    "position": ("asked", ("undesa_stock", "wdi", "unhcr_population", "frontex_detections")),
    "vulnerability_engineered_migration": (
        "unhcr",
        ("unhcr_population", "unhcr_asylum_applications", "wdi", "capital_distances"),
    ),
}


def source_label(dataset_id: str) -> str:
    d = DATASETS[dataset_id]
    return f"{d.publisher}: {d.title} ({d.version})"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [{k: _clean(v) for k, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _year_of(key: str, years: Years, row: dict[str, Any]) -> int | None:
    if not key:
        return None
    if hasattr(years, key):
        value = getattr(years, key)
        return int(value) if value is not None else None
    value = row.get(key)
    return int(value) if value is not None else None


def _figures(
    row: dict[str, Any], table: dict[str, tuple[str, tuple[str, ...]]], years: Years
) -> list[dict[str, Any]]:
    catalogue = indicators()
    out = []
    for name, (year_key, datasets) in table.items():
        ind = catalogue[name]
        out.append(
            {
                "name": name,
                "title": ind.title,
                "unit": ind.unit,
                "value": row.get(name),
                "year": _year_of(year_key, years, row),
                "datasets": list(datasets),
                "sources": [source_label(d) for d in datasets],
            }
        )
    return out


def _leverage(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "score": row.get("leverage_a_over_b"),
        "components": {c.removeprefix("c_"): row.get(c) for c in COMPONENTS},
    }


def _blocs(*codes: str) -> tuple[str, ...]:
    return tuple(c for c in codes if kind_of(c) == "bloc")


def dyad(
    con: duckdb.DuckDBPyConnection, a: str, b: str, year: int = DEFAULT_YEAR
) -> dict[str, Any]:
    """Every pair figure of A and B (both directions), with its year and sources."""
    a, b = a.upper(), b.upper()
    if a == b:
        raise InputError(f"a dyad needs two different parties; got {a} twice")
    with transaction(con):  # one transaction: the many temporary tables commit once
        years = prepare(con, year, _blocs(a, b))
        pair_table(con, [a, b], [a, b])
        state_table(con, [a, b])
    rows = {
        (r["a"], r["b"]): r
        for r in _rows(
            con.execute(
                "SELECT * FROM _pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", [a, b, b, a]
            )
        )
    }
    if (a, b) not in rows:
        raise InputError(f"{a} and {b} overlap (one is a member of the other in {year})")
    ab, ba = rows[(a, b)], rows[(b, a)]
    st = {
        r["entity"]: r
        for r in _rows(con.execute("SELECT * FROM _states WHERE entity IN (?, ?)", [a, b]))
    }
    return {
        "a": a,
        "b": b,
        "year": year,
        "years": years.__dict__,
        "figures": _figures(ab, PAIR_YEARS, years),
        "leverage": {"a_over_b": _leverage(ab), "b_over_a": _leverage(ba)},
        "states": {code: _figures(st.get(code, {}), STATE_YEARS, years) for code in (a, b)},
    }


def leverage_over(
    con: duckdb.DuckDBPyConnection, b: str, year: int = DEFAULT_YEAR, top: int = 15
) -> dict[str, Any]:
    """Partners ranked by their leverage over B, each with its components."""
    b = b.upper()
    years = prepare(con, year, _blocs(b))
    pair_table(con, None, [b])
    cur = con.execute(
        "SELECT a, leverage_a_over_b, c_route, c_hosting, c_workers, c_remittances, c_power, "
        "migrants_a_in_b, refugees_from_b_in_a, remittances_a_to_b, transit_share_a_for_b, "
        "distance_km FROM _pairs WHERE leverage_a_over_b IS NOT NULL "
        "ORDER BY leverage_a_over_b DESC, a LIMIT ?",
        [top],
    )
    partners = [
        {
            "partner": r["a"],
            "leverage": r["leverage_a_over_b"],
            "components": {c.removeprefix("c_"): r[c] for c in COMPONENTS},
            "figures": {
                k: r[k]
                for k in (
                    "migrants_a_in_b",
                    "refugees_from_b_in_a",
                    "remittances_a_to_b",
                    "transit_share_a_for_b",
                    "distance_km",
                )
            },
        }
        for r in _rows(cur)
    ]
    return {
        "over": b,
        "year": year,
        "years": years.__dict__,
        "partners": partners,
        "formula": indicators()["leverage_a_over_b"].formula,
    }


def country(
    con: duckdb.DuckDBPyConnection, a: str, years: tuple[int, ...] | None = None, top: int = 10
) -> dict[str, Any]:
    """Position over time, top corridors in and out, hosting and remittance dependence."""
    a = a.upper()
    if kind_of(a) != "state":
        raise InputError(f"`country` takes a state code; {a} is a bloc (try `leverage --over {a}`)")
    if years is None:
        years = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024)
    series = []
    for y in years:
        used = prepare(con, y)
        state_table(con)
        rows = _rows(con.execute("SELECT * FROM _states WHERE entity = ?", [a]))
        row = rows[0] if rows else {}
        series.append(
            {
                "year": y,
                "desa_year": used.desa,
                "unhcr_year": used.unhcr,
                "position": row.get("position"),
                "population": row.get("population"),
                "emigrants": row.get("emigrants"),
                "immigrants": row.get("immigrants"),
                "hosted_total": row.get("hosted_total"),
                "hosted_per_1000": row.get("hosted_per_1000"),
                "remittances_received_pct_gdp": row.get("remittances_received_pct_gdp"),
                "remittances_year": row.get("remin_year"),
            }
        )
    desa = con.execute("SELECT max(year) FROM undesa_stock").fetchone()
    latest = int(desa[0]) if desa and desa[0] is not None else None
    corridor = (
        "SELECT {other} AS partner, sum(migrants) AS migrants FROM undesa_stock "
        "WHERE year = ? AND {me} = ? AND {other} NOT IN ('OOO', 'OOS') "
        "GROUP BY {other} ORDER BY migrants DESC, partner LIMIT ?"
    )
    out_rows = _rows(
        con.execute(corridor.format(other="destination", me="origin"), [latest, a, top])
    )
    in_rows = _rows(
        con.execute(corridor.format(other="origin", me="destination"), [latest, a, top])
    )
    return {
        "country": a,
        "series": series,
        "corridors_year": latest,
        "corridors_out": out_rows,
        "corridors_in": in_rows,
        "sources": {
            k: source_label(k)
            for k in ("undesa_stock", "unhcr_population", "wdi", "frontex_detections")
        },
    }
