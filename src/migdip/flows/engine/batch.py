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
from functools import cache
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
        _, n_runs, n = self.buf.shape
        place = runs * n + dest  # flat indices: add.at is much faster on one axis
        slot = (day + delays) % self.horizon
        np.add.at(self.buf.reshape(-1), slot * (n_runs * n) + place, people)
        np.add.at(self.on_way.reshape(-1), place, people)

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
    live = (n > 0) & ~(p <= 0)  # a draw with no chance is 0 and takes nothing from the generator
    out[live] = _binomial(rng, n[live], p[live])
    return out


@cache
def _certain_draws_take_one() -> bool:
    """Whether this numpy draws binomial(n, 1), n > 0, with exactly one 64-bit output of a
    PCG64 bit generator and binomial(n, 0) with none (its inversion algorithm does), checked
    once: then such draws are skipped by advancing the generator, with the same stream after."""
    n, p = np.array([1, 7, 40, 10**7, 0, 3]), np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    drawn, bits = np.random.Generator(np.random.PCG64(0)), np.random.PCG64(0)
    same = np.array_equal(drawn.binomial(n, p), np.where(p == 1.0, n, 0))
    skipped = np.random.Generator(bits.advance(4))
    return same and bool(drawn.binomial(50, 0.3) == skipped.binomial(50, 0.3))


def _binomial_certain(
    rng: np.random.Generator | None,
    n: NDArray[np.float64],
    chance: NDArray[np.float64],
    rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """As ``engine._binomial(rng, n, chance[rows])``; where every chance is 1 (no interception
    or death risk on the day's routes) everyone gets through, and the generator is advanced
    past the draws."""
    bits = None if rng is None else rng.bit_generator
    if not isinstance(bits, np.random.PCG64) or not chance.size or not chance.min() >= 1.0:
        return _binomial(rng, n, chance[rows])
    people = np.round(n).astype(np.int64)
    if (people < 0).any() or not _certain_draws_take_one():
        return _binomial(rng, n, chance[rows])
    bits.advance(int(np.count_nonzero(people)))
    out: NDArray[np.float64] = people.astype(np.float64)
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
        self._tables_for: Routing | None = None
        self._tables = (np.zeros(0), np.zeros(0))

    def _delays(self, km: NDArray[np.float64], runs: NDArray[np.int64]) -> NDArray[np.int64]:
        return np.maximum(np.ceil(km / self.speed[runs]), 1).astype(np.int64)

    def _route_tables(self, routing: Routing) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(R, n, n_sinks) route weights (distance decay and risk aversion) and days on the way
        (inf where unreachable): fixed while the routes are, so computed once per routing (the
        routing object is held, so identity is safe)."""
        if self._tables_for is not routing:
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
            days = np.maximum(np.ceil(routing.km[None] / self.speed[:, None, None]), 1)
            self._tables, self._tables_for = (w, days), routing
        return self._tables

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
        # laid out as the route weights are: within_room's sums depend on the memory order
        weight = attract[:, None, :] * self._route_tables(routing)[0]
        total = weight.sum(axis=2, keepdims=True)
        if not np.isfinite(total).all():  # a sum is finite only if every term is
            weight[~np.isfinite(weight)] = 0.0
            total = weight.sum(axis=2, keepdims=True)
        positive = total > 0
        prob: NDArray[np.float64]
        if positive.all():
            prob = np.divide(weight, total, out=weight)
        else:
            prob = np.divide(weight, total, out=weight, where=positive)
            prob[~positive[..., 0]] = 0.0
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
        days, n, runs = run.days, net.n, len(self.batch)
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
            self._set_out(day, routing, movers, prob, stock, pipes, out)
            out.stock[:, day] = stock
            out.in_transit[:, day] = pipes.totals()
        return out

    def _set_out(
        self,
        day: int,
        routing: Routing,
        movers: NDArray[np.float64],
        prob: NDArray[np.float64],
        stock: NDArray[np.float64],
        pipes: _Pipes,
        out: BatchResult,
    ) -> None:
        """Movers (R, n) choose a sink with ``prob`` (R, n, n_sinks), are intercepted or die
        on the way, and the rest travel. Only the (run, place) rows with movers are drawn for
        (a draw for nobody takes nothing from the generator: the same draws as on every row)."""
        n, rng = self.run.network.n, self.rng
        flat = movers.reshape(-1)
        live = np.flatnonzero(flat > 0 if rng is not None else flat != 0)
        if not live.size:
            return
        member, place = np.divmod(live, n)  # the run and the place of each live row
        flows = _multinomial(rng, flat[live], prob[member, place])
        passed = _binomial_certain(rng, flows, routing.pass_prob, place)
        alive = _binomial_certain(rng, passed, routing.alive_prob, place)
        stopped = flows - passed
        stock.reshape(-1)[live] -= flows.sum(axis=1) - stopped.sum(axis=1)
        out.intercepted[:, day] = self._per_run(live, stopped)
        out.deaths[:, day] = self._per_run(live, passed - alive)
        rows, cols = np.nonzero(alive > 0)
        if rows.size:
            runs, places = member[rows], place[rows]
            delays = self._route_tables(routing)[1][runs, places, cols].astype(np.int64)
            pipes.add(day, delays, runs, self.run.network.sinks[cols], alive[rows, cols])

    def _per_run(self, live: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Each run's total of ``values`` (the live rows' (L, n_sinks)), summed as over the
        run's whole (n, n_sinks) block."""
        runs, n = len(self.batch), self.run.network.n
        if not values.any():
            return np.zeros(runs)
        full = np.zeros((runs * n, values.shape[1]))
        full[live] = values
        total: NDArray[np.float64] = full.reshape(runs, n, -1).sum(axis=(1, 2))
        return total


def simulate_batch(run: Run, params: Sequence[Params], seed: int | None = None) -> BatchResult:
    """Run the engine once per parameter set, all in one vectorised pass."""
    return BatchEngine(run, params, seed).simulate_batch()
