"""Route-model scenarios (``kind: route_model``): projected detections by route, with bands.

A file names the series (Frontex from the warehouse, or a CSV in the long format route,
nationality, month, count), the routes, the forecast origin and horizon, levers on routes and
counterfactuals. Every variant runs as an ensemble: members differ by seed (whole people), by the
share of deterred people who divert to another route (``diversion``, drawn from its range; by
default the range estimated from past closures, ``routes.diversion_range``) and by a level shock
(lognormal, ``level_sd``), so bands carry both kinds of uncertainty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

import duckdb
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator

from migdip.errors import InputError
from migdip.flows.engine.levers import Lever
from migdip.flows.routes import backtest as bt_mod
from migdip.flows.routes.diversion_range import estimated_range
from migdip.flows.routes.model import (
    RouteData,
    RouteParams,
    add_months,
    fit,
    forecast,
    from_csv,
    from_frontex,
    route_lever,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


M = TypeVar("M", bound=BaseModel)


class Labelled(Protocol):
    label: str


L = TypeVar("L", bound=Labelled)


Step = Annotated[int, Field(ge=1)] | Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class RouteLeverIn(_Strict):
    route: str
    kind: str = Field(pattern="^(interception|close_link|death_risk|attractiveness)$")
    rate: float = Field(0.0, ge=0, le=1)
    factor: float = Field(1.0, gt=0)
    # a calendar month (YYYY-MM) or a count of months from the origin (1: the first projected)
    start: Step = 1
    end: Step | None = None
    label: str = ""


class CounterfactualIn(_Strict):
    name: str
    remove: list[str] = Field(default_factory=list)
    add: list[RouteLeverIn] = Field(default_factory=list)


class RouteEnsembleIn(_Strict):
    runs: int = Field(50, ge=1, le=10_000)
    seed: int = 0
    # drawn per run; default: the range estimated from past closures (routes.diversion_range)
    diversion: tuple[float, float] = Field(default_factory=estimated_range)
    level_sd: float = Field(0.25, ge=0, le=2)

    @field_validator("diversion")
    @classmethod
    def _a_range_of_shares(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 <= low <= high <= 1:
            raise ValueError(f"{list(value)}; accepted: [low, high] with 0 <= low <= high <= 1")
        return value


class RouteScenarioFile(_Strict):
    kind: str = Field(pattern="^route_model$")
    name: str
    description: str = ""
    series: str = "frontex"  # "frontex" or a CSV path (relative to the scenario file)
    routes: list[str] = Field(min_length=1)
    origin: str | None = None  # last month of data used (YYYY-MM); default: the last month
    horizon: int = Field(12, ge=1, le=36)
    levers: list[RouteLeverIn] = Field(default_factory=list)
    counterfactuals: list[CounterfactualIn] = Field(default_factory=list)
    params: dict[str, float] = Field(default_factory=dict)
    ensemble: RouteEnsembleIn = Field(default_factory=lambda: RouteEnsembleIn.model_validate({}))


def route_params(values: dict[str, float]) -> RouteParams:
    """Route-model parameters from a scenario's ``params`` (unknown names are an error)."""
    base = RouteParams()
    out: dict[str, Any] = {}
    for key, value in values.items():
        if not hasattr(base, key):
            raise InputError(
                f"params.{key} is not a route-model parameter; accepted: {', '.join(base.__dict__)}"
            )
        out[key] = int(value) if isinstance(getattr(base, key), int) else float(value)
    return replace(base, **out)


def load_series(
    series: str,
    routes: list[str],
    base: Path,
    con: duckdb.DuckDBPyConnection | None,
    top: int,
) -> RouteData:
    """A scenario's series: ``frontex`` (the warehouse) or a CSV path relative to ``base``."""
    if series == "frontex":
        if con is None:
            raise InputError("a Frontex route scenario needs the warehouse")
        data = from_frontex(con, routes, top)
    else:
        data = from_csv((base / series).resolve(), routes, top)
    missing = [r for r in routes if data.totals()[:, data.routes.index(r)].sum() == 0]
    if missing:
        raise InputError(f"no detections at all on route(s) {', '.join(missing)} in the series")
    return data


def _step(data: RouteData, origin: int, value: int | str, what: str) -> int:
    """A lever month as a count from the origin (1: the first projected month)."""
    if isinstance(value, int):
        return value
    first = data.months[origin]
    k = (int(value[:4]) - int(first[:4])) * 12 + int(value[5:7]) - int(first[5:7])
    if k < 1:
        raise InputError(
            f"lever {what} {value}: at or before the origin {first}; accepted: a month after it "
            f"(from {add_months(first, 1)})"
        )
    return k


def _levers(data: RouteData, items: list[RouteLeverIn], origin: int) -> tuple[Lever, ...]:
    """Route levers from ``start`` to ``end`` inclusive, calendar months or counts of months
    from the origin (1: the first projected month)."""
    out: list[Lever] = []
    for lv in items:
        start = _step(data, origin, lv.start, "start")
        end = None if lv.end is None else _step(data, origin, lv.end, "end")
        out += route_lever(data, lv.route, lv.kind, start - 1, end, lv.rate, lv.factor)
    return tuple(out)


def variants_of(levers: list[L], counterfactuals: list[Any]) -> dict[str, list[L]]:
    """The baseline's levers and each counterfactual's (the baseline's without the levers it
    removes by label, with those it adds); a removed label the baseline lacks is an error."""
    labels = {lv.label for lv in levers if lv.label}
    variants = {"baseline": levers}
    for cf in counterfactuals:
        unknown = [x for x in cf.remove if x not in labels]
        if unknown:
            raise InputError(
                f"counterfactual {cf.name!r}: no baseline lever labelled "
                f"{', '.join(map(repr, unknown))}"
            )
        variants[cf.name] = [lv for lv in levers if lv.label not in cf.remove] + cf.add
    return variants


def bands(stack: NDArray[np.float64], names: list[str], key: str) -> dict[str, Any]:
    """(runs, months, places) ensemble values as monthly 5/50/95% bands and, under ``key``,
    each place's total over the months."""
    q = np.quantile(stack, [0.05, 0.5, 0.95], axis=0)
    totals = stack.sum(axis=1)
    return {
        "q05": q[0].tolist(),
        "q50": q[1].tolist(),
        "q95": q[2].tolist(),
        key: {
            n: {
                "q05": float(np.quantile(totals[:, j], 0.05)),
                "q50": float(np.quantile(totals[:, j], 0.5)),
                "q95": float(np.quantile(totals[:, j], 0.95)),
            }
            for j, n in enumerate(names)
        },
    }


def add_changes(variants: dict[str, Any], names: list[str], key: str) -> None:
    """Each counterfactual's median total minus the baseline's, per place."""
    base = variants["baseline"][key]
    for name, v in variants.items():
        if name != "baseline":
            v["median_change_vs_baseline"] = {n: v[key][n]["q50"] - base[n]["q50"] for n in names}


def run_route_scenario(
    spec: RouteScenarioFile,
    base: Path,
    con: duckdb.DuckDBPyConnection | None,
    runs: int | None = None,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Project detections by route for every variant; bands over the ensemble.

    ``progress`` (if given) is called with the share done after each run."""
    p = route_params(spec.params)
    data = load_series(spec.series, spec.routes, base, con, p.top_nationalities)
    origin = len(data.months) - 1 if spec.origin is None else origin_index(data, spec.origin)
    fitted = fit(data, origin, p)
    variants = variants_of(spec.levers, spec.counterfactuals)
    ens = spec.ensemble
    n_runs = runs or ens.runs
    base_seed = ens.seed if seed is None else seed
    months = [add_months(data.months[origin], h) for h in range(1, spec.horizon + 1)]
    out: dict[str, Any] = {
        "scenario": spec.name,
        "origin": data.months[origin],
        "months": months,
        "routes": data.routes,
        "runs": n_runs,
        "seed": base_seed,
        "diversion": list(ens.diversion),
        "variants": {},
    }
    done = 0
    for name, items in variants.items():
        levers = _levers(data, items, origin)
        values = []
        for i in range(n_runs):
            rng = np.random.default_rng([base_seed, i])
            member = replace(p, diversion=float(rng.uniform(*ens.diversion)))
            shocked = replace(
                fitted, level=fitted.level * float(np.exp(rng.normal(0, ens.level_sd)))
            )
            values.append(forecast(data, shocked, spec.horizon, member, levers, base_seed + i))
            done += 1
            if progress is not None:
                progress(done / (n_runs * len(variants)))
        out["variants"][name] = bands(np.stack(values), data.routes, "total_by_route")
    add_changes(out["variants"], data.routes, "total_by_route")
    return out


def origin_index(data: RouteData, month: str) -> int:
    if month not in data.months:
        raise InputError(
            f"origin {month!r} is not in the series ({data.months[0]} to "
            f"{data.months[-1]}); accepted: a month YYYY-MM within it"
        )
    return data.months.index(month)


def load_file(path: Path, model: type[M]) -> M:
    """Read and check a scenario file; errors name the file, the field and the value."""
    import yaml
    from pydantic import ValidationError

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except FileNotFoundError:
        raise InputError(f"{path}: no such scenario file") from None
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(x) for x in e['loc'])}: {e['msg']} (value: {e.get('input')!r})"
            for e in exc.errors()
        ]
        raise InputError("\n".join(lines)) from None


def load_route_scenario(path: Path) -> RouteScenarioFile:
    """Read and check a route-model scenario."""
    return load_file(path, RouteScenarioFile)


def scenario_kind(path: Path) -> str:
    """``route_model``, ``corridor``, ``negotiation`` or ``network`` (the default kind)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return "network"
    return str(data.get("kind", "network")) if isinstance(data, dict) else "network"


def backtest_scenario(
    spec: RouteScenarioFile,
    base: Path,
    con: duckdb.DuckDBPyConnection | None,
    step: int = bt_mod.STEP,
    jobs: int = 2,
) -> dict[str, Any]:
    """The forecast benchmark on a scenario's route system (``routes.backtest``): every
    forecaster (the last value, the seasonal naive, drift, statsforecast's AutoETS, AutoARIMA and
    AutoTheta, their median, the route model, the weighted combination) from every ``step``-th
    month once the series has ``MIN_HISTORY`` months. The first half of the origins chooses the
    project's forecast, the second half scores every forecaster (MASE at 1 to 12 months), as the
    published Frontex benchmark does with its fixed split."""
    if step < 1:
        raise InputError(f"step {step}: accepted: a whole number of months, 1 or more")
    p = route_params(spec.params)
    data = load_series(spec.series, spec.routes, base, con, p.top_nationalities)
    first = bt_mod.MIN_HISTORY
    n_origins = len(range(first, len(data.months) - 1, step))
    if n_origins < 4:
        raise InputError(
            f"series {spec.series}: {len(data.months)} months ({data.months[0]} to "
            f"{data.months[-1]}) give {n_origins} forecast origin(s) every {step} month(s) after "
            f"the first {first}; accepted: a series long enough for 4 (at least "
            f"{first + 3 * step + 2} months), or a smaller step"
        )
    split = data.months[first + step * (n_origins // 2)]
    bt = bt_mod.run(data, first, step, p, jobs=jobs, evaluation_from=split)
    out = bt_mod.summarise(bt, step)
    out["months"] = [data.months[0], data.months[-1]]
    return out
