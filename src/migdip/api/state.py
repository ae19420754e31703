"""What the API process holds: its settings, a pool of warehouse connections, the jobs."""

from __future__ import annotations

import os
import queue
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from migdip.atlas.store import ensure_atlas
from migdip.data.ingest import ensure_bundled
from migdip.errors import InputError, MigdipError
from migdip.jobs import JobManager
from migdip.meta import result_meta
from migdip.paths import records_dir
from migdip.warehouse import Warehouse

TOKEN_ENV = "MIGDIP_API_TOKEN"
TOKENS_ENV = "MIGDIP_API_TOKENS"  # several named tokens: "alice=TOKEN1,bob=TOKEN2"


def named_tokens(text: str | None) -> dict[str, str]:
    """``name=token`` pairs separated by commas (what MIGDIP_API_TOKENS holds)."""
    out: dict[str, str] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, sep, token = item.strip().partition("=")
        if not sep or not name or len(token) < 8:
            raise InputError(
                f"{TOKENS_ENV}: {item.strip()!r} is not accepted; accepted: name=token pairs "
                "separated by commas, each token at least 8 characters"
            )
        out[name] = token
    return out


@dataclass(frozen=True)
class Settings:
    warehouse: Path | None = None
    records: Path | None = None
    token: str = field(
        default_factory=lambda: os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
    )
    tokens: dict[str, str] = field(
        default_factory=lambda: named_tokens(os.environ.get(TOKENS_ENV))
    )  # named tokens besides ``token`` (named "default"): every write records which one
    max_body_bytes: int = 1_000_000
    max_jobs: int = 2
    max_queued_jobs: int = 8
    max_job_seconds: float = 600.0
    connections: int = 4
    cache_entries: int = 2048
    cache_bytes: int = 64_000_000  # the read cache's bound, in bytes of cached responses
    wait_seconds: float = 10.0  # how long a request waits for a connection before a 503
    heavy_seconds: float = 30.0  # how long an expensive request may run before a 503

    def to_env(self) -> dict[str, str]:
        """These settings as environment variables (how server workers receive them)."""
        env = {TOKEN_ENV: self.token, "MIGDIP_MAX_JOBS": str(self.max_jobs)}
        env[TOKENS_ENV] = ",".join(f"{k}={v}" for k, v in self.tokens.items())
        env["MIGDIP_MAX_JOB_SECONDS"] = str(self.max_job_seconds)
        if self.warehouse is not None:
            env["MIGDIP_WAREHOUSE"] = str(self.warehouse)
        if self.records is not None:
            env["MIGDIP_RECORDS"] = str(self.records)
        return env

    def token_names(self) -> dict[str, str]:
        """Every accepted token and the name writes are recorded under."""
        return {"default": self.token, **self.tokens}

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            max_jobs=int(os.environ.get("MIGDIP_MAX_JOBS", "2")),
            max_job_seconds=float(os.environ.get("MIGDIP_MAX_JOB_SECONDS", "600")),
        )


class Unavailable(MigdipError):
    """No connection could be had in time, or a heavy request ran too long (503, Retry-After)."""


class Pool:
    """Read-only connections to the warehouse's current generation; each is used by one thread
    at a time (DuckDB's temporary tables, which the indicators stage, belong to a connection).

    When another process (the CLI, another server worker) swaps in a new generation, the next
    request gets connections to it; connections to the old one are closed as they come back.
    """

    def __init__(
        self,
        warehouse: Warehouse,
        size: int,
        wait_seconds: float = 10.0,
        heavy_seconds: float = 30.0,
    ) -> None:
        self.warehouse, self.size = warehouse, size
        self.wait_seconds, self.heavy_seconds = wait_seconds, heavy_seconds
        self._heavy = threading.BoundedSemaphore(max(1, size // 2))
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._free: queue.LifoQueue[duckdb.DuckDBPyConnection] = queue.LifoQueue()
        self._refresh()

    @property
    def generation(self) -> str | None:
        return self._generation

    def _refresh(self) -> None:
        """Connect to the current generation if it changed (closing idle old connections)."""
        current = self.warehouse.generation()
        if current == self._generation:
            return
        with self._lock:
            if current == self._generation:
                return
            old, self._free = self._free, queue.LifoQueue()
            base = self.warehouse.read()
            for _ in range(self.size):
                self._free.put(base.cursor())
            self._generation = self.warehouse.generation()
        while not old.empty():
            old.get_nowait().close()

    @contextmanager
    def connection(self, heavy: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one request; raises Busy when none is free within the wait.

        Heavy requests take one of ``size // 2`` places first and are interrupted after
        ``heavy_seconds`` (DuckDB's interrupt), so they cannot hold every connection."""
        if heavy and not self._heavy.acquire(timeout=self.wait_seconds):
            raise Unavailable("expensive requests are all in use; try again shortly")
        try:
            self._refresh()
            free = self._free
            try:
                con = free.get(timeout=self.wait_seconds)
            except queue.Empty:
                raise Unavailable(
                    "every warehouse connection is in use; try again shortly"
                ) from None
            timer = threading.Timer(self.heavy_seconds, con.interrupt) if heavy else None
            if timer is not None:
                timer.start()
            try:
                yield con
            except duckdb.InterruptException:
                raise Unavailable(
                    f"the request took longer than {self.heavy_seconds:.0f} s and was stopped; "
                    "narrow it (a year, a partner, a page) or try again later"
                ) from None
            finally:
                if timer is not None:
                    timer.cancel()
                if free is self._free:
                    free.put(con)
                else:
                    con.close()  # a connection to a generation that has been replaced
        finally:
            if heavy:
                self._heavy.release()

    def new(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own (for a job), to the current generation."""
        return self.warehouse.read()

    def close(self) -> None:
        while not self._free.empty():
            self._free.get_nowait().close()


class State:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.records = settings.records or records_dir()
        self.warehouse = Warehouse(settings.warehouse)
        ingested = ensure_bundled(self.warehouse)
        built = ensure_atlas(self.warehouse, self.records)
        self.prepared = ingested or built  # whether this start had to write the warehouse
        self._meta: dict[bool, tuple[str | None, dict[str, Any]]] = {}  # by reads-the-Atlas
        self.pool = Pool(
            self.warehouse, settings.connections, settings.wait_seconds, settings.heavy_seconds
        )
        folder = self.warehouse.path.parent / f"{self.warehouse.path.name}.jobs"
        self.jobs = JobManager(
            settings.max_jobs,
            settings.max_queued_jobs,
            settings.max_job_seconds,
            folder=folder if self.warehouse.shared else None,
        )

    def result_meta(self, atlas: bool = False) -> dict[str, Any]:
        """What a result read from the current generation was computed from
        (:func:`migdip.meta.result_meta`: the data versions in use, and with ``atlas`` the Atlas
        build), computed once per generation."""
        generation = self.warehouse.generation()
        cached = self._meta.get(atlas)
        if cached is not None and cached[0] == generation:
            return cached[1]
        with self.pool.connection() as con:
            meta = result_meta(con, datasets=True, atlas=atlas)
        self._meta[atlas] = (generation, meta)
        return meta

    def close(self) -> None:
        self.jobs.shutdown()
        self.pool.close()
