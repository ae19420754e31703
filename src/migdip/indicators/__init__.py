"""Dyadic interdependence and leverage indicators from the warehouse's real data.

Python API::

    from migdip.indicators import Indicators
    ind = Indicators()                       # opens the warehouse, ingests bundled data if needed
    ind.dyad("TUR", "EU", year=2016)         # every figure with its year and source
    ind.leverage_over("EU", year=2016)       # partners ranked, components shown
    ind.country("PHL")                       # position over time, corridors, hosting, remittances
    ind.pairs(2020)                          # all pair indicators for a year (a DuckDB relation)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from migdip.data.ingest import ensure_datasets, with_datasets
from migdip.indicators.compute import DEFAULT_YEAR, pair_table, prepare, state_table
from migdip.indicators.profiles import country, dyad, leverage_over
from migdip.warehouse import Warehouse

__all__ = ["DEFAULT_YEAR", "Indicators"]


class Indicators:
    def __init__(
        self,
        warehouse: Path | str | Warehouse | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        if con is not None:
            ensure_datasets(con)
            self.con = con
            return
        wh = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
        self.con = with_datasets(wh)

    def dyad(self, a: str, b: str, year: int = DEFAULT_YEAR) -> dict[str, Any]:
        return dyad(self.con, a, b, year)

    def leverage_over(self, b: str, year: int = DEFAULT_YEAR, top: int = 15) -> dict[str, Any]:
        return leverage_over(self.con, b, year, top)

    def country(self, a: str) -> dict[str, Any]:
        return country(self.con, a)

    def pairs(self, year: int = DEFAULT_YEAR) -> duckdb.DuckDBPyRelation:
        prepare(self.con, year)
        return pair_table(self.con)

    def states(self, year: int = DEFAULT_YEAR) -> duckdb.DuckDBPyRelation:
        prepare(self.con, year)
        return state_table(self.con)

    def close(self) -> None:
        self.con.close()
