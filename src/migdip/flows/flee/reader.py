"""Read a case folder in the input format of the agent-based migration code Flee.

A case folder holds ``input_csv/`` (the geography, conflicts and simulation period) and
``source_data/`` (UNHCR registration series named in ``data_layout.csv``). The reader checks every
cell and stops at the first bad one with an error naming the file, the line, the value and what is
accepted; a misspelt location name gets a "did you mean".

Days and dates (worked out from Flee's own output, ``flee_reference_out.csv``):

- Day ``t`` (0-based, ``0 <= t < length``) is the calendar date ``StartDate + t``: the data for
  day 0 is the series' value on ``StartDate`` itself. Flee's ``out.csv`` prints, in its ``Date``
  column, ``StartDate + t + 1`` (the date after the day's step); see ``scoring.write_out_csv``.
- A series is linearly interpolated between its observation dates, held at its first value
  before the first observation and at its last value after the last one, and truncated to whole
  people (Flee's ``int()``), exactly as Flee's ``DataTable.get_interpolated_data`` does, with the
  same floating-point operations so that the truncation lands on the same integer.
- A registration correction ``camp,date`` scales every observation of ``camp`` dated before
  ``date`` by ``value(date) / value(observation just before date)``. It is applied to the raw
  observations, before interpolation, one correction after another in file order (as Flee does).
  ``date`` must be one of the camp's observation dates; a date before ``StartDate`` is ignored.
- ``conflicts.csv`` has one row a day (row ``k`` is day ``k``) and one column a location; a cell
  above 1e-6 (Flee's threshold) means conflict. Locations without a column are never in conflict;
  if the file has fewer rows than the simulation has days, its last row holds for the rest.
  The cell's value is the conflict's intensity (``FleeCase.intensity``): Flee weights a zone's
  share of each day's new displacement by it (``spawning.refresh_spawn_weights``).

Quirks of published case folders that Flee's own loaders accept (read from Flee's
``InputGeography`` and ``DataTable``) are read as Flee reads them and each is listed in
``FleeCase.warnings`` with its file, line, value and what was done; ``strict=True`` (``migdip sim
flee --strict``) refuses them, for people writing new cases:

- a location listed twice in ``locations.csv``: kept once, with the later row's values (Flee
  links routes to the last row of a name);
- a ``conflicts.csv`` column naming no location: ignored (Flee reports it and goes on);
- a name spelled otherwise in ``routes.csv``, ``closures.csv``, ``conflicts.csv``,
  ``data_layout.csv`` or the corrections (``Fassala-Mbera`` for ``Mbera``: the same letters
  ignoring case, spaces, hyphens and underscores, or exactly one location that is a hyphenated
  part of it): read as that location;
- a ``data_layout.csv`` row naming no location: not used (Flee scores only the camps of
  ``locations.csv``); a camp listed twice: the first listing (Flee's data table finds the first);
  a series file that is absent: the one file of that name in a sub-folder if there is exactly one
  (``jordan/jordan-amman.csv`` for ``amman.csv``), else the camp is simulated but not scored;
- observation dates out of order: put in date order; a date given twice: the later row's count
  (Flee interpolates from the last row of a date onwards);
- a link closure for a route ``routes.csv`` lacks, or a correction for a camp without a series:
  ignored (nothing to close or correct).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from migdip.errors import InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

REQUIRED_FILES = (
    "input_csv/locations.csv",
    "input_csv/routes.csv",
    "input_csv/conflicts.csv",
    "input_csv/sim_period.csv",
    "source_data/data_layout.csv",
)
OPTIONAL_FILES = ("input_csv/closures.csv", "input_csv/registration_corrections.csv")
CLOSURE_KINDS = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")
CONFLICT_THRESHOLD = 1e-6
ACCEPTED_DATE = "dates as YYYY-MM-DD (e.g. 2012-02-29)"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FleeFormatError(InputError):
    """A Flee case folder cannot be read: the message names file, line, value and fix."""


@dataclass(frozen=True)
class Location:
    name: str
    region: str
    country: str
    latitude: float
    longitude: float
    kind: str  # conflict_zone, town, camp, or another code (forwarding_hub, marker, ...), kept
    conflict_date: int | None  # day the conflict starts (conflict zones)
    population: int | None  # population, or capacity for a camp


@dataclass(frozen=True)
class Route:
    a: str
    b: str
    distance_km: float
    forced_redirection: int  # 0 none; 1 everyone arriving at a goes on to b; 2 the reverse


@dataclass(frozen=True)
class Closure:
    """A closure from day ``start`` to day ``end``.

    ``country``: the border between countries name1 and name2. ``location``: Flee closes every
    link of name1 (name2 is informative: a location, a country or empty). ``link``: the route
    name1-name2. ``camp``/``idpcamp``: the camp name1 (name2 empty).
    ``remove_forced_redirection``: the route name1-name2 loses its forced redirection.
    """

    kind: str
    name1: str
    name2: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class FleeCase:
    """One case, with the scoring series already on the simulation days (see module doc)."""

    name: str
    path: Path
    start: dt.date
    length: int
    locations: tuple[Location, ...]
    routes: tuple[Route, ...]
    closures: tuple[Closure, ...]
    conflicts: BoolArray  # (length, len(locations)), in `locations` order
    intensity: FloatArray  # (length, len(locations)): the conflict's value, 0 where none
    corrections: tuple[tuple[str, dt.date], ...]
    camps: tuple[str, ...]  # scored camps, data_layout.csv order
    total: FloatArray  # (length,): the interpolated `total` series
    camp_data: FloatArray  # (length, len(camps)): interpolated and corrected camp series
    settings: dict[str, Any]
    warnings: tuple[str, ...] = ()  # quirks accepted as Flee accepts them (file, line, value)

    def date_of(self, day: int) -> dt.date:
        """The calendar date whose data day ``day`` is scored against."""
        return self.start + dt.timedelta(days=day)

    def location_index(self) -> dict[str, int]:
        return {loc.name: i for i, loc in enumerate(self.locations)}

    @property
    def data_in_camps(self) -> FloatArray:
        """D(t): the sum of the camps' data on every day."""
        return np.asarray(self.camp_data.sum(axis=1), dtype=np.float64)


# --- reading rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    path: Path
    line: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    def at(self, column: str | int) -> str:
        """Where a cell is: ``column`` is a column's name or its 1-based position."""
        name = column if isinstance(column, int) else repr(column)
        return f"{self.path}, line {self.line}, column {name}"

    def bad(self, column: str, value: str, accepted: str) -> FleeFormatError:
        return FleeFormatError(
            f"{self.at(column)}: value {value!r} is not accepted; accepted: {accepted}"
        )


@dataclass
class _Quirks:
    """What a case folder does that Flee's own loaders accept: with ``strict`` each is an
    error; otherwise it is done as Flee does and noted (file, line, value, what was done)."""

    strict: bool = False
    notes: list[str] = field(default_factory=list)

    def accept(self, where: str, problem: str, done: str) -> None:
        if self.strict:
            raise FleeFormatError(f"{where}: {problem} (refused with strict reading)")
        self.notes.append(f"{where}: {problem}; {done}")


def _missing(path: Path) -> FleeFormatError:
    needs = ", ".join(REQUIRED_FILES[:-1]) + " and " + REQUIRED_FILES[-1]
    return FleeFormatError(
        f"{path}: no such file; a Flee case folder needs {needs} "
        f"({' and '.join(OPTIONAL_FILES)} are optional)"
    )


def _rows(path: Path) -> list[_Row]:
    """The file's non-blank rows, cells stripped, each with its 1-based line number."""
    rows: list[_Row] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            line = 1
            for cells in reader:
                stripped = tuple(c.strip() for c in cells)
                if any(stripped):
                    rows.append(_Row(path, line, stripped))
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise FleeFormatError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    except csv.Error as exc:
        raise FleeFormatError(f"{path}: cannot be read as CSV ({exc})") from None
    return rows


def _data_rows(path: Path) -> list[_Row]:
    """Rows that are not comments (a first cell starting with '#')."""
    return [r for r in _rows(path) if not r.cells[0].startswith("#")]


def _need_columns(row: _Row, count: int, names: str) -> None:
    if len(row.cells) < count:
        raise FleeFormatError(
            f"{row.path}, line {row.line}: {len(row.cells)} column(s), expected {count}: {names}"
        )


# --- parsing cells ----------------------------------------------------------------------------


def _float(row: _Row, index: int, column: str) -> float:
    value = row.cell(index)
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise row.bad(column, value, "numbers (e.g. 12.5)")
    return number


def _int(row: _Row, index: int, column: str, *, minimum: int | None = None) -> int:
    value = row.cell(index)
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    accepted = "whole numbers (e.g. 12)" if minimum is None else f"whole numbers >= {minimum}"
    if not math.isfinite(number) or number != int(number):
        raise row.bad(column, value, accepted)
    if minimum is not None and number < minimum:
        raise row.bad(column, value, accepted)
    return int(number)


def _optional_int(row: _Row, index: int, column: str) -> int | None:
    return None if row.cell(index) == "" else _int(row, index, column, minimum=0)


def _date(row: _Row, index: int, column: str) -> dt.date:
    value = row.cell(index)
    try:
        if _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise row.bad(column, value, ACCEPTED_DATE)


_LISTED = {
    "location": "not a name in input_csv/locations.csv",
    "country": "no location in input_csv/locations.csv is in it",
    "location or country": "not in input_csv/locations.csv",
    "closure type": "accepted: " + ", ".join(CLOSURE_KINDS),
}


def _known(row: _Row, column: str | int, value: str, known: Sequence[str], what: str) -> str:
    """``value`` if it is one of ``known``, else an error with a 'did you mean'."""
    if value in known:
        return value
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise FleeFormatError(f"{row.at(column)}: unknown {what} {value!r} ({_LISTED[what]}){hint}")


# --- input_csv --------------------------------------------------------------------------------


def _read_period(path: Path) -> tuple[dt.date, int]:
    start: dt.date | None = None
    length: int | None = None
    for row in _rows(path):
        key = row.cells[0].lower()
        if key == "startdate":
            start = _date(row, 1, "StartDate")
        elif key == "length":
            length = _int(row, 1, "Length", minimum=1)
    if start is None or length is None:
        missing = "StartDate" if start is None else "Length"
        raise FleeFormatError(
            f"{path}: no {missing} row; a sim_period.csv holds 'StartDate,YYYY-MM-DD' and "
            "'Length,N' (days)"
        )
    return start, length


LOCATION_COLUMNS = "name,region,country,latitude,longitude,location_type,conflict_date,population"


def _location(row: _Row) -> Location:
    _need_columns(row, 8, LOCATION_COLUMNS)
    kind = row.cells[5]
    if not row.cells[0] or not kind:
        column = "name" if not row.cells[0] else "location_type"
        raise row.bad(column, "", "a non-empty name")
    conflict_date = _optional_int(row, 6, "conflict_date")
    if conflict_date is None and "conflict" in kind.lower():
        raise row.bad("conflict_date", "", "a day number (whole number >= 0) for a conflict zone")
    return Location(
        name=row.cells[0],
        region=row.cells[1],
        country=row.cells[2],
        latitude=_float(row, 3, "latitude"),
        longitude=_float(row, 4, "longitude"),
        kind=kind,
        conflict_date=conflict_date,
        population=_optional_int(row, 7, "population"),
    )


def _read_locations(path: Path, quirks: _Quirks) -> tuple[Location, ...]:
    locations: list[Location] = []
    first: dict[str, tuple[int, int]] = {}  # name -> (index, line)
    for row in _data_rows(path):
        loc = _location(row)
        if loc.name in first:
            index, line = first[loc.name]
            quirks.accept(
                row.at("name"),
                f"location {loc.name!r} is listed twice (first on line {line})",
                "kept once with this later row's values, as Flee attaches routes to the last "
                "row of a name",
            )
            locations[index] = loc
            continue
        first[loc.name] = (len(locations), row.line)
        locations.append(loc)
    if not locations:
        raise FleeFormatError(f"{path}: no locations; expected rows of {LOCATION_COLUMNS}")
    return tuple(locations)


def _spelled_otherwise(value: str, names: Sequence[str]) -> str | None:
    """The one location ``value`` names in another spelling: the same letters ignoring case,
    spaces, hyphens and underscores, or a name that is one hyphenated part of it
    ('Fassala-Mbera' for 'Mbera'); None if there is not exactly one."""

    def key(x: str) -> str:
        return re.sub(r"[\s_-]+", "", x).casefold()

    same = [n for n in names if key(n) == key(value)]
    if len(same) == 1:
        return same[0]
    parts = {key(p) for p in re.split(r"[-_/]", value) if p}
    part = [n for n in names if key(n) in parts]
    return part[0] if len(part) == 1 else None


def _location_name(
    row: _Row, column: str | int, value: str, names: Sequence[str], quirks: _Quirks
) -> str:
    if value in names:
        return value
    other = _spelled_otherwise(value, names)
    if other is None:
        return _known(row, column, value, names, "location")  # raises, with a suggestion
    quirks.accept(
        row.at(column),
        f"location {value!r} is not in locations.csv",
        f"read as {other!r}, the same place spelled otherwise",
    )
    return other


def _route(row: _Row, names: Sequence[str], quirks: _Quirks) -> Route:
    _need_columns(row, 3, "name1,name2,distance,forced_redirection")
    a = _location_name(row, "name1", row.cells[0], names, quirks)
    b = _location_name(row, "name2", row.cells[1], names, quirks)
    if a == b:
        raise FleeFormatError(f"{row.at('name2')}: a route from {a!r} to itself")
    distance = _float(row, 2, "distance")
    if distance < 0:
        raise row.bad("distance", row.cells[2], "distances in km >= 0")
    forced = 0 if row.cell(3) == "" else _int(row, 3, "forced_redirection", minimum=0)
    if forced > 2:
        raise row.bad("forced_redirection", row.cells[3], "0, 1, 2 or empty")
    return Route(a, b, distance, forced)


def _read_routes(path: Path, names: Sequence[str], quirks: _Quirks) -> tuple[Route, ...]:
    return tuple(_route(row, names, quirks) for row in _data_rows(path))


def _closure(
    row: _Row,
    names: Sequence[str],
    countries: Sequence[str],
    routes: set[frozenset[str]],
    quirks: _Quirks,
) -> Closure | None:
    _need_columns(row, 5, "closure_type,name1,name2,closure_start,closure_end")
    kind, name1, name2 = row.cells[0], row.cells[1], row.cells[2]
    if kind not in CLOSURE_KINDS:
        _known(row, "closure_type", kind, CLOSURE_KINDS, "closure type")
    if kind == "country":
        _known(row, "name1", name1, countries, "country")
        _known(row, "name2", name2, countries, "country")
    else:
        name1 = _location_name(row, "name1", name1, names, quirks)
    if kind in ("link", "remove_forced_redirection"):
        name2 = _location_name(row, "name2", name2, names, quirks)
        if frozenset((name1, name2)) not in routes:
            quirks.accept(
                row.at("name2"),
                f"no route between {name1!r} and {name2!r} in routes.csv",
                "closure ignored, as Flee finds no link to close",
            )
            return None
    elif kind != "country" and name2:
        _known(row, "name2", name2, [*names, *countries], "location or country")
    start = _int(row, 3, "closure_start", minimum=0)
    return Closure(kind, name1, name2, start, _int(row, 4, "closure_end", minimum=0))


def _read_closures(
    path: Path, locations: Sequence[Location], routes: Sequence[Route], quirks: _Quirks
) -> tuple[Closure, ...]:
    if not path.exists():
        return ()
    names = [loc.name for loc in locations]
    countries = list(dict.fromkeys(loc.country for loc in locations))
    links = {frozenset((r.a, r.b)) for r in routes}
    read = (_closure(row, names, countries, links, quirks) for row in _data_rows(path))
    return tuple(c for c in read if c is not None)


def _conflict_columns(header: _Row, names: Sequence[str], quirks: _Quirks) -> dict[int, int]:
    """Map a conflicts.csv column to a location index (column 0 is the day)."""
    columns: dict[int, int] = {}
    seen: set[str] = set()
    for col, name in enumerate(header.cells[1:], start=1):
        if not name:
            continue
        try:
            name = _location_name(header, col + 1, name, names, quirks)
        except FleeFormatError as exc:
            if quirks.strict:
                raise
            quirks.accept(
                header.at(col + 1),
                str(exc).split(": ", 1)[1],
                "column ignored, as Flee does (its add_conflict_zone reports the name and goes on)",
            )
            continue
        if name in seen:
            raise FleeFormatError(f"{header.at(col + 1)}: location {name!r} has two columns")
        seen.add(name)
        columns[col] = names.index(name)
    return columns


def _conflict_row(row: _Row, day: int, header: _Row, columns: dict[int, int]) -> dict[int, float]:
    if _int(row, 0, header.cells[0] or "day") != day:
        raise row.bad(header.cells[0] or "day", row.cells[0], f"day {day} (one row a day from 0)")
    extra = [c for c in row.cells[len(header.cells) :] if c]
    if extra:
        raise FleeFormatError(
            f"{row.path}, line {row.line}: {len(row.cells)} columns, but the header names "
            f"{len(header.cells)}"
        )
    values = {i: _float(row, col, header.cells[col]) for col, i in columns.items()}
    return {i: v for i, v in values.items() if v > CONFLICT_THRESHOLD}


def _read_conflicts(path: Path, names: Sequence[str], length: int, quirks: _Quirks) -> FloatArray:
    """(length, locations): each day's conflict intensity, 0 where there is none."""
    rows = _rows(path)
    intensity = np.zeros((length, len(names)), dtype=np.float64)
    if not rows:
        return intensity
    header, body = rows[0], rows[1:]
    columns = _conflict_columns(header, names, quirks)
    for day, row in enumerate(body):
        hot = _conflict_row(row, day, header, columns)
        if day < length:
            intensity[day, list(hot)] = list(hot.values())
    if 0 < len(body) < length:
        intensity[len(body) :] = intensity[len(body) - 1]
    return intensity


# --- source_data ------------------------------------------------------------------------------


@dataclass
class _Series:
    name: str
    path: Path
    dates: list[dt.date]
    values: list[float]


def _read_series(name: str, path: Path, where: str, quirks: _Quirks) -> _Series:
    """A date,count file. Observations out of date order are put in order and a date given
    twice keeps its last count (Flee interpolates from the last row of a date onwards); each is
    noted, or refused with strict reading."""
    if not path.exists():
        raise FleeFormatError(f"{path}: no such file (named in {where})")
    rows = _rows(path)
    if rows and (rows[0].cells[0].startswith("#") or rows[0].cells[0] in ("Date", "DateTime")):
        rows = rows[1:]
    seen: dict[dt.date, int] = {}  # date -> line
    observed: list[tuple[dt.date, float]] = []
    latest: dt.date | None = None
    for row in rows:
        if row.cells[0].startswith("#") or row.cell(1) == "":
            continue  # Flee skips comments and rows without a count
        day = _date(row, 0, "date")
        count = _float(row, 1, "count")
        if day in seen:
            quirks.accept(
                row.at("date"),
                f"date {row.cells[0]!r} given twice (first on line {seen[day]})",
                f"count {row.cell(1)} of this later row kept",
            )
            observed = [(d, v) for d, v in observed if d != day]
        elif latest is not None and day < latest:
            quirks.accept(
                row.at("date"),
                f"date {row.cells[0]!r} comes after {latest} in the file",
                "put in date order",
            )
        seen[day] = row.line
        latest = day if latest is None else max(latest, day)
        observed.append((day, count))
    if not observed:
        raise FleeFormatError(f"{path}: no observations; expected rows of date,count")
    observed.sort(key=lambda o: o[0])
    return _Series(name, path, [d for d, _ in observed], [v for _, v in observed])


def _series_file(row: _Row, folder: Path, quirks: _Quirks) -> Path:
    """The file a layout row names; if it is absent and exactly one file under the folder is
    named ``<name>`` in a sub-folder or ``<prefix>-<name>`` (jordan/jordan-amman.csv for
    amman.csv), that one, noted."""
    named = folder / row.cells[1]
    if named.exists():
        return named
    wanted = Path(row.cells[1]).name
    found = sorted(
        p for p in folder.rglob("*.csv") if p.name == wanted or p.name.endswith("-" + wanted)
    )
    if len(found) == 1:
        quirks.accept(
            row.at("file"),
            f"no file {row.cells[1]!r}",
            f"read {found[0].relative_to(folder)}, the one file of that name",
        )
        return found[0]
    return named  # _read_series reports the missing file


def _read_layout(
    path: Path, names: Sequence[str], quirks: _Quirks
) -> tuple[_Series, list[_Series]]:
    total: _Series | None = None
    camps: list[_Series] = []
    for row in _data_rows(path):
        _need_columns(row, 2, "name,file (the first row names the 'total' series)")
        if len(row.cells) > 2 and any(row.cells[2:]):
            raise FleeFormatError(
                f"{row.at('file')}: several files for {row.cells[0]!r} "
                "(summing series is not supported); give one file a series"
            )
        where = f"{path}, line {row.line}"
        if row.cells[0] == "total":
            total = _read_series("total", _series_file(row, path.parent, quirks), where, quirks)
            continue
        try:
            name = _location_name(row, "name", row.cells[0], names, quirks)
        except FleeFormatError as exc:
            if quirks.strict:
                raise
            quirks.accept(
                row.at("name"),
                str(exc).split(": ", 1)[1],
                "row not used, as Flee scores only the camps locations.csv lists",
            )
            continue
        if any(c.name == name for c in camps):
            quirks.accept(
                row.at("name"),
                f"{name!r} is listed twice",
                "the first listing kept, as Flee's data table finds the first",
            )
            continue
        file = _series_file(row, path.parent, quirks)
        if not file.exists():
            quirks.accept(
                row.at("file"),
                f"no file {row.cells[1]!r} for {name!r}",
                "the camp is simulated but not scored (it has no observations)",
            )
            continue
        camps.append(_read_series(name, file, where, quirks))
    if total is None:
        raise FleeFormatError(f"{path}: no 'total' row; the layout needs 'total,<file>'")
    return total, camps


def _correct(series: _Series, day: dt.date, row: _Row) -> None:
    """Scale the observations before ``day`` so the series has no registration jump there."""
    if day not in series.dates:
        near = sorted(series.dates, key=lambda d: abs((d - day).days))[:2]
        raise row.bad(
            "date",
            row.cells[1],
            f"one of {series.name}'s observation dates in "
            f"{series.path.name} (nearest: {', '.join(str(d) for d in sorted(near))})",
        )
    i = series.dates.index(day)
    if i == 0:
        return
    if series.values[i - 1] == 0:
        raise FleeFormatError(
            f"{row.at('date')}: cannot correct {series.name} on {day}: the observation before "
            f"it ({series.dates[i - 1]}) is 0"
        )
    ratio = series.values[i] / series.values[i - 1]
    for j in range(i):
        series.values[j] *= ratio


def _read_corrections(
    path: Path, names: Sequence[str], camps: Sequence[_Series], start: dt.date, quirks: _Quirks
) -> tuple[tuple[str, dt.date], ...]:
    """Read the corrections and apply them, in file order, to the camps' observations."""
    if not path.exists():
        return ()
    by_name = {c.name: c for c in camps}
    found: list[tuple[str, dt.date]] = []
    for row in _data_rows(path):
        _need_columns(row, 2, "camp,date[,normalize]")
        name = _location_name(row, "camp", row.cells[0], names, quirks)
        if name not in by_name:
            quirks.accept(
                row.at("camp"),
                f"{name!r} has no series in source_data/data_layout.csv",
                "correction ignored (nothing to correct)",
            )
            continue
        day = _date(row, 1, "date")
        found.append((name, day))
        if day >= start:
            _correct(by_name[name], day, row)
    return tuple(found)


def interpolate(series_days: FloatArray, values: FloatArray, days: FloatArray) -> FloatArray:
    """Flee's interpolation, truncated to whole people, on ``days`` (offsets from the start).

    ``series_days`` are the observations' offsets in days, increasing. Before the first and
    after the last observation the series is held flat.
    """
    if len(series_days) == 1:
        return np.full(days.shape, np.trunc(values[0]), dtype=np.float64)
    right = np.searchsorted(series_days, days, side="right")
    inner = np.clip(right, 1, len(series_days) - 1)
    old_day, new_day = series_days[inner - 1], series_days[inner]
    old, new = values[inner - 1], values[inner]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = (days - old_day) / (new_day - old_day)
        value = old + fraction * (new - old)
    value = np.where(right == 0, values[0], value)
    value = np.where(right >= len(series_days), values[-1], value)
    return np.asarray(np.trunc(value), dtype=np.float64)


def _on_days(series: _Series, start: dt.date, length: int) -> FloatArray:
    offsets = np.array([(d - start).days for d in series.dates], dtype=np.float64)
    values = np.array(series.values, dtype=np.float64)
    return interpolate(offsets, values, np.arange(length, dtype=np.float64))


# --- settings and the case --------------------------------------------------------------------


def _read_settings(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise FleeFormatError(f"{path}: no such file (the simulation settings)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise FleeFormatError(f"{path}, line {line}: not valid YAML ({exc.problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FleeFormatError(
            f"{path}: expected a mapping of settings, found {type(data).__name__}"
        )
    return data


def _settings(path: Path, settings_path: Path | None) -> dict[str, Any]:
    own = path / "simsetting.yml"
    if own.exists():
        return _read_settings(own)
    return _read_settings(settings_path) if settings_path is not None else {}


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.setflags(write=False)
    return array


def read_case(path: Path, settings_path: Path | None = None, strict: bool = False) -> FleeCase:
    """Read and check the Flee case folder ``path``; see the module doc for the rules.

    Quirks that Flee's own loaders accept (a location listed twice, a conflicts.csv column
    naming no location, observation dates out of order or given twice) are handled as Flee
    handles them and listed in ``FleeCase.warnings``; ``strict`` refuses them instead."""
    path = Path(path)
    quirks = _Quirks(strict)
    for rel in REQUIRED_FILES:
        if not (path / rel).is_file():
            raise _missing(path / rel)
    inputs = path / "input_csv"
    start, length = _read_period(inputs / "sim_period.csv")
    locations = _read_locations(inputs / "locations.csv", quirks)
    names = [loc.name for loc in locations]
    routes = _read_routes(inputs / "routes.csv", names, quirks)
    closures = _read_closures(inputs / "closures.csv", locations, routes, quirks)
    intensity = _read_conflicts(inputs / "conflicts.csv", names, length, quirks)
    total, camps = _read_layout(path / "source_data" / "data_layout.csv", names, quirks)
    corrections = _read_corrections(
        inputs / "registration_corrections.csv", names, camps, start, quirks
    )
    camp_data = np.zeros((length, len(camps)), dtype=np.float64)
    for j, camp in enumerate(camps):
        camp_data[:, j] = _on_days(camp, start, length)
    return FleeCase(
        name=path.name,
        path=path,
        start=start,
        length=length,
        locations=locations,
        routes=routes,
        closures=closures,
        conflicts=_frozen(intensity > 0),
        intensity=_frozen(intensity),
        corrections=corrections,
        camps=tuple(c.name for c in camps),
        total=_frozen(_on_days(total, start, length)),
        camp_data=_frozen(camp_data),
        settings=_settings(path, settings_path),
        warnings=tuple(quirks.notes),
    )
