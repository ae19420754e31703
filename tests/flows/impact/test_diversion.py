"""Diversion shares from past closures: the rule on constructed effects, and the committed file."""

from __future__ import annotations

import duckdb
import numpy as np

from migdip.atlas import Atlas
from migdip.flows.impact import diversion
from migdip.flows.impact.diversion import Closure, summarise
from migdip.flows.routes import diversion_range


def _closure(record: str, fall: float, others: dict[str, float], high: float = 1.0) -> Closure:
    rise = sum(max(0.0, e) for e in others.values())
    return Closure(record, "2016-03 to 2017-02", ["A"], fall, others, rise / fall, (0.0, high))


def test_only_rises_elsewhere_count_and_the_pool_weighs_by_fall() -> None:
    big = _closure("big", 1000.0, {"B": 300.0, "C": -500.0})  # C falls with A: not diversion
    small = _closure("small", 100.0, {"B": 50.0}, high=60.0)  # a small fall in loud noise
    out = summarise([big, small])
    assert out["closures"][0]["share"] == 0.3
    assert out["pooled_share"] == (300.0 + 50.0) / 1100.0
    assert out["range"] == [0.3, 0.5]
    # the pooled range weighs each closure by its fall: the small one does not carry it
    assert out["pooled_range"] == [0.0, (1.0 * 1000 + 60.0 * 100) / 1100]
    assert summarise([])["pooled_share"] is None and summarise([])["pooled_range"] is None


def test_one_episode_is_measured_once_from_its_first_record(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    """The EU-Turkey statement and the Western Balkans closure fall within the 12 months of the
    Joint Action Plan on the Eastern Mediterranean: one episode. Every candidate aims to stop
    crossings and has its 12 months of data."""
    Atlas(con=data_con)
    found = {c["record"] for c in diversion_range.committed()["closures"]}
    assert "eu-tur-2015-joint-action-plan" in found
    assert not found & {"eu-tur-2016-statement", "balkans-2016-route-closure"}
    deals = diversion.candidates(data_con)
    assert deals and all(diversion._aims_to_stop_crossings(d.record) for d in deals)
    assert all(d.index + diversion.WINDOW <= len(d.months) for d in deals)
    assert "tur-2020-open-gates" not in {d.record["id"] for d in deals}  # a threat, not a stop


def test_the_committed_shares_are_current(data_con: duckdb.DuckDBPyConnection) -> None:
    """flows/routes/data/diversion.json is what the code computes (to 0.01: statistical
    models' searches may differ in a last digit between machines); regenerate it with
    `python -m migdip.flows.impact.diversion --write`."""
    Atlas(con=data_con)
    committed = diversion_range.committed()
    fresh = summarise(diversion.closures(data_con))
    assert [c["record"] for c in fresh["closures"]] == [c["record"] for c in committed["closures"]]
    for new, old in zip(fresh["closures"], committed["closures"], strict=True):
        assert new["own_routes"] == old["own_routes"] and new["period"] == old["period"]
        np.testing.assert_allclose(new["share"], old["share"], atol=0.01, err_msg=new["record"])
        np.testing.assert_allclose(new["fall"], old["fall"], rtol=0.01, err_msg=new["record"])
    np.testing.assert_allclose(fresh["pooled_share"], committed["pooled_share"], atol=0.01)
    np.testing.assert_allclose(fresh["pooled_range"], committed["pooled_range"], atol=0.01)
