"""Long runs as jobs: queued, run on a bounded pool of threads, with progress and cancellation.

A job is a function ``work(ctx) -> result`` that reports progress with ``ctx.progress(share)``
(0 to 1) and checks ``ctx.check()``; both raise :class:`Cancelled` once the job is cancelled or
has run longer than ``max_seconds``. At most ``max_workers`` jobs run at once and at most
``max_queued`` wait; more are refused with a clear error. Finished jobs keep their result (or
error) until ``keep`` newer jobs have finished.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

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
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

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
        if self.job._cancel.is_set():
            raise Cancelled("cancelled")
        if time.monotonic() > self.deadline:
            raise Cancelled("ran longer than the limit")

    def progress(self, share: float, message: str = "") -> None:
        self.check()
        self.job.progress = min(max(share, 0.0), 1.0)
        if message:
            self.job.message = message


class JobManager:
    def __init__(
        self, max_workers: int = 2, max_queued: int = 8, max_seconds: float = 600, keep: int = 100
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
            job = Job(uuid.uuid4().hex[:12], kind, params)
            self._jobs[job.id] = job
            self._forget_old()
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Context], Any]) -> None:
        if job._cancel.is_set():
            job.status, job.finished = CANCELLED, time.time()
            return
        job.status, job.started = RUNNING, time.time()
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
        if job is None:
            raise NotFoundError(
                f"no job {job_id!r} (finished jobs are kept for the last {self.keep})"
            )
        return job

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: -j.created)

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.status not in FINISHED:
            job._cancel.set()
            if job.status == QUEUED:
                job.status, job.finished = CANCELLED, time.time()
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
