"""The flow engine vectorised over runs: many members of an ensemble in one pass.

The same day step as ``engine.Engine`` (arrivals, spawn, redirections, returns, quotas, then
movers choosing a sink, interception, deaths, travel), with every array given a leading run
axis: stock (runs, places), choice probabilities (runs, places, sinks), people on the way
(horizon, runs, places). Runs may differ in their parameters (speed, distance scale, capacity
power and scaling, aversions, move chances); levers and routes are the run's and shared. With
``seed=None`` every run moves expected values (one run gives exactly what ``engine.simulate``
gives); with a seed, whole people are drawn from one generator for the whole batch, so a batch
is reproducible from its seed (a member is re-run by re-running its batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError
from migdip.flows.engine.core import (
    Engine,
    Params,
    Result,
    Run,
    _binomial,
    _multinomial,
    distance_weight,
    within_room,
)
from migdip.flows.engine.levers import DayState
from migdip.flows.engine.routing import Routing


@dataclass
class BatchResult:
    stock: NDArray[np.float64]  # (runs, days, n)
    in_transit: NDArray[np.float64]  # (runs, days)
    spawned: NDArray[np.float64]  # (runs, days)
    deaths: NDArray[np.float64]  # (runs, days)
    intercepted: NDArray[np.float64]  # (runs, days)
    returned: NDArray[np.float64]  # (runs, days)
    arrivals: NDArray[np.float64]  # (runs, days, n)

    def member(self, r: int) -> Result:
        """Run ``r`` as an engine Result (views, no copy)."""
        return Result(
            self.stock[r],
            self.in_transit[r],
            self.spawned[r],
            self.deaths[r],
            self.intercepted[r],
            self.returned[r],
            self.arrivals[r],
        )


class _Pipes:
    """People on the way, by arrival day, run and place (a ring buffer over days), with the
    running total towards each place kept alongside (summing the buffer daily is the cost)."""

    def __init__(self, runs: int, n: int, horizon: int) -> None:
        self.buf = np.zeros((horizon, runs, n))
        self.on_way = np.zeros((runs, n))
        self.horizon = horizon

    def add(
        self,
        day: int,
        delays: NDArray[np.int64],
        runs: NDArray[np.int64],
        dest: NDArray[np.int64],
        people: NDArray[np.float64],
    ) -> None:
        if np.any(delays >= self.horizon):
            raise InputError("a route takes longer than the engine's horizon; raise the speed")
        np.add.at(self.buf, ((day + delays) % self.horizon, runs, dest), people)
        np.add.at(self.on_way, (runs, dest), people)

    def pop(self, day: int) -> NDArray[np.float64]:
        slot = day % self.horizon
        out: NDArray[np.float64] = self.buf[slot].copy()
        self.buf[slot] = 0.0
        self.on_way -= out
        np.maximum(self.on_way, 0.0, out=self.on_way)  # rounding of the running sum
        return out

    def towards(self) -> NDArray[np.float64]:
        return self.on_way

    def totals(self) -> NDArray[np.float64]:
        out: NDArray[np.float64] = self.on_way.sum(axis=1)
        return out


def _binomial_sparse(
    rng: np.random.Generator | None, n: NDArray[np.float64], p: NDArray[np.float64]
) -> NDArray[np.float64]:
    """As ``engine._binomial``, drawing only where there is someone to draw for."""
    if rng is None:
        return _binomial(None, n, p)
    p = np.broadcast_to(p, n.shape)
    out = np.zeros(n.shape)
    live = n > 0
    out[live] = _binomial(rng, n[live], p[live])
    return out


def _multinomial_sparse(
    rng: np.random.Generator | None, n: NDArray[np.float64], p: NDArray[np.float64]
) -> NDArray[np.float64]:
    """As ``engine._multinomial``, drawing only the rows with someone to split."""
    if rng is None:
        return _multinomial(None, n, p)
    out = np.zeros(p.shape)
    live = np.flatnonzero(n > 0)
    if live.size:
        out[live] = _multinomial(rng, n[live], p[live])
    return out


class BatchEngine(Engine):
    def __init__(self, run: Run, params: Sequence[Params], seed: int | None = None) -> None:
        if not params:
            raise InputError("a batch needs at least one set of parameters")
        super().__init__(run, params[0], None)
        self.rng = None if seed is None else np.random.default_rng(seed)
        self.batch = list(params)
        kinds = run.network.kinds

        def column(name: str) -> NDArray[np.float64]:
            return np.array([float(getattr(p, name)) for p in self.batch])

        self.speed = column("speed_km_per_day")
        self.scale = column("distance_scale_km")
        self.power = np.array([p.distance_decay == "power" for p in self.batch])
        self.exponent = column("distance_power")
        self.softening = column("distance_softening_km")
        self.cap_power = column("capacity_power")
        self.cap_scaling = column("capacity_scaling")
        self.i_aversion = column("interception_aversion")
        self.d_aversion = column("death_aversion")
        self.moves = np.stack([p.move_chances(kinds) for p in self.batch])  # (R, n)
        longest = float(run.network.distance.sum()) + 1.0
        self.horizon = ceil(longest / float(self.speed.min())) + 2
        self._weight_for: Routing | None = None
        self._weight = np.zeros(0)

    def _delays(self, km: NDArray[np.float64], runs: NDArray[np.int64]) -> NDArray[np.int64]:
        return np.maximum(np.ceil(km / self.speed[runs]), 1).astype(np.int64)

    def _route_weight(self, routing: Routing) -> NDArray[np.float64]:
        """(R, n, n_sinks) distance decay and risk aversion: fixed while the routes are, so
        computed once per routing (the routing object is held, so identity is safe)."""
        if self._weight_for is not routing:
            with np.errstate(over="ignore", invalid="ignore"):
                w = distance_weight(
                    routing.gen_dist[None],
                    self.power[:, None, None],
                    self.scale[:, None, None],
                    self.exponent[:, None, None],
                    self.softening[:, None, None],
                )
                w *= routing.pass_prob[None] ** self.i_aversion[:, None, None]
                w *= routing.alive_prob[None] ** self.d_aversion[:, None, None]
            w[~np.isfinite(w)] = 0.0
            w[:, self.run.network.sinks, np.arange(len(self.run.network.sinks))] = 0.0
            self._weight, self._weight_for = w, routing
        return self._weight

    def _batch_choice(
        self, state: DayState, routing: Routing, stock: NDArray[np.float64], pipes: _Pipes
    ) -> NDArray[np.float64]:
        """(R, n, n_sinks) probabilities of heading for each sink."""
        net = self.run.network
        sinks = net.sinks
        cap = state.capacity[sinks]
        occupied = stock[:, sinks] + pipes.towards()[:, sinks]
        finite = np.isfinite(cap)[None, :]
        size = np.where(
            finite,
            np.power(np.maximum(cap, 1.0)[None, :], self.cap_power[:, None]),
            net.attractiveness[sinks][None, :],
        )
        room = np.where(
            finite,
            np.clip(
                1.0 - occupied / np.maximum(cap[None, :] * self.cap_scaling[:, None], 1.0),
                0.0,
                1.0,
            ),
            1.0,
        )
        attract = size * room * state.place_open[sinks][None, :]
        weight = attract[:, None, :] * self._route_weight(routing)
        weight[~np.isfinite(weight)] = 0.0
        total = weight.sum(axis=2, keepdims=True)
        prob: NDArray[np.float64] = np.divide(
            weight, total, out=np.zeros_like(weight), where=total > 0
        )
        return prob

    def _batch_room_left(
        self, state: DayState, stock: NDArray[np.float64], pipes: _Pipes
    ) -> NDArray[np.float64]:
        """(R, n_sinks) people each sink can still take in each run (inf: no capacity)."""
        sinks = self.run.network.sinks
        cap = state.capacity[sinks][None, :] * self.cap_scaling[:, None]
        occupied = stock[:, sinks] + pipes.towards()[:, sinks]
        left: NDArray[np.float64] = np.where(
            np.isfinite(cap), np.maximum(cap - occupied, 0.0), np.inf
        )
        return left

    def _move_all(
        self,
        day: int,
        src: int,
        dst: int,
        people: NDArray[np.float64],
        stock: NDArray[np.float64],
        pipes: _Pipes,
    ) -> None:
        """Send ``people`` (one value per run) from ``src`` to ``dst``."""
        runs = np.flatnonzero(people > 0)
        if runs.size:
            stock[runs, src] -= people[runs]
            km = np.full(runs.size, self._link_km(src, dst))
            pipes.add(day, self._delays(km, runs), runs, np.full(runs.size, dst), people[runs])

    def simulate_batch(self) -> BatchResult:
        run, net = self.run, self.run.network
        days, n, sinks, runs = run.days, net.n, net.sinks, len(self.batch)
        pipes = _Pipes(runs, n, self.horizon)
        stock = np.tile(run.initial.astype(np.float64), (runs, 1))
        out = BatchResult(
            np.zeros((runs, days, n)),
            np.zeros((runs, days)),
            np.zeros((runs, days)),
            np.zeros((runs, days)),
            np.zeros((runs, days)),
            np.zeros((runs, days)),
            np.zeros((runs, days, n)),
        )
        rng = self.rng
        for day in range(days):
            state = self._day_state(day)
            routing = self._routes(state)
            arrived = pipes.pop(day)
            stock += arrived
            out.arrivals[:, day] = arrived
            stock += run.spawn[day][None, :]
            out.spawned[:, day] = run.spawn[day].sum()
            redirected = np.zeros(n, dtype=bool)
            for src, dst in state.redirect.items():
                redirected[src] = True
                people = _binomial_sparse(rng, stock[:, src], self.moves[:, src])
                self._move_all(day, src, dst, people, stock, pipes)
            returned = np.zeros(runs)
            for src, dst, rate in state.returns:
                people = _binomial_sparse(rng, stock[:, src], np.full(runs, rate))
                self._move_all(day, src, dst, people, stock, pipes)
                returned += people
            out.returned[:, day] = returned
            for src, dst, per_day in state.quotas:
                people = np.minimum(stock[:, src], np.floor(per_day) if rng else per_day)
                self._move_all(day, src, dst, people, stock, pipes)
            movers = _binomial_sparse(rng, stock, np.where(redirected[None, :], 0.0, self.moves))
            prob = self._batch_choice(state, routing, stock, pipes)
            prob = within_room(movers, prob, self._batch_room_left(state, stock, pipes))
            flows = _multinomial_sparse(
                rng, movers.reshape(-1), prob.reshape(runs * n, -1)
            ).reshape(prob.shape)
            going = flows.sum(axis=2)
            passed = _binomial_sparse(rng, flows, np.broadcast_to(routing.pass_prob, flows.shape))
            alive = _binomial_sparse(rng, passed, np.broadcast_to(routing.alive_prob, flows.shape))
            stopped = flows - passed
            out.intercepted[:, day] = stopped.sum(axis=(1, 2))
            out.deaths[:, day] = (passed - alive).sum(axis=(1, 2))
            stock -= going - stopped.sum(axis=2)
            r, rows, cols = np.nonzero(alive > 0)
            if r.size:
                pipes.add(
                    day,
                    self._delays(routing.km[rows, cols], r),
                    r,
                    sinks[cols],
                    alive[r, rows, cols],
                )
            out.stock[:, day] = stock
            out.in_transit[:, day] = pipes.totals()
        return out


def simulate_batch(run: Run, params: Sequence[Params], seed: int | None = None) -> BatchResult:
    """Run the engine once per parameter set, all in one vectorised pass."""
    return BatchEngine(run, params, seed).simulate_batch()
