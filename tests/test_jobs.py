"""The job manager: progress, results, failures, cancellation, time limits, queue limits."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from migdip.errors import InputError, NotFoundError
from migdip.jobs import Busy, Context, JobManager


def test_a_job_reports_progress_and_keeps_its_result() -> None:
    jobs = JobManager(max_workers=1)
    seen: list[float] = []

    def work(ctx: Context) -> int:
        for k in range(4):
            ctx.progress(k / 4)
            seen.append(ctx.job.progress)
        return 42

    job = jobs.wait(jobs.submit("demo", {}, work).id)
    assert job.status == "done" and job.result == 42 and job.progress == 1.0
    assert seen == [0.0, 0.25, 0.5, 0.75]
    jobs.shutdown()


def test_errors_fail_the_job_not_the_manager() -> None:
    jobs = JobManager(max_workers=1)

    def bad(ctx: Context) -> None:
        raise InputError("params.x 3; accepted: 1 or 2")

    job = jobs.wait(jobs.submit("demo", {}, bad).id)
    assert job.status == "failed" and job.error == "params.x 3; accepted: 1 or 2"
    job = jobs.wait(jobs.submit("demo", {}, lambda ctx: 1 / 0).id)
    assert job.status == "failed" and job.error.startswith("ZeroDivisionError")
    jobs.shutdown()


def _spin(ctx: Context) -> None:
    while True:
        ctx.check()
        time.sleep(0.01)


def test_cancel_a_running_and_a_queued_job() -> None:
    jobs = JobManager(max_workers=1, max_queued=1)
    running = jobs.submit("spin", {}, _spin)
    queued = jobs.submit("spin", {}, _spin)
    while running.status != "running":
        time.sleep(0.01)
    assert queued.status == "queued"
    assert jobs.cancel(queued.id).status == "cancelled"
    jobs.cancel(running.id)
    assert jobs.wait(running.id).status == "cancelled"
    jobs.shutdown()


def test_a_job_past_its_time_limit_is_stopped() -> None:
    jobs = JobManager(max_workers=1, max_seconds=0.2)
    job = jobs.wait(jobs.submit("spin", {}, _spin).id, timeout=5)
    assert job.status == "cancelled" and job.error == "ran longer than the limit"
    jobs.shutdown()


def test_too_many_jobs_are_refused() -> None:
    jobs = JobManager(max_workers=1, max_queued=0)
    release = threading.Event()
    jobs.submit("wait", {}, lambda ctx: release.wait(5))
    with pytest.raises(Busy, match="limit 1"):
        jobs.submit("wait", {}, lambda ctx: None)
    release.set()
    jobs.shutdown()


def test_unknown_job_and_bad_limits() -> None:
    jobs = JobManager()
    with pytest.raises(NotFoundError, match="no job 'nope'"):
        jobs.get("nope")
    with pytest.raises(InputError, match="max_workers=0"):
        JobManager(max_workers=0)
    jobs.shutdown()


def test_workers_sharing_a_folder_answer_for_each_others_jobs(tmp_path: Path) -> None:
    """Two managers (two server workers) on one folder: status, result and cancellation of a
    job reach it whichever worker is asked."""
    import threading

    from migdip.jobs import JobManager

    a, b = JobManager(folder=tmp_path), JobManager(folder=tmp_path)
    meta = {"migdip_version": "0.1.0", "data_versions": [{"dataset": "wdi", "version": "abc"}]}

    def summed(ctx: Context) -> dict[str, int]:
        ctx.computed_from(meta)
        return {"total": 6}

    done = a.submit("sum", {"n": 3}, summed)
    a.wait(done.id)
    seen = b.get(done.id)
    assert seen.status == "done" and seen.result == {"total": 6}
    assert done.meta == meta and seen.meta == meta  # what it was computed from, when it ran
    assert done.id in {j.id for j in b.all()}

    started = threading.Event()

    def slow(ctx: Any) -> None:
        started.set()
        while True:
            ctx.progress(0.5, "working")
            time.sleep(0.01)

    running = a.submit("slow", {}, slow)
    assert started.wait(5)
    b.cancel(running.id)  # asked of the other worker
    assert a.wait(running.id, timeout=10).status == "cancelled"
    assert b.get(running.id).status == "cancelled"
    a.shutdown()
    b.shutdown()
