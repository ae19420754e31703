"""The Atlas of migration diplomacy: codebook, records, compile, query.

Python API::

    from migdip.atlas import Atlas
    atlas = Atlas()                       # opens the warehouse, builds the Atlas if needed
    hits = atlas.search("readmission", region="africa", year_from=2000)
    record = atlas.get("eu-tur-2016-statement")
    atlas.export("atlas.parquet", "parquet", instrument="deployment_ban")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from migdip.atlas.coverage import coercion_outcomes, coverage, money_paid
from migdip.atlas.export import export as _export
from migdip.atlas.query import (
    Facets,
    Network,
    SearchResult,
    get_record,
    network,
    network_graphml,
    search,
    stats,
    timeline,
)
from migdip.atlas.store import AtlasInvalid, BuildResult, build_atlas, ensure_atlas, load_atlas
from migdip.atlas.validate import Problem, Report, validate_records
from migdip.warehouse import Warehouse

__all__ = [
    "Atlas",
    "AtlasInvalid",
    "BuildResult",
    "Facets",
    "Network",
    "Problem",
    "Report",
    "SearchResult",
    "build_atlas",
    "load_atlas",
    "validate_records",
]


class Atlas:
    """The Atlas on a warehouse: built on first use, rebuilt when the record files change.

    Reads go through a read-only connection, so other processes can use the warehouse at the
    same time; a (re)build is one write of the shared warehouse (see :class:`Warehouse`).
    """

    def __init__(
        self,
        warehouse: Path | str | Warehouse | None = None,
        records: Path | str | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
        auto_build: bool = True,
    ) -> None:
        self.records = Path(records) if records is not None else None
        if con is not None:
            self.warehouse = Warehouse.of(con)
        elif isinstance(warehouse, Warehouse):
            self.warehouse = warehouse
        else:
            self.warehouse = Warehouse(warehouse)
        if auto_build:
            ensure_atlas(self.warehouse, self.records)
        self.con = con if con is not None else self.warehouse.read()

    def rebuild(self) -> BuildResult:
        with self.warehouse.write() as w:
            result = build_atlas(w, self.records)
        self._reopen()
        return result

    def _reopen(self) -> None:
        if self.warehouse.shared:
            self.con.close()
            self.con = self.warehouse.read()

    def search(
        self,
        text: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
        sort: str | None = None,
        **facets: Any,
    ) -> SearchResult:
        return search(self.con, Facets(text=text, **facets), limit, offset, sort)

    def get(self, record_id: str) -> dict[str, Any]:
        return get_record(self.con, record_id)

    def coverage(self) -> dict[str, Any]:
        return coverage(self.con)

    def coercion_outcomes(self) -> dict[str, Any]:
        return coercion_outcomes(self.con)

    def money_paid(self) -> list[dict[str, Any]]:
        return money_paid(self.con)

    def stats(self) -> dict[str, Any]:
        return stats(self.con)

    def timeline(self, **facets: Any) -> list[dict[str, Any]]:
        return timeline(self.con, Facets(**facets))

    def network(self, **facets: Any) -> Network:
        return network(self.con, Facets(**facets))

    def network_graphml(self, **facets: Any) -> str:
        return network_graphml(self.network(**facets))

    def export(self, path: Path | str, fmt: str, **facets: Any) -> int:
        return _export(self.con, Path(path), fmt, Facets(**facets))

    def close(self) -> None:
        self.con.close()
