"""Run a scenario's baseline and counterfactuals as ensembles; keep bands; save them.

Results are bands (5th, 50th, 95th percentiles over the ensemble) of the people at every sink
and of the daily totals (arrived at sinks, deaths, interceptions, returns), per variant. They
can be written to Parquet or to the warehouse (tables ``sim_runs`` and ``sim_bands``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.atomic import atomic_path
from migdip.flows.engine.core import Result
from migdip.flows.engine.ensemble import EnsembleSpec, bands, run_ensemble
from migdip.flows.engine.scenario import Scenario
from migdip.warehouse import insert_rows, transaction

SERIES = ("arrived_at_sinks", "deaths", "intercepted", "returned")


@dataclass(frozen=True)
class _Summary:
    """Picklable summary: stock at the sinks and daily totals, as one (days, k) array."""

    sinks: tuple[int, ...]

    def __call__(self, result: Result) -> NDArray[np.float64]:
        idx = list(self.sinks)
        extra = np.stack(
            [
                result.arrivals[:, idx].sum(axis=1),
                result.deaths,
                result.intercepted,
                result.returned,
            ],
            axis=1,
        )
        out: NDArray[np.float64] = np.concatenate([result.stock[:, idx], extra], axis=1)
        return out


@dataclass
class ScenarioOutcome:
    scenario: str
    runs: int
    seed: int
    backend: str
    sinks: tuple[str, ...]
    days: int
    variants: dict[str, dict[str, NDArray[np.float64]]] = field(default_factory=dict)

    def columns(self) -> tuple[str, ...]:
        return (*self.sinks, *SERIES)

    def summary(self) -> dict[str, Any]:
        """Final-day medians and bands per variant, and differences from the baseline."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "runs": self.runs,
            "seed": self.seed,
            "backend": self.backend,
            "days": self.days,
            "variants": {},
        }
        cols = self.columns()
        base = self.variants.get("baseline")
        for name, b in self.variants.items():
            final = {c: {q: float(b[q][-1, k]) for q in b} for k, c in enumerate(self.sinks)}
            totals = {
                s: {q: float(b[q][:, len(self.sinks) + j].sum()) for q in b}
                for j, s in enumerate(SERIES)
            }
            entry: dict[str, Any] = {"final_at_sinks": final, "totals": totals}
            if base is not None and name != "baseline":
                entry["median_change_vs_baseline"] = {
                    c: float(b["q50"][-1, k] - base["q50"][-1, k])
                    for k, c in enumerate(cols)
                    if k < len(self.sinks)
                }
            out["variants"][name] = entry
        return out

    def rows(self) -> list[dict[str, Any]]:
        cols = self.columns()
        rows = []
        for name, b in self.variants.items():
            for day in range(self.days):
                for k, col in enumerate(cols):
                    rows.append(
                        {
                            "variant": name,
                            "day": day,
                            "series": col,
                            "q05": float(b["q05"][day, k]),
                            "q50": float(b["q50"][day, k]),
                            "q95": float(b["q95"][day, k]),
                        }
                    )
        return rows


def run_scenario(
    scenario: Scenario,
    runs: int | None = None,
    seed: int | None = None,
    backend: str = "local",
    workers: int | None = None,
    progress: Any = None,
) -> ScenarioOutcome:
    """Run every variant as an ensemble (seeds and parameter ranges from the scenario)."""
    spec = scenario.ensemble
    spec = EnsembleSpec(runs or spec.runs, spec.seed if seed is None else seed, spec.ranges)
    net = scenario.network
    summary = _Summary(tuple(int(i) for i in net.sinks))
    outcome = ScenarioOutcome(
        scenario.spec.name,
        spec.runs,
        spec.seed,
        backend,
        tuple(net.places[int(i)].name for i in net.sinks),
        scenario.spec.days,
    )
    for name, run in scenario.variants().items():
        values = run_ensemble(run, summary, spec, scenario.params, backend, workers)
        outcome.variants[name] = bands(values)
        if progress is not None:
            progress(name)
    return outcome


def write_parquet(outcome: ScenarioOutcome, path: Path) -> int:
    """Write the bands as a long Parquet table (variant, day, series, q05, q50, q95)."""
    rows = outcome.rows()
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE bands (variant VARCHAR, day INTEGER, series VARCHAR, q05 DOUBLE, "
        "q50 DOUBLE, q95 DOUBLE)"
    )
    insert_rows(con, "bands", rows)
    with atomic_path(path) as tmp:
        con.execute(f"COPY bands TO '{str(tmp).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    con.close()
    return len(rows)


def save_to_warehouse(con: duckdb.DuckDBPyConnection, outcome: ScenarioOutcome) -> str:
    """Store a run and its bands in the warehouse, in one transaction; return the run id."""
    run_id = uuid.uuid4().hex[:12]
    rows = [r | {"run_id": run_id} for r in outcome.rows()]
    with transaction(con):
        con.execute(
            "INSERT INTO sim_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                outcome.scenario,
                datetime.now(UTC).replace(tzinfo=None),
                outcome.runs,
                outcome.seed,
                outcome.backend,
                json.dumps(outcome.summary()),
            ],
        )
        insert_rows(con, "sim_bands", rows)
    return run_id
