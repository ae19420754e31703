"""Bargaining solvers agree with theory where theory says they should."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migdip.bargaining.solvers import alternating_offers, nash, pareto

GRID = np.linspace(0.0, 1.0, 2001)


def test_nash_splits_a_symmetric_surplus_equally() -> None:
    sol = nash(GRID, 1 - GRID)
    assert sol.agreed[0] and sol.u1[0] == pytest.approx(0.5)


@given(st.floats(0.0, 0.4), st.floats(0.0, 0.4))
def test_nash_gives_each_its_disagreement_plus_half_the_surplus(d1: float, d2: float) -> None:
    sol = nash(GRID, 1 - GRID, d1, d2)
    surplus = 1 - d1 - d2
    assert sol.u1[0] == pytest.approx(d1 + surplus / 2, abs=1e-3)


def test_no_agreement_when_disagreement_beats_every_package() -> None:
    sol = nash(GRID, 1 - GRID, 0.6, 0.6)
    assert not sol.agreed[0] and sol.index[0] == -1


def test_batched_problems_match_single_ones() -> None:
    rng = np.random.default_rng(0)
    u1, u2 = rng.random((50, 30)), rng.random((50, 30))
    batch = nash(u1, u2, 0.2, 0.1)
    for k in range(50):
        single = nash(u1[k], u2[k], 0.2, 0.1)
        assert single.index[0] == batch.index[k]


def test_nash_solution_is_pareto_efficient() -> None:
    rng = np.random.default_rng(1)
    u1, u2 = rng.random(200), rng.random(200)
    sol = nash(u1, u2)
    assert pareto(u1, u2)[sol.index[0]]


@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.9), (0.9, 0.8), (0.8, 0.95), (0.5, 0.5)])
def test_alternating_offers_gives_rubinstein_shares(d1: float, d2: float) -> None:
    k, _ = alternating_offers(GRID, 1 - GRID, delta1=d1, delta2=d2, rounds=400)
    assert GRID[k] == pytest.approx((1 - d2) / (1 - d1 * d2), abs=0.01)


def test_alternating_offers_with_concave_utility_matches_theory_and_nash() -> None:
    x = np.linspace(0.0, 1.0, 20001)
    u1, u2 = np.sqrt(x), 1 - x  # Rubinstein's equations give x = (1 - d) / (1 - d**3)
    delta = 0.99
    k, _ = alternating_offers(u1, u2, delta1=delta, delta2=delta, rounds=1000)
    assert x[k] == pytest.approx((1 - delta) / (1 - delta**3), abs=1e-3)
    assert x[k] == pytest.approx(x[nash(u1, u2).index[0]], abs=0.01)  # near the Nash solution


@settings(max_examples=30, deadline=None)
@given(st.floats(0.5, 0.99), st.integers(1, 30))
def test_deadline_one_round_gives_everything_to_the_proposer(delta: float, rounds: int) -> None:
    k, _ = alternating_offers(GRID, 1 - GRID, delta1=delta, delta2=delta, rounds=1)
    assert GRID[k] == pytest.approx(1.0)
    del rounds
