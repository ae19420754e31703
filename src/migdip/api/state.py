"""What the API process holds: its settings, a pool of warehouse connections, the jobs."""

from __future__ import annotations

import os
import queue
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from migdip.atlas.store import ensure_atlas
from migdip.data.ingest import ensure_datasets
from migdip.jobs import JobManager
from migdip.paths import records_dir
from migdip.warehouse import open_warehouse

TOKEN_ENV = "MIGDIP_API_TOKEN"


@dataclass(frozen=True)
class Settings:
    warehouse: Path | None = None
    records: Path | None = None
    token: str = field(
        default_factory=lambda: os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
    )
    max_body_bytes: int = 1_000_000
    max_jobs: int = 2
    max_queued_jobs: int = 8
    max_job_seconds: float = 600.0
    connections: int = 4
    cache_entries: int = 2048


class Pool:
    """Connections to one warehouse; each is used by one thread at a time (DuckDB's temporary
    tables, which the indicators stage, belong to a connection)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, size: int) -> None:
        self.base = con
        self._free: queue.LifoQueue[duckdb.DuckDBPyConnection] = queue.LifoQueue()
        for _ in range(size):
            self._free.put(con.cursor())

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._free.get()
        try:
            yield con
        finally:
            self._free.put(con)

    def new(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own (for a job)."""
        return self.base.cursor()


class State:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.records = settings.records or records_dir()
        con = open_warehouse(settings.warehouse)
        ensure_datasets(con)
        ensure_atlas(con, self.records)
        self.pool = Pool(con, settings.connections)
        self.jobs = JobManager(
            settings.max_jobs, settings.max_queued_jobs, settings.max_job_seconds
        )

    def close(self) -> None:
        self.jobs.shutdown()
        self.pool.base.close()
