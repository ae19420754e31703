"""Corridors: people are conserved, counted at every checkpoint they pass, and levers act where
they are set, on the months they are set for."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from migdip.errors import InputError
from migdip.flows.routes import diversion_range
from migdip.flows.routes.corridor import Corridor, Lever, simulate
from migdip.flows.routes.corridor_data import attribute, path_shares
from migdip.flows.routes.corridor_scenario import load_corridor_scenario, run_corridor_scenario
from migdip.flows.routes.diversion_range import estimated_range
from migdip.flows.routes.model import RouteParams, fit, forecast, from_frontex
from migdip.flows.routes.scenario import load_route_scenario, run_route_scenario
from migdip.paths import scenarios_dir

MONTHS = [f"2016-{m:02d}" for m in range(1, 13)]
# Turkey to Greece, then on through the Balkans or not; Libya to Italy in parallel
EUROPE = Corridor(
    ("EMED", "WBAL", "CMED"),
    (("EMED", "WBAL"), ("EMED",), ("WBAL",), ("CMED",)),
)


def _departures(values: tuple[float, ...] = (600.0, 200.0, 50.0, 300.0)) -> np.ndarray:
    return np.tile(np.array(values), (len(MONTHS), 1))[:, None, :]


def test_people_are_counted_at_every_checkpoint_they_pass() -> None:
    r = simulate(EUROPE, MONTHS, _departures())
    counts = r.by_checkpoint()
    np.testing.assert_allclose(counts[:, 0], 800.0)  # EMED: both paths through it
    np.testing.assert_allclose(counts[:, 1], 650.0)  # WBAL: continuing + entering there
    np.testing.assert_allclose(counts[:, 2], 300.0)
    assert r.balance() == pytest.approx(0.0, abs=1e-6)


def test_a_closure_lowers_the_checkpoints_after_it_and_diverts_by_shares() -> None:
    lever = Lever("EMED", "closure", 1.0, "2016-04", "2016-12")
    r = simulate(EUROPE, MONTHS, _departures(), levers=(lever,), diversion=0.5)
    counts = r.by_checkpoint()
    before, after = counts[:3], counts[4:]
    np.testing.assert_allclose(before[:, 0], 800.0)
    np.testing.assert_allclose(after[:, 0], 0.0)  # closed: nobody crosses
    assert np.all(after[:, 1] < before[0, 1])  # the Balkans fall with it
    # half of the 800 stopped reroute, to [WBAL] and [CMED] by their shares (50:300), a month on
    np.testing.assert_allclose(after[:, 2], 300.0 + 400.0 * 300 / 350)
    np.testing.assert_allclose(after[:, 1], 50.0 + 400.0 * 50 / 350)
    assert r.balance() == pytest.approx(0.0, abs=1e-6)


def test_interception_later_does_not_raise_the_earlier_checkpoints() -> None:
    base = simulate(EUROPE, MONTHS, _departures()).by_checkpoint()
    lever = Lever("WBAL", "interception", 0.9, "2016-01")
    r = simulate(EUROPE, MONTHS, _departures(), levers=(lever,))
    np.testing.assert_allclose(r.by_checkpoint(), base)  # counted, then stopped
    assert r.stopped[:, :, 1].sum() == pytest.approx(0.9 * 650 * 12)
    # a closure of the later checkpoint, nobody rerouting: the earlier one is unchanged
    closed = (Lever("WBAL", "closure", 1.0, "2016-01"),)
    closure = simulate(EUROPE, MONTHS, _departures(), levers=closed, diversion=0.0)
    np.testing.assert_allclose(closure.by_checkpoint()[:, 0], base[:, 0])
    np.testing.assert_allclose(closure.by_checkpoint()[:, 1], 0.0)
    # those already past EMED have no alternative through it: they stay (stopped at WBAL)
    rerouting = simulate(EUROPE, MONTHS, _departures(), levers=closed, diversion=1.0)
    assert rerouting.stopped[:, :, 1].sum() == pytest.approx(600 * 12)


def test_levers_hold_for_their_calendar_months_only() -> None:
    lever = Lever("CMED", "closure", 1.0, "2016-05", "2016-06")
    counts = simulate(EUROPE, MONTHS, _departures(), levers=(lever,), diversion=0.0).by_checkpoint()
    assert counts[4, 2] == 0 and counts[5, 2] == 0
    assert counts[3, 2] == 300 and counts[6, 2] == 300


def test_attractiveness_moves_the_choice_of_path_not_the_number_setting_out() -> None:
    lever = Lever("EMED", "attractiveness", 0.0, "2016-07", factor=3.0)
    r = simulate(EUROPE, MONTHS, _departures(), levers=(lever,))
    counts = r.by_checkpoint()
    np.testing.assert_allclose(
        counts[:6], simulate(EUROPE, MONTHS, _departures()).by_checkpoint()[:6]
    )
    # from July the two paths through EMED weigh 3: 1800 + 600 + 50 + 300, rescaled to 1150
    scale = 1150 / 2750
    np.testing.assert_allclose(counts[6:, 0], (1800 + 600) * scale)
    np.testing.assert_allclose(counts[6:, 1], (1800 + 50) * scale)
    np.testing.assert_allclose(counts[6:, 2], 300 * scale)
    np.testing.assert_allclose(r.entered.sum(axis=2), 1150.0)  # nobody new sets out
    assert r.balance() == pytest.approx(0.0, abs=1e-6)
    # a nationality that never takes a path does not start taking it
    two = np.concatenate([_departures(), _departures((0.0, 0.0, 0.0, 300.0))], axis=1)
    r2 = simulate(EUROPE, MONTHS, two, levers=(lever,))
    np.testing.assert_allclose(r2.counted[:, 1, :], [[0.0, 0.0, 300.0]] * len(MONTHS))


@settings(max_examples=60, deadline=None)
@example(
    values=[0.0, 1.0, 4e-261, 0.0], rates=[1.0, 0.0, 0.0], diversion=0.5, lag=0, factor=1.0
)  # found
@given(
    values=st.lists(st.floats(0, 1e5), min_size=4, max_size=4),
    rates=st.lists(st.floats(0, 1), min_size=3, max_size=3),
    diversion=st.floats(0, 1),
    lag=st.integers(0, 2),
    factor=st.floats(1e-3, 1e3),
)
def test_people_are_conserved(
    values: list[float], rates: list[float], diversion: float, lag: int, factor: float
) -> None:
    corridor = Corridor(EUROPE.checkpoints, EUROPE.paths, lag=lag)
    levers = (
        Lever("EMED", "closure", rates[0], "2016-03", "2016-08"),
        Lever("WBAL", "closure", rates[1], "2016-02"),
        Lever("CMED", "interception", rates[2], "2016-01"),
        Lever("WBAL", "attractiveness", 0.0, "2016-05", "2016-10", factor=factor),
    )
    r = simulate(corridor, MONTHS, _departures(tuple(values)), levers=levers, diversion=diversion)
    assert abs(r.balance()) <= 1e-9 * max(1.0, float(r.departed.sum()))
    assert np.all(r.counted >= -1e-9) and np.all(r.stopped >= -1e-9)


def test_departures_are_attributed_from_counts_exactly() -> None:
    departures = _departures()
    counts = simulate(EUROPE, MONTHS, departures).counted
    got = attribute(EUROPE, counts)
    np.testing.assert_allclose(simulate(EUROPE, MONTHS, got).counted, counts)
    shares = path_shares(got)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_counts_the_paths_cannot_explain_are_an_error() -> None:
    chain = Corridor(("A", "B"), (("A", "B"), ("A",)))
    counts = np.array([[[10.0, 25.0]]])  # 15 at B that never passed A
    with pytest.raises(InputError, match=r"B .*left over"):
        attribute(chain, counts)


def test_bad_corridors_and_levers_are_clear_errors() -> None:
    with pytest.raises(InputError, match="names X"):
        Corridor(("A",), (("A", "X"),))
    with pytest.raises(InputError, match="passes a checkpoint twice"):
        Corridor(("A", "B"), (("A", "B", "A"),))
    with pytest.raises(InputError, match="accepted: a month YYYY-MM"):
        Lever("A", "closure", 1.0, "2016-13")
    with pytest.raises(InputError, match="accepted: closure, interception, attractiveness"):
        Lever("A", "wall", 1.0, "2016-01")
    with pytest.raises(InputError, match=r"factor 0\.0; accepted: a number > 0"):
        Lever("A", "attractiveness", 0.0, "2016-01", factor=0.0)
    with pytest.raises(InputError, match="checkpoint 'Z'"):
        simulate(EUROPE, MONTHS, _departures(), levers=(Lever("Z", "closure", 1.0, "2016-01"),))


def _europe(tmp: Path, **extra: object) -> Path:
    doc = yaml.safe_load((scenarios_dir() / "europe_corridor.yaml").read_text())
    doc.update(extra)
    path = tmp / "corridor.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_the_europe_corridor_gives_back_the_route_model_without_levers(
    data_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _europe(tmp_path, counterfactuals=[], ensemble={"runs": 1, "level_sd": 0.0})
    spec = load_corridor_scenario(path)
    out = run_corridor_scenario(spec, path.parent, data_con)
    data = from_frontex(data_con, spec.checkpoints, RouteParams().top_nationalities)
    origin = data.months.index("2016-02")
    expected = forecast(data, fit(data, origin, RouteParams()), 12, RouteParams())
    np.testing.assert_allclose(out["variants"]["baseline"]["q50"], expected, rtol=1e-9)
    assert out["months"][0] == "2016-03"


def test_closing_the_aegean_lowers_the_balkans_and_raises_only_alternatives(
    data_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _europe(tmp_path, ensemble={"runs": 20, "seed": 1})
    out = run_corridor_scenario(load_corridor_scenario(path), path.parent, data_con)
    aegean = out["variants"]["Aegean crossings stopped from April 2016"]
    change = aegean["median_change_vs_baseline"]
    assert change["Eastern Mediterranean Route"] < 0
    assert change["Western Balkan Route"] < 0  # the later checkpoint falls with it
    assert all(change[c] >= 0 for c in out["checkpoints"][2:])  # alternatives in parallel
    balkans = out["variants"]["Western Balkans closed from March 2016"]
    assert balkans["median_change_vs_baseline"]["Eastern Mediterranean Route"] == 0


def test_the_bundled_europe_scenarios_run_on_the_corridor(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    """Turkey stops enforcing: the Aegean and the Balkans after it rise, the others fall;
    a Tunisia-type deal with Libya: without it the Central Mediterranean is higher."""
    out = {}
    for name in ("europe_turkey_stops_enforcing", "europe_tunisia_type_deal_with_libya"):
        path = scenarios_dir() / f"{name}.yaml"
        out[name] = run_corridor_scenario(
            load_corridor_scenario(path), path.parent, data_con, runs=8
        )
    turkey = out["europe_turkey_stops_enforcing"]
    assert turkey["months"][0] == "2025-05"
    change = turkey["variants"]["Turkey stops enforcing"]["median_change_vs_baseline"]
    assert change["Eastern Mediterranean Route"] > 0 and change["Western Balkan Route"] > 0
    assert all(change[c] < 0 for c in turkey["checkpoints"][2:])
    libya = out["europe_tunisia_type_deal_with_libya"]["variants"]["no deal"]
    assert libya["median_change_vs_baseline"]["Central Mediterranean Route"] > 0


def test_a_calendar_lever_before_the_origin_is_a_clear_error(
    data_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    doc = {
        "kind": "route_model",
        "name": "t",
        "routes": ["Eastern Mediterranean Route", "Central Mediterranean Route"],
        "origin": "2016-02",
        "levers": [
            {
                "route": "Eastern Mediterranean Route",
                "kind": "interception",
                "rate": 0.5,
                "start": "2016-01",
            }
        ],
        "ensemble": {"runs": 2},
    }
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(InputError, match="at or before the origin 2016-02"):
        run_route_scenario(load_route_scenario(path), tmp_path, data_con)
    doc["levers"][0]["start"] = "2016-03"  # type: ignore[index]
    path.write_text(yaml.safe_dump(doc))
    dated = run_route_scenario(load_route_scenario(path), tmp_path, data_con)
    doc["levers"][0]["start"] = 1  # type: ignore[index]
    path.write_text(yaml.safe_dump(doc))
    counted = run_route_scenario(load_route_scenario(path), tmp_path, data_con)
    assert dated["variants"] == counted["variants"]  # 2016-03 is the first projected month


def test_scenarios_draw_diversion_from_past_closures_unless_the_file_sets_it(
    data_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    low, high = estimated_range()
    pooled = diversion_range.committed()["pooled_range"]
    assert (low, high) == (max(0.0, pooled[0]), min(1.0, pooled[1])) and 0 <= low < high <= 1
    path = _europe(tmp_path, counterfactuals=[], ensemble={"runs": 2})
    assert run_corridor_scenario(load_corridor_scenario(path), path.parent, data_con)[
        "diversion"
    ] == [low, high]
    path = _europe(tmp_path, counterfactuals=[], ensemble={"runs": 2, "diversion": [0.3, 1.0]})
    assert load_corridor_scenario(path).ensemble.diversion == (0.3, 1.0)  # a stress test
    path = _europe(tmp_path, ensemble={"runs": 2, "diversion": [0.8, 0.3]})
    with pytest.raises(InputError, match=r"diversion.*\[0\.8, 0\.3\].*accepted"):
        load_corridor_scenario(path)
