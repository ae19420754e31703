"""Export Atlas records as CSV, JSON or Parquet, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from migdip.atlas.query import Facets, _scored, _where, get_record
from migdip.atomic import write_text, write_with
from migdip.errors import InputError

FORMATS = ("csv", "json", "parquet")

_FLAT = """
    SELECT r.id, r.title, r.kind, r.date_start, r.date_end, r.year,
           array_to_string(r.instruments, ';') AS instruments,
           array_to_string(r.regions, ';') AS regions,
           array_to_string(r.routes, ';') AS routes,
           array_to_string(r.parties_actors, ';') AS parties,
           r.approach_mode, r.approach_sum, r.approach_incentives, r.host_strategy,
           r.challenger_type, array_to_string(r.domains, ';') AS domains,
           array_to_string(r.drivers, ';') AS drivers, r.status_latest, r.rights_effect,
           r.money_currency, r.money_promised, r.money_disbursed, r.confidence, r.provenance,
           r.provenance_dataset, r.provenance_row, r.n_sources,
           (SELECT string_agg(url, ' ' ORDER BY source_id) FROM atlas_sources x
             WHERE x.record_id = r.id) AS source_urls,
           r.summary
"""


def export(
    con: duckdb.DuckDBPyConnection, target: Path, fmt: str, facets: Facets | None = None
) -> int:
    """Write the records matching ``facets`` to ``target``; return how many were written."""
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not accepted; accepted: {', '.join(FORMATS)}")
    facets = facets or Facets()
    facets.check()
    scored, score_params = _scored(facets)
    where, params = _where(facets)
    query = (
        f"{_FLAT} FROM atlas_records r JOIN ({scored}) s ON s.id = r.id WHERE {where} "
        "ORDER BY r.year, r.date_start, r.id"
    )
    all_params = score_params + params
    count_row = con.execute(f"SELECT count(*) FROM ({query})", all_params).fetchone()
    count = int(count_row[0]) if count_row else 0
    if fmt == "json":
        ids = [row[0] for row in con.execute(query, all_params).fetchall()]
        docs = [get_record(con, rid) for rid in ids]
        write_text(target, json.dumps(docs, ensure_ascii=False, indent=1) + "\n")
        return count
    option = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet"

    def write(tmp: Path) -> None:
        # COPY takes no prepared parameters: materialise the selection first.
        con.execute(f"CREATE OR REPLACE TEMP TABLE _export AS {query}", all_params)
        try:
            con.execute(f"COPY _export TO '{_quote(tmp)}' ({option})")
        finally:
            con.execute("DROP TABLE IF EXISTS _export")

    write_with(target, write)
    return count


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
