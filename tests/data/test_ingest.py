"""Loaders read publishers' formats, refuse bad files clearly and leave the warehouse as it was."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from migdip.data.csvload import LoadError
from migdip.data.ingest import ShrinkRefused, ingest, list_datasets
from migdip.data.registry import DATASETS
from migdip.errors import InputError
from migdip.paths import data_dir
from migdip.warehouse import open_warehouse


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = open_warehouse(tmp_path / "w.duckdb")
    ingest(c, "unhcr_population")
    return c


def _lines(dataset: str, n: int) -> list[str]:
    with gzip.open(data_dir() / DATASETS[dataset].file, "rt", encoding="utf-8") as fh:
        return [next(fh) for _ in range(n)]


def _state(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    rows = con.execute("SELECT count(*), sum(refugees) FROM unhcr_population").fetchone()
    meta = con.execute("SELECT checksum, rows FROM datasets WHERE id = 'unhcr_population'")
    return (rows, meta.fetchone())


def test_bundled_ingest_records_provenance(con: duckdb.DuckDBPyConnection) -> None:
    row = next(d for d in list_datasets(con) if d["id"] == "unhcr_population")
    assert row["rows"] == 138893
    assert row["coverage"] == "1951 to 2025"
    assert row["licence"] == "CC BY 4.0" and len(row["checksum"]) == 64
    assert row["ingested_at"] is not None


def test_a_much_smaller_file_replaces_a_dataset_only_when_asked(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    small = tmp_path / "small.csv"
    small.write_text("".join(_lines("unhcr_population", 101)), encoding="utf-8")
    before = _state(con)
    with pytest.raises(ShrinkRefused, match=r"holds 100 rows where the warehouse holds 138,893"):
        ingest(con, "unhcr_population", small)
    assert _state(con) == before
    result = ingest(con, "unhcr_population", small, replace=True)
    assert result.rows == 100
    assert con.execute("SELECT count(*) FROM unhcr_population").fetchone() == (100,)


def _population_file(tmp_path: Path, rows: list[str]) -> Path:
    header = _lines("unhcr_population", 1)[0]
    columns = header.strip().split(",")
    path = tmp_path / "rows.csv"
    lines = []
    for row in rows:
        values = dict(zip(("year", "coo_iso", "coa_iso", "refugees"), row.split(","), strict=True))
        lines.append(",".join(values.get(c, "") for c in columns))
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_rule_breach_is_reported_at_once(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Negative counts, 1e308, inf, NaN, year 20200 and a repeated key: all in one report."""
    path = _population_file(
        tmp_path,
        [
            "2020,SYR,TUR,-5",  # line 2: negative count
            "2020,AFG,PAK,1e308",  # line 3: not a plausible count
            "2020,IRQ,JOR,inf",  # line 4: not finite
            "2020,SOM,KEN,NaN",  # line 5: not finite
            "20200,ERI,ETH,10",  # line 6: implausible year
            "2019,SYR,LBN,10",
            "2019,SYR,LBN,12",  # line 8: repeated key
        ],
    )
    before = _state(con)
    with pytest.raises(LoadError) as info:
        ingest(con, "unhcr_population", path, replace=True)
    assert _state(con) == before  # nothing ingested
    text = str(info.value)
    assert "line 4, column 'refugees': value 'inf' is not accepted; accepted: finite" in text
    assert "line 5, column 'refugees': value 'NaN' is not accepted" in text
    # the parse finds the non-finite cells first; with them fixed, the rules find the rest
    path = _population_file(
        tmp_path,
        [
            "2020,SYR,TUR,-5",
            "2020,AFG,PAK,1e308",
            "2021,IRQ,JOR,1",
            "2021,SOM,KEN,2",
            "20200,ERI,ETH,10",
            "2019,SYR,LBN,10",
            "2019,SYR,LBN,12",
        ],
    )
    with pytest.raises(LoadError) as info:
        ingest(con, "unhcr_population", path, replace=True)
    found = {(p.line, p.column) for p in info.value.problems}
    assert found == {(2, "refugees"), (3, "refugees"), (6, "year"), (8, "year,origin,asylum")}
    text = str(info.value)
    assert "line 2, column 'refugees': value '-5' is not accepted; accepted: counts" in text
    assert "line 6, column 'year': value '20200' is not accepted; accepted: years from 1900" in text
    assert "one row per year, origin, asylum (this key is repeated)" in text
    assert _state(con) == before


def test_a_folder_given_as_a_file_is_a_clear_error(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="is a folder; accepted: a file of the dataset"):
        ingest(con, "unhcr_population", tmp_path)


@pytest.mark.parametrize("dataset_id", sorted(DATASETS))
def test_bundled_data_follow_their_rules(
    data_con: duckdb.DuckDBPyConnection, dataset_id: str
) -> None:
    """The rules are not so strict that the publishers' own files break them."""
    row = data_con.execute("SELECT rows FROM datasets WHERE id = ?", [dataset_id]).fetchone()
    assert row is not None and row[0] > 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("wdi", "not a file of this dataset: missing column(s) coo_iso, coa_iso, refugees"),
        (
            "bad_year",
            "line 3, column 'year': value '19x1' is not accepted; accepted: whole numbers",
        ),
        (
            "bad_code",
            "line 2, column 'coo_iso': value 'ZZZ' is not accepted; accepted: a country code",
        ),
        (
            "bad_number",
            "line 4, column 'refugees': value 'many' is not accepted; accepted: finite numbers",
        ),
        ("truncated_csv", "cannot be read as CSV"),
        ("empty", "the file is empty"),
        ("header_only", "the file has a header but no rows"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, content: str, message: str
) -> None:
    lines = _lines("unhcr_population", 6)
    bad = tmp_path / "bad.csv"
    if content == "wdi":
        text = "".join(_lines("wdi", 5))
    elif content == "bad_year":
        text = "".join(lines[:2]) + lines[2].replace("1951", "19x1", 1) + "".join(lines[3:])
    elif content == "bad_code":
        text = lines[0] + lines[1].replace(",UKN,UNK,", ",UKN,ZZZ,", 1) + "".join(lines[2:])
    elif content == "bad_number":
        fields = lines[3].split(",")
        fields[7] = "many"
        text = "".join(lines[:3]) + ",".join(fields) + "".join(lines[4:])
    elif content == "truncated_csv":
        text = "".join(lines[:5]) + lines[5][:25]
    elif content == "empty":
        text = ""
    else:
        text = lines[0]
    bad.write_text(text, encoding="utf-8")
    before = _state(con)
    with pytest.raises(LoadError, match=None) as info:
        ingest(con, "unhcr_population", bad)
    assert message in str(info.value)
    assert str(bad) in str(info.value)
    assert _state(con) == before


def test_truncated_gzip_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = (data_dir() / "unhcr_population.csv.gz").read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    before = _state(con)
    with pytest.raises(LoadError, match="gzip file is truncated or damaged"):
        ingest(con, "unhcr_population", cut)
    assert _state(con) == before


def test_refugee_data_finder_csv_with_notes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    notes = "".join(f"Note line {i}\n" for i in range(14))
    header = (
        '"Year","Country of origin","Country of origin (ISO)","Country of asylum",'
        '"Country of asylum (ISO)","Refugees under UNHCR\'s mandate","Asylum-seekers",'
        '"IDPs of concern to UNHCR","Other people in need of international protection",'
        '"Stateless persons","Host Community","Others of concern"\n'
    )
    rows = (
        '2024,"Syrian Arab Rep.","SYR","Türkiye","TUR",2901478,1000,-,-,-,-,-\n'
        '2024,"Unknown","UNK","Germany","DEU",10,-,-,-,-,-,-\n'
    )
    path.write_text(notes + header + rows, encoding="utf-8")
    result = ingest(con, "unhcr_population", path, replace=True)
    assert result.rows == 2 and "Refugee Data Finder download CSV" in result.format
    got = con.execute(
        "SELECT refugees, asylum_seekers, idps FROM unhcr_population WHERE origin = 'SYR'"
    ).fetchone()
    assert got == (2901478.0, 1000.0, None)


def test_unhcr_api_json(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "population.json"
    items = [
        {
            "year": 2023,
            "coo_iso": "AFG",
            "coa_iso": "PAK",
            "coo": "AFG",
            "coa": "PAK",
            "refugees": 2000000,
            "asylum_seekers": 0,
            "returned_refugees": None,
            "idps": 0,
            "returned_idps": 0,
            "stateless": 0,
            "ooc": 0,
            "oip": 0,
            "hst": 0,
        },
        {
            "year": 2023,
            "coo_iso": "XXA",
            "coa_iso": "DEU",
            "refugees": 5,
            "asylum_seekers": 1,
            "returned_refugees": 0,
            "idps": 0,
            "returned_idps": 0,
            "stateless": 0,
            "ooc": 0,
            "oip": 0,
            "hst": 0,
        },
    ]
    path.write_text(json.dumps({"page": 1, "items": items}), encoding="utf-8")
    assert ingest(con, "unhcr_population", path, replace=True).rows == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"items": [', encoding="utf-8")
    with pytest.raises(LoadError, match="not valid JSON"):
        ingest(con, "unhcr_population", bad)


def test_unhcr_own_codes_are_mapped(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    ingest(con, "unhcr_flows")
    codes = {r[0] for r in con.execute("SELECT DISTINCT origin FROM unhcr_flows").fetchall()}
    assert "UKN" not in codes and "STA" not in codes
    assert {"UNK", "XXA"} <= codes


def test_wrong_workbook_is_refused(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(LoadError, match="is this the right World Bank workbook"):
        ingest(con, "wb_remittances", data_dir() / DATASETS["wb_migrant_stock"].file)
    with pytest.raises(LoadError, match="not an Excel workbook"):
        ingest(con, "wb_remittances", data_dir() / DATASETS["wdi"].file)
    assert con.execute("SELECT count(*) FROM wb_remittances").fetchone() == (0,)


def test_unknown_dataset_lists_accepted(tmp_path: Path) -> None:
    from migdip.errors import NotFoundError

    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(NotFoundError, match="accepted: undesa_stock, unhcr_population"):
        ingest(con, "unhcr")


def test_iom_multiple_nationalities_are_kept(data_con: duckdb.DuckDBPyConnection) -> None:
    rows = data_con.execute(
        "SELECT count(*) FROM iom_missing_migrants WHERE len(nationalities) > 1"
    ).fetchone()
    assert rows is not None and rows[0] > 50
    unknown = data_con.execute(
        "SELECT count(*) FROM iom_missing_migrants WHERE list_contains(nationalities, 'UNK')"
    ).fetchone()
    assert unknown is not None and unknown[0] > 8000
