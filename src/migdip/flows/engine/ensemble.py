"""Ensembles over seeds and uncertain parameters, on local cores or on Ray, with one call.

Member i's parameters are drawn (uniformly, from the ranges given) by a generator seeded with
(seed, i). Members run in batches of ``BATCH`` in member order, each batch in one vectorised
pass of the engine (``migdip.flows.engine.batch``) whose whole people are drawn from a
generator seeded with (seed, batch number): the batches do not depend on the backend or the
number of workers, so every backend gives the same values, in member order, and a member is
re-run by re-running its batch. Batches are spread over worker processes (``local``) or a
Ray cluster (``ray``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError
from migdip.flows.engine.batch import simulate_batch
from migdip.flows.engine.core import Params, Result, Run

Summary = Callable[[Result], NDArray[np.float64]]
BACKENDS = ("serial", "local", "ray")
BATCH = 250  # members per vectorised pass (fixed: the draws must not depend on the workers)


@dataclass(frozen=True)
class EnsembleSpec:
    runs: int = 100
    seed: int = 0
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    def check(self, base: Params) -> None:
        if self.runs < 1:
            raise InputError(f"ensemble runs {self.runs}; accepted: 1 or more")
        for name, (low, high) in self.ranges.items():
            if not isinstance(getattr(base, name, None), float):
                numeric = [k for k, v in Params().__dict__.items() if isinstance(v, float)]
                raise InputError(
                    f"ensemble parameter {name!r} is not a numeric parameter; accepted: "
                    f"{', '.join(numeric)}"
                )
            if not low <= high:
                raise InputError(f"ensemble parameter {name!r}: range [{low}, {high}] is empty")


def member(base: Params, spec: EnsembleSpec, i: int) -> Params:
    """The parameters of member i."""
    rng = np.random.default_rng([spec.seed, i])
    drawn: dict[str, Any] = {
        k: float(rng.uniform(lo, hi)) for k, (lo, hi) in sorted(spec.ranges.items())
    }
    return replace(base, **drawn)


def _batch(
    run: Run, base: Params, spec: EnsembleSpec, number: int, summary: Summary
) -> NDArray[np.float64]:
    """Batch ``number``'s members, run in one pass, summarised one by one and stacked (one
    array is faster to send back from a worker than one per member)."""
    members = range(number * BATCH, min((number + 1) * BATCH, spec.runs))
    seed = np.random.SeedSequence([spec.seed, number]).generate_state(1)[0]
    result = simulate_batch(run, [member(base, spec, i) for i in members], int(seed))
    return np.stack([summary(result.member(k)) for k in range(len(members))])


def run_ensemble(
    run: Run,
    summary: Summary,
    spec: EnsembleSpec | None = None,
    base: Params | None = None,
    backend: str = "local",
    workers: int | None = None,
) -> NDArray[np.float64]:
    """Run every member and stack their summaries: array (runs, *summary shape)."""
    spec = spec or EnsembleSpec()
    base = base or Params()
    spec.check(base)
    if backend not in BACKENDS:
        raise InputError(f"backend {backend!r}; accepted: {', '.join(BACKENDS)}")
    workers = workers or os.cpu_count() or 1
    batches = list(range(-(-spec.runs // BATCH)))
    if backend == "serial" or len(batches) == 1:
        results = [_batch(run, base, spec, b, summary) for b in batches]
    elif backend == "local":
        with ProcessPoolExecutor(max_workers=min(workers, len(batches))) as pool:
            results = list(
                pool.map(
                    _batch, *zip(*[(run, base, spec, b, summary) for b in batches], strict=True)
                )
            )
    else:
        results = _ray_map(run, base, spec, batches, summary, workers)
    return np.concatenate(results)


def _ray_map(
    run: Run,
    base: Params,
    spec: EnsembleSpec,
    batches: list[int],
    summary: Summary,
    workers: int,
) -> list[NDArray[np.float64]]:
    try:
        import ray
    except ImportError:
        raise InputError(
            "the Ray backend needs the optional extra: pip install 'migdip[ray]'"
        ) from None
    started = False
    if not ray.is_initialized():
        ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR)
        started = True
    try:
        remote = ray.remote(_batch)
        shared = ray.put(run)
        futures = [remote.remote(shared, base, spec, b, summary) for b in batches]
        values: list[NDArray[np.float64]] = ray.get(futures)
        return values
    finally:
        if started:
            ray.shutdown()


def bands(
    values: NDArray[np.float64], quantiles: Sequence[float] = (0.05, 0.5, 0.95)
) -> dict[str, Any]:
    """Quantile bands over the ensemble axis (axis 0)."""
    qs = np.quantile(values, quantiles, axis=0)
    return {f"q{round(q * 100):02d}": qs[k] for k, q in enumerate(quantiles)}
