"""The World Bank's bilateral matrices (remittances, migrant stocks 2017) as published (xlsx).

Each workbook's first sheet is a square matrix: a title row, a header row of country names
across, then one row per country down, then total and note rows. Which way is which is read from
the corner cell ("receiving (across) / sending (down)", "destination (across) / origin (down)"),
so a transposed or re-titled sheet is refused rather than misread.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from migdip.data.countries import reference_names
from migdip.data.csvload import LoadError, check_readable
from migdip.warehouse import insert_rows

_HERE = Path(__file__).resolve().parent
TOTALS = {"WORLD"}


@cache
def wb_names() -> dict[str, str]:
    table = dict(reference_names())
    with (_HERE / "wb_country_names.csv").open(encoding="utf-8", newline="") as fh:
        table |= {row["name"].lower(): row["code"] for row in csv.DictReader(fh)}
    return table


def _code(path: Path, where: str, name: Any) -> str:
    code = wb_names().get(str(name).strip().lower())
    if code is None:
        raise LoadError(
            f"{path}, {where}: country name {str(name)!r} is not known; accepted: the World "
            "Bank's names listed in wb_country_names.csv or the reference country names"
        )
    return code


def read_matrix(path: Path, across: str, down: str) -> list[tuple[str, str, float]]:
    """(row country, column country, value) for every non-empty cell of the matrix."""
    import openpyxl

    check_readable(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-xlsx file
        raise LoadError(f"{path}: not an Excel workbook ({type(exc).__name__}: {exc})") from None
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    corner = str(rows[1][0] if len(rows) > 1 and rows[1] else "").lower()
    if across not in corner or down not in corner:
        raise LoadError(
            f"{path}, sheet 1, cell A2: {corner!r} does not say '{across} (across) / {down} "
            "(down)'; is this the right World Bank workbook?"
        )
    columns = [
        (_code(path, f"row 2, column {j + 2}", n), j + 1)
        for j, n in enumerate(rows[1][1:])
        if n is not None
    ]
    cells: list[tuple[str, str, float]] = []
    for i, row in enumerate(rows[2:], start=3):
        if not row or row[0] is None or all(v is None for v in row[1:]):
            continue
        name = str(row[0]).strip()
        if name.lower() in {"notes:", "note:"}:
            break
        row_code = _code(path, f"row {i}, column 1", name)
        if row_code in TOTALS:
            continue
        for col_code, j in columns:
            if col_code in TOTALS:
                continue
            value = row[j] if j < len(row) else None
            if value is None or (isinstance(value, str) and value.strip() in {"", "-", ".."}):
                continue  # the workbooks mark missing estimates with '-'; no figure, not zero
            if not isinstance(value, int | float):
                raise LoadError(
                    f"{path}, row {i}, column {j + 1}: value {value!r} is not accepted; "
                    "accepted: numbers"
                )
            if value:
                cells.append((row_code, col_code, float(value)))
    if not cells:
        raise LoadError(f"{path}: the matrix has no values")
    return cells


def stage_matrix(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    across: str,
    down: str,
    columns: tuple[str, str, str],
    year: int,
) -> None:
    """Stage the matrix as (down, across, year, value) rows named by ``columns``."""
    cells = read_matrix(path, across, down)
    first, second, value = columns
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _staged ({first} VARCHAR, {second} VARCHAR, "
        f"year INTEGER, {value} DOUBLE)"
    )
    insert_rows(
        con, "_staged", [{first: a, second: b, "year": year, value: v} for a, b, v in cells]
    )
