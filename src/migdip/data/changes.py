"""What a newer release changes: rows added, removed and revised, and the largest revisions.

The staged rows (``_staged``) are compared with the dataset's table on its key columns (the
rules' unique key); a row whose key is in both but whose values differ is revised. A dataset
without a key (IOM incidents) is compared on whole rows: added and removed only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from migdip.data.registry import Dataset

LARGEST = 5
NUMERIC = ("DOUBLE", "FLOAT", "INTEGER", "BIGINT", "DECIMAL", "HUGEINT", "SMALLINT")


@dataclass(frozen=True)
class ChangeSummary:
    added: int
    removed: int
    revised: int
    unchanged: int
    key: tuple[str, ...]
    largest: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _same(a: str, b: str, columns: tuple[str, ...]) -> str:
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in columns)


def summarize(con: duckdb.DuckDBPyConnection, spec: Dataset) -> ChangeSummary:
    table, key = spec.table, spec.rules.unique
    types = {str(r[0]): str(r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()}
    if not key:
        cols = tuple(c for c in spec.columns)
        old = f"(SELECT {', '.join(cols)} FROM {table})"
        new = f"(SELECT {', '.join(cols)} FROM _staged)"
        added = _count(
            con, f"SELECT count(*) FROM (SELECT * FROM {new} EXCEPT ALL SELECT * FROM {old})"
        )
        removed = _count(
            con, f"SELECT count(*) FROM (SELECT * FROM {old} EXCEPT ALL SELECT * FROM {new})"
        )
        held = _count(con, f"SELECT count(*) FROM {table}")
        return ChangeSummary(added, removed, 0, held - removed, ())
    values = tuple(c for c in spec.columns if c not in key and types.get(c, "").startswith(NUMERIC))
    others = tuple(c for c in spec.columns if c not in key and c not in values)
    on = _same("o", "n", key)
    added = _count(
        con, f"SELECT count(*) FROM _staged n WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE {on})"
    )
    removed = _count(
        con, f"SELECT count(*) FROM {table} o WHERE NOT EXISTS (SELECT 1 FROM _staged n WHERE {on})"
    )
    differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in (*values, *others)) or "false"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _revised AS SELECT {', '.join(f'n.{k}' for k in key)}, "
        + ", ".join(f"o.{c} AS old_{c}, n.{c} AS new_{c}" for c in values)
        + (", " if values else "")
        + f"({differs}) AS changed FROM {table} o JOIN _staged n ON {on}"
    )
    revised = _count(con, "SELECT count(*) FROM _revised WHERE changed")
    both = _count(con, "SELECT count(*) FROM _revised")
    largest: list[dict[str, Any]] = []
    if values:
        parts = " UNION ALL ".join(
            f"SELECT {', '.join(key)}, '{c}' AS column_name, old_{c} AS old, new_{c} AS new "
            f"FROM _revised WHERE changed AND old_{c} IS DISTINCT FROM new_{c}"
            for c in values
        )
        cur = con.execute(
            f"SELECT *, new - old AS change FROM ({parts}) "
            f"ORDER BY abs(coalesce(new, 0) - coalesce(old, 0)) DESC, column_name, "
            f"{', '.join(key)} LIMIT {LARGEST}"
        )
        names = [d[0] for d in cur.description or []]
        for row in cur.fetchall():
            item = dict(zip(names, row, strict=True))
            largest.append(
                {
                    "key": {k: _plain(item[k]) for k in key},
                    "column": item["column_name"],
                    "old": item["old"],
                    "new": item["new"],
                    "change": item["change"],
                }
            )
    con.execute("DROP TABLE IF EXISTS _revised")
    return ChangeSummary(added, removed, revised, both - revised, key, largest)


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) or value is None else str(value)
