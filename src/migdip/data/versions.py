"""Data versions: which release of each dataset the warehouse holds, and every earlier one.

A version is one file of a dataset, named by the first characters of its sha256; it carries
the publisher's release, the retrieval date, the address it came from and where its copy is
kept (the versions store beside the warehouse, or ``bundled`` for the file shipped with
migdip). The ``data_versions`` table (migration ``0006_data_versions``) lists them all, one in
use per dataset; :func:`data_versions` is what every output names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

import duckdb

from migdip.errors import InputError

VERSION_CHARS = 12  # a version's name: this many hex characters of its sha256
BUNDLED = "bundled"  # ``stored`` of the file shipped with migdip


@dataclass(frozen=True)
class Origin:
    """Where a file being ingested came from (all optional: a file given by hand)."""

    release: str | None = None
    retrieved_at: datetime | None = None
    source_url: str | None = None
    sha256: str | None = None
    file: str | None = None
    stored: str | None = None  # path in the versions store, or BUNDLED


@dataclass(frozen=True)
class Version:
    dataset: str
    version: str
    release: str | None
    retrieved_at: datetime | None
    sha256: str
    rows: int | None
    coverage: str | None
    format: str | None
    source_url: str | None
    file: str
    stored: str | None
    ingested_at: datetime | None
    in_use: bool = True

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("retrieved_at", "ingested_at"):
            out[key] = out[key].isoformat(timespec="seconds") if out[key] else None
        return out

    @classmethod
    def from_dict(cls, row: dict[str, Any], where: str = "version entry") -> Version:
        names = {f.name for f in fields(cls)}
        missing = [n for n in ("dataset", "version", "sha256", "file") if not row.get(n)]
        if missing:
            raise InputError(
                f"{where}: field(s) {', '.join(missing)} missing; accepted: an object with "
                f"{', '.join(sorted(names))}"
            )
        values = {k: v for k, v in row.items() if k in names}
        for key in ("retrieved_at", "ingested_at"):
            text = values.get(key)
            if isinstance(text, str):
                try:
                    values[key] = datetime.fromisoformat(text)
                except ValueError:
                    raise InputError(
                        f"{where}: field {key!r}: value {text!r} is not accepted; accepted: a "
                        "date and time such as 2026-12-01T09:30:00"
                    ) from None
        return cls(**{n: values.get(n) for n in names if n in values})  # type: ignore[arg-type]


COLUMNS = tuple(f.name for f in fields(Version))


def record_version(con: duckdb.DuckDBPyConnection, v: Version) -> None:
    """Record ``v`` as the version in use of its dataset (inside the caller's transaction)."""
    con.execute("UPDATE data_versions SET in_use = false WHERE dataset = ?", [v.dataset])
    con.execute(
        "DELETE FROM data_versions WHERE dataset = ? AND version = ?", [v.dataset, v.version]
    )
    marks = ", ".join("?" for _ in COLUMNS)
    con.execute(
        f"INSERT INTO data_versions ({', '.join(COLUMNS)}) VALUES ({marks})",
        [getattr(v, c) for c in COLUMNS[:-1]] + [True],
    )


def list_versions(con: duckdb.DuckDBPyConnection, dataset: str | None = None) -> list[Version]:
    """Every version recorded, newest ingest first within each dataset."""
    where, params = ("WHERE dataset = ?", [dataset]) if dataset else ("", [])
    rows = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM data_versions {where} "
        "ORDER BY dataset, ingested_at DESC NULLS LAST, version",
        params,
    ).fetchall()
    return [Version(*r) for r in rows]


def data_versions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The versions in use, one per dataset held: what a result names so it can be reproduced
    (``migdip data use --pinned`` takes this list back)."""
    rows = con.execute(
        "SELECT dataset, version, release, retrieved_at, sha256 FROM data_versions "
        "WHERE in_use ORDER BY dataset"
    ).fetchall()
    return [
        {
            "dataset": d,
            "version": v,
            "release": r,
            "retrieved_at": t.isoformat(timespec="seconds") if t else None,
            "sha256": s,
        }
        for d, v, r, t, s in rows
    ]
