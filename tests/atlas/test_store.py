from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from migdip.atlas import Atlas
from migdip.atlas.store import AtlasInvalid, build_atlas, is_current
from migdip.warehouse import open_warehouse


def test_build_counts_curated_and_imported(records_copy: Path, tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    result = build_atlas(con, records_copy)
    assert (result.n_curated, result.n_imported) == (1, 1221)
    row = con.execute("SELECT count(*) FROM atlas_records").fetchone()
    assert row == (1222,)
    assert is_current(con, records_copy)


def test_failed_build_writes_nothing(records_copy: Path, tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    build_atlas(con, records_copy)
    before = con.execute("SELECT count(*), max(built_at) FROM atlas_builds").fetchone()
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text())
    data["title"] = "Changed title"
    data["kind"] = "bogus"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(AtlasInvalid, match="nothing was written") as info:
        build_atlas(con, records_copy)
    assert len(info.value.report.errors) == 1
    title = con.execute("SELECT title FROM atlas_records WHERE id = 'eu-tur-2016-statement'")
    assert title.fetchone() == ("EU-Turkey Statement",)
    assert con.execute("SELECT count(*), max(built_at) FROM atlas_builds").fetchone() == before


def test_atlas_rebuilds_when_files_change(records_copy: Path, tmp_path: Path) -> None:
    atlas = Atlas(warehouse=tmp_path / "w.duckdb", records=records_copy)
    assert atlas.get("eu-tur-2016-statement")["title"] == "EU-Turkey Statement"
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    path.write_text(path.read_text().replace("title: EU-Turkey Statement", "title: EU-Turkey deal"))
    atlas.close()
    atlas = Atlas(warehouse=tmp_path / "w.duckdb", records=records_copy)
    assert atlas.get("eu-tur-2016-statement")["title"] == "EU-Turkey deal"
