from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from migdip.errors import WarehouseError
from migdip.warehouse import MIGRATIONS, Migration, applied_migrations, migrate, open_warehouse


def test_new_warehouse_records_every_migration(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    assert applied_migrations(con) == [m.name for m in MIGRATIONS]
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {"atlas_records", "atlas_parties", "atlas_sources", "_migrations"} <= tables


def test_migrations_are_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    open_warehouse(path).close()
    con = open_warehouse(path)
    assert migrate(con) == []
    assert len(applied_migrations(con)) == len(MIGRATIONS)


def test_failing_migration_rolls_back_and_names_itself() -> None:
    con = duckdb.connect(":memory:")
    bad = (
        Migration("0001_ok", ("CREATE TABLE a (x INTEGER)",)),
        Migration("0002_bad", ("CREATE TABLE b (x INTEGER)", "CREATE TABLE b (y INTEGER)")),
    )
    with pytest.raises(WarehouseError, match="migration '0002_bad' failed and was rolled back"):
        migrate(con, bad)
    assert applied_migrations(con) == ["0001_ok"]
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert "b" not in tables


def test_default_location_follows_environment(tmp_path: Path) -> None:
    con = open_warehouse()  # MIGDIP_WAREHOUSE is set by the autouse fixture
    con.close()
    assert (tmp_path / "default.duckdb").exists()


def test_unwritable_location_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WarehouseError, match="--warehouse PATH or MIGDIP_WAREHOUSE"):
        open_warehouse(blocker / "sub" / "w.duckdb")
