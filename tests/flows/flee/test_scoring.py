"""Scoring reproduces Flee's published figures; out.csv is written in Flee's layout, read back."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest

from migdip.flows.flee.reader import FleeCase, read_case
from migdip.flows.flee.scoring import (
    ScoringError,
    out_csv_header,
    read_out_csv,
    rescaled,
    score,
    write_out_csv,
)
from migdip.paths import data_dir

CASES = Path(os.environ.get("MIGDIP_FLEE_CASES", str(data_dir() / "flee_cases")))

pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason=f"no Flee cases at {CASES}")

# README: Flee's error, rescaled / normal
FLEE_FIGURES = {"mali2012": (0.318, 0.349), "burundi2015": (0.466, 0.519)}


@pytest.fixture(scope="module")
def mali() -> FleeCase:
    return read_case(CASES / "mali2012")


def _reference_rows(name: str) -> list[dict[str, str]]:
    with (CASES / name / "flee_reference_out.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _reference_column(name: str, column: str) -> np.ndarray:
    return np.array([float(r[column]) for r in _reference_rows(name)])


@pytest.mark.parametrize("name", sorted(FLEE_FIGURES))
def test_scoring_flee_reference_reproduces_its_published_errors(name: str) -> None:
    case = read_case(CASES / name)
    sim = read_out_csv(CASES / name / "flee_reference_out.csv", case)
    scores = score(case, sim)
    assert (round(scores.error_rescaled, 3), round(scores.error_normal, 3)) == FLEE_FIGURES[name]
    assert np.array_equal(
        sim.sum(axis=1), _reference_column(name, "refugees in camps (simulation)")
    )


def test_written_file_matches_flee_byte_for_byte(tmp_path: Path) -> None:
    name = "burundi2015"
    case = read_case(CASES / name)
    reference = CASES / name / "flee_reference_out.csv"
    sim = read_out_csv(reference, case)
    everyone = _reference_column(name, "total refugees (simulation)")
    debt = _reference_column(name, "refugee_debt")
    out = tmp_path / "out.csv"
    write_out_csv(case, sim, everyone, out, debt, flee_raw_count=True)
    assert out.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")


def test_default_raw_count_is_the_total_series(mali: FleeCase, tmp_path: Path) -> None:
    sim = read_out_csv(CASES / "mali2012" / "flee_reference_out.csv", mali)
    out = tmp_path / "out.csv"
    write_out_csv(mali, sim, sim.sum(axis=1), out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    raw = np.array([float(r["raw UNHCR refugee count"]) for r in rows])
    total_error = np.array([float(r["Total error"]) for r in rows])
    assert np.array_equal(raw, mali.total)
    expected = np.abs(sim - mali.camp_data).sum(axis=1) / mali.total
    assert np.allclose(total_error, expected, rtol=0, atol=1e-15)
    assert all(r["refugee_debt"] == "0" for r in rows)
    assert list(rows[0]) == out_csv_header(mali)
    assert out_csv_header(mali)[2:5] == [
        "Fassala-Mbera sim",
        "Fassala-Mbera data",
        "Fassala-Mbera error",
    ]


def test_round_trip_keeps_fractional_counts(mali: FleeCase, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    sim = rng.uniform(0, 5e4, size=(mali.length, len(mali.camps)))
    sim[:, 1] = np.round(sim[:, 1])
    sim[:5, 2] = 0.0
    out = tmp_path / "runs" / "out.csv"
    write_out_csv(mali, sim, sim.sum(axis=1) * 1.1, out)
    assert np.array_equal(read_out_csv(out, mali), sim)
    assert not list(out.parent.glob(".*.tmp"))  # written atomically, no leftovers


def test_camp_error_column_is_relative_and_zero_without_data(
    mali: FleeCase, tmp_path: Path
) -> None:
    sim = mali.camp_data * 1.5 + 3
    out = tmp_path / "out.csv"
    write_out_csv(mali, sim, sim.sum(axis=1), out)
    with out.open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["Niamey data"] == "0" and row["Niamey error"] == "0.0"
    j = mali.camps.index("Fassala-Mbera")
    data = float(mali.camp_data[0, j])
    assert row["Fassala-Mbera error"] == repr(round(abs(float(sim[0, j]) - data) / data, 4))


def test_perfect_and_proportional_simulations(mali: FleeCase) -> None:
    perfect = score(mali, mali.camp_data)
    assert perfect.error_normal == 0 and perfect.error_rescaled == 0
    assert perfect.total_error == 0 and perfect.mase7 == 0
    doubled = score(mali, mali.camp_data * 2)
    assert doubled.error_rescaled == pytest.approx(0, abs=1e-12)
    assert doubled.error_normal == pytest.approx(1.0)  # D(t) >= 1 on every day here
    assert doubled.total_bias == pytest.approx(1.0)


def test_mase_follows_flee_definition(mali: FleeCase) -> None:
    """Flee's calculate_MASE: model error (rescaled sim, all days) / naive error (days > k)."""
    rng = np.random.default_rng(3)
    sim = mali.camp_data * rng.uniform(0.5, 1.5, size=mali.camp_data.shape)
    scores = score(mali, sim)
    fitted = rescaled(sim, mali.data_in_camps)
    j = mali.camps.index("Mentao")
    data = mali.camp_data[:, j]
    model = np.abs(fitted[:, j] - data).mean()
    assert scores.camps[j].mase7 == pytest.approx(model / np.abs(data[8:] - data[7]).mean())
    assert scores.camps[j].mase30 == pytest.approx(model / np.abs(data[31:] - data[30]).mean())
    share = data[7] / mali.data_in_camps[7]
    naive = np.abs(data[8:] - share * mali.data_in_camps[8:]).mean()
    assert scores.camps[j].mase7_share == pytest.approx(model / naive)
    as_json = json.loads(json.dumps(scores.as_dict()))
    assert as_json["camps"][j]["name"] == "Mentao"
    assert set(as_json) >= {"error_normal", "error_rescaled", "mase7", "mase30", "mase7_share"}


def test_rescaling_is_zero_where_nobody_is_simulated() -> None:
    sim = np.array([[0.0, 0.0], [1.0, 3.0]])
    assert rescaled(sim, np.array([10.0, 8.0])).tolist() == [[0.0, 0.0], [2.0, 6.0]]


def test_wrong_shape_is_refused(mali: FleeCase) -> None:
    with pytest.raises(ScoringError, match=r"has shape \(300, 6\); expected \(300, 7\)"):
        score(mali, np.zeros((300, 6)))


def test_read_out_csv_refuses_a_file_of_another_case(mali: FleeCase) -> None:
    burundi_out = CASES / "burundi2015" / "flee_reference_out.csv"
    with pytest.raises(ScoringError) as err:
        read_out_csv(burundi_out, mali)
    assert str(err.value).startswith(
        f"{burundi_out}: not an out.csv of case 'mali2012': missing column(s) Bobo-Dioulasso sim"
    )


def test_read_out_csv_refuses_a_short_run(mali: FleeCase, tmp_path: Path) -> None:
    short = tmp_path / "out.csv"
    lines = (CASES / "mali2012" / "flee_reference_out.csv").read_text().splitlines()
    short.write_text("\n".join(lines[:101]) + "\n")
    with pytest.raises(ScoringError, match="100 day rows; case 'mali2012' has 300"):
        read_out_csv(short, mali)
