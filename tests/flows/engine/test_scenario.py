"""Scenario files: validation errors, counterfactuals, ensembles on every backend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from migdip.errors import InputError
from migdip.flows.engine.ensemble import EnsembleSpec, run_ensemble
from migdip.flows.engine.runner import _Summary, run_scenario, save_to_warehouse, write_parquet
from migdip.flows.engine.scenario import load_scenario
from migdip.flows.engine.synthetic import synthetic_network, synthetic_run
from migdip.flows.routes.scenario import scenario_kind
from migdip.warehouse import open_warehouse

ROOT = Path(__file__).resolve().parents[3]
TOY = ROOT / "scenarios" / "aegean_toy.yaml"


def _edit(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(TOY.read_text())
    data.update(change)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


NETWORK_SCENARIOS = sorted(
    p for p in (ROOT / "scenarios").glob("*.yaml") if scenario_kind(p) == "network"
)


@pytest.mark.parametrize("path", NETWORK_SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_runs(path: Path) -> None:
    outcome = run_scenario(load_scenario(path), runs=3, seed=1, backend="serial")
    assert "baseline" in outcome.variants
    assert all(b["q50"].shape[0] == outcome.days for b in outcome.variants.values())


def test_counterfactual_removes_the_deal() -> None:
    outcome = run_scenario(load_scenario(TOY), runs=5, seed=2, backend="serial")
    summary = outcome.summary()
    base = summary["variants"]["baseline"]["final_at_sinks"]["Germany"]["q50"]
    free = summary["variants"]["no deal"]["final_at_sinks"]["Germany"]["q50"]
    assert free > base
    assert summary["variants"]["no deal"]["totals"]["intercepted"]["q50"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": 0}, "days: Input should be greater than or equal to 1 (value: 0)"),
        ({"levers": [{"kind": "teleport"}]}, "levers.0.kind: 'teleport' is not a lever kind"),
        ({"routes": [{"a": "Aleppo", "b": "Nowhere", "km": 5}]}, "no place named 'Nowhere'"),
        ({"params": {"speed": 3}}, "params.speed is not a parameter; accepted: speed_km_per_day"),
        (
            {"levers": [{"kind": "close_place", "place": "Lesbos", "start": "2016-01-01"}]},
            "a date needs the scenario's `start` date to be set",
        ),
        (
            {"counterfactuals": [{"name": "x", "remove": ["nope"]}]},
            "no baseline lever labelled 'nope'",
        ),
        (
            {"ensemble": {"runs": 5, "ranges": {"colour": [0, 1]}}},
            "ensemble parameter 'colour' is not a numeric parameter",
        ),
        ({"places": "Aleppo"}, "places: Input should be a valid list"),
    ],
)
def test_scenario_errors_name_file_field_value(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = _edit(tmp_path, change)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_yaml_error_gives_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndays: [1\n")
    with pytest.raises(InputError, match="not valid YAML at line 3"):
        load_scenario(bad)


def test_backends_agree() -> None:
    net = synthetic_network(60, 6, 6, seed=1)
    run = synthetic_run(net, 40, 5000, seed=1)
    summary = _Summary(tuple(int(i) for i in net.sinks))
    spec = EnsembleSpec(6, 3, {"distance_scale_km": (100.0, 400.0)})
    serial = run_ensemble(run, summary, spec, backend="serial")
    local = run_ensemble(run, summary, spec, backend="local", workers=2)
    assert np.array_equal(serial, local)
    assert not np.array_equal(serial[0], serial[1])


def test_ray_backend_matches_local() -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    net = synthetic_network(60, 6, 6, seed=1)
    run = synthetic_run(net, 40, 5000, seed=1)
    summary = _Summary(tuple(int(i) for i in net.sinks))
    spec = EnsembleSpec(4, 3)
    local = run_ensemble(run, summary, spec, backend="local", workers=2)
    ray_values = run_ensemble(run, summary, spec, backend="ray", workers=2)
    assert np.array_equal(local, ray_values)


def test_results_to_parquet_and_warehouse(tmp_path: Path) -> None:
    import duckdb

    outcome = run_scenario(load_scenario(TOY), runs=3, seed=1, backend="serial")
    n = write_parquet(outcome, tmp_path / "bands.parquet")
    query = f"SELECT count(*) FROM '{tmp_path / 'bands.parquet'}'"
    assert duckdb.connect().execute(query).fetchone() == (n,)
    con = open_warehouse(tmp_path / "w.duckdb")
    run_id = save_to_warehouse(con, outcome)
    assert con.execute("SELECT count(*) FROM sim_bands WHERE run_id = ?", [run_id]).fetchone() == (
        n,
    )
