from __future__ import annotations

from migdip.atlas.imports import BLA_DATASET, import_bilateral_labour_agreements, state_code


def test_every_agreement_with_a_known_year_is_imported() -> None:
    records, summary = import_bilateral_labour_agreements()
    assert summary.rows == 1222
    assert summary.imported == 1221
    assert summary.skipped == {"treatyID=1079": "year unknown in the dataset (9999)"}
    assert len({r.id for r in records}) == len(records)
    assert all(r.provenance == "imported" and r.provenance_dataset == BLA_DATASET for r in records)
    assert all(r.provenance_row and r.provenance_row.startswith("treatyID=") for r in records)


def test_provision_coding_becomes_tags() -> None:
    records, _ = import_bilateral_labour_agreements()
    coded = [r for r in records if "Coded provisions" in r.summary]
    assert len(coded) == 570  # every coded agreement is in the formation data
    with_quota = [r for r in coded if "provision:quota" in r.tags]
    assert with_quota and all("a quota" in r.summary for r in with_quota)


def test_historical_states_follow_the_year() -> None:
    assert state_code("Russia", 1975) == "SUN"
    assert state_code("Russia", 2005) == "RUS"
    assert state_code("Yugoslavia", 1968) == "YUG"
    assert state_code("Yugoslavia", 1996) == "SCG"
    assert state_code("West Germany", 1961) == "DEU"
    assert state_code("East Germany", 1980) == "DDR"
    assert state_code("Atlantis", 2000) is None


def test_west_germany_turkey_1961_is_imported() -> None:
    records, _ = import_bilateral_labour_agreements()
    pairs = {(frozenset(p.actor for p in r.parties), r.year) for r in records}
    assert (frozenset({"DEU", "TUR"}), 1961) in pairs
