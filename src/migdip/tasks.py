"""The kinds of long run that can be started as jobs (by the REST API or from Python).

Each kind checks its parameters up front (so a bad request is refused before it is queued) and
returns the work to run with a DuckDB connection of its own. The work names what its result is
computed from as it starts (``ctx.computed_from``: the data versions of its connection, and the
Atlas build for a kind that reads the Atlas, ``impact``), the ``meta`` the CLI gives the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migdip.data.actors import resolve
from migdip.errors import InputError
from migdip.jobs import Context
from migdip.meta import result_meta
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


def _checked(model: type[BaseModel], data: dict[str, Any], where: str) -> Any:
    """``data`` as ``model``; every problem named as ``where.field`` with its value."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            "; ".join(
                f"{where}.{'.'.join(map(str, e['loc']))}: {e['msg']} (value: {e.get('input')!r})"
                for e in exc.errors()
            )
        ) from None


def _on_connection(
    connect: ConFactory,
    run: Callable[[duckdb.DuckDBPyConnection, Context], Any],
    atlas: bool = False,
) -> Work:
    """Work that runs ``run`` on a connection of its own, closed afterwards; its result names
    the data versions it read (and with ``atlas`` the Atlas build)."""

    def work(ctx: Context) -> Any:
        con = connect()
        try:
            ctx.computed_from(result_meta(con, datasets=True, atlas=atlas))
            return run(con, ctx)
        finally:
            con.close()

    return work


def scenario_names() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def route_scenario_work(spec: dict[str, Any], connect: ConFactory) -> Work:
    """A route-model scenario given as data (the YAML file's fields); Frontex series only."""
    from migdip.flows.routes.scenario import RouteScenarioFile, run_route_scenario

    parsed: RouteScenarioFile = _checked(RouteScenarioFile, spec, "job route_scenario: spec")
    if parsed.series != "frontex":
        raise InputError(
            f"job route_scenario: spec.series {parsed.series!r}; accepted: frontex (files are "
            "not read from requests)"
        )
    from migdip.data.series import FRONTEX_ROUTE

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

    return _on_connection(
        connect,
        lambda con, ctx: run_route_scenario(parsed, scenarios_dir(), con, progress=ctx.progress),
    )


def scenario_work(params: dict[str, Any], connect: ConFactory) -> Work:
    """A bundled scenario file by name (network, route_model, corridor or negotiation kind)."""
    from migdip.flows.routes.scenario import scenario_kind

    p: ScenarioParams = _checked(ScenarioParams, params, "job scenario: params")
    if p.name not in scenario_names():
        raise InputError(
            f"job scenario: params.name {p.name!r} is not a bundled scenario; accepted: "
            f"{', '.join(scenario_names())}"
        )
    path = scenarios_dir() / f"{p.name}.yaml"
    kind = scenario_kind(path)
    if kind == "route_model":
        from migdip.flows.routes.scenario import load_route_scenario, run_route_scenario

        spec = load_route_scenario(path)
        return _on_connection(
            connect,
            lambda con, ctx: run_route_scenario(
                spec, path.parent, con, p.runs, progress=ctx.progress
            ),
        )
    if kind == "corridor":
        from migdip.flows.routes.corridor_scenario import (
            load_corridor_scenario,
            run_corridor_scenario,
        )

        cspec = load_corridor_scenario(path)
        return _on_connection(
            connect, lambda con, ctx: run_corridor_scenario(cspec, path.parent, con, p.runs)
        )
    if kind == "negotiation":
        from migdip.bargaining.coupling import load_negotiation, run_negotiation

        nspec = load_negotiation(path)
        return _on_connection(connect, lambda con, ctx: run_negotiation(con, nspec))
    return _network_work(path, p.runs)


def _network_work(path: Any, runs: int | None) -> Work:
    from migdip.flows.engine.runner import run_scenario
    from migdip.flows.engine.scenario import load_scenario

    sc = load_scenario(path)
    names = list(sc.variants())

    def work(ctx: Context) -> Any:
        ctx.computed_from(result_meta())  # the scenario file alone, no dataset
        done = [0]

        def step(_: str) -> None:
            done[0] += 1
            ctx.progress(done[0] / len(names))

        return run_scenario(sc, runs, None, "serial", progress=step).summary()

    return work


def impact_work(params: dict[str, Any], connect: ConFactory) -> Work:
    from migdip.flows.impact.deals import evaluate, public

    p: ImpactParams = _checked(ImpactParams, params, "job impact: params")
    return _on_connection(connect, lambda con, ctx: public(evaluate(con, p.record_id)), atlas=True)


def negotiation_work(params: dict[str, Any], connect: ConFactory) -> Work:
    from migdip.bargaining.coupling import play

    p: NegotiationParams = _checked(NegotiationParams, params, "job negotiation: params")
    dest, part = resolve(p.destination, p.start), resolve(p.partner, p.start)

    def run(con: duckdb.DuckDBPyConnection, ctx: Context) -> Any:
        ctx.progress(0.0, f"{p.periods} period(s) from {p.start}")
        periods = play(con, dest, part, p.start, p.periods)
        return {"destination": dest.code, "partner": part.code, "periods": periods}

    return _on_connection(connect, run)


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
