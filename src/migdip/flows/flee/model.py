"""Run a Flee-format case on the flow engine, under Flee's information regime.

The same information Flee uses: the locations, routes, closures and conflicts; the registered
total in camps drives how many people are displaced (each day, the rise in the camps' registered
total sets out from the active conflict zones, shared by population and by how long each zone has
been in conflict, with Flee's spawn-decay settings); the camps start from their day-0 registered
populations (``insert_day0``). The engine then predicts how people spread over the camps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from migdip.flows.engine.core import Params, Result, Run, simulate
from migdip.flows.engine.levers import Lever
from migdip.flows.engine.network import Link, Network, Place
from migdip.flows.flee.reader import Closure, FleeCase

DEFAULT_DECAY = (1.0, 1.0, 1.0, 0.5, 0.1)
DEFAULT_DECAY_INTERVAL = 30

# Parameters chosen once for every Flee-format case (see docs/models.md); never tuned per case.
# Attraction falls with route distance as in Flee's link weighting, (softening + km) ** -power,
# with the values of the suite's shared simsetting.yml (softening 50 km, distance_power 0.75),
# fixed here: a case's own settings do not change them.
FLEE_PARAMS = Params(distance_decay="power", distance_power=0.75, distance_softening_km=50.0)


@dataclass(frozen=True)
class FleeRun:
    case: FleeCase
    run: Run
    camp_index: NDArray[np.int64]  # engine place index of each scored camp, in case.camps order


def flee_kind(location_type: str) -> str:
    """The engine's kind for a Flee location type: Flee's ``Location`` makes every type that
    contains ``camp`` in any case (``camp``, ``Camp``, ``idpcamp``) a camp; others are kept."""
    return "camp" if "camp" in location_type.lower() else location_type


def _network(case: FleeCase) -> Network:
    places = []
    for loc in case.locations:
        kind = flee_kind(loc.kind)
        capacity = float(loc.population) if kind == "camp" and loc.population else float("inf")
        population = float(loc.population or 0) if kind != "camp" else 0.0
        places.append(Place(loc.name, kind, loc.country, population, capacity))
    links = tuple(Link(r.a, r.b, r.distance_km) for r in case.routes)
    return Network(tuple(places), links)


def end_of(closure: Closure) -> int | None:
    """Flee closes on day ``start`` and reopens on day ``end``; end <= start: never reopens."""
    return None if closure.end <= closure.start else closure.end


def _levers(case: FleeCase, net: Network) -> tuple[Lever, ...]:
    levers: list[Lever] = []
    for c in case.closures:
        if c.kind == "country":
            levers.append(
                Lever(
                    "close_border",
                    c.start,
                    end_of(c),
                    country_a=c.name1,
                    country_b=c.name2,
                    label=f"closure:{c.name1}-{c.name2}",
                )
            )
        elif c.kind == "link":
            levers.append(Lever("close_link", c.start, end_of(c), a=c.name1, b=c.name2))
        elif c.kind == "location":
            for link in net.links:
                if c.name1 in (link.a, link.b):
                    levers.append(Lever("close_link", c.start, end_of(c), a=link.a, b=link.b))
        elif c.kind in ("camp", "idpcamp"):
            levers.append(Lever("close_place", c.start, end_of(c), place=c.name1))
    removed = {
        frozenset((c.name1, c.name2)): c.start
        for c in case.closures
        if c.kind == "remove_forced_redirection"
    }
    for r in case.routes:
        if r.forced_redirection in (1, 2):
            src, dst = (r.a, r.b) if r.forced_redirection == 1 else (r.b, r.a)
            levers.append(
                Lever("redirect", 0, removed.get(frozenset((r.a, r.b))), place=src, to=dst)
            )
    return tuple(levers)


def spawn_weights(case: FleeCase, population: NDArray[np.float64]) -> NDArray[np.float64]:
    """(days, places) share of each day's new displacement that starts at each place."""
    rules: dict[str, Any] = case.settings.get("spawn_rules", {}) if case.settings else {}
    decay = np.array(rules.get("conflict_spawn_decay", DEFAULT_DECAY), dtype=float)
    interval = int(rules.get("conflict_spawn_decay_interval", DEFAULT_DECAY_INTERVAL))
    conflict = case.conflicts.astype(bool)
    started = np.where(conflict.any(axis=0), conflict.argmax(axis=0), case.length)
    days = np.arange(case.length)[:, None]
    age = np.clip((days - started[None, :]) // max(interval, 1), 0, len(decay) - 1)
    weights = case.intensity * population[None, :] * decay[age]
    total = weights.sum(axis=1, keepdims=True)
    out: NDArray[np.float64] = np.divide(
        weights, total, out=np.zeros_like(weights), where=total > 0
    )
    return out


def build(case: FleeCase) -> FleeRun:
    """The engine run for a case: network, closures as levers, spawn from the registered total."""
    net = _network(case)
    camp_index = np.array([net.node(c) for c in case.camps], dtype=np.int64)
    registered = case.camp_data.sum(axis=1)
    rise = np.diff(registered, prepend=registered[0])
    shares = spawn_weights(case, np.maximum(net.population, 1.0))
    spawn = np.maximum(rise, 0.0)[:, None] * shares
    initial = np.zeros(net.n)
    initial[camp_index] = case.camp_data[0]
    return FleeRun(case, Run(net, case.length, spawn, initial, _levers(case, net)), camp_index)


def run_case(
    case: FleeCase, params: Params = FLEE_PARAMS, seed: int | None = None
) -> tuple[NDArray[np.float64], Result, FleeRun]:
    """Simulate a case: (camp counts per day in case.camps order, engine result, the run)."""
    fr = build(case)
    result = simulate(fr.run, params, seed)
    return result.stock[:, fr.camp_index], result, fr
