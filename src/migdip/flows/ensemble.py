"""Ensembles over seeds and uncertain parameters, on local cores or on Ray, with one call.

Member i runs with seed ``base_seed + i`` and parameters drawn (uniformly, from the ranges
given) by a generator seeded the same way, so any member can be re-run alone. Members are
grouped into chunks so each worker process starts once; results come back in member order
whatever the backend.
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
from migdip.flows.engine import Params, Result, Run, simulate

Summary = Callable[[Result], NDArray[np.float64]]
BACKENDS = ("serial", "local", "ray")


@dataclass(frozen=True)
class EnsembleSpec:
    runs: int = 100
    seed: int = 0
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    def check(self, base: Params) -> None:
        if self.runs < 1:
            raise InputError(f"ensemble runs {self.runs}; accepted: 1 or more")
        for name, (low, high) in self.ranges.items():
            if not hasattr(base, name) or isinstance(getattr(base, name), dict):
                numeric = [k for k, v in Params().__dict__.items() if isinstance(v, float)]
                raise InputError(
                    f"ensemble parameter {name!r} is not a numeric parameter; accepted: "
                    f"{', '.join(numeric)}"
                )
            if not low <= high:
                raise InputError(f"ensemble parameter {name!r}: range [{low}, {high}] is empty")


def member(base: Params, spec: EnsembleSpec, i: int) -> tuple[int, Params]:
    """The seed and parameters of member i."""
    seed = spec.seed + i
    rng = np.random.default_rng([spec.seed, i])
    drawn: dict[str, Any] = {
        k: float(rng.uniform(lo, hi)) for k, (lo, hi) in sorted(spec.ranges.items())
    }
    return seed, replace(base, **drawn)


def _chunk(
    run: Run, base: Params, spec: EnsembleSpec, members: Sequence[int], summary: Summary
) -> list[NDArray[np.float64]]:
    out = []
    for i in members:
        seed, params = member(base, spec, i)
        out.append(summary(simulate(run, params, seed)))
    return out


def _chunks(n: int, parts: int) -> list[list[int]]:
    parts = max(1, min(parts, n))
    return [list(range(k, n, parts)) for k in range(parts)]


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
    groups = _chunks(spec.runs, workers * 4 if backend != "serial" else 1)
    if backend == "serial":
        results = [_chunk(run, base, spec, g, summary) for g in groups]
    elif backend == "local":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(
                pool.map(
                    _chunk, *zip(*[(run, base, spec, g, summary) for g in groups], strict=True)
                )
            )
    else:
        results = _ray_map(run, base, spec, groups, summary, workers)
    ordered: dict[int, NDArray[np.float64]] = {}
    for group, values in zip(groups, results, strict=True):
        ordered.update(zip(group, values, strict=True))
    return np.stack([ordered[i] for i in range(spec.runs)])


def _ray_map(
    run: Run,
    base: Params,
    spec: EnsembleSpec,
    groups: list[list[int]],
    summary: Summary,
    workers: int,
) -> list[list[NDArray[np.float64]]]:
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
        remote = ray.remote(_chunk)
        shared = ray.put(run)
        futures = [remote.remote(shared, base, spec, g, summary) for g in groups]
        values: list[list[NDArray[np.float64]]] = ray.get(futures)
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
