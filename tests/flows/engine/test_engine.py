"""The flow engine: conservation, levers honoured, reproducibility, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migdip.errors import InputError
from migdip.flows.engine.core import Params, Run, distance_weight, simulate, within_room
from migdip.flows.engine.levers import Lever
from migdip.flows.engine.network import Link, Network, Place
from migdip.flows.engine.synthetic import synthetic_network, synthetic_run


def toy(levers: tuple[Lever, ...] = (), days: int = 40, capacity: float = 1e9) -> Run:
    net = Network(
        (
            Place("A", "conflict_zone", "X", 1000),
            Place("B", "town", "X"),
            Place("C", "camp", "Y", capacity=capacity),
            Place("D", "camp", "Z", capacity=1e9),
        ),
        (Link("A", "B", 100), Link("B", "C", 150), Link("A", "D", 400), Link("C", "D", 10)),
    )
    spawn = np.zeros((days, 4))
    spawn[:10, 0] = 100
    return Run(net, days, spawn, np.zeros(4), levers)


def _balance(run: Run, seed: int | None) -> float:
    r = simulate(run, seed=seed)
    return float(run.initial.sum() + r.spawned.sum() - r.deaths.sum() - r.total()[-1])


@pytest.mark.parametrize("seed", [None, 0, 1])
def test_conservation_with_every_lever(seed: int | None) -> None:
    levers = (
        Lever("interception", a="B", b="C", rate=0.3),
        Lever("death_risk", a="A", b="B", rate=0.05),
        Lever("returns", place="C", to="A", rate=0.01, start=20),
        Lever("quota", place="A", to="D", per_day=5),
        Lever("close_place", place="D", end=5),
        Lever("redirect", place="B", to="C"),
        Lever("cost", a="A", b="D", value=-100),
    )
    assert _balance(toy(levers), seed) == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0, 1), st.floats(0, 0.5))
def test_conservation_property(seed: int, interception: float, risk: float) -> None:
    levers = (
        Lever("interception", a="B", b="C", rate=interception),
        Lever("death_risk", a="B", b="C", rate=risk),
    )
    assert _balance(toy(levers), seed) == pytest.approx(0.0, abs=1e-6)


def test_seed_reproducibility_and_difference() -> None:
    run = toy((Lever("interception", a="B", b="C", rate=0.5),))
    a, b, c = simulate(run, seed=5), simulate(run, seed=5), simulate(run, seed=6)
    assert np.array_equal(a.stock, b.stock)
    assert not np.array_equal(a.stock, c.stock)
    assert np.all(a.stock == np.round(a.stock))  # whole people with a seed


def test_closed_borders_are_not_crossed() -> None:
    run = toy(
        (
            Lever("close_border", country_a="X", country_b="Y", end=25),
            Lever("close_border", country_a="X", country_b="Z", end=25),
        )
    )
    r = simulate(run)
    sinks = [run.network.node("C"), run.network.node("D")]
    assert r.arrivals[:25, sinks].sum() == 0  # every route out of X is closed
    assert r.arrivals[25:, sinks].sum() == pytest.approx(1000)  # they leave once it reopens


def test_closed_place_receives_nobody_until_it_opens() -> None:
    run = toy((Lever("close_place", place="C", end=30),))
    r = simulate(run)
    c = run.network.node("C")
    assert r.arrivals[:30, c].sum() == 0


def test_capacity_is_honoured() -> None:
    run = toy(capacity=200)
    r = simulate(run)
    c = run.network.node("C")
    assert r.stock[:, c].max() <= 200 + 1e-9
    assert r.stock[-1, run.network.node("D")] > 0  # the rest went elsewhere


def test_interception_pulls_back_and_deters() -> None:
    free = simulate(toy())
    blocked = simulate(toy((Lever("interception", a="B", b="C", rate=0.9),)))
    assert blocked.intercepted.sum() > 0
    c = toy().network.node("C")
    assert blocked.stock[-1, c] < free.stock[-1, c]


def test_deaths_counted_on_risky_route() -> None:
    r = simulate(toy((Lever("death_risk", a="A", b="B", rate=0.1),)))
    assert r.deaths.sum() == pytest.approx(0.1 * 1000, rel=0.05)


def test_quota_moves_people_through_a_legal_pathway() -> None:
    run = toy((Lever("quota", place="A", to="D", per_day=50),))
    r = simulate(run)
    assert r.stock[-1, run.network.node("D")] > simulate(toy()).stock[-1, run.network.node("D")]


@pytest.mark.parametrize(
    ("lever", "message"),
    [
        (Lever("interception", a="A", b="Q", rate=0.5), "no place named 'Q' in the network"),
        (Lever("interception", a="A", b="C", rate=0.5), "no route between 'A' and 'C'"),
        (Lever("interception", a="A", b="B", rate=1.5), "rate 1.5; accepted: a share from 0 to 1"),
        (Lever("close_border", country_a="X", country_b="Q"), "no route crosses the border X-Q"),
        (Lever("returns", place="C"), "needs to (the place people are sent to)"),
        (Lever("teleport"), "unknown kind; accepted: close_link"),
        (Lever("close_link", a="A", b="B", start=5, end=2), "end 2 is before start 5"),
    ],
)
def test_bad_levers_are_named(lever: Lever, message: str) -> None:
    with pytest.raises(InputError) as info:
        simulate(toy((lever,)))
    assert message in str(info.value)


def test_network_errors() -> None:
    with pytest.raises(InputError, match="defined twice"):
        Network((Place("A", "town"), Place("A", "camp")), ())
    with pytest.raises(InputError, match="did you mean Bamako"):
        Network((Place("Bamako", "town"), Place("C", "camp")), (Link("Bamak", "C", 5),))
    with pytest.raises(InputError, match="distance -3"):
        Network((Place("A", "town"), Place("C", "camp")), (Link("A", "C", -3),))


def test_synthetic_network_is_reproducible_and_conserves() -> None:
    net = synthetic_network(120, 12, 12, seed=3)
    run = synthetic_run(net, days=60, people=50_000, seed=3)
    a, b = simulate(run, seed=9), simulate(run, seed=9)
    assert np.array_equal(a.stock, b.stock)
    assert run.spawn.sum() - a.deaths.sum() == pytest.approx(a.total()[-1])


def test_params_change_the_outcome() -> None:
    near = simulate(toy(), Params(distance_scale_km=50))
    far = simulate(toy(), Params(distance_scale_km=5000))
    d = toy().network.node("D")
    assert near.stock[-1, d] < far.stock[-1, d]


def test_distance_weight_forms() -> None:
    cost = np.array([0.0, 100.0, np.inf])
    flee = distance_weight(cost, True, 250.0, 0.75, 50.0)
    assert np.allclose(flee, [50.0**-0.75, 150.0**-0.75, 0.0])
    expo = distance_weight(cost, False, 250.0, 0.75, 50.0)
    assert np.allclose(expo, [1.0, np.exp(-0.4), 0.0])
    # Flee's power law keeps far sinks in play: 10 times the distance, far less than e^-3.6
    far = distance_weight(np.array([100.0, 1000.0]), True, 250.0, 0.75, 50.0)
    assert far[1] / far[0] == pytest.approx((150.0 / 1050.0) ** 0.75)
    assert far[1] / far[0] > 5 * np.exp(-900.0 / 250.0)


def test_power_decay_splits_people_by_flee_weights() -> None:
    net = Network(
        (
            Place("A", "conflict_zone", "X", 1000),
            Place("C", "camp", "Y", capacity=1e6),
            Place("D", "camp", "Z", capacity=1e6),
        ),
        (Link("A", "C", 100), Link("A", "D", 1000)),
    )
    spawn = np.zeros((10, 3))
    spawn[0, 0] = 100.0
    run = Run(net, 10, spawn, np.zeros(3))
    out = simulate(run, Params(distance_decay="power", distance_power=1.0))
    near, far = 1.0 / 150.0, 1.0 / 1050.0
    assert out.stock[-1, 1] == pytest.approx(100.0 * near / (near + far))
    assert out.stock[-1, 2] == pytest.approx(100.0 * far / (near + far))


def test_unknown_distance_decay_is_refused() -> None:
    with pytest.raises(InputError, match="distance_decay 'linear'; accepted: exponential, power"):
        Params(distance_decay="linear")


def test_within_room_sends_the_overflow_on_and_keeps_the_rest_home() -> None:
    movers = np.array([1000.0, 0.0])
    prob = np.array([[0.9, 0.1], [0.5, 0.5]])
    flows = movers[:, None] * within_room(movers, prob, np.array([100.0, np.inf]))
    assert np.allclose(flows[0], [100.0, 900.0])
    assert np.allclose(flows[1], 0.0)
    flows = movers[:, None] * within_room(movers, prob, np.array([100.0, 200.0]))
    assert np.allclose(flows[0], [100.0, 200.0])  # 700 find no room and stay
    room = np.array([1e9, 1e9])
    assert np.allclose(within_room(movers, prob, room), prob)  # room enough: unchanged
    batch = within_room(
        np.stack([movers, movers]), np.stack([prob, prob]), np.array([[100.0, np.inf], room])
    )
    assert np.allclose(batch[0, 0] * 1000, [100.0, 900.0]) and np.allclose(batch[1], prob)


def test_a_crowd_released_at_once_does_not_overfill_a_camp() -> None:
    net = Network(
        (
            Place("A", "conflict_zone", "X", 1000),
            Place("C", "camp", "Y", capacity=300.0),
            Place("D", "camp", "Z", capacity=400.0),
        ),
        (Link("A", "C", 50), Link("A", "D", 300)),
    )
    spawn = np.zeros((20, 3))
    spawn[:5, 0] = 400.0
    closed = (Lever("close_link", 0, 10, a="A", b="C"), Lever("close_link", 0, 10, a="A", b="D"))
    run = Run(net, 20, spawn, np.zeros(3), closed)
    out = simulate(run, Params())
    assert out.stock[-1, 1] == pytest.approx(300.0) and out.stock[-1, 2] == pytest.approx(400.0)
    assert out.stock[-1, 0] == pytest.approx(1300.0)  # no room anywhere: they stay
    drawn = simulate(run, Params(), seed=4)
    assert drawn.stock[-1, 1] <= 300 + 60 and drawn.stock[-1, 2] <= 400 + 60
    assert drawn.stock[-1].sum() == 2000
