"""Long runs as jobs: queued, run on a bounded pool of threads, with progress and cancellation.

A job is a function ``work(ctx) -> result`` that reports progress with ``ctx.progress(share)``
(0 to 1) and checks ``ctx.check()``; both raise :class:`Cancelled` once the job is cancelled or
has run longer than ``max_seconds``. ``ctx.computed_from(meta)`` names what the result is computed
from (:func:`migdip.meta.result_meta` of the connection it reads, as it runs); a finished job
keeps it as ``job.meta``. At most ``max_workers`` jobs run at once and at most
``max_queued`` wait; more are refused with a clear error. Finished jobs keep their result (or
error) until ``keep`` newer jobs have finished.

With a ``folder``, every job's state (and, when done, its result) is also written there as JSON
(atomically), so that several server workers sharing the folder answer for each other's jobs:
a status, a result or a cancellation asked of any worker reaches the job where it runs.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migdip.atomic import write_text
from migdip.errors import InputError, MigdipError, NotFoundError

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = frozenset({DONE, FAILED, CANCELLED})


class Cancelled(Exception):
    """Raised inside a job's work when it was cancelled or ran out of time."""


class Busy(MigdipError):
    """Too many jobs are queued; try again when some have finished."""


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    status: str = QUEUED
    progress: float = 0.0
    message: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: str | None = None
    meta: dict[str, Any] | None = None  # what the result is computed from (set as it runs)
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _folder: Path | None = field(default=None, repr=False)
    _saved: float = field(default=0.0, repr=False)

    def save(self, force: bool = False) -> None:
        """Write the job's state (and result when done) to the shared folder, at most 4 times
        a second while it runs."""
        if self._folder is None or (not force and time.monotonic() - self._saved < 0.25):
            return
        self._saved = time.monotonic()
        done = self.status == DONE
        doc = self.public() | {"result": self.result if done else None, "meta": self.meta}
        write_text(self._folder / f"{self.id}.json", json.dumps(doc, default=str))

    def cancel_requested(self) -> bool:
        if self._cancel.is_set():
            return True
        if self._folder is not None and (self._folder / f"{self.id}.cancel").exists():
            self._cancel.set()
            return True
        return False

    @classmethod
    def load(cls, path: Path) -> Job:
        """A job another worker runs, as its last saved state (read-only here)."""
        doc = json.loads(path.read_text(encoding="utf-8"))
        job = cls(doc["id"], doc["kind"], doc["params"], doc["status"], doc["progress"])
        job.message, job.created = doc["message"], doc["created"]
        job.started, job.finished, job.error = doc["started"], doc["finished"], doc["error"]
        job.result, job.meta, job._folder = doc.get("result"), doc.get("meta"), path.parent
        return job

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "status": self.status,
            "progress": round(self.progress, 4),
            "message": self.message,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "error": self.error,
            "has_result": self.status == DONE,
        }


@dataclass
class Context:
    job: Job
    deadline: float

    def check(self) -> None:
        if self.job.cancel_requested():
            raise Cancelled("cancelled")
        if time.monotonic() > self.deadline:
            raise Cancelled("ran longer than the limit")

    def computed_from(self, meta: dict[str, Any]) -> None:
        """Name what the result is computed from: the data versions and Atlas build the job
        reads (:func:`migdip.meta.result_meta`), captured when it runs, not when it is fetched."""
        self.job.meta = meta

    def progress(self, share: float, message: str = "") -> None:
        self.check()
        self.job.progress = min(max(share, 0.0), 1.0)
        if message:
            self.job.message = message
        self.job.save()


class JobManager:
    def __init__(
        self,
        max_workers: int = 2,
        max_queued: int = 8,
        max_seconds: float = 600,
        keep: int = 100,
        folder: Path | None = None,
    ) -> None:
        if max_workers < 1 or max_queued < 0 or max_seconds <= 0:
            raise InputError(
                f"job limits max_workers={max_workers}, max_queued={max_queued}, "
                f"max_seconds={max_seconds}; accepted: >= 1, >= 0, > 0"
            )
        self.max_workers, self.max_queued, self.max_seconds, self.keep = (
            max_workers,
            max_queued,
            max_seconds,
            keep,
        )
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="migdip-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, params: dict[str, Any], work: Callable[[Context], Any]) -> Job:
        with self._lock:
            waiting = sum(j.status in (QUEUED, RUNNING) for j in self._jobs.values())
            if waiting >= self.max_workers + self.max_queued:
                raise Busy(
                    f"{waiting} jobs are running or queued (limit "
                    f"{self.max_workers + self.max_queued}); try again later"
                )
            job = Job(uuid.uuid4().hex[:12], kind, params, _folder=self.folder)
            self._jobs[job.id] = job
            self._forget_old()
        job.save(force=True)
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Context], Any]) -> None:
        try:
            self._run_work(job, work)
        finally:
            job.save(force=True)

    def _run_work(self, job: Job, work: Callable[[Context], Any]) -> None:
        if job.cancel_requested():
            job.status, job.finished = CANCELLED, time.time()
            return
        job.status, job.started = RUNNING, time.time()
        job.save(force=True)
        ctx = Context(job, time.monotonic() + self.max_seconds)
        try:
            job.result = work(ctx)
            job.status, job.progress = DONE, 1.0
        except Cancelled as exc:
            job.status, job.error = CANCELLED, str(exc)
        except MigdipError as exc:
            job.status, job.error = FAILED, str(exc)
        except Exception as exc:  # a bug: keep the server up, report the job as failed
            job.status, job.error = FAILED, f"{type(exc).__name__}: {exc}"
        job.finished = time.time()

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None and self.folder is not None and (self.folder / f"{job_id}.json").is_file():
            job = Job.load(self.folder / f"{job_id}.json")  # another worker's job
        if job is None:
            raise NotFoundError(
                f"no job {job_id!r} (finished jobs are kept for the last {self.keep})"
            )
        return job

    def all(self) -> list[Job]:
        jobs = dict(self._jobs)
        if self.folder is not None:
            for path in self.folder.glob("*.json"):
                if path.stem not in jobs:
                    try:
                        jobs[path.stem] = Job.load(path)
                    except (OSError, ValueError, KeyError):
                        continue  # being written, or not a job file
        return sorted(jobs.values(), key=lambda j: -j.created)[: self.keep]

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.status not in FINISHED:
            if job_id not in self._jobs and self.folder is not None:
                (self.folder / f"{job_id}.cancel").touch()  # the worker running it stops it
                return job
            job._cancel.set()
            if job.status == QUEUED:
                job.status, job.finished = CANCELLED, time.time()
                job.save(force=True)
        return job

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        end = time.monotonic() + timeout
        job = self.get(job_id)
        while job.status not in FINISHED and time.monotonic() < end:
            time.sleep(0.02)
        return job

    def shutdown(self) -> None:
        for job in self._jobs.values():
            job._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.status in FINISHED]
        for job in sorted(done, key=lambda j: j.finished or 0)[: max(0, len(done) - self.keep)]:
            del self._jobs[job.id]
            if self.folder is not None:
                for suffix in (".json", ".cancel"):
                    (self.folder / f"{job.id}{suffix}").unlink(missing_ok=True)
