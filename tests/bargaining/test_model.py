"""The bargaining problem built from real data; the validation report; the CLI."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from migdip.bargaining.model import Terms, build, solve
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
        "resettlement_share_of_hosted",
        "trade",
        "money_eur",
    }
    changes = [m["change"] for m in out["what_would_move_it"]]
    assert "money is taken off the table" in changes
    assert out["frontier"] and len(out["frontier"]) <= 60


def test_issues_on_the_table(data_con: duckdb.DuckDBPyConnection) -> None:
    only = solve(build(data_con, "EU", "TUR", 2016, terms=Terms(issues=("interception", "money"))))
    package = only["package"]
    assert package["interception"] > 0 and package["money_eur"] > 0
    assert package["readmission"] == package["visas"] == package["trade"] == 0
    with pytest.raises(InputError, match="'bribes'; accepted: one or more of interception"):
        build(data_con, "EU", "TUR", 2016, terms=Terms(issues=("bribes",)))


def test_trade_access_substitutes_for_money(data_con: duckdb.DuckDBPyConnection) -> None:
    plain = solve(build(data_con, "EU", "TUR", 2016))
    trade = solve(build(data_con, "EU", "TUR", 2016, terms=Terms(trade_value_eur=1e9)))
    assert plain["package"]["trade"] == 0  # nothing on offer
    assert trade["package"]["trade"] == 1
    assert trade["package"]["money_eur"] < plain["package"]["money_eur"]


def test_sanctions_lower_the_transfer(data_con: duckdb.DuckDBPyConnection) -> None:
    plain = solve(build(data_con, "EU", "TUR", 2016))
    stick = solve(build(data_con, "EU", "TUR", 2016, terms=Terms(sanction=1.0)))
    assert stick["disagreement"]["partner"] < 0
    assert stick["package"]["money_eur"] < plain["package"]["money_eur"]
    with pytest.raises(InputError, match=r"sanction 2(\.0)?; accepted: a share from 0 to 1"):
        build(data_con, "EU", "TUR", 2016, terms=Terms(sanction=2))
