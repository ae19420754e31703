"""Single figures from the warehouse, by named query: what golden tests and profiles read.

Each query sums one measure of one dataset under fixed filters. Filters are parameters, never
SQL text; the set of measures per dataset is fixed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from migdip.errors import InputError


@dataclass(frozen=True)
class Query:
    table: str
    measures: tuple[str, ...]
    filters: tuple[str, ...]
    year_sql: str = "year"


QUERIES: dict[str, Query] = {
    "undesa_stock": Query("undesa_stock", ("migrants",), ("destination", "origin", "sex")),
    "unhcr_population": Query(
        "unhcr_population",
        (
            "refugees",
            "asylum_seekers",
            "returned_refugees",
            "idps",
            "returned_idps",
            "stateless",
            "ooc",
            "oip",
            "hst",
        ),
        ("origin", "asylum"),
    ),
    "unhcr_solutions": Query(
        "unhcr_solutions",
        ("returned_refugees", "resettlement", "naturalisation", "returned_idps"),
        ("origin", "asylum"),
    ),
    "unhcr_flows": Query(
        "unhcr_flows", ("refugees", "asylum_seekers", "refugee_like", "oip"), ("origin", "asylum")
    ),
    "unhcr_asylum_applications": Query(
        "unhcr_asylum_applications", ("applied",), ("origin", "asylum", "app_type")
    ),
    "unhcr_asylum_decisions": Query(
        "unhcr_asylum_decisions",
        ("dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total"),
        ("origin", "asylum"),
    ),
    "wdi": Query("wdi", ("value",), ("iso3", "indicator")),
    "wb_remittances": Query("wb_remittances", ("usd_millions",), ("sender", "receiver")),
    "wb_migrant_stock": Query("wb_migrant_stock", ("migrants",), ("origin", "destination")),
    "frontex_detections": Query(
        "frontex_detections",
        ("detections",),
        ("route", "nationality", "border_type"),
        "CAST(left(month, 4) AS INTEGER)",
    ),
    "iom_missing_migrants": Query(
        "iom_missing_migrants", ("dead", "survivors"), ("route", "country"), "year(date)"
    ),
    "eurostat_asylum": Query(
        "eurostat_asylum", ("applications",), ("destination", "nationality", "sex")
    ),
    "capital_distances": Query("capital_distances", ("km",), ("orig", "dest"), "NULL"),
}


def figure(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    measure: str,
    year: int | None = None,
    **filters: str | list[str],
) -> float | None:
    """The sum of ``measure`` over the rows matching ``year`` and ``filters`` (None if none)."""
    query = QUERIES.get(dataset)
    if query is None:
        raise InputError(f"no figure query for dataset {dataset!r}; accepted: {', '.join(QUERIES)}")
    if measure not in query.measures:
        raise InputError(
            f"{dataset}: no measure {measure!r}; accepted: {', '.join(query.measures)}"
        )
    clauses: list[str] = []
    params: list[Any] = []
    if year is not None:
        clauses.append(f"{query.year_sql} = ?")
        params.append(year)
    for name, value in filters.items():
        if name not in query.filters:
            raise InputError(
                f"{dataset}: no filter {name!r}; accepted: year, {', '.join(query.filters)}"
            )
        values = value if isinstance(value, list) else [value]
        clauses.append(f"{name} IN (SELECT unnest(?::VARCHAR[]))")
        params.append(values)
    where = " AND ".join(clauses) or "TRUE"
    row = con.execute(
        f"SELECT sum({measure}), count(*) FROM {query.table} WHERE {where}", params
    ).fetchone()
    if row is None or row[1] == 0 or row[0] is None:
        return None
    return float(row[0])
