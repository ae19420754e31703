"""Value rules every dataset is checked against before it is ingested (pandera schemas).

A dataset declares its rules (counts, years, months, dates, finite numbers, ranges, unique
keys); :func:`check` builds a pandera schema from them, validates the staged rows lazily and
reports every failing cell with its file line (or, for workbooks, the row's key values), the
column, the value and what is accepted. Parsing (types, codes) happens before, in
:mod:`migdip.data.csvload`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from migdip.data.csvload import PER_COLUMN, CellProblem, LoadError

KEY = "_key"  # a 64-bit hash of the key columns: one column to check, not several strings
MAX_COUNT = 9e9  # more people than live on Earth is not a count
FIRST_YEAR = 1900


def last_year() -> int:
    """The latest year a dataset may hold: the current one (UNHCR publishes provisional data)."""
    return dt.date.today().year


@dataclass(frozen=True)
class Rules:
    counts: tuple[str, ...] = ()  # people or events: finite, 0 to MAX_COUNT
    years: tuple[str, ...] = ()  # whole years from FIRST_YEAR to the current year
    months: tuple[str, ...] = ()  # YYYY-MM within the same years
    dates: tuple[str, ...] = ()  # dates within the same years
    finite: tuple[str, ...] = ()  # any finite number (e.g. growth rates, balances)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    unique: tuple[str, ...] = ()  # columns that together identify a row

    def columns(self) -> set[str]:
        """Columns with value checks (the key's uniqueness is checked on a hash of it)."""
        return {*self.counts, *self.years, *self.months, *self.dates, *self.finite, *self.ranges}


def _finite(series: pd.Series) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(series.isna().to_numpy() | np.isfinite(values), index=series.index)


def schema(rules: Rules) -> pa.DataFrameSchema:
    top = last_year()
    columns: dict[str, pa.Column] = {}

    def add(name: str, *checks: pa.Check) -> None:
        existing = columns.get(name)
        kept = list(existing.checks) if existing is not None else []
        columns[name] = pa.Column(checks=[*kept, *checks], nullable=True, coerce=False)

    finite = pa.Check(_finite, error="finite numbers (not inf or NaN)")
    for c in rules.counts:
        add(c, finite, pa.Check.in_range(0, MAX_COUNT, error=f"counts from 0 to {MAX_COUNT:.0e}"))
    for c in rules.years:
        add(c, pa.Check.in_range(FIRST_YEAR, top, error=f"years from {FIRST_YEAR} to {top}"))
    for c in rules.months:
        add(
            c,
            pa.Check(
                lambda s: s.isna() | s.astype(str).str[:4].astype(int).between(FIRST_YEAR, top),
                error=f"months of the years {FIRST_YEAR} to {top}",
            ),
        )
    for c in rules.dates:
        add(
            c,
            pa.Check(
                lambda s: (
                    s.isna()
                    | pd.Series(pd.DatetimeIndex(s).year, index=s.index).between(FIRST_YEAR, top)
                ),
                error=f"dates in the years {FIRST_YEAR} to {top}",
            ),
        )
    for c in rules.finite:
        add(c, finite)
    for c, (low, high) in rules.ranges.items():
        add(c, finite, pa.Check.in_range(low, high, error=f"numbers from {low:g} to {high:g}"))
    if rules.unique:
        columns[KEY] = pa.Column(nullable=True, coerce=False)
    return pa.DataFrameSchema(
        columns,
        unique=[KEY] if rules.unique else None,
        report_duplicates="exclude_first",
        strict=False,
    )


def check(
    con: duckdb.DuckDBPyConnection, rules: Rules, path: Path, staged: str = "_staged"
) -> None:
    """Validate the staged rows against ``rules``; raise LoadError with every failing cell."""
    wanted = rules.columns()
    if not wanted and not rules.unique:
        return
    have = [str(r[0]) for r in con.execute(f"DESCRIBE {staged}").fetchall()]
    keep = [c for c in have if c in wanted or c == "_line"]
    if rules.unique:
        keep.append(f"(hash({', '.join(rules.unique)}) >> 1)::BIGINT AS {KEY}")
    frame = con.execute(f"SELECT {', '.join(keep)} FROM {staged}").df()
    try:
        schema(rules).validate(frame, lazy=True)
    except SchemaErrors as exc:
        keys = _key_values(con, staged, rules, exc.failure_cases)
        problems = _problems(exc.failure_cases, frame, rules, str(path), keys)
        raise LoadError(
            f"{path}: {len(problems)} value(s) break the dataset's rules; nothing was ingested",
            problems,
        ) from None


def _key_values(
    con: duckdb.DuckDBPyConnection, staged: str, rules: Rules, cases: pd.DataFrame
) -> dict[int, tuple[Any, ...]]:
    """The key columns' values of the rows named in ``cases`` (row = position in ``staged``)."""
    if not rules.unique:
        return {}
    wanted = sorted({int(i) for i in cases["index"].dropna()})[: 10 * PER_COLUMN]
    if not wanted:
        return {}
    rows = con.execute(
        f"SELECT n, {', '.join(rules.unique)} FROM (SELECT row_number() OVER () - 1 AS n, * "
        f"FROM {staged}) WHERE list_contains(?, n)",
        [wanted],
    ).fetchall()
    return {int(r[0]): tuple(r[1:]) for r in rows}


def _problems(
    cases: pd.DataFrame,
    frame: pd.DataFrame,
    rules: Rules,
    file: str,
    keys: dict[int, tuple[Any, ...]],
) -> list[CellProblem]:
    out: list[CellProblem] = []
    per_column: dict[str, int] = {}
    repeated: set[int] = set()
    key = ",".join(rules.unique)
    for case in cases.itertuples(index=False):
        index, check_name = _get(case, "index"), str(_get(case, "check"))
        row = frame.loc[int(index)] if index is not None and not pd.isna(index) else None
        if "uniqueness" in check_name or "duplicate" in check_name:
            if row is None or int(index) in repeated:
                continue
            repeated.add(int(index))
            column = key
            value = ", ".join(str(v) for v in keys.get(int(index), ()))
            accepted = f"one row per {', '.join(rules.unique)} (this key is repeated)"
        else:
            column = str(_get(case, "column"))
            value, accepted = _show(_get(case, "failure_case")), check_name
        if per_column.get(column, 0) >= PER_COLUMN:
            continue
        per_column[column] = per_column.get(column, 0) + 1
        line, where = None, ""
        if row is not None and "_line" in frame.columns:
            line = int(float(str(row["_line"])))
        elif row is not None:
            pairs: list[tuple[str, Any]]
            if rules.unique and int(index) in keys:
                pairs = list(zip(rules.unique, keys[int(index)], strict=True))
            else:
                pairs = [(str(k), row[k]) for k in frame.columns if k not in (column, KEY)]
            where = "row with " + ", ".join(f"{k}={v}" for k, v in pairs)
        out.append(CellProblem(file, line, column, value, accepted, where))
    out.sort(key=lambda p: (p.line or 0, p.column))
    return out


def _show(value: Any) -> str:
    if isinstance(value, float | np.floating):
        number = float(value)
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))  # pandera's failure cases turn whole numbers into floats
        return repr(number)
    return str(value)


def _get(case: Any, name: str) -> Any:
    return getattr(case, name, None)
