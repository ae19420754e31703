"""Bargaining coupled to the flow engine; multi-period play; coercion; negotiation scenarios."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from migdip.bargaining.coercion import assess
from migdip.bargaining.coupling import (
    PlayParams,
    couples,
    engine_values,
    load_negotiation,
    negotiate,
    play,
    run_negotiation,
)
from migdip.bargaining.model import INTERCEPTION
from migdip.cli import app
from migdip.data.actors import resolve
from migdip.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_engine_values_show_diversion(data_con: duckdb.DuckDBPyConnection) -> None:
    values = engine_values(data_con, resolve("TUN", 2024))
    assert values.prevented[0] == 0
    assert np.all(np.diff(values.prevented) >= 0)  # more effort prevents more
    top = INTERCEPTION[-1]
    # interception pulls people back and some try another route: prevention < effort x arrivals
    assert values.prevented[-1] < top * values.baseline_through_partner


def test_negotiation_is_valued_by_the_engine_where_it_can(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    assert couples(resolve("EU", 2024), resolve("TUN", 2024))
    assert not couples(resolve("USA", 2019), resolve("MEX", 2019))
    assert not couples(resolve("EU", 2009), resolve("TUR", 2009))  # no Frontex year before
    assert negotiate(data_con, "EU", "TUN", 2024)["valued_by"].startswith("flow engine")
    assert negotiate(data_con, "USA", "MEX", 2019)["valued_by"].startswith("data")


def test_breakdown_makes_the_next_threat_credible(data_con: duckdb.DuckDBPyConnection) -> None:
    calm = play(data_con, "EU", "TUR", 2016, 2, q=PlayParams(disbursement=1.0))
    assert all(h["complied"] for h in calm) and calm[1]["threat"] == 0
    tense = play(data_con, "EU", "TUR", 2016, 2, q=PlayParams(disbursement=0.2))
    assert not tense[0]["complied"] and tense[1]["threat"] > 0
    assert tense[1]["package"]["money_eur"] > calm[1]["package"]["money_eur"]


def test_coercion_assessment(data_con: duckdb.DuckDBPyConnection) -> None:
    turkey = assess(data_con, "TUR", "EU", 2020)
    assert turkey["challenger_type"] == "opportunist"
    assert turkey["host_strategy"] == "blackmailing"
    jordan = assess(data_con, "JOR", "EU", 2016)
    assert jordan["host_strategy"] == "back_scratching"
    low = assess(data_con, "TUR", "EU", 2020, credibility=0.0)["concession_probability"]
    high = assess(data_con, "TUR", "EU", 2020, credibility=1.0)["concession_probability"]
    assert 0 < low < high < 1


def test_negotiation_scenario(data_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    spec = load_negotiation(ROOT / "scenarios" / "eu_turkey_renegotiation.yaml")
    out = run_negotiation(data_con, {**spec, "periods": 2})
    assert [h["year"] for h in out["periods"]] == [2016, 2017]
    bad = tmp_path / "n.yaml"
    bad.write_text(
        "kind: negotiation\nname: x\ndestination: EU\npartner: TUR\nstart: 2016\n"
        "play: {generosity: 1}\n"
    )
    with pytest.raises(InputError, match=r"play\.generosity is not a parameter"):
        load_negotiation(bad)
    result = CliRunner().invoke(
        app,
        [
            "sim",
            "run",
            str(ROOT / "scenarios" / "eu_turkey_renegotiation.yaml"),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output


def test_deployment_ban_raises_terms_and_shortages_bring_competition(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    from migdip.bargaining.labour import project

    dests = ["SAU", "ARE", "KWT", "QAT"]
    free = project(data_con, "PHL", dests, end=2030)
    banned = project(data_con, "PHL", dests, end=2030, bans={"KWT": 0.5})
    k = dests.index("KWT")
    assert free["years"][0]["terms"][k] == 0.0
    assert banned["years"][0]["terms"][k] >= 0.5  # Kuwait meets the ban's floor
    assert banned["years"][0]["origin_leverage"] > free["years"][0]["origin_leverage"]
    assert free["years"][-1]["origin_leverage"] > free["years"][0]["origin_leverage"]
    with pytest.raises(InputError, match="not a destination"):
        project(data_con, "PHL", dests, bans={"USA": 0.5})


def test_labour_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "labour",
            "PHL",
            "SAU",
            "KWT",
            "--ban",
            "KWT=0.5",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    bad = CliRunner().invoke(
        app,
        ["labour", "PHL", "SAU", "KWT", "--ban", "KWT", "--warehouse", str(tmp_path / "w.duckdb")],
    )
    assert bad.exit_code == 1 and "accepted: DEST=FLOOR" in bad.stderr


def test_agreed_terms_act_in_the_engine(data_con: duckdb.DuckDBPyConnection) -> None:
    kept = play(data_con, "EU", "TUR", 2017, 1, q=PlayParams(disbursement=1.0))[0]
    broken = play(data_con, "EU", "TUR", 2017, 1, q=PlayParams(disbursement=0.1))[0]
    route = "Eastern Mediterranean Route"
    assert kept["complied"] and not broken["complied"]
    # enforcement kept: fewer detections on the partner's route than after a breakdown (release)
    assert (
        kept["projected_detections_by_route"][route]
        < broken["projected_detections_by_route"][route]
    )
    # readmission acts in the engine on the partner's nationals without a right to stay; after a
    # breakdown the partner readmits nobody
    assert kept["terms_simulated"] and broken["terms_simulated"]
    share = kept["package"]["readmission"]
    assert kept["returns"] == pytest.approx(kept_returnable(data_con) * share, rel=1e-6)
    assert broken["returns"] == 0
    assert kept["legal_pathway_places"] >= 0
    replaced = kept["irregular_departures_replaced_by_legal_places"]
    assert 0 <= replaced <= kept["legal_pathway_places"]


def kept_returnable(con: duckdb.DuckDBPyConnection) -> float:
    from migdip.bargaining.coupling import negotiate

    return float(negotiate(con, "EU", "TUR", 2017)["inputs"]["returnable"])
