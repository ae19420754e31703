"""Diversion shares from past closures: the rule on constructed effects, and the committed file."""

from __future__ import annotations

import duckdb
import numpy as np

from migdip.atlas import Atlas
from migdip.flows.impact import diversion
from migdip.flows.impact.diversion import Closure, summarise
from migdip.flows.routes import diversion_range


def _closure(record: str, fall: float, others: dict[str, float]) -> Closure:
    rise = sum(max(0.0, e) for e in others.values())
    return Closure(record, "2016-03 to 2017-02", ["A"], fall, others, rise / fall, (0.0, 1.0))


def test_only_rises_elsewhere_count_and_the_pool_weighs_by_fall() -> None:
    big = _closure("big", 1000.0, {"B": 300.0, "C": -500.0})  # C falls with A: not diversion
    small = _closure("small", 100.0, {"B": 50.0})
    out = summarise([big, small])
    assert out["closures"][0]["share"] == 0.3
    assert out["pooled_share"] == (300.0 + 50.0) / 1100.0
    assert out["range"] == [0.3, 0.5]
    assert summarise([])["pooled_share"] is None


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
