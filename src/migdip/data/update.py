"""``migdip data update``: fetch each dataset's newest release from its publisher, check it with
the ingest rules, summarise what changed, keep a copy, and only then swap it in.

Downloads happen first, outside the warehouse's write lock; then, in one write, each release is
staged and checked (:func:`migdip.data.ingest.stage`, the same reader and rules as ``data
ingest``), compared with the rows held, copied into the versions store and swapped in (one
transaction per dataset). A dataset whose download or checks fail keeps its current version and
is reported with the address and what was expected; the others go ahead.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from migdip.data.changes import ChangeSummary, summarize
from migdip.data.ingest import ensure_bundled, refuse_shrink, sha256, stage, swap_in
from migdip.data.publishers import SOURCES, Context, Fetched
from migdip.data.publishers.common import Reporter
from migdip.data.registry import DATASETS, dataset
from migdip.data.store import VersionStore
from migdip.data.transport import Offline, Transport, UrllibTransport
from migdip.data.versions import VERSION_CHARS, Origin, data_versions, list_versions
from migdip.errors import InputError, MigdipError
from migdip.warehouse import Warehouse


@dataclass
class Outcome:
    dataset: str
    status: str  # updated, unchanged, failed, offline, by_hand
    message: str = ""
    release: str | None = None
    version: str | None = None
    source_url: str | None = None
    rows: int | None = None
    changes: ChangeSummary | None = None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["changes"] = self.changes.as_dict() if self.changes else None
        out["notes"] = list(self.notes)
        return out


@dataclass
class UpdateReport:
    outcomes: list[Outcome] = field(default_factory=list)
    data_versions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "offline")]

    @property
    def offline(self) -> bool:
        return any(o.status == "offline" for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcomes": [o.as_dict() for o in self.outcomes],
            "data_versions": self.data_versions,
        }


def updatable() -> list[str]:
    """Datasets with a publisher service to update from (the others: ``data ingest``)."""
    return [d for d in DATASETS if d in SOURCES]


def update(
    wh: Warehouse,
    datasets: list[str] | None = None,
    transport: Transport | None = None,
    store: VersionStore | None = None,
    report: Reporter | None = None,
) -> UpdateReport:
    """Update ``datasets`` (default: every one with a publisher service) from the publishers."""
    wanted = list(datasets) if datasets else updatable()
    for d in wanted:
        dataset(d)  # unknown names fail before any download
    transport = transport or UrllibTransport()
    store = store if store is not None else VersionStore.beside(wh)
    ensure_bundled(wh)
    out = UpdateReport()
    with tempfile.TemporaryDirectory(prefix="migdip-update-") as tmp:
        fetched: list[Fetched] = []
        held = wh.read()
        try:
            for d in wanted:
                result = _fetch(d, transport, Path(tmp), report, held)
                if isinstance(result, Outcome):
                    out.outcomes.append(result)
                else:
                    fetched.append(result)
        finally:
            if wh.shared:
                held.close()
        with wh.write() as con:
            for f in fetched:
                out.outcomes.append(_apply(con, f, store))
            out.data_versions = data_versions(con)
    order = {d: i for i, d in enumerate(wanted)}
    out.outcomes.sort(key=lambda o: order.get(o.dataset, 0))
    return out


def _fetch(
    d: str,
    transport: Transport,
    tmp: Path,
    report: Reporter | None,
    held: duckdb.DuckDBPyConnection,
) -> Fetched | Outcome:
    source = SOURCES.get(d)
    if source is None:
        return Outcome(
            d,
            "by_hand",
            f"{d}: no publisher service to update it from (a one-off or derived file); download "
            f"a newer file and run `migdip data ingest {d} FILE`",
        )
    workdir = tmp / d
    workdir.mkdir()
    try:
        return source.fetch(Context(d, transport, workdir, report), held)
    except Offline as exc:
        return Outcome(d, "offline", f"{d}: {exc}", source_url=source.url)
    except MigdipError as exc:
        return Outcome(
            d, "failed", f"{d}: {exc}; the current version is kept", source_url=source.url
        )


def _apply(con: duckdb.DuckDBPyConnection, f: Fetched, store: VersionStore | None) -> Outcome:
    spec = dataset(f.dataset)
    checksum = sha256(f.path)
    version = checksum[:VERSION_CHARS]
    current = next((v for v in list_versions(con, spec.id) if v.in_use), None)
    try:
        staged = stage(con, spec.id, f.path)
        refuse_shrink(con, staged)
    except InputError as exc:
        con.execute("DROP TABLE IF EXISTS _staged")
        return Outcome(
            spec.id,
            "failed",
            f"{spec.id}: the release from {f.source_url} does not pass the dataset's checks "
            f"(expected: {'; '.join(spec.formats)}); the current version is kept. {exc}",
            f.release,
            source_url=f.source_url,
            notes=f.notes,
        )
    if current is not None and current.sha256 == checksum:
        con.execute("DROP TABLE IF EXISTS _staged")
        return Outcome(
            spec.id, "unchanged", "", f.release, version, f.source_url, staged.rows, notes=f.notes
        )
    changes = summarize(con, spec)
    stored, new = (None, False)
    name = f"{spec.id}{''.join(f.path.suffixes)}"
    if store is not None:
        stored, new = store.put(spec.id, version, f.path, name)
    try:
        swap_in(
            con,
            staged,
            Origin(f.release, f.retrieved_at, f.source_url, checksum, name, stored),
        )
        if store is not None:
            entry = next(v for v in list_versions(con, spec.id) if v.version == version)
            store.write_entry(entry)
    except BaseException:
        if store is not None and stored is not None and new:
            store.remove(stored)
        raise
    return Outcome(
        spec.id, "updated", "", f.release, version, f.source_url, staged.rows, changes, f.notes
    )
