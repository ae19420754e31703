"""Indicators: figures match their sources, blocs aggregate members, scores are transparent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from migdip.data.countries import members
from migdip.data.figures import figure
from migdip.errors import InputError
from migdip.indicators import Indicators
from migdip.indicators.catalogue import indicators, render_markdown
from migdip.indicators.compute import pair_table, prepare, state_table
from migdip.indicators.profiles import country, dyad, leverage_over

ROOT = Path(__file__).resolve().parents[2]


def _fig(profile: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in profile["figures"] if f["name"] == name)


def test_dyad_figures_come_from_their_datasets(data_con: duckdb.DuckDBPyConnection) -> None:
    p = dyad(data_con, "SYR", "TUR", 2024)
    stock = _fig(p, "migrants_a_in_b")
    assert stock["year"] == 2024
    assert stock["value"] == figure(
        data_con, "undesa_stock", "migrants", 2024, destination="TUR", origin="SYR"
    )
    refugees = _fig(p, "refugees_from_a_in_b")
    expected = sum(
        figure(data_con, "unhcr_population", m, 2024, origin="SYR", asylum="TUR") or 0
        for m in ("refugees", "asylum_seekers", "oip")
    )
    assert refugees["value"] == pytest.approx(expected)
    assert refugees["year"] == 2024
    assert all(f["sources"] for f in p["figures"])


def test_remittance_matrix_direction(data_con: duckdb.DuckDBPyConnection) -> None:
    p = dyad(data_con, "MEX", "USA", 2017)
    assert _fig(p, "remittances_b_to_a")["value"] == pytest.approx(30019.187, rel=1e-6)
    assert _fig(p, "remittances_b_to_a")["year"] == 2017


def test_bloc_sums_its_members_of_that_year(data_con: duckdb.DuckDBPyConnection) -> None:
    members_2016 = members("EU", 2016)
    assert "GBR" in members_2016 and len(members_2016) == 28
    p2016 = dyad(data_con, "TUR", "EU", 2016)
    expected = figure(
        data_con,
        "undesa_stock",
        "migrants",
        p2016["years"]["desa"],
        destination=members_2016,
        origin="TUR",
    )
    assert _fig(p2016, "migrants_a_in_b")["value"] == pytest.approx(expected)
    p2024 = dyad(data_con, "TUR", "EU", 2024)
    without_uk = figure(
        data_con,
        "undesa_stock",
        "migrants",
        2024,
        destination=[m for m in members_2016 if m != "GBR"],
        origin="TUR",
    )
    assert _fig(p2024, "migrants_a_in_b")["value"] == pytest.approx(without_uk)


def test_transit_share_only_for_eu_targets(data_con: duckdb.DuckDBPyConnection) -> None:
    eu = dyad(data_con, "TUR", "EU", 2016)
    share = _fig(eu, "transit_share_a_for_b")["value"]
    east = figure(
        data_con,
        "frontex_detections",
        "detections",
        2016,
        route=["Eastern Mediterranean Route", "Black Sea Route"],
    )
    total = figure(data_con, "frontex_detections", "detections", 2016)
    assert east and total and share == pytest.approx(east / total)
    assert _fig(dyad(data_con, "MEX", "USA", 2016), "transit_share_a_for_b")["value"] is None
    member = dyad(data_con, "TUR", "DEU", 2016)  # an EU member in that year: EU-level share
    assert _fig(member, "transit_share_a_for_b")["value"] == pytest.approx(share)
    before_frontex = dyad(data_con, "TUR", "DEU", 2005)  # Frontex series start in 2009
    assert _fig(before_frontex, "transit_share_a_for_b")["value"] is None


def test_leverage_is_the_weighted_mean_of_its_components(
    data_con: duckdb.DuckDBPyConnection,
) -> None:
    from migdip.indicators.catalogue import parameters

    w = parameters()["leverage_weights"]
    result = leverage_over(data_con, "EU", 2016, top=10)
    assert result["partners"][0]["partner"] == "TUR"
    for p in result["partners"]:
        comps = p["components"]
        assert all(v is None or 0 <= v <= 1 for v in comps.values())
        defined = {k: v for k, v in comps.items() if v is not None}
        expected = 100 * sum(w[k] * v for k, v in defined.items()) / sum(w[k] for k in defined)
        assert p["leverage"] == pytest.approx(expected)
    scores = [p["leverage"] for p in result["partners"]]
    assert scores == sorted(scores, reverse=True)


def test_positions_follow_documented_thresholds(data_con: duckdb.DuckDBPyConnection) -> None:
    prepare(data_con, 2016)
    state_table(data_con)
    rows = dict(
        data_con.execute(
            "SELECT entity, position FROM _states WHERE entity IN ('TUR', 'PHL', 'LBN', 'LBY')"
        ).fetchall()
    )
    assert "host" in rows["TUR"] and "transit" in rows["TUR"]
    assert "net_sending" in rows["PHL"]
    assert "host" in rows["LBN"]
    assert "transit" in rows["LBY"]


def test_all_pairs_for_a_year(data_con: duckdb.DuckDBPyConnection) -> None:
    prepare(data_con, 2020)
    pair_table(data_con)
    n, leverage_defined = data_con.execute(
        "SELECT count(*), count(leverage_a_over_b) FROM _pairs"
    ).fetchone() or (0, 0)
    assert n > 50000 and leverage_defined > 30000
    dup = data_con.execute(
        "SELECT count(*) FROM (SELECT a, b FROM _pairs GROUP BY a, b HAVING count(*) > 1)"
    )
    assert dup.fetchone() == (0,)


def test_country_profile(data_con: duckdb.DuckDBPyConnection) -> None:
    p = country(data_con, "PHL")
    assert p["series"][0]["year"] == 1990
    assert p["corridors_out"][0]["partner"] == "USA"
    assert all(r["partner"] != "OOO" for r in p["corridors_in"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: dyad(c, "TUR", "XYZ"),
            "'XYZ' is neither an ISO 3166 alpha-3 state code nor a bloc",
        ),
        (lambda c: dyad(c, "TUR", "TUR"), "a dyad needs two different parties"),
        (lambda c: dyad(c, "DEU", "EU", 2016), "DEU and EU overlap"),
        (lambda c: dyad(c, "TUR", "EU", 1800), "--year 1800 is past the data or out of range"),
        (lambda c: country(c, "EU"), "`country` takes a state code"),
    ],
)
def test_bad_input_is_named(data_con: duckdb.DuckDBPyConnection, call: Any, message: str) -> None:
    with pytest.raises(InputError, match=None) as info:
        call(data_con)
    assert message in str(info.value)


def test_catalogue_covers_every_profile_figure() -> None:
    from migdip.indicators.profiles import PAIR_YEARS, STATE_YEARS

    assert set(PAIR_YEARS) | set(STATE_YEARS) <= set(indicators())
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == render_markdown()


def test_python_api(data_con: duckdb.DuckDBPyConnection) -> None:
    ind = Indicators(con=data_con)
    assert ind.dyad("PHL", "KWT")["leverage"]["a_over_b"]["score"] > 0
    rows = ind.states(2024).filter("entity = 'PHL'").fetchall()
    assert len(rows) == 1
