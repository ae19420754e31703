from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import networkx as nx
import pytest

from migdip.atlas import Atlas
from migdip.errors import InputError, NotFoundError


def test_full_text_needs_every_word(atlas: Atlas) -> None:
    both = atlas.search("readmission turkey", limit=None)
    assert "eu-tur-2016-statement" in [r["id"] for r in both.records]
    assert atlas.search("readmission zzzqqq").total == 0


def test_prefix_and_accents(atlas: Atlas) -> None:
    assert atlas.search("Türk").total == atlas.search("turk").total > 0


def test_facets_filter_and_count(atlas: Atlas) -> None:
    result = atlas.search(dataset="bilateral_labour_agreements", limit=5)
    assert result.total == 1221
    assert result.facets["instrument"] == {"bilateral_labour_agreement": 1221}
    assert sum(result.facets["kind"].values()) == 1221


def test_party_and_role_facet(atlas: Atlas) -> None:
    result = atlas.search(party="TUR", role="target", limit=None)
    assert "eu-tur-2016-statement" in [r["id"] for r in result.records]
    assert atlas.search(party="TUR", role="facilitator", text="statement turkey").total == 0


def test_party_codes_are_matched_whatever_their_case(atlas: Atlas) -> None:
    upper = atlas.search(party="TUR", limit=None).total
    assert upper > 0 and atlas.search(party="tur", limit=None).total == upper
    from migdip.atlas.query import Facets

    assert Facets(party="ns:smuggling-networks").party == "ns:smuggling-networks"


def test_year_range(atlas: Atlas) -> None:
    rows = atlas.search(year_from=1960, year_to=1961, limit=None).records
    assert rows and all(r["year"] <= 1961 for r in rows)


def test_bad_facet_value_is_named(atlas: Atlas) -> None:
    with pytest.raises(
        InputError, match="--approach 'nice' is not accepted; accepted: cooperative"
    ):
        atlas.search(approach="nice")
    with pytest.raises(InputError, match="--sort 'size' is not accepted"):
        atlas.search(sort="size")


def test_unknown_record_suggests(atlas: Atlas) -> None:
    with pytest.raises(NotFoundError, match="did you mean eu-tur-2016-statement"):
        atlas.get("eu-tur-2016-statment")


def test_show_resolves_party_names(atlas: Atlas) -> None:
    doc = atlas.get("eu-tur-2016-statement")
    names = {p["actor"]: p["name"] for p in doc["parties"]}
    assert names["EU"] == "European Union"
    assert doc["sources"][0]["url"].startswith("http")


def test_timeline_sums_to_total(atlas: Atlas) -> None:
    rows = atlas.timeline()
    assert sum(r["records"] for r in rows) == atlas.search(limit=0).total
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)


def test_network_graphml_round_trip(atlas: Atlas, tmp_path: Path) -> None:
    net = atlas.network(dataset="curated")
    path = tmp_path / "n.graphml"
    path.write_text(atlas.network_graphml(dataset="curated"))
    graph = nx.read_graphml(path)
    assert graph.number_of_nodes() == len(net.nodes)
    assert graph.number_of_edges() == len(net.edges)
    assert graph.has_edge("EU", "TUR")


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_formats(atlas: Atlas, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    n = atlas.export(path, fmt, region="oceania")
    assert n == atlas.search(region="oceania", limit=0).total
    if fmt == "csv":
        with path.open() as fh:
            rows = list(csv.DictReader(fh))
    elif fmt == "json":
        rows = json.loads(path.read_text())
    else:
        rows = duckdb.sql(f"SELECT * FROM '{path}'").fetchall()
    assert len(rows) == n
    assert not list(tmp_path.glob(".out.*"))  # no temporary file left behind


def test_failed_export_leaves_existing_file(atlas: Atlas, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("keep me")
    with pytest.raises(InputError):
        atlas.export(path, "xlsx")
    assert path.read_text() == "keep me"
