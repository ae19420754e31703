"""The flow engine: cohorts of people moving day by day over a route network under levers.

Each day: people due to arrive arrive; redirections, returns and legal-pathway quotas move
people on; new people appear (spawn); then, at every place, a share of those present set out
(their place's move chance) for a sink (a camp or destination) chosen by a distance-decayed,
capacity-aware attraction over the day's open network. On the way some are intercepted (pulled
back to where they set out) and some die; the rest arrive after the route's travel time.

Vectorised over places and sinks; reproducible: with ``seed=None`` the engine moves expected
values (fractions of people), with a seed it draws whole people (binomial and multinomial draws
from one ``numpy.random.Generator``). Nobody appears or vanishes except by spawning and dying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError
from migdip.flows.engine.levers import DayState, Lever, check_levers, day_state
from migdip.flows.engine.network import Network
from migdip.flows.engine.routing import Routing, route

DEFAULT_MOVE_CHANCE = {
    "conflict_zone": 1.0,
    "town": 0.5,
    "forwarding_hub": 1.0,
    "hub": 1.0,
    "transit": 0.5,
    "origin": 0.5,
    "marker": 1.0,
    "camp": 0.0,
    "destination": 0.0,
}


DECAYS = ("exponential", "power")


@dataclass(frozen=True)
class Params:
    """Behavioural parameters, set once and documented in docs/models.md."""

    speed_km_per_day: float = 200.0
    distance_scale_km: float = 250.0  # exponential decay: exp(-route cost / scale)
    # "exponential", or "power": Flee's link weighting, (softening + route cost) ** -power
    distance_decay: str = "exponential"
    distance_power: float = 0.75
    distance_softening_km: float = 50.0
    capacity_power: float = 1.0
    capacity_scaling: float = 1.0
    move_chance: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MOVE_CHANCE))
    default_move_chance: float = 0.5
    interception_aversion: float = 1.0  # weight *= P(not intercepted) ** this
    death_aversion: float = 1.0  # weight *= P(survive) ** this

    def __post_init__(self) -> None:
        if self.distance_decay not in DECAYS:
            raise InputError(
                f"distance_decay {self.distance_decay!r}; accepted: {', '.join(DECAYS)}"
            )

    def move_chances(self, kinds: NDArray[np.str_]) -> NDArray[np.float64]:
        return np.array([self.move_chance.get(str(k), self.default_move_chance) for k in kinds])


def distance_weight(
    cost: NDArray[np.float64],
    power: NDArray[np.bool_] | bool,
    scale: NDArray[np.float64] | float,
    exponent: NDArray[np.float64] | float,
    softening: NDArray[np.float64] | float,
) -> NDArray[np.float64]:
    """How a sink's attraction falls with the route's cost (km-equivalents; inf: unreachable):
    ``exp(-cost / scale)``, or where ``power`` Flee's ``(softening + cost) ** -exponent`` (its
    ``calculateLinkWeight`` with ``softening`` and ``distance_power``). The arguments broadcast
    (one value per run in a batch)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        flee = np.power(np.add(softening, cost), np.negative(exponent))
        out: NDArray[np.float64] = np.where(power, flee, np.exp(-cost / scale))
    return out


def within_room(
    movers: NDArray[np.float64],
    prob: NDArray[np.float64],
    left: NDArray[np.float64],
    passes: int = 8,
) -> NDArray[np.float64]:
    """``prob`` (..., places, sinks) adjusted so that the day's expected departures for each
    sink, ``movers`` (..., places) times it, fit in the room it has left (..., sinks; inf where
    there is no capacity): the share bound for a sink the day's movers fill is sent on to the
    sinks with room, in proportion to their attraction, a few passes; whoever finds no room
    stays where they are. Without it, a crowd setting out on one day (a route reopening) would
    all see a camp as empty."""
    inflow = (movers[..., None, :] @ prob)[..., 0, :]
    if not (inflow > left * (1 + 1e-12)).any():
        return prob  # the usual day: room enough everywhere
    flows = movers[..., None] * prob
    full = np.zeros(left.shape, dtype=bool)
    for step in range(passes + 1):
        inflow = flows.sum(axis=-2)
        over = inflow > left * (1 + 1e-12)
        if not over.any():
            break
        keep = np.where(over, left / np.maximum(inflow, 1e-300), 1.0)[..., None, :]
        excess = (flows * (1.0 - keep)).sum(axis=-1)
        flows = flows * keep
        full |= over
        if step == passes:
            break  # whoever is still without room stays
        open_prob = np.where(full[..., None, :], 0.0, prob)
        total = open_prob.sum(axis=-1, keepdims=True)
        share = np.divide(open_prob, total, out=np.zeros_like(open_prob), where=total > 0)
        flows = flows + excess[..., None] * share
    out: NDArray[np.float64] = np.divide(
        flows, movers[..., None], out=np.array(prob, dtype=np.float64), where=movers[..., None] > 0
    )
    return out


@dataclass(frozen=True)
class Run:
    """What the engine is asked to simulate."""

    network: Network
    days: int
    spawn: NDArray[np.float64]  # (days, n) people appearing at each place each day
    initial: NDArray[np.float64]  # (n,) people present before day 0
    levers: tuple[Lever, ...] = ()

    def check(self) -> None:
        n = self.network.n
        if self.days < 1:
            raise InputError(f"days {self.days}; accepted: 1 or more")
        if self.spawn.shape != (self.days, n):
            raise InputError(f"spawn has shape {self.spawn.shape}; expected ({self.days}, {n})")
        if self.initial.shape != (n,):
            raise InputError(f"initial has shape {self.initial.shape}; expected ({n},)")
        if (self.spawn < 0).any() or (self.initial < 0).any():
            raise InputError("spawn and initial must not be negative")
        check_levers(self.network, self.levers)


@dataclass
class Result:
    stock: NDArray[np.float64]  # (days, n) people at each place at the end of each day
    in_transit: NDArray[np.float64]  # (days,) people on the way at the end of each day
    spawned: NDArray[np.float64]  # (days,)
    deaths: NDArray[np.float64]  # (days,) died that day
    intercepted: NDArray[np.float64]  # (days,) pulled back that day
    returned: NDArray[np.float64]  # (days,) sent back by a returns lever that day
    arrivals: NDArray[np.float64]  # (days, n) arrived at each place that day

    def total(self) -> NDArray[np.float64]:
        """Everyone alive in the simulation at the end of each day."""
        total: NDArray[np.float64] = self.stock.sum(axis=1) + self.in_transit
        return total


class _Pipeline:
    """People on the way, by the day they arrive (a ring buffer over days)."""

    def __init__(self, n: int, horizon: int) -> None:
        self.buf = np.zeros((horizon, n))
        self.horizon = horizon

    def add(
        self,
        day: int,
        delays: NDArray[np.int64],
        dest: NDArray[np.int64],
        people: NDArray[np.float64],
    ) -> None:
        if np.any(delays >= self.horizon):
            raise InputError("a route takes longer than the engine's horizon; raise the speed")
        np.add.at(self.buf, ((day + delays) % self.horizon, dest), people)

    def pop(self, day: int) -> NDArray[np.float64]:
        slot = day % self.horizon
        out: NDArray[np.float64] = self.buf[slot].copy()
        self.buf[slot] = 0.0
        return out

    def total(self) -> float:
        return float(self.buf.sum())

    def towards(self) -> NDArray[np.float64]:
        out: NDArray[np.float64] = self.buf.sum(axis=0)
        return out


def _binomial(
    rng: np.random.Generator | None, n: NDArray[np.float64], p: NDArray[np.float64]
) -> NDArray[np.float64]:
    p = np.clip(p, 0.0, 1.0)
    if rng is None:
        return n * p
    return rng.binomial(np.round(n).astype(np.int64), p).astype(np.float64)


def _multinomial(
    rng: np.random.Generator | None, n: NDArray[np.float64], p: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Split n[i] people over columns with row probabilities p[i] (rows may sum to < 1)."""
    if rng is None:
        return n[:, None] * p
    rest = np.clip(1.0 - p.sum(axis=1, keepdims=True), 0.0, 1.0)
    full = np.concatenate([p, rest], axis=1)
    full = full / full.sum(axis=1, keepdims=True)
    draws = rng.multinomial(np.round(n).astype(np.int64), full)
    return draws[:, :-1].astype(np.float64)


class Engine:
    def __init__(self, run: Run, params: Params = Params(), seed: int | None = None) -> None:
        run.check()
        self.run, self.params = run, params
        self.rng = None if seed is None else np.random.default_rng(seed)
        net = run.network
        self.move = params.move_chances(net.kinds)
        longest = float(net.distance.sum()) + 1.0
        self.horizon = ceil(longest / params.speed_km_per_day) + 2
        self._routing: Routing | None = None
        self._routing_key: tuple[bytes, ...] | None = None
        self._state_key: tuple[bool, ...] | None = None
        self._state: DayState | None = None
        self._km_cache: dict[tuple[int, int], float] = {}
        self._route_for: Routing | None = None
        self._route_w = np.zeros(0)

    def _day_state(self, day: int) -> DayState:
        key = tuple(lever.active(day) for lever in self.run.levers)
        if self._state is None or key != self._state_key:
            self._state = day_state(self.run.network, self.run.levers, day)
            self._state_key = key
        return self._state

    def _routes(self, state: DayState) -> Routing:
        key = state.routing_key()
        if self._routing is None or key != self._routing_key:
            self._routing = route(self.run.network, state)
            self._routing_key = key
        return self._routing

    def _delay(self, km: NDArray[np.float64]) -> NDArray[np.int64]:
        return np.maximum(np.ceil(km / self.params.speed_km_per_day), 1).astype(np.int64)

    def _choice(
        self, state: DayState, routing: Routing, stock: NDArray[np.float64], pipe: _Pipeline
    ) -> NDArray[np.float64]:
        """(n, n_sinks) probabilities of heading for each sink, rows summing to 1 or 0."""
        net, p = self.run.network, self.params
        sinks = net.sinks
        cap = state.capacity[sinks]
        occupied = stock[sinks] + pipe.towards()[sinks]
        finite = np.isfinite(cap)
        size = np.where(
            finite, np.power(np.maximum(cap, 1.0), p.capacity_power), net.attractiveness[sinks]
        )
        room = np.where(
            finite,
            np.clip(1.0 - occupied / np.maximum(cap * p.capacity_scaling, 1.0), 0.0, 1.0),
            1.0,
        )
        attract = size * room * state.place_open[sinks]
        weight = attract[None, :] * self._route_weight_of(routing)
        weight[~np.isfinite(weight)] = 0.0
        total = weight.sum(axis=1, keepdims=True)
        prob: NDArray[np.float64] = np.divide(
            weight, total, out=np.zeros_like(weight), where=total > 0
        )
        return prob

    def _route_weight_of(self, routing: Routing) -> NDArray[np.float64]:
        """(n, n_sinks) distance decay and risk aversion: fixed while the routes are, so
        computed once per routing (the routing object is held, so identity is safe)."""
        if self._route_for is not routing:
            p = self.params
            with np.errstate(over="ignore", invalid="ignore"):
                w = distance_weight(
                    routing.gen_dist,
                    p.distance_decay == "power",
                    p.distance_scale_km,
                    p.distance_power,
                    p.distance_softening_km,
                )
                w *= routing.pass_prob**p.interception_aversion
                w *= routing.alive_prob**p.death_aversion
            w[~np.isfinite(w)] = 0.0
            sinks = self.run.network.sinks
            w[sinks, np.arange(len(sinks))] = 0.0  # nobody "moves" to where they are
            self._route_w, self._route_for = w, routing
        return self._route_w

    def _room_left(
        self, state: DayState, stock: NDArray[np.float64], pipe: _Pipeline
    ) -> NDArray[np.float64]:
        """(n_sinks,) people each sink can still take: capacity x scaling less those there or
        on the way; inf without a capacity."""
        sinks = self.run.network.sinks
        cap = state.capacity[sinks] * self.params.capacity_scaling
        occupied = stock[sinks] + pipe.towards()[sinks]
        left: NDArray[np.float64] = np.where(
            np.isfinite(cap), np.maximum(cap - occupied, 0.0), np.inf
        )
        return left

    def _send(
        self,
        day: int,
        src: NDArray[np.int64],
        dst: NDArray[np.int64],
        people: NDArray[np.float64],
        pipe: _Pipeline,
        km: NDArray[np.float64],
    ) -> None:
        keep = people > 0
        if keep.any():
            pipe.add(day, self._delay(km[keep]), dst[keep], people[keep])

    def simulate(self, progress: Callable[[int], None] | None = None) -> Result:
        run, net = self.run, self.run.network
        days, n, sinks = run.days, net.n, net.sinks
        pipe = _Pipeline(n, self.horizon)
        stock = run.initial.astype(np.float64).copy()
        out = Result(
            stock=np.zeros((days, n)),
            in_transit=np.zeros(days),
            spawned=np.zeros(days),
            deaths=np.zeros(days),
            intercepted=np.zeros(days),
            returned=np.zeros(days),
            arrivals=np.zeros((days, n)),
        )
        all_nodes = np.arange(n)
        for day in range(days):
            state = self._day_state(day)
            routing = self._routes(state)
            arrived = pipe.pop(day)
            stock += arrived
            out.arrivals[day] = arrived
            spawn = run.spawn[day]
            stock += spawn
            out.spawned[day] = spawn.sum()
            redirected = self._redirect(day, state, stock, pipe)
            out.returned[day] = self._returns(day, state, stock, pipe)
            self._quotas(day, state, stock, pipe)
            movers = _binomial(self.rng, stock, np.where(redirected, 0.0, self.move))
            prob = self._choice(state, routing, stock, pipe)
            prob = within_room(movers, prob, self._room_left(state, stock, pipe))
            flows = _multinomial(self.rng, movers, prob)
            going = flows.sum(axis=1)
            passed = _binomial(self.rng, flows, routing.pass_prob)
            alive = _binomial(self.rng, passed, routing.alive_prob)
            out.intercepted[day] = float((flows - passed).sum())
            out.deaths[day] = float((passed - alive).sum())
            stock -= going - (flows - passed).sum(axis=1)
            rows, cols = np.nonzero(alive)
            self._send(
                day, all_nodes[rows], sinks[cols], alive[rows, cols], pipe, routing.km[rows, cols]
            )
            out.stock[day] = stock
            out.in_transit[day] = pipe.total()
            if progress is not None:
                progress(day)
        return out

    def _redirect(
        self, day: int, state: DayState, stock: NDArray[np.float64], pipe: _Pipeline
    ) -> NDArray[np.bool_]:
        """Forced redirection: whoever sets out from a redirected place goes to its target.

        Returns the mask of redirected places (their people do not also choose a sink today).
        """
        done = np.zeros(len(stock), dtype=bool)
        for src, dst in state.redirect.items():
            done[src] = True
            people = float(
                _binomial(self.rng, np.array([stock[src]]), np.array([self.move[src]]))[0]
            )
            self._move(day, src, dst, people, stock, pipe)
        return done

    def _returns(
        self, day: int, state: DayState, stock: NDArray[np.float64], pipe: _Pipeline
    ) -> float:
        total = 0.0
        for src, dst, rate in state.returns:
            people = float(_binomial(self.rng, np.array([stock[src]]), np.array([rate]))[0])
            self._move(day, src, dst, people, stock, pipe)
            total += people
        return total

    def _quotas(
        self, day: int, state: DayState, stock: NDArray[np.float64], pipe: _Pipeline
    ) -> None:
        for src, dst, per_day in state.quotas:
            people = float(min(stock[src], np.floor(per_day) if self.rng else per_day))
            self._move(day, src, dst, people, stock, pipe)

    def _move(
        self,
        day: int,
        src: int,
        dst: int,
        people: float,
        stock: NDArray[np.float64],
        pipe: _Pipeline,
    ) -> None:
        """Send ``people`` from ``src`` to ``dst`` (arriving after the route's travel time)."""
        if people > 0:
            stock[src] -= people
            km = self._link_km(src, dst)
            pipe.add(day, self._delay(np.array([km])), np.array([dst]), np.array([people]))

    def _link_km(self, src: int, dst: int) -> float:
        """Distance of a direct route if there is one, else of the shortest route (km)."""
        key = (src, dst)
        if key not in self._km_cache:
            self._km_cache[key] = self._find_km(src, dst)
        return self._km_cache[key]

    def _find_km(self, src: int, dst: int) -> float:
        net = self.run.network
        for k, (a, b) in enumerate(net.edges):
            if {int(a), int(b)} == {src, dst}:
                return float(net.distance[k])
        from scipy.sparse.csgraph import dijkstra

        from migdip.flows.engine.routing import _dense

        dist = dijkstra(_dense(net.n, net.edges, net.distance), indices=src)
        value = float(dist[dst])
        return value if np.isfinite(value) else self.params.speed_km_per_day


def simulate(
    run: Run,
    params: Params = Params(),
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Run the engine once: deterministic expected values, or whole people with a seed."""
    return Engine(run, params, seed).simulate(progress)
