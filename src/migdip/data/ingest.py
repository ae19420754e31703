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
from migdip.data.versions import (
    BUNDLED,
    VERSION_CHARS,
    Origin,
    Version,
    data_versions,
    record_version,
)
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


@dataclass(frozen=True)
class Staged:
    """A file read and checked into ``_staged``, not yet in the warehouse."""

    spec: Dataset
    source: Path
    format: str
    rows: int
    coverage: str


def stage(con: duckdb.DuckDBPyConnection, dataset_id: str, source: Path) -> Staged:
    """Parse ``source`` into ``_staged`` and check it against the dataset's rules (every problem
    reported at once); the warehouse's tables are not touched."""
    spec: Dataset = dataset(dataset_id)
    if source.is_dir():
        raise InputError(
            f"{source} is a folder; accepted: a file of the dataset {spec.id} "
            f"({'; '.join(spec.formats)})"
        )
    fmt = spec.stage(con, source)
    check(con, spec.rules, source)
    stats = con.execute(f"SELECT count(*), {spec.coverage_sql} FROM _staged").fetchone()
    rows, coverage = (int(stats[0]), str(stats[1])) if stats else (0, "")
    return Staged(spec, source, fmt, rows, coverage)


def refuse_shrink(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    held = con.execute(f"SELECT count(*) FROM {staged.spec.table}").fetchone()
    if held and held[0] and staged.rows < SHRINK_LIMIT * held[0]:
        con.execute("DROP TABLE IF EXISTS _staged")
        raise ShrinkRefused(
            f"{staged.source} holds {staged.rows:,} rows where the warehouse holds {held[0]:,} "
            f"for {staged.spec.id}; a file this much smaller is refused (a partial download?). "
            "To replace the dataset with it anyway, ask for it: `migdip data ingest --replace`"
        )


def swap_in(
    con: duckdb.DuckDBPyConnection, staged: Staged, origin: Origin | None = None
) -> IngestResult:
    """Replace the dataset's rows and provenance with the staged ones, in one transaction, and
    record the version (release, retrieval date, sha256) as the one in use."""
    spec, source = staged.spec, staged.source
    origin = origin or Origin()
    columns = ", ".join(spec.columns)
    checksum = origin.sha256 or sha256(source)
    now = datetime.now(UTC).replace(tzinfo=None)
    release = origin.release or spec.version
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
                release,
                spec.licence,
                origin.source_url or spec.source,
                staged.format,
                staged.coverage,
                staged.rows,
                checksum,
                origin.file or source.name,
                now,
            ],
        )
        record_version(
            con,
            Version(
                dataset=spec.id,
                version=checksum[:VERSION_CHARS],
                release=release,
                retrieved_at=origin.retrieved_at,
                sha256=checksum,
                rows=staged.rows,
                coverage=staged.coverage,
                format=staged.format,
                source_url=origin.source_url,
                file=origin.file or source.name,
                stored=origin.stored,
                ingested_at=now,
            ),
        )
    con.execute("DROP TABLE IF EXISTS _staged")
    return IngestResult(spec.id, staged.rows, staged.format, staged.coverage, checksum, source.name)


def ingest(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    path: Path | str | None = None,
    replace: bool = False,
    origin: Origin | None = None,
) -> IngestResult:
    """Read ``path`` (default: the bundled file) into the dataset's table, all or nothing.

    The file is parsed and checked against the dataset's rules first (every problem reported at
    once). A file with fewer than half the rows the warehouse holds is refused unless
    ``replace`` is true: a partial download should not silently replace a whole dataset.
    ``origin`` says where the file came from (release, retrieval date, address, its copy in the
    versions store); the bundled file is recorded as such.
    """
    spec: Dataset = dataset(dataset_id)
    source = Path(path) if path is not None else spec.bundled
    if path is None and origin is None:
        origin = Origin(stored=BUNDLED)
    staged = stage(con, spec.id, source)
    if not replace:
        refuse_shrink(con, staged)
    return swap_in(con, staged, origin)


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
    in_use = {v["dataset"]: v for v in data_versions(con)}
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
        out.append(row | {"formats": list(spec.formats), "data_version": in_use.get(spec.id)})
    return out
