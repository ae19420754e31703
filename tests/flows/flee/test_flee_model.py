"""The engine on the peer suite: Flee's three cases, scored as Flee scores itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from migdip.cli import app
from migdip.flows.flee.model import build, flee_kind, run_case, spawn_weights
from migdip.flows.flee.reader import read_case
from migdip.flows.flee.scoring import read_out_csv, score
from migdip.paths import data_dir

CASES = data_dir() / "flee_cases"
SETTINGS = CASES / "simsetting.yml"
# Flee's own errors on these cases (rescaled), measured as README states; ssudan: not measured.
FLEE_RESCALED = {"mali2012": 0.318, "burundi2015": 0.466}


@pytest.mark.parametrize("name", ["mali2012", "burundi2015", "ssudan2013"])
def test_error_below_flee(name: str) -> None:
    case = read_case(CASES / name, SETTINGS)
    sim, result, _ = run_case(case)
    s = score(case, sim)
    assert s.error_rescaled < FLEE_RESCALED.get(name, 0.6)  # Flee 3 publishes < 0.6 in general
    assert s.error_normal < 0.6
    # the registered total drives displacement: everyone spawned is somewhere in the model
    assert result.total()[-1] == pytest.approx(case.camp_data[0].sum() + result.spawned.sum())


def test_spawn_follows_the_registered_total() -> None:
    case = read_case(CASES / "mali2012", SETTINGS)
    fr = build(case)
    registered = case.camp_data.sum(axis=1)
    rise = np.maximum(np.diff(registered, prepend=registered[0]), 0)
    assert np.allclose(fr.run.spawn.sum(axis=1), rise)
    shares = spawn_weights(case, np.ones(len(case.locations)))
    assert np.all(shares[case.conflicts.any(axis=1)].sum(axis=1).round(9) == 1)
    assert np.all(shares[~case.conflicts] == 0)


def test_spawn_shares_follow_conflict_intensity() -> None:
    case = read_case(CASES / "mali2012", SETTINGS)
    day = int(np.flatnonzero(case.conflicts.sum(axis=1) >= 2)[0])
    a, b = np.flatnonzero(case.conflicts[day])[:2]
    intensity = np.array(case.intensity)
    intensity[day, a] = 3.0 * intensity[day, b]  # Flee: weight = population * intensity * decay
    object.__setattr__(case, "intensity", intensity)
    shares = spawn_weights(case, np.ones(len(case.locations)))
    assert shares[day, a] == pytest.approx(3.0 * shares[day, b])


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("camp", "camp"),
        ("Camp", "camp"),
        ("idpcamp", "camp"),
        ("town", "town"),
        ("flood_zone", "flood_zone"),
    ],
)
def test_every_type_containing_camp_is_a_camp(kind: str, expected: str) -> None:
    assert flee_kind(kind) == expected


def test_a_capitalised_camp_type_receives_people(tmp_path: Path) -> None:
    import shutil

    folder = Path(shutil.copytree(CASES / "mali2012", tmp_path / "mali2012"))
    path = folder / "input_csv" / "locations.csv"
    path.write_text(path.read_text().replace(",camp,", ",Camp,"))
    case = read_case(folder, SETTINGS)
    sim, _, _ = run_case(case)
    assert np.allclose(sim, run_case(read_case(CASES / "mali2012", SETTINGS))[0])
    assert (sim[-1] > sim[0]).any()


def test_closures_become_levers() -> None:
    case = read_case(CASES / "burundi2015", SETTINGS)
    kinds = sorted({lv.kind for lv in build(case).run.levers})
    assert kinds == ["close_link", "close_place", "redirect"]


def test_seeded_runs_are_reproducible() -> None:
    case = read_case(CASES / "mali2012", SETTINGS)
    a, _, _ = run_case(case, seed=3)
    b, _, _ = run_case(case, seed=3)
    assert np.array_equal(a, b)


def test_sim_flee_command_writes_scorable_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["sim", "flee", str(CASES / "mali2012"), "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    case = read_case(CASES / "mali2012", SETTINGS)
    sim = read_out_csv(tmp_path / "out.csv", case)
    assert score(case, sim).error_rescaled == pytest.approx(
        summary["scores"]["error_rescaled"], abs=1e-3
    )
    assert len(list((tmp_path / "plots").glob("*.png"))) == len(case.camps)


def test_sim_flee_bad_folder_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sim", "flee", str(tmp_path)])
    assert result.exit_code == 1
    assert "locations.csv" in result.stderr and "no such file" in result.stderr


def test_validation_report_is_current() -> None:
    from migdip.flows.flee.report import render

    root = Path(__file__).resolve().parents[3]
    assert (root / "docs" / "flee-validation.md").read_text(encoding="utf-8") == render()
