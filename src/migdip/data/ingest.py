"""Ingest datasets into the warehouse: check everything first, then replace atomically.

A file is read and checked into a staging table; only then, in one transaction, the dataset's
table is emptied and refilled and its provenance row replaced. A file that fails any check leaves
the warehouse exactly as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from migdip.data.registry import DATASETS, Dataset, dataset
from migdip.data.rules import check
from migdip.errors import InputError
from migdip.warehouse import Warehouse, transaction


@dataclass(frozen=True)
class IngestResult:
    id: str
    rows: int
    format: str
    coverage: str
    checksum: str
    file: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


SHRINK_LIMIT = 0.5  # a new file with fewer than half the rows needs replace=True


class ShrinkRefused(InputError):
    """A much smaller file would replace a dataset: refused unless asked (``--replace``)."""


def ingest(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    path: Path | str | None = None,
    replace: bool = False,
) -> IngestResult:
    """Read ``path`` (default: the bundled file) into the dataset's table, all or nothing.

    The file is parsed and checked against the dataset's rules first (every problem reported at
    once). A file with fewer than half the rows the warehouse holds is refused unless
    ``replace`` is true: a partial download should not silently replace a whole dataset.
    """
    spec: Dataset = dataset(dataset_id)
    source = Path(path) if path is not None else spec.bundled
    if source.is_dir():
        raise InputError(
            f"{source} is a folder; accepted: a file of the dataset {spec.id} "
            f"({'; '.join(spec.formats)})"
        )
    fmt = spec.stage(con, source)
    check(con, spec.rules, source)
    columns = ", ".join(spec.columns)
    stats = con.execute(f"SELECT count(*), {spec.coverage_sql} FROM _staged").fetchone()
    rows, coverage = (int(stats[0]), str(stats[1])) if stats else (0, "")
    held = con.execute(f"SELECT count(*) FROM {spec.table}").fetchone()
    if not replace and held and held[0] and rows < SHRINK_LIMIT * held[0]:
        con.execute("DROP TABLE IF EXISTS _staged")
        raise ShrinkRefused(
            f"{source} holds {rows:,} rows where the warehouse holds {held[0]:,} for {spec.id}; "
            "a file this much smaller is refused (a partial download?). To replace the dataset "
            "with it anyway, ask for it: `migdip data ingest --replace`"
        )
    checksum = sha256(source)
    with transaction(con):
        con.execute(f"DELETE FROM {spec.table}")
        con.execute(f"INSERT INTO {spec.table} ({columns}) SELECT {columns} FROM _staged")
        con.execute("DELETE FROM datasets WHERE id = ?", [spec.id])
        con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                spec.id,
                spec.title,
                spec.publisher,
                spec.version,
                spec.licence,
                spec.source,
                fmt,
                coverage,
                rows,
                checksum,
                source.name,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
    con.execute("DROP TABLE IF EXISTS _staged")
    return IngestResult(spec.id, rows, fmt, coverage, checksum, source.name)


def missing_datasets(con: duckdb.DuckDBPyConnection) -> list[str]:
    have = {str(r[0]) for r in con.execute("SELECT id FROM datasets").fetchall()}
    return [d for d in DATASETS if d not in have]


def ensure_datasets(con: duckdb.DuckDBPyConnection) -> list[IngestResult]:
    """Ingest every bundled dataset the warehouse does not hold yet (first use)."""
    return [ingest(con, d) for d in missing_datasets(con)]


def ensure_bundled(wh: Warehouse) -> bool:
    """Ingest, in one write of ``wh``, the bundled datasets it lacks; True when it wrote."""
    return wh.ensure(lambda c: not missing_datasets(c), ensure_datasets)


def with_datasets(wh: Warehouse) -> duckdb.DuckDBPyConnection:
    """A read connection to ``wh`` once every bundled dataset is in (ingested on first use)."""
    ensure_bundled(wh)
    return wh.read()


def list_datasets(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The provenance table: one row per dataset, ingested or not."""
    cur = con.execute("SELECT * FROM datasets ORDER BY id")
    names = [d[0] for d in cur.description or []]
    have = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    out = []
    for spec in DATASETS.values():
        row = have.get(spec.id) or {
            "id": spec.id,
            "title": spec.title,
            "publisher": spec.publisher,
            "version": spec.version,
            "licence": spec.licence,
            "source": spec.source,
            "format": None,
            "coverage": None,
            "rows": 0,
            "checksum": None,
            "file": spec.file,
            "ingested_at": None,
        }
        out.append(row | {"formats": list(spec.formats)})
    return out
