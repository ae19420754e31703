"""Every read endpoint: the envelope, paging, filtering, sorting, downloads, the cache."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from tests import counts

READS = [
    "/api/v1",
    "/api/v1/health",
    "/api/v1/atlas/records?instrument=deployment_ban",
    "/api/v1/atlas/records/eu-tur-2016-statement",
    "/api/v1/atlas/stats",
    "/api/v1/atlas/timeline?dataset=curated",
    "/api/v1/atlas/network?dataset=curated",
    "/api/v1/atlas/codebook",
    "/api/v1/atlas/records/ita-lby-2017-mou/flows",
    "/api/v1/countries",
    "/api/v1/countries/TUR",
    "/api/v1/countries/EU/leverage?year=2016&top=3",
    "/api/v1/dyads/TUR/DEU?year=2020",
    "/api/v1/indicators",
    "/api/v1/indicators/hosted_per_1000/map?year=2020",
    "/api/v1/indicators/migrants_a_in_b/map?partner=DEU&year=2020",
    "/api/v1/indicators/pairs?b=DEU&limit=3",
    "/api/v1/datasets",
    "/api/v1/datasets/frontex_detections",
    "/api/v1/datasets/frontex_detections/rows?limit=2",
    "/api/v1/routes",
    "/api/v1/routes/eastern_mediterranean/series",
    "/api/v1/impacts",
    "/api/v1/impacts/eu-tur-2016-statement",
    "/api/v1/scenarios",
    "/api/v1/scenarios/aegean_toy",
    "/api/v1/negotiations/EU/TUN?year=2023",
    "/api/v1/coercion/TUR/EU?year=2020",
    "/api/v1/labour/PHL?destinations=SAU&destinations=KWT&ban=KWT=0.5",
]


@pytest.mark.parametrize("url", READS)
def test_every_read_answers_in_the_envelope(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data", "meta"} and body["meta"]["api_version"] == "v1"
    assert body["data"] not in (None, [], {})


def test_index_lists_every_versioned_path(client: TestClient) -> None:
    paths = client.get("/api/v1").json()["data"]["paths"]
    documented = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths == sorted(documented) and all(p.startswith("/api/v1") for p in paths)


def test_search_pages_filters_and_sorts(client: TestClient) -> None:
    first = client.get("/api/v1/atlas/records?dataset=curated&limit=10&sort=-year").json()
    meta = first["meta"]
    assert meta["total"] == counts.curated() and meta["limit"] == 10 and meta["offset"] == 0
    years = [r["year"] for r in first["data"]]
    assert years == sorted(years, reverse=True)
    second = client.get(meta["next"]).json()
    assert second["meta"]["offset"] == 10
    assert {r["id"] for r in first["data"]}.isdisjoint(r["id"] for r in second["data"])
    coercive = client.get("/api/v1/atlas/records?approach=coercive&limit=500").json()
    assert coercive["data"] and all(r["approach"] == "coercive" for r in coercive["data"])
    assert coercive["meta"]["facets"]["approach"] == {"coercive": coercive["meta"]["total"]}


def test_full_text_and_party_facets(client: TestClient) -> None:
    r = client.get("/api/v1/atlas/records?q=readmission%20visa&party=tur").json()
    assert r["meta"]["total"] > 0
    assert all("TUR" in rec["parties"] for rec in r["data"])


def test_record_detail_has_its_sources(client: TestClient) -> None:
    rec = client.get("/api/v1/atlas/records/eu-tur-2016-statement").json()["data"]
    assert rec["sources"] and all(s["url"].startswith("http") for s in rec["sources"])


def test_record_flows_stand_beside_the_warehouse_series(client: TestClient) -> None:
    flows = client.get("/api/v1/atlas/records/ita-lby-2017-mou/flows").json()["data"]
    frontex = next(f for f in flows if f["series"] == "frontex:central_mediterranean")
    years = {d["year"]: d["value"] for d in frontex["yearly"]}
    assert set(range(2013, 2022)) <= set(years)
    for side in frontex["sides"]:  # the check compares the same year of the same series
        assert side["warehouse"] == years[side["year"]]
    assert client.get("/api/v1/atlas/records/no-such-record/flows").status_code == 404


def test_downloads_csv_json_parquet_hold_the_same_rows(client: TestClient, tmp_path: Path) -> None:
    base = "/api/v1/atlas/records?region=oceania&dataset=curated"
    total = client.get(base).json()["meta"]["total"]
    csv_text = client.get(base + "&format=csv").text
    assert csv_text.startswith("id,") and len(csv_text.strip().splitlines()) == total + 1
    as_json = client.get(base + "&format=json").json()
    assert len(as_json) == total
    parquet = client.get(base + "&format=parquet")
    assert parquet.content[:4] == b"PAR1"
    assert "attachment" in parquet.headers["content-disposition"]
    target = tmp_path / "x.parquet"
    target.write_bytes(parquet.content)
    rows = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(target)])
    assert rows.fetchall()[0][0] == total


def test_pair_table_sorts_and_downloads(client: TestClient) -> None:
    r = client.get("/api/v1/indicators/pairs?b=DEU&sort=migrants_a_in_b&limit=5").json()
    values = [row["migrants_a_in_b"] for row in r["data"]]
    assert values == sorted(values, reverse=True) and all(row["b"] == "DEU" for row in r["data"])
    csv_text = client.get("/api/v1/indicators/pairs?b=DEU&format=csv").text
    assert len(csv_text.splitlines()) == r["meta"]["total"] + 1


def test_route_series_carry_deal_markers_and_impacts(client: TestClient) -> None:
    data = client.get("/api/v1/routes/eastern_mediterranean/series").json()["data"]
    months = [p["month"] for p in data["series"]]
    assert months[0] == "2009-01" and months == sorted(months)
    deal = next(d for d in data["deals"] if d["id"] == "eu-tur-2016-statement")
    assert deal["impact"]["flow_effects"]


def test_map_values_come_from_the_indicator_tables(client: TestClient) -> None:
    values = client.get("/api/v1/indicators/migrants_a_in_b/map?partner=DEU&year=2020").json()
    tur = next(v for v in values["data"] if v["code"] == "TUR")
    dyad = client.get("/api/v1/dyads/TUR/DEU?year=2020").json()["data"]
    figure = next(f for f in dyad["figures"] if f["name"] == "migrants_a_in_b")
    assert tur["value"] == pytest.approx(figure["value"])


def test_reads_are_cached_and_say_so(client: TestClient) -> None:
    url = "/api/v1/atlas/records?instrument=engineered_movement&limit=3"
    client.get(url)
    again = client.get(url)
    assert again.headers["x-cache"] == "hit"
    assert client.get("/api/v1/health").headers.get("x-cache") is None


def test_docs_api_md_is_current(client: TestClient) -> None:
    from migdip.api.reference import render
    from migdip.paths import PACKAGE_DIR

    docs = PACKAGE_DIR.parent.parent / "docs" / "api.md"
    assert docs.read_text(encoding="utf-8") == render(client.app.openapi()), (  # type: ignore[attr-defined]
        "docs/api.md is out of date: run python -m migdip.api.reference"
    )


def test_canada_is_canada_and_names_are_clean(client: TestClient) -> None:
    rec = client.get("/api/v1/atlas/records/can-jam-1966-sawp").json()["data"]
    assert rec["parties"][0]["actor"] == "CAN" and rec["parties"][0]["name"] == "Canada"
    assert client.get("/api/v1/countries/CAN").json()["data"]["name"] == "Canada"
    title = client.get("/api/v1/atlas/records/bla-0005-usa-mex-1947").json()["data"]["title"]
    assert "Ã" not in title


def test_timeline_counts_every_approach(client: TestClient) -> None:
    years = client.get("/api/v1/atlas/timeline?dataset=curated").json()["data"]
    for y in years:
        parts = ("cooperative", "coercive", "mixed", "unilateral", "approach_not_coded")
        assert sum(y[k] for k in parts) == y["records"], y["year"]


def test_values_keep_their_types(client: TestClient) -> None:
    positions = client.get("/api/v1/indicators/position/map?year=2024").json()["data"]
    assert all(v["value"] is None or isinstance(v["value"], list) for v in positions)
    scores = [r["score"] for r in client.get("/api/v1/atlas/records?limit=5").json()["data"]]
    assert all(isinstance(s, float) for s in scores)
    field = client.get("/api/v1/atlas/codebook").json()["data"]["fields"][0]
    assert field["allowed"] == "pattern:^[a-z0-9][a-z0-9-]{2,79}$"
