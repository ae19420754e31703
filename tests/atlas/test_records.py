"""The curated Atlas: every literature item present, every record sourced, coverage as promised."""

from __future__ import annotations

from collections import Counter

import pytest

from migdip.atlas import Atlas, load_atlas

# Each item the project's reference literature names, with the record ids that cover it
# (all of them must be present).
LITERATURE: dict[str, list[str]] = {
    "Global Compact for Safe, Orderly and Regular Migration (2018)": ["gcm-2018"],
    "EU-Turkey Joint Action Plan (2015)": ["eu-tur-2015-joint-action-plan"],
    "EU-Turkey Statement (2016)": ["eu-tur-2016-statement"],
    "USMCA (2020) mobility provisions": ["usmca-2020-mobility-provisions"],
    "Valletta Summit (2015)": ["eu-2015-valletta-summit"],
    "EU Emergency Trust Fund for Africa": ["eu-2015-eutf-africa"],
    "Los Angeles Declaration on Migration and Protection (2022)": ["la-declaration-2022"],
    "Pacific Australia Labour Mobility scheme": ["aus-2022-palm-scheme"],
    "Japan's EPAs with Indonesia, the Philippines and Vietnam": [
        "jpn-idn-2007-epa",
        "jpn-phl-2006-epa",
        "jpn-vnm-2012-epa-nurses",
    ],
    "EU-Egypt strategic partnership (2024)": ["eu-egy-2024-strategic-partnership"],
    "EU-Mauritania partnership (2024)": ["eu-mrt-2024-migration-partnership"],
    "EU Pact on Migration and Asylum (2024) and its crisis and instrumentalisation rules": [
        "eu-2024-pact-migration-asylum",
        "eu-2024-crisis-instrumentalisation-regulation",
    ],
    "Australia's offshore processing on Nauru and Manus Island": [
        "aus-nru-2001-pacific-solution",
        "aus-png-2001-manus-processing",
    ],
    "UK-Rwanda partnership": ["gbr-rwa-2022-partnership"],
    "EU-Tunisia memorandum (2023)": ["eu-tun-2023-mou"],
    "Turkey's threats to open the gates (2019, 2020)": [
        "tur-2019-open-gates-threat",
        "tur-2020-open-gates",
    ],
    "Belarus's engineered crossings to Lithuania, Latvia and Poland (2021)": [
        "blr-ltu-2021-engineered-crossings",
        "blr-lva-2021-engineered-crossings",
        "blr-pol-2021-engineered-crossings",
    ],
    "Philippines' deployment bans to Kuwait (2018, 2023) and bargaining with the UAE": [
        "phl-kwt-2018-deployment-ban",
        "phl-kwt-2023-deployment-ban",
        "phl-are-2014-domestic-worker-bargaining",
    ],
    "Ethiopia's jobs compact": ["eth-2016-jobs-compact"],
    "Canada's SAWP with Mexico and the Caribbean": ["can-mex-1974-sawp", "can-jam-1966-sawp"],
    "Canada-Saudi Arabia dispute and the asylum grant to Rahaf Mohammed (2019)": [
        "sau-can-2018-diplomatic-dispute",
        "can-sau-2019-rahaf-asylum",
    ],
    "US-Mexico bargaining (wall funding, the 2019 tariff threat)": [
        "usa-mex-2017-wall-funding-dispute",
        "usa-mex-2019-tariff-threat",
    ],
    "India's demand for work visas in UK trade talks": ["ind-gbr-2022-fta-work-visas"],
    "Jordan's and Libya's expulsions of foreign workers as leverage": [
        "jor-expulsion-workers-leverage",
        "lby-1995-palestinian-expulsion",
    ],
    "Greece's 2015 threat to send migrants on to Europe": ["grc-2015-threat-send-migrants"],
    "Gaddafi's demands on the EU": ["lby-eu-2010-gaddafi-demands"],
    "Cuban Adjustment Act (1966)": ["usa-cub-1966-cuban-adjustment-act"],
    "West Germany's guest-worker agreements (1955-1968, Turkey 1961)": [
        "deu-ita-1955-recruitment",
        "deu-tur-1961-recruitment",
        "deu-yug-1968-recruitment",
    ],
    "Cuba's medical internationalism (Sierra Leone 2014)": ["cub-sle-2014-ebola-doctors"],
    "GCC states' labour agreements with South Asian origin states": [
        "ind-sau-2014-domestic-workers-agreement",
        "npl-qat-2005-labour-agreement",
    ],
    "African Union's free movement protocol": ["au-2018-free-movement-protocol"],
    "ASEAN's consensus on migrant workers": ["asean-2017-consensus-migrant-workers"],
    "EU-Libya cooperation": ["eu-2017-malta-declaration", "ita-lby-2017-mou"],
}


@pytest.fixture(scope="module")
def curated() -> dict[str, object]:
    report, _ = load_atlas()
    return {r.id: r for r in report.records if r.provenance == "curated"}


@pytest.mark.parametrize("item", sorted(LITERATURE))
def test_literature_item_is_in_the_atlas(item: str, curated: dict[str, object]) -> None:
    missing = [rid for rid in LITERATURE[item] if rid not in curated]
    assert not missing, f"{item}: missing records {missing}"


def test_the_atlas_is_valid() -> None:
    report, _ = load_atlas()
    assert report.valid, "\n".join(str(p) for p in report.errors)


def test_every_curated_record_is_sourced(atlas: Atlas) -> None:
    rows = atlas.con.execute(
        "SELECT r.id, count(s.url) FROM atlas_records r LEFT JOIN atlas_sources s "
        "ON s.record_id = r.id WHERE r.provenance = 'curated' GROUP BY r.id"
    ).fetchall()
    assert rows and all(n >= 1 for _, n in rows)


def test_coverage_of_the_curated_atlas(atlas: Atlas) -> None:
    stats = atlas.stats()
    assert stats["curated"] >= 200
    assert stats["curated_europe_share"] <= 0.5
    assert stats["curated_years"][0] <= 1955 and stats["curated_years"][1] >= 2024
    regions = Counter(stats["curated_by"]["region"])
    for region in ("africa", "middle_east_north_africa", "europe", "americas", "asia", "oceania"):
        assert regions[region] >= 10, region
    assert stats["records"] >= 1400
