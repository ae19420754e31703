"""Corridor scenarios (``kind: corridor``): counts at checkpoints in sequence, under dated levers.

A file names the series (Frontex from the warehouse, or a CSV in the long format route,
nationality, month, count, where a "route" is a checkpoint), the checkpoints, the paths through
them, the forecast origin (the last month of data used, YYYY-MM; default the series' last) and
horizon, levers at checkpoints with calendar months (closure, interception, attractiveness:
``corridor``), and counterfactuals. The baseline counts at
each checkpoint are the route model's forecast from the origin; the people entering each path
are attributed from those counts (``corridor_data.attribute``), and the shares by which a
closure reroutes people are the paths' shares over the ``share_months`` before the origin,
attributed the same way from the observed counts. Every variant runs as an ensemble over the
share of stopped people who reroute (``diversion``, drawn from its range; by default the range
estimated from past closures) and a level shock (lognormal, ``level_sd``). Without levers, the
corridor gives back the route model's forecast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from pydantic import Field

from migdip.errors import InputError
from migdip.flows.routes.corridor import Corridor, Lever, simulate
from migdip.flows.routes.corridor_data import attribute, path_shares
from migdip.flows.routes.model import add_months, fit, forecast
from migdip.flows.routes.scenario import (
    RouteEnsembleIn,
    _Strict,
    add_changes,
    bands,
    load_file,
    load_series,
    origin_index,
    route_params,
    variants_of,
)


class CorridorLeverIn(_Strict):
    checkpoint: str
    kind: str = Field(pattern="^(closure|interception|attractiveness)$")
    rate: float = Field(1.0, ge=0, le=1)
    factor: float = Field(1.0, gt=0)
    start: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    end: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    label: str = ""


class CorridorCounterfactualIn(_Strict):
    name: str
    remove: list[str] = Field(default_factory=list)
    add: list[CorridorLeverIn] = Field(default_factory=list)


class CorridorScenarioFile(_Strict):
    kind: str = Field(pattern="^corridor$")
    name: str
    description: str = ""
    series: str = "frontex"
    checkpoints: list[str] = Field(min_length=1)
    paths: list[list[str]] = Field(min_length=1)
    origin: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    horizon: int = Field(12, ge=1, le=36)
    share_months: int = Field(12, ge=1, le=120)
    levers: list[CorridorLeverIn] = Field(default_factory=list)
    counterfactuals: list[CorridorCounterfactualIn] = Field(default_factory=list)
    params: dict[str, float] = Field(default_factory=dict)
    ensemble: RouteEnsembleIn = Field(default_factory=lambda: RouteEnsembleIn.model_validate({}))


def _levers(items: list[CorridorLeverIn]) -> tuple[Lever, ...]:
    return tuple(
        Lever(i.checkpoint, i.kind, i.rate, i.start, i.end, i.label, i.factor) for i in items
    )


def run_corridor_scenario(
    spec: CorridorScenarioFile,
    base: Path,
    con: duckdb.DuckDBPyConnection | None,
    runs: int | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """Project the counts at every checkpoint for every variant; bands over the ensemble."""
    corridor = Corridor(tuple(spec.checkpoints), tuple(tuple(p) for p in spec.paths))
    p = route_params(spec.params)
    data = load_series(spec.series, spec.checkpoints, base, con, p.top_nationalities)
    origin = len(data.months) - 1 if spec.origin is None else origin_index(data, spec.origin)
    if origin + 1 < spec.share_months:
        raise InputError(f"share_months {spec.share_months}: only {origin + 1} months of data")
    observed = data.totals()[origin + 1 - spec.share_months : origin + 1, None, :]
    shares = path_shares(attribute(corridor, observed))
    fitted = fit(data, origin, p)
    months = [add_months(data.months[origin], h) for h in range(1, spec.horizon + 1)]
    variants = variants_of(spec.levers, spec.counterfactuals)
    for items in variants.values():
        for lv in items:
            corridor.index(lv.checkpoint)  # an unknown checkpoint fails before any run
    ens = spec.ensemble
    n_runs = runs or ens.runs
    base_seed = ens.seed if seed is None else seed
    rng = np.random.default_rng(base_seed)
    diversion = rng.uniform(*ens.diversion, size=n_runs)
    shock = np.exp(rng.normal(0.0, ens.level_sd, size=n_runs))
    baseline = forecast(data, fitted, spec.horizon, p)  # (horizon, checkpoints)
    departures = attribute(corridor, baseline[:, None, :])
    out: dict[str, Any] = {
        "scenario": spec.name,
        "origin": data.months[origin],
        "months": months,
        "checkpoints": list(corridor.checkpoints),
        "paths": [list(q) for q in corridor.paths],
        "path_shares": [float(v) for v in shares[0]],
        "runs": n_runs,
        "seed": base_seed,
        "diversion": list(ens.diversion),
        "variants": {},
    }
    for name, items in variants.items():
        levers = _levers(items)
        stack = np.stack(
            [
                simulate(
                    corridor, months, departures * shock[i], shares, levers, diversion[i]
                ).by_checkpoint()
                for i in range(n_runs)
            ]
        )  # (runs, horizon, checkpoints)
        out["variants"][name] = bands(stack, out["checkpoints"], "total_by_checkpoint")
    add_changes(out["variants"], out["checkpoints"], "total_by_checkpoint")
    return out


def load_corridor_scenario(path: Path) -> CorridorScenarioFile:
    """Read and check a corridor scenario."""
    return load_file(path, CorridorScenarioFile)
