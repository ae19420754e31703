"""Deal-impact estimators: recover known breaks, name bad input, write back to the Atlas."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml

from migdip.atlas import Atlas
from migdip.errors import InputError
from migdip.flows.impact.deals import (
    committed_estimates,
    evaluate,
    plot,
    stale_estimates,
    write_back,
)
from migdip.flows.impact.its import seasonal_its, synthetic_control
from migdip.paths import records_dir


def _series(effect: float, seed: int, n: int = 96, at: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    base = 2000 * np.exp(0.004 * t) * (1 + 0.35 * np.sin(2 * np.pi * t / 12))
    y = base.copy()
    y[at:] *= 1 + effect
    noisy = rng.poisson(y * np.exp(rng.normal(0, 0.04, n))).astype(float)
    return noisy, base


MONTHS = [f"{2010 + i // 12}-{i % 12 + 1:02d}" for i in range(96)]


@pytest.mark.parametrize(("effect", "seed"), [(-0.5, 1), (-0.2, 2), (0.0, 3), (0.4, 4)])
def test_its_recovers_a_known_break_within_its_interval(effect: float, seed: int) -> None:
    y, base = _series(effect, seed)
    r = seasonal_its(y, MONTHS, 60, pre=48, post=12, seed=seed)
    true = effect * base[60:72].sum()
    assert r.effect_lower <= true <= r.effect_upper
    assert r.effect_pct == pytest.approx(100 * effect, abs=8)


def test_its_is_reproducible_from_its_seed() -> None:
    y, _ = _series(-0.3, 5)
    a = seasonal_its(y, MONTHS, 60, seed=11)
    b = seasonal_its(y, MONTHS, 60, seed=11)
    assert (a.effect, a.effect_lower, a.effect_upper) == (b.effect, b.effect_lower, b.effect_upper)


def test_its_needs_enough_history() -> None:
    y, _ = _series(0.0, 6)
    with pytest.raises(InputError, match="only 10 months of data before the break"):
        seasonal_its(y, MONTHS, 10)


def test_synthetic_control_tracks_a_donor() -> None:
    donor, _ = _series(0.0, 7)
    treated = donor * 0.5
    treated[60:] *= 0.6
    sc = synthetic_control(treated, {"d": donor}, 60, pre=48)
    assert sc is not None and sc.holds
    assert sc.effect_pct == pytest.approx(-40, abs=5)


@pytest.fixture(scope="module")
def atlas_con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    from migdip.data.ingest import ensure_datasets
    from migdip.warehouse import open_warehouse

    con = open_warehouse(tmp_path_factory.mktemp("impact") / "w.duckdb")
    ensure_datasets(con)
    Atlas(con=con)
    return con


def test_record_without_route_is_a_clear_error(atlas_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="is tied to no Frontex route"):
        evaluate(atlas_con, "jpn-idn-2007-epa")


def test_evaluate_a_deal_plots_and_writes_back(
    atlas_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = evaluate(atlas_con, "ita-lby-2017-mou")
    route = result["routes"]["central_mediterranean"]
    assert route["its"]["post_period"] == "2017-02 to 2018-01"
    assert route["its"]["effect"] < 0
    assert result["confounders"][0]["id"] == "eu-2017-malta-declaration"
    assert set(result["displacement"]) >= {"eastern_mediterranean", "western_mediterranean"}
    files = plot(result, tmp_path / "plots")
    assert {f.suffix for f in files} == {".png", ".svg"} and all(f.stat().st_size for f in files)
    records = tmp_path / "atlas" / "records"
    shutil.copytree(records_dir(), records)
    written = write_back(result, tmp_path / "atlas" / "computed")
    doc = yaml.safe_load(written.read_text())
    assert doc["flow_effects"][0]["computed"] is True
    atlas = Atlas(warehouse=tmp_path / "w.duckdb", records=records)
    effects = atlas.get("ita-lby-2017-mou")["outcome"]["flow_effects"]
    assert any(e.get("computed") for e in effects)


def test_committed_estimates_are_current(data_con: duckdb.DuckDBPyConnection) -> None:
    """atlas/computed/*.yaml are what the code computes; regenerate them with
    `python -m migdip.validation --write`."""
    Atlas(con=data_con)
    assert committed_estimates(), "no committed estimates found"
    assert stale_estimates(data_con) == []
