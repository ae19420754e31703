"""The engine vectorised over runs: the same expected values as one run, conservation with
whole people, parameters that differ by run, and reproducible from its seed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from migdip.flows.engine.batch import (
    _binomial_certain,
    _certain_draws_take_one,
    simulate_batch,
)
from migdip.flows.engine.core import Params, _binomial, simulate
from migdip.flows.engine.levers import Lever
from migdip.flows.engine.synthetic import synthetic_network, synthetic_run


def _run(levers: tuple[Lever, ...] = ()):  # type: ignore[no-untyped-def]
    net = synthetic_network(40, 5, 5, seed=2)
    run = synthetic_run(net, 30, 3000, seed=2)
    return replace(run, levers=levers) if levers else run


def test_one_run_of_a_batch_is_the_engine_run() -> None:
    run = _run()
    for params in (
        Params(),
        Params(speed_km_per_day=120.0, distance_scale_km=400.0),
        Params(distance_decay="power", distance_power=0.6, distance_softening_km=20.0),
    ):
        alone = simulate(run, params)
        batched = simulate_batch(run, [Params(), params]).member(1)
        assert np.allclose(batched.stock, alone.stock, rtol=1e-12, atol=1e-9)
        assert np.allclose(batched.in_transit, alone.in_transit, rtol=1e-12, atol=1e-9)
        assert np.allclose(batched.deaths, alone.deaths, rtol=1e-12, atol=1e-9)


def test_whole_people_are_conserved_in_every_run() -> None:
    run = _run()
    params = [Params(distance_scale_km=float(s)) for s in np.linspace(100, 500, 8)]
    out = simulate_batch(run, params, seed=5)
    alive = out.stock.sum(axis=2) + out.in_transit
    expected = run.initial.sum() + out.spawned.cumsum(axis=1) - out.deaths.cumsum(axis=1)
    assert np.allclose(alive, expected)
    assert np.array_equal(out.stock, np.round(out.stock))
    assert not np.array_equal(out.stock[0], out.stock[-1])  # the parameters matter
    again = simulate_batch(run, params, seed=5)
    assert np.array_equal(out.stock, again.stock)


def test_levers_act_in_every_run_as_in_the_engine() -> None:
    run = _run()
    net = run.network
    towns = [p.name for p in net.places if p.kind not in ("camp", "destination")]
    sink = net.places[int(net.sinks[0])].name
    link = net.links[0]
    levers = (
        Lever("returns", start=5, end=20, place=sink, to=towns[0], rate=0.1),
        Lever("quota", start=3, place=towns[1], to=sink, per_day=20.0),
        Lever("redirect", start=2, place=towns[2], to=sink),
        Lever("interception", start=0, a=link.a, b=link.b, rate=0.3),
    )
    run = replace(run, levers=levers)
    alone = simulate(run, Params())
    batched = simulate_batch(run, [Params(), Params()]).member(0)
    assert np.allclose(batched.stock, alone.stock, rtol=1e-12, atol=1e-9)
    assert np.allclose(batched.returned, alone.returned) and alone.returned.sum() > 0
    assert np.allclose(batched.intercepted, alone.intercepted)


def test_certain_draws_are_skipped_with_the_same_stream() -> None:
    assert _certain_draws_take_one()  # else they are drawn: the same values, but slower
    people = np.array([[3.0, 0.0, 12.0], [0.0, 5.0, 1.0]])
    rows = np.array([1, 0])
    drawn, skipped = np.random.default_rng(4), np.random.default_rng(4)
    for chance in (np.ones((2, 3)), np.array([[1.0, 1.0, 0.0], [1.0, 0.5, 1.0]])):
        assert np.array_equal(
            _binomial(drawn, people, chance[rows]), _binomial_certain(skipped, people, chance, rows)
        )
        assert np.array_equal(drawn.binomial(40, 0.3, size=20), skipped.binomial(40, 0.3, size=20))
