"""The bargaining problem built from real data; the validation report; the CLI."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from migdip.bargaining.model import build, solve
from migdip.cli import app
from migdip.errors import InputError


def test_problem_inputs_come_from_the_warehouse(data_con: duckdb.DuckDBPyConnection) -> None:
    problem = build(data_con, "EU", "TUR", 2016)
    assert problem.inputs["arrivals"] == pytest.approx(885386)  # Frontex EMed + Black Sea 2015
    assert "Frontex detections 2015" in problem.sources["arrivals"]
    result = solve(problem)
    assert result["agreement"] and result["package"]["money_eur"] > 0


def test_a_credible_threat_raises_the_transfer(data_con: duckdb.DuckDBPyConnection) -> None:
    calm = solve(build(data_con, "EU", "TUR", 2020))
    threat = solve(build(data_con, "EU", "TUR", 2020, threat=0.5, credibility=0.8))
    assert threat["package"]["money_eur"] > calm["package"]["money_eur"]
    assert threat["disagreement"]["destination"] < 0


def test_bad_parties_are_named(data_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="two different parties"):
        build(data_con, "EU", "EU", 2016)
    with pytest.raises(InputError, match="'XYZ' is neither"):
        build(data_con, "EU", "XYZ", 2016)


def test_negotiate_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app,
        [
            "negotiate",
            "EU",
            "TUN",
            "--year",
            "2023",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["agreement"] and set(out["package"]) == {
        "interception",
        "readmission",
        "visas",
        "legal_pathways_share_of_diaspora",
        "money_eur",
    }
