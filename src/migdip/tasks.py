"""The kinds of long run that can be started as jobs (by the REST API or from Python).

Each kind checks its parameters up front (so a bad request is refused before it is queued) and
returns the work to run with a DuckDB connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migdip.errors import InputError
from migdip.jobs import Context
from migdip.paths import scenarios_dir

Work = Callable[[Context], Any]
ConFactory = Callable[[], duckdb.DuckDBPyConnection]
MAX_RUNS = 500  # ensemble members a job may ask for


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NegotiationParams(_Strict):
    destination: str = Field(min_length=2, max_length=8)
    partner: str = Field(min_length=2, max_length=8)
    start: int = Field(ge=2000, le=2030)
    periods: int = Field(1, ge=1, le=10)


class ImpactParams(_Strict):
    record_id: str = Field(min_length=1, max_length=120)


class ScenarioParams(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_]{1,80}$")
    runs: int | None = Field(None, ge=1, le=MAX_RUNS)


def _checked(model: type[_Strict], params: dict[str, Any], kind: str) -> Any:
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise InputError(
            "; ".join(
                f"job {kind}: params.{'.'.join(map(str, e['loc']))}: {e['msg']} "
                f"(value: {e.get('input')!r})"
                for e in exc.errors()
            )
        ) from None


def scenario_names() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def route_scenario_work(spec: dict[str, Any], connect: ConFactory) -> Work:
    """A route-model scenario given as data (the YAML file's fields); Frontex series only."""
    from migdip.flows.route_scenario import RouteScenarioFile, run_route_scenario

    try:
        parsed = RouteScenarioFile.model_validate(spec)
    except ValidationError as exc:
        raise InputError(
            "; ".join(
                f"job route_scenario: spec.{'.'.join(map(str, e['loc']))}: {e['msg']} "
                f"(value: {e.get('input')!r})"
                for e in exc.errors()
            )
        ) from None
    if parsed.series != "frontex":
        raise InputError(
            f"job route_scenario: spec.series {parsed.series!r}; accepted: frontex (files are "
            "not read from requests)"
        )
    from migdip.flows.impact import FRONTEX_ROUTE

    unknown = [r for r in parsed.routes if r not in FRONTEX_ROUTE.values()]
    if unknown:
        raise InputError(
            f"job route_scenario: spec.routes {', '.join(map(repr, unknown))}; accepted: "
            f"{', '.join(FRONTEX_ROUTE.values())}"
        )
    if parsed.ensemble.runs > MAX_RUNS:
        raise InputError(
            f"job route_scenario: spec.ensemble.runs {parsed.ensemble.runs}; accepted: 1 to "
            f"{MAX_RUNS}"
        )

    def work(ctx: Context) -> Any:
        con = connect()
        try:
            return run_route_scenario(parsed, scenarios_dir(), con, progress=ctx.progress)
        finally:
            con.close()

    return work


def scenario_work(params: dict[str, Any], connect: ConFactory) -> Work:
    """A bundled scenario file by name (network, route_model or negotiation kind)."""
    from migdip.flows.route_scenario import load_route_scenario, scenario_kind

    p: ScenarioParams = _checked(ScenarioParams, params, "scenario")
    if p.name not in scenario_names():
        raise InputError(
            f"job scenario: params.name {p.name!r} is not a bundled scenario; accepted: "
            f"{', '.join(scenario_names())}"
        )
    path = scenarios_dir() / f"{p.name}.yaml"
    kind = scenario_kind(path)
    if kind == "route_model":
        spec = load_route_scenario(path).model_dump()
        if p.runs:
            spec["ensemble"]["runs"] = p.runs
        if spec["series"] != "frontex":
            return _route_file_work(path, p.runs, connect)
        return route_scenario_work(spec, connect)
    if kind == "negotiation":
        from migdip.bargaining.coupling import load_negotiation, run_negotiation

        nspec = load_negotiation(path)

        def negotiation(ctx: Context) -> Any:
            con = connect()
            try:
                ctx.check()
                return run_negotiation(con, nspec)
            finally:
                con.close()

        return negotiation
    return _network_work(path, p.runs)


def _route_file_work(path: Any, runs: int | None, connect: ConFactory) -> Work:
    from migdip.flows.route_scenario import load_route_scenario, run_route_scenario

    spec = load_route_scenario(path)

    def work(ctx: Context) -> Any:
        con = connect()
        try:
            return run_route_scenario(spec, path.parent, con, runs, progress=ctx.progress)
        finally:
            con.close()

    return work


def _network_work(path: Any, runs: int | None) -> Work:
    from migdip.flows.runner import run_scenario
    from migdip.flows.scenario import load_scenario

    sc = load_scenario(path)
    names = list(sc.variants())

    def work(ctx: Context) -> Any:
        done = [0]

        def step(_: str) -> None:
            done[0] += 1
            ctx.progress(done[0] / len(names))

        return run_scenario(sc, runs, None, "serial", progress=step).summary()

    return work


def impact_work(params: dict[str, Any], connect: ConFactory) -> Work:
    from migdip.flows.impact import evaluate, public

    p: ImpactParams = _checked(ImpactParams, params, "impact")

    def work(ctx: Context) -> Any:
        con = connect()
        try:
            ctx.check()
            return public(evaluate(con, p.record_id))
        finally:
            con.close()

    return work


def negotiation_work(params: dict[str, Any], connect: ConFactory) -> Work:
    from migdip.bargaining.coupling import play

    p: NegotiationParams = _checked(NegotiationParams, params, "negotiation")

    def work(ctx: Context) -> Any:
        con = connect()
        try:
            ctx.progress(0.0, f"{p.periods} period(s) from {p.start}")
            periods = play(con, p.destination.upper(), p.partner.upper(), p.start, p.periods)
            return {
                "destination": p.destination.upper(),
                "partner": p.partner.upper(),
                "periods": periods,
            }
        finally:
            con.close()

    return work


KINDS: dict[str, Callable[[dict[str, Any], ConFactory], Work]] = {
    "route_scenario": lambda params, c: route_scenario_work(params.get("spec", params), c),
    "scenario": scenario_work,
    "impact": impact_work,
    "negotiation": negotiation_work,
}


def make_work(kind: str, params: dict[str, Any], connect: ConFactory) -> Work:
    if kind not in KINDS:
        raise InputError(f"job kind {kind!r}; accepted: {', '.join(KINDS)}")
    return KINDS[kind](params, connect)
