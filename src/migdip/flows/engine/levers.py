"""Policy levers, each active over a range of days, and the network state they produce.

Days count from the simulation's first day (0); ``end`` is exclusive and ``None`` means "until the
end". A lever names places, or two countries for a border.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError
from migdip.flows.engine.network import Network

LeverKind = Literal[
    "close_link",
    "close_border",
    "close_place",
    "interception",
    "death_risk",
    "returns",
    "quota",
    "cost",
    "capacity",
    "redirect",
]
LEVER_KINDS: tuple[str, ...] = get_args(LeverKind)


@dataclass(frozen=True)
class Lever:
    """One dated lever. Which fields matter depends on ``kind``:

    close_link (a, b); close_border (country_a, country_b); close_place (place: no arrivals);
    interception (a, b or country_a, country_b; rate: share of those crossing pulled back);
    death_risk (a, b or countries; rate: share of those crossing who die);
    returns (place -> to; rate: daily share of the place's stock returned);
    quota (place -> to; per_day: legal pathway places a day); cost (a, b or countries; value:
    km-equivalent added, negative to ease, e.g. visa liberalisation); capacity (place; value);
    redirect (place -> to: everyone arriving at place is sent on).
    """

    kind: str
    start: int = 0
    end: int | None = None
    a: str | None = None
    b: str | None = None
    country_a: str | None = None
    country_b: str | None = None
    place: str | None = None
    to: str | None = None
    rate: float = 0.0
    per_day: float = 0.0
    value: float = 0.0
    label: str = ""

    def active(self, day: int) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class DayState:
    """What the levers make of the network on one day."""

    edge_open: NDArray[np.bool_]
    edge_cost: NDArray[np.float64]
    interception: NDArray[np.float64]
    death_risk: NDArray[np.float64]
    place_open: NDArray[np.bool_]
    capacity: NDArray[np.float64]
    redirect: dict[int, int] = field(default_factory=dict)
    returns: list[tuple[int, int, float]] = field(default_factory=list)
    quotas: list[tuple[int, int, float]] = field(default_factory=list)

    def routing_key(self) -> tuple[bytes, ...]:
        """What shortest paths depend on (recompute routes only when this changes)."""
        return (
            self.edge_open.tobytes(),
            self.edge_cost.tobytes(),
            self.interception.tobytes(),
            self.death_risk.tobytes(),
        )


def _edges(net: Network, lever: Lever) -> NDArray[np.int64]:
    if lever.a is not None and lever.b is not None:
        return np.array([net.edge_index(lever.a, lever.b)], dtype=np.int64)
    if lever.country_a is not None and lever.country_b is not None:
        edges = net.border_edges(lever.country_a, lever.country_b)
        if edges.size == 0:
            raise InputError(
                f"lever {lever.kind}: no route crosses the border {lever.country_a}-"
                f"{lever.country_b}; check the countries of the places"
            )
        return edges
    raise InputError(f"lever {lever.kind} needs a and b (a route) or country_a and country_b")


def check_levers(net: Network, levers: tuple[Lever, ...]) -> None:
    """Raise InputError naming the lever and the field for any lever that cannot apply."""
    for i, lever in enumerate(levers):
        where = f"lever {i + 1} ({lever.kind})"
        if lever.kind not in LEVER_KINDS:
            raise InputError(f"{where}: unknown kind; accepted: {', '.join(LEVER_KINDS)}")
        if lever.end is not None and lever.end < lever.start:
            raise InputError(f"{where}: end {lever.end} is before start {lever.start}")
        if lever.kind in {"interception", "death_risk", "returns"} and not 0 <= lever.rate <= 1:
            raise InputError(f"{where}: rate {lever.rate}; accepted: a share from 0 to 1")
        if lever.kind in {"close_link", "close_border", "interception", "death_risk", "cost"}:
            _edges(net, lever)
        if lever.kind in {"close_place", "returns", "quota", "capacity", "redirect"}:
            if lever.place is None:
                raise InputError(f"{where}: needs place")
            net.node(lever.place)
        if lever.kind in {"returns", "quota", "redirect"}:
            if lever.to is None:
                raise InputError(f"{where}: needs to (the place people are sent to)")
            net.node(lever.to)


def day_state(net: Network, levers: tuple[Lever, ...], day: int) -> DayState:
    m = len(net.links)
    state = DayState(
        edge_open=np.ones(m, dtype=bool),
        edge_cost=net.base_cost.copy(),
        interception=np.zeros(m),
        death_risk=np.zeros(m),
        place_open=np.ones(net.n, dtype=bool),
        capacity=net.capacity.copy(),
    )
    for lever in levers:
        if not lever.active(day):
            continue
        kind = lever.kind
        if kind in {"close_link", "close_border"}:
            state.edge_open[_edges(net, lever)] = False
        elif kind == "interception":
            e = _edges(net, lever)
            state.interception[e] = 1 - (1 - state.interception[e]) * (1 - lever.rate)
        elif kind == "death_risk":
            e = _edges(net, lever)
            state.death_risk[e] = 1 - (1 - state.death_risk[e]) * (1 - lever.rate)
        elif kind == "cost":
            state.edge_cost[_edges(net, lever)] += lever.value
        elif kind == "close_place":
            state.place_open[net.node(str(lever.place))] = False
        elif kind == "capacity":
            state.capacity[net.node(str(lever.place))] = lever.value
        elif kind == "redirect":
            state.redirect[net.node(str(lever.place))] = net.node(str(lever.to))
        elif kind == "returns":
            state.returns.append((net.node(str(lever.place)), net.node(str(lever.to)), lever.rate))
        elif kind == "quota":
            state.quotas.append(
                (net.node(str(lever.place)), net.node(str(lever.to)), lever.per_day)
            )
    return state
