"""The embedded DuckDB warehouse: one file, named and recorded schema migrations.

Every capability keeps its tables here. A migration is a name and a list of SQL statements,
applied when not yet recorded in ``_migrations``, each in its own transaction, so a failing
migration leaves the warehouse as it was.

Shared use goes through :class:`Warehouse`: the file is never changed in place. Readers open
read-only connections, so the CLI, the Python API and any number of server workers read one
warehouse at once. A write takes an exclusive lock, copies the current file to a new
*generation* beside it, changes the copy, and swaps it in atomically by replacing the symlink
``<name>.duckdb`` -> ``<name>.duckdb.d/<generation>.duckdb``; readers see it on their next
connection (a server checks the generation on every request). Writers queue on the lock, so
two racing writers lose nothing; a failed write leaves the warehouse as it was.
``open_warehouse`` gives one private read-write connection (scripts, tests, ``:memory:``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from migdip.errors import WarehouseError
from migdip.paths import default_warehouse_path


@dataclass(frozen=True)
class Migration:
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_atlas_tables",
        (
            """CREATE TABLE atlas_records (
                id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, kind VARCHAR NOT NULL,
                summary VARCHAR NOT NULL, date_start VARCHAR NOT NULL, date_end VARCHAR,
                year INTEGER NOT NULL, year_end INTEGER,
                instruments VARCHAR[] NOT NULL, regions VARCHAR[] NOT NULL, routes VARCHAR[],
                parties_actors VARCHAR[] NOT NULL,
                approach_mode VARCHAR NOT NULL, approach_sum VARCHAR, approach_incentives VARCHAR,
                host_strategy VARCHAR, challenger_type VARCHAR,
                domains VARCHAR[], drivers VARCHAR[], status_latest VARCHAR NOT NULL,
                rights_effect VARCHAR, money_currency VARCHAR, money_promised DOUBLE,
                money_disbursed DOUBLE, confidence VARCHAR NOT NULL, provenance VARCHAR NOT NULL,
                provenance_dataset VARCHAR, provenance_row VARCHAR, tags VARCHAR[],
                related VARCHAR[], confounders VARCHAR[], n_sources INTEGER NOT NULL,
                file VARCHAR, doc JSON NOT NULL)""",
            """CREATE TABLE atlas_parties (
                record_id VARCHAR NOT NULL, idx INTEGER NOT NULL, actor VARCHAR NOT NULL,
                actor_type VARCHAR NOT NULL, name VARCHAR NOT NULL, positions VARCHAR[] NOT NULL,
                role VARCHAR NOT NULL, got VARCHAR NOT NULL, PRIMARY KEY (record_id, idx))""",
            """CREATE TABLE atlas_items (
                record_id VARCHAR NOT NULL, party_idx INTEGER NOT NULL, actor VARCHAR NOT NULL,
                direction VARCHAR NOT NULL, idx INTEGER NOT NULL, type VARCHAR NOT NULL,
                description VARCHAR, amount DOUBLE, unit VARCHAR, currency VARCHAR,
                period VARCHAR, status VARCHAR, sources VARCHAR[])""",
            """CREATE TABLE atlas_status (
                record_id VARCHAR NOT NULL, idx INTEGER NOT NULL, date VARCHAR NOT NULL,
                year INTEGER NOT NULL, status VARCHAR NOT NULL, note VARCHAR)""",
            """CREATE TABLE atlas_flow_effects (
                record_id VARCHAR NOT NULL, idx INTEGER NOT NULL, metric VARCHAR NOT NULL,
                before_value DOUBLE, before_period VARCHAR, after_value DOUBLE,
                after_period VARCHAR, sources VARCHAR[], computed BOOLEAN NOT NULL,
                note VARCHAR)""",
            """CREATE TABLE atlas_sources (
                record_id VARCHAR NOT NULL, source_id VARCHAR NOT NULL, url VARCHAR NOT NULL,
                title VARCHAR NOT NULL, publisher VARCHAR, date VARCHAR,
                PRIMARY KEY (record_id, source_id))""",
            """CREATE TABLE atlas_terms (
                record_id VARCHAR NOT NULL, term VARCHAR NOT NULL, tf INTEGER NOT NULL)""",
            """CREATE TABLE actors (
                code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, actor_type VARCHAR NOT NULL,
                region VARCHAR, note VARCHAR)""",
            """CREATE TABLE bloc_memberships (
                bloc VARCHAR NOT NULL, member VARCHAR NOT NULL, joined VARCHAR NOT NULL,
                left_on VARCHAR, note VARCHAR)""",
            """CREATE TABLE atlas_builds (
                built_at TIMESTAMP NOT NULL, n_records INTEGER NOT NULL,
                n_curated INTEGER NOT NULL, n_imported INTEGER NOT NULL,
                records_dir VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL)""",
        ),
    ),
    Migration(
        "0002_datasets",
        (
            """CREATE TABLE datasets (
                id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, publisher VARCHAR NOT NULL,
                version VARCHAR, licence VARCHAR, source VARCHAR, format VARCHAR,
                coverage VARCHAR, rows BIGINT NOT NULL, checksum VARCHAR NOT NULL,
                file VARCHAR NOT NULL, ingested_at TIMESTAMP NOT NULL)""",
            """CREATE TABLE undesa_stock (
                destination VARCHAR NOT NULL, year INTEGER NOT NULL, origin VARCHAR NOT NULL,
                sex VARCHAR NOT NULL, migrants DOUBLE NOT NULL, basis_foreign_born BOOLEAN,
                basis_citizenship BOOLEAN, includes_refugees BOOLEAN, imputed BOOLEAN)""",
            """CREATE TABLE unhcr_population (
                year INTEGER NOT NULL, origin VARCHAR NOT NULL, asylum VARCHAR NOT NULL,
                refugees DOUBLE, asylum_seekers DOUBLE, returned_refugees DOUBLE, idps DOUBLE,
                returned_idps DOUBLE, stateless DOUBLE, ooc DOUBLE, oip DOUBLE, hst DOUBLE)""",
            """CREATE TABLE unhcr_solutions (
                year INTEGER NOT NULL, origin VARCHAR NOT NULL, asylum VARCHAR NOT NULL,
                returned_refugees DOUBLE, resettlement DOUBLE, naturalisation DOUBLE,
                returned_idps DOUBLE)""",
            """CREATE TABLE unhcr_flows (
                year INTEGER NOT NULL, origin VARCHAR NOT NULL, asylum VARCHAR NOT NULL,
                refugees DOUBLE, asylum_seekers DOUBLE, refugee_like DOUBLE, oip DOUBLE)""",
            """CREATE TABLE unhcr_asylum_applications (
                year INTEGER NOT NULL, origin VARCHAR NOT NULL, asylum VARCHAR NOT NULL,
                procedure_type VARCHAR, app_type VARCHAR, dec_level VARCHAR, app_pc VARCHAR,
                applied DOUBLE)""",
            """CREATE TABLE unhcr_asylum_decisions (
                year INTEGER NOT NULL, origin VARCHAR NOT NULL, asylum VARCHAR NOT NULL,
                procedure_type VARCHAR, dec_level VARCHAR, dec_pc VARCHAR,
                dec_recognized DOUBLE, dec_other DOUBLE, dec_rejected DOUBLE, dec_closed DOUBLE,
                dec_total DOUBLE)""",
            """CREATE TABLE unhcr_countries (
                iso3 VARCHAR, unhcr_code VARCHAR NOT NULL, name VARCHAR NOT NULL,
                unhcr_region VARCHAR)""",
            """CREATE TABLE wdi (
                iso3 VARCHAR NOT NULL, indicator VARCHAR NOT NULL, year INTEGER NOT NULL,
                value DOUBLE)""",
            """CREATE TABLE wb_remittances (
                sender VARCHAR NOT NULL, receiver VARCHAR NOT NULL, year INTEGER NOT NULL,
                usd_millions DOUBLE NOT NULL)""",
            """CREATE TABLE wb_migrant_stock (
                origin VARCHAR NOT NULL, destination VARCHAR NOT NULL, year INTEGER NOT NULL,
                migrants DOUBLE NOT NULL)""",
            """CREATE TABLE frontex_detections (
                route VARCHAR NOT NULL, border_type VARCHAR, nationality VARCHAR NOT NULL,
                month VARCHAR NOT NULL, detections DOUBLE NOT NULL)""",
            """CREATE TABLE iom_missing_migrants (
                date DATE NOT NULL, type VARCHAR, route VARCHAR, country VARCHAR, dead DOUBLE,
                cause VARCHAR, survivors DOUBLE, nationalities VARCHAR[], location VARCHAR,
                lon DOUBLE, lat DOUBLE)""",
            """CREATE TABLE eurostat_asylum (
                destination VARCHAR NOT NULL, year INTEGER NOT NULL, nationality VARCHAR NOT NULL,
                sex VARCHAR NOT NULL, applications DOUBLE)""",
            """CREATE TABLE capital_distances (
                orig VARCHAR NOT NULL, dest VARCHAR NOT NULL, km DOUBLE NOT NULL)""",
            """CREATE TABLE common_language (
                orig VARCHAR NOT NULL, dest VARCHAR NOT NULL, common BOOLEAN NOT NULL)""",
        ),
    ),
    Migration(
        "0003_simulations",
        (
            """CREATE TABLE sim_runs (
                run_id VARCHAR PRIMARY KEY, scenario VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL, runs INTEGER NOT NULL, seed BIGINT NOT NULL,
                backend VARCHAR NOT NULL, summary JSON NOT NULL)""",
            """CREATE TABLE sim_bands (
                run_id VARCHAR NOT NULL, variant VARCHAR NOT NULL, day INTEGER NOT NULL,
                series VARCHAR NOT NULL, q05 DOUBLE, q50 DOUBLE, q95 DOUBLE)""",
        ),
    ),
    Migration(
        "0004_audit_log",
        (
            """CREATE TABLE audit_log (
                written_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
                target VARCHAR NOT NULL, file VARCHAR, diff VARCHAR)""",
        ),
    ),
    Migration(
        "0005_atlas_money",
        (
            """CREATE TABLE atlas_money (
                record_id VARCHAR NOT NULL, idx INTEGER NOT NULL, stage VARCHAR NOT NULL,
                amount DOUBLE NOT NULL, currency VARCHAR NOT NULL, as_of VARCHAR NOT NULL,
                tranche VARCHAR, amount_eur DOUBLE, eur_rate_year INTEGER, eur_note VARCHAR,
                sources VARCHAR[])""",
        ),
    ),
    Migration(
        "0006_data_versions",
        (
            """CREATE TABLE data_versions (
                dataset VARCHAR NOT NULL, version VARCHAR NOT NULL, release VARCHAR,
                retrieved_at TIMESTAMP, sha256 VARCHAR NOT NULL, rows BIGINT, coverage VARCHAR,
                format VARCHAR, source_url VARCHAR, file VARCHAR NOT NULL, stored VARCHAR,
                ingested_at TIMESTAMP, in_use BOOLEAN NOT NULL, PRIMARY KEY (dataset, version))""",
            # the datasets already held are their first versions (stored: unknown until used)
            """INSERT INTO data_versions SELECT id, substr(checksum, 1, 12), version, NULL,
                checksum, rows, coverage, format, NULL, file, NULL, ingested_at, true
                FROM datasets""",
        ),
    ),
)


def _ensure_migrations_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)"
    )


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the migrations recorded in this warehouse, in the order applied."""
    try:
        rows = con.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()
    except duckdb.CatalogException:
        return []
    return [str(r[0]) for r in rows]


def migrate(
    con: duckdb.DuckDBPyConnection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[str]:
    """Apply every migration not yet recorded, each in one transaction; return those applied."""
    _ensure_migrations_table(con)
    done = set(applied_migrations(con))
    applied: list[str] = []
    for migration in migrations:
        if migration.name in done:
            continue
        try:
            with transaction(con):
                for statement in migration.statements:
                    con.execute(statement)
                con.execute(
                    "INSERT INTO _migrations VALUES (?, ?)",
                    [migration.name, datetime.now(UTC).replace(tzinfo=None)],
                )
        except duckdb.Error as exc:
            raise WarehouseError(
                f"migration {migration.name!r} failed and was rolled back: {exc}"
            ) from exc
        applied.append(migration.name)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: everything is committed, or nothing is."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def open_warehouse(
    path: Path | str | None = None, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """One private connection to the warehouse at ``path``, created and migrated if needed.

    ``path`` defaults to ``$MIGDIP_WAREHOUSE`` or the user data directory; ``":memory:"`` gives
    a throw-away warehouse. A read-write connection holds the file alone: for a warehouse that
    others use at the same time, use :class:`Warehouse`.
    """
    target = Path(path) if path is not None and str(path) != ":memory:" else path
    if target is None:
        target = default_warehouse_path()
    if isinstance(target, Path):
        _make_folder(target.parent, target)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.Error as exc:
        raise WarehouseError(
            f"cannot open the warehouse {target}: {exc}; "
            "choose another file with --warehouse PATH or MIGDIP_WAREHOUSE"
        ) from exc
    if not read_only:
        migrate(con)
    return con


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert many rows at once (through a temporary newline-delimited JSON file, which DuckDB
    reads far faster than row-by-row inserts). Columns are matched by the table's own schema."""
    if not rows:
        return
    columns = con.execute(f"DESCRIBE {table}").fetchall()
    spec = "{" + ", ".join(f"'{c[0]}': '{c[1]}'" for c in columns) + "}"
    with tempfile.TemporaryDirectory(prefix="migdip-") as tmp:
        path = Path(tmp) / "rows.ndjson"
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        con.execute(
            f"INSERT INTO {table} SELECT * FROM read_json(?, format='newline_delimited', "
            f"columns={spec})",
            [str(path)],
        )


LOCK_WAIT_SECONDS = 300.0
KEEP_GENERATIONS = 3


class Warehouse:
    """One warehouse file shared by many processes: read-only readers, one writer at a time.

    ``Warehouse(path)`` uses the file at ``path`` (default ``$MIGDIP_WAREHOUSE`` or the user data
    directory); ``Warehouse.of(con)`` wraps one connection (``:memory:`` or a test's), whose
    reads and writes both go to that connection.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_warehouse_path()
        self._con: duckdb.DuckDBPyConnection | None = None
        if str(self.path) == ":memory:":
            self._con = open_warehouse(":memory:")

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Warehouse:
        wh = cls.__new__(cls)
        wh.path = Path(":memory:")
        wh._con = con
        return wh

    @property
    def shared(self) -> bool:
        """True for a file shared through generations, False for one wrapped connection."""
        return self._con is None

    @property
    def generations(self) -> Path:
        return self.path.parent / f"{self.path.name}.d"

    def generation(self) -> str | None:
        """The current generation's file (what a new reader opens), or None before the first."""
        if not self.shared:
            return "connection"
        try:
            return str(self.path.resolve(strict=True))
        except (FileNotFoundError, RuntimeError):
            return None

    def read(self) -> duckdb.DuckDBPyConnection:
        """A new read-only connection to the current generation (built and migrated if needed)."""
        if self._con is not None:
            return self._con.cursor()
        for _ in range(5):
            current = self.generation()
            if current is None:
                with self.write():
                    pass  # creates the warehouse
                continue
            try:
                con = duckdb.connect(current, read_only=True)
            except duckdb.IOException:
                continue  # a writer removed that generation just now: take the new one
            except duckdb.Error as exc:
                raise WarehouseError(
                    f"cannot read the warehouse {self.path}: {exc}; choose another file with "
                    "--warehouse PATH or MIGDIP_WAREHOUSE"
                ) from exc
            if set(applied_migrations(con)) >= {m.name for m in MIGRATIONS}:
                return con
            con.close()
            with self.write():
                pass  # migrates the warehouse
        raise WarehouseError(f"the warehouse {self.path} kept changing while being opened")

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writable copy of the current generation, swapped in when the block succeeds."""
        if self._con is not None:
            yield self._con
            return
        _make_folder(self.generations, self.path)
        with self._lock():
            current = self.generation()
            new = self.generations / f"{time.time_ns()}-{os.getpid()}.duckdb"
            if current is not None:  # a generation, or a file written before generations
                shutil.copyfile(current, new)
            try:
                con = duckdb.connect(str(new))
            except duckdb.Error as exc:
                new.unlink(missing_ok=True)
                raise WarehouseError(f"cannot write the warehouse {self.path}: {exc}") from exc
            try:
                migrate(con)
                yield con
                con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                new.unlink(missing_ok=True)
                Path(f"{new}.wal").unlink(missing_ok=True)
                raise
            con.close()
            self._swap(new)

    def ensure(
        self,
        is_ready: Callable[[duckdb.DuckDBPyConnection], bool],
        make_ready: Callable[[duckdb.DuckDBPyConnection], object],
    ) -> bool:
        """Run ``make_ready`` in a write when ``is_ready`` is false; True when it wrote."""
        con = self.read()
        try:
            if is_ready(con):
                return False
        finally:
            if self.shared:
                con.close()
        with self.write() as w:
            if not is_ready(w):  # another writer may have done it while we waited
                make_ready(w)
        return True

    @contextmanager
    def _lock(self) -> Iterator[None]:
        lock_path = self.path.parent / f"{self.path.name}.lock"
        with lock_path.open("a") as fh:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WarehouseError(
                            f"another process has been writing the warehouse {self.path} for "
                            f"over {LOCK_WAIT_SECONDS:.0f} s; try again when it has finished"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _swap(self, new: Path) -> None:
        _fsync(new)
        link = self.path.parent / f".{self.path.name}.{os.getpid()}.link"
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(new, self.path.parent), link)
        os.replace(link, self.path)  # atomic: readers see the old or the new generation
        _fsync(self.path.parent)
        old = sorted(p for p in self.generations.glob("*.duckdb") if p != new)
        for stale in old[: max(len(old) - (KEEP_GENERATIONS - 1), 0)]:
            stale.unlink(missing_ok=True)  # open readers keep their copy until they close


def _make_folder(folder: Path, warehouse: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"cannot create the folder of the warehouse {warehouse}: {exc.strerror}; "
            "choose another place with --warehouse PATH or MIGDIP_WAREHOUSE"
        ) from exc


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
