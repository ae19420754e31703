"""Read a publisher's CSV into a typed staging table, checking every cell on the way.

A format lists the columns a file must have (by their header in the file) and what each holds.
The reader finds the header (some publishers put notes above it), checks every column's values
in SQL, and stops at the first bad cell with an error naming the file, the line, the column, the
value and what is accepted. Nothing is written to the warehouse here: the caller moves the staged
rows into place inside a transaction.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from migdip.data.codes import code_rows
from migdip.errors import InputError


class LoadError(InputError):
    """A dataset file cannot be read: the message names file, line, column, value and fix.

    ``problems`` holds every bad cell found (file, line, column, value, accepted), not only the
    first; the message shows the first ``SHOWN`` of them.
    """

    SHOWN = 20

    def __init__(self, message: str, problems: list[CellProblem] | None = None) -> None:
        self.problems = problems or []
        if self.problems:
            lines = [str(p) for p in self.problems[: self.SHOWN]]
            more = len(self.problems) - len(lines)
            message += "\n" + "\n".join(lines) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(message)


@dataclass(frozen=True)
class CellProblem:
    file: str
    line: int | None
    column: str
    value: str
    accepted: str
    where: str = ""  # for files without lines (workbooks): the row's key values

    def __str__(self) -> str:
        at = f"line {self.line}" if self.line is not None else self.where
        return (
            f"{self.file}, {at}, column {self.column!r}: value {self.value!r} is not accepted; "
            f"accepted: {self.accepted}"
        )


PER_COLUMN = 100  # bad cells reported per column at most (the count says how many in all)


@dataclass(frozen=True)
class Col:
    target: str
    source: str
    kind: str  # int, float, text, month, date, flag, code, codes
    system: str = "iso3"
    required: bool = True


ACCEPTED = {
    "int": "whole numbers (e.g. 2015 or 2015.0)",
    "float": "finite numbers (e.g. 1234.5; not inf or NaN)",
    "month": "months as YYYY-MM",
    "date": "dates as YYYY-MM-DD",
    "flag": "0 or 1",
    "text": "text",
}
SQL_TYPES = {
    "int": "BIGINT",
    "float": "DOUBLE",
    "month": "VARCHAR",
    "date": "DATE",
    "flag": "BOOLEAN",
    "text": "VARCHAR",
    "code": "VARCHAR",
    "codes": "VARCHAR[]",
}


@dataclass(frozen=True)
class CsvFormat:
    name: str
    columns: tuple[Col, ...]
    na_values: tuple[str, ...] = ("", "NA")
    header_search_lines: int = 1  # how many leading lines may hold notes before the header
    extra: dict[str, str] = field(default_factory=dict)  # target -> constant SQL expression


def check_readable(path: Path) -> None:
    """Fail early, and clearly, on a missing, empty or truncated (gzip) file."""
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise LoadError(f"{path}: the file is empty")
    if path.suffix == ".gz":
        try:
            with gzip.open(path, "rb") as fh:
                while fh.read(1 << 20):
                    pass
        except (EOFError, OSError, zlib.error) as exc:
            raise LoadError(
                f"{path}: the gzip file is truncated or damaged ({exc}); download it again"
            ) from None


def _lines(path: Path, n: int) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as fh:
        return [fh.readline() for _ in range(n)]


def find_header(path: Path, formats: tuple[CsvFormat, ...]) -> tuple[CsvFormat, int, list[str]]:
    """The format whose columns the file has, the 0-based header line, and the header."""
    depth = max(f.header_search_lines for f in formats)
    lines = _lines(path, depth)
    best: tuple[float, CsvFormat, list[str]] | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        header = [h.strip() for h in next(csv.reader(io.StringIO(line)))]
        for fmt in formats:
            if index >= fmt.header_search_lines:
                continue
            missing = [c.source for c in fmt.columns if c.source not in header]
            if not missing:
                return fmt, index, header
            share_missing = len(missing) / len(fmt.columns)
            if best is None or share_missing < best[0]:
                best = (share_missing, fmt, header)
    if best is None:
        raise LoadError(f"{path}: no header line found; accepted formats: {_names(formats)}")
    _, fmt, header = best
    missing = [c.source for c in fmt.columns if c.source not in header]
    raise LoadError(
        f"{path}: not a file of this dataset: missing column(s) {', '.join(missing)} "
        f"(closest format: {fmt.name}); found columns: {', '.join(header[:12])}"
        f"{' ...' if len(header) > 12 else ''}; accepted formats: {_names(formats)}"
    )


def _names(formats: tuple[CsvFormat, ...]) -> str:
    return "; ".join(f.name for f in formats)


def _ensure_codes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _codes (system VARCHAR, code VARCHAR, target VARCHAR)"
    )
    count = con.execute("SELECT count(*) FROM _codes").fetchone()
    if count and count[0] == 0:
        con.executemany("INSERT INTO _codes VALUES (?, ?, ?)", code_rows())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bad_condition(col: Col) -> str:
    v = f"trim(r.{_q(col.source)})"
    if col.kind == "int":
        number = f"TRY_CAST({v} AS DOUBLE)"
        return f"({number} IS NULL OR isinf({number}) OR {number} <> floor({number}))"
    if col.kind == "float":
        number = f"TRY_CAST({v} AS DOUBLE)"
        return f"({number} IS NULL OR isnan({number}) OR isinf({number}))"
    if col.kind == "month":
        return f"NOT regexp_full_match({v}, '[0-9]{{4}}-(0[1-9]|1[0-2])')"
    if col.kind == "date":
        return f"TRY_CAST({v} AS DATE) IS NULL"
    if col.kind == "flag":
        return f"lower({v}) NOT IN ('0', '1', '0.0', '1.0', 'true', 'false')"
    if col.kind == "code":
        return f"upper({v}) NOT IN (SELECT code FROM _codes WHERE system = '{col.system}')"
    if col.kind == "codes":
        return (
            f"EXISTS (SELECT 1 FROM unnest(string_split(upper({v}), ',')) AS t(c) WHERE trim(t.c) "
            f"NOT IN (SELECT code FROM _codes WHERE system = '{col.system}'))"
        )
    return "FALSE"


def _value_sql(col: Col) -> str:
    v = f"trim(r.{_q(col.source)})"
    if col.kind == "int":
        return f"CAST(TRY_CAST({v} AS DOUBLE) AS BIGINT)"
    if col.kind == "float":
        return f"TRY_CAST({v} AS DOUBLE)"
    if col.kind == "date":
        return f"TRY_CAST({v} AS DATE)"
    if col.kind == "flag":
        return f"lower({v}) IN ('1', '1.0', 'true')"
    if col.kind == "code":
        return f"(SELECT target FROM _codes WHERE system = '{col.system}' AND code = upper({v}))"
    if col.kind == "codes":
        return (
            f"list_transform(string_split(upper({v}), ','), lambda c: cm_{col.system}.m[trim(c)])"
        )
    return v


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    formats: tuple[CsvFormat, ...],
    staged: str = "_staged",
) -> CsvFormat:
    """Check ``path`` and load it into the temporary table ``staged``; return its format."""
    check_readable(path)
    fmt, header_line, _ = find_header(path, formats)
    _ensure_codes(con)
    nulls = ", ".join(f"'{v}'" for v in fmt.na_values)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _raw AS SELECT row_number() OVER () AS _row, * FROM "
            f"read_csv(?, header = true, all_varchar = true, skip = {header_line}, "
            f"strict_mode = true, nullstr = [{nulls}], null_padding = false, delim = ',', "
            "quote = '\"', escape = '\"')",
            [str(path)],
        )
    except duckdb.Error as exc:
        message = str(exc).split("\n")[0]
        raise LoadError(
            f"{path}: cannot be read as CSV ({message}); is it truncated or of another format? "
            f"accepted formats: {fmt.name}"
        ) from None
    rows = con.execute("SELECT count(*) FROM _raw").fetchone()
    if not rows or rows[0] == 0:
        raise LoadError(f"{path}: the file has a header but no rows")
    first_line = header_line + 2  # 1-based line of the first data row
    problems: list[CellProblem] = []
    for col in fmt.columns:
        if col.required:
            for (row,) in con.execute(
                f"SELECT _row FROM _raw r WHERE r.{_q(col.source)} IS NULL ORDER BY _row "
                f"LIMIT {PER_COLUMN}"
            ).fetchall():
                problems.append(
                    CellProblem(
                        str(path), row + first_line - 1, col.source, "", "a value (required)"
                    )
                )
        accepted = (
            f"a country code of the {col.system} system or a special code listed in "
            "special_codes.csv"
            if col.kind in ("code", "codes")
            else ACCEPTED[col.kind]
        )
        for row, value in con.execute(
            f"SELECT _row, r.{_q(col.source)} FROM _raw r WHERE r.{_q(col.source)} IS NOT NULL "
            f"AND {_bad_condition(col)} ORDER BY _row LIMIT {PER_COLUMN}"
        ).fetchall():
            problems.append(
                CellProblem(str(path), row + first_line - 1, col.source, value, accepted)
            )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column))
        raise LoadError(f"{path}: {len(problems)} bad value(s); nothing was ingested", problems)
    select = ", ".join(
        [f"{_value_sql(c)}::{SQL_TYPES[c.kind]} AS {_q(c.target)}" for c in fmt.columns]
        + [f"{expr} AS {_q(name)}" for name, expr in fmt.extra.items()]
        + [f"r._row + {first_line - 1} AS _line"]
    )
    maps = "".join(
        f", (SELECT map_from_entries(list(struct_pack(k := code, v := target))) AS m "
        f"FROM _codes WHERE system = '{system}') cm_{system}"
        for system in sorted({c.system for c in fmt.columns if c.kind == "codes"})
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT {select} FROM _raw r{maps} ORDER BY _row"
    )
    con.execute("DROP TABLE _raw")
    return fmt
