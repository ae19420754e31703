"""A route model on the flow engine: origins (by nationality) -> routes -> destination region.

Monthly detections by route and nationality are read as a long table (route, nationality, month,
count): Frontex's for Europe, or a user's own series for another region. At a forecast origin
(month t, using data up to t only):

- departures by nationality: the deseasonalised mean of the last ``level_months`` months,
  times the calendar-month factor of the whole series (push: the recent pressure from each
  origin; seasonality: the weather-driven cycle of crossings); optionally scaled by the growth
  of UNHCR-registered displacement from that origin (``push_elasticity``; 0 by default because
  the backtest does not improve with it, see docs/validation.md);
- route choice by nationality: each nationality's route shares over the last ``share_months``
  months (the network effect: people follow the routes their compatriots used), encoded as the
  engine's route costs so that the engine's choice reproduces them when no lever acts;
- the flow engine moves each month's departures over the routes (one engine step a month),
  where levers act: interception and closures deter and divert, as in any engine run.

``backtest`` forecasts 1 to 12 months ahead from every origin and scores each route and
horizon by MASE against the seasonal naive forecast (the value twelve months earlier).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError
from migdip.flows.engine.core import Params, Result, Run, simulate
from migdip.flows.engine.levers import Lever
from migdip.flows.engine.network import Link, Network, Place
from migdip.flows.routes.hygiene import starts, yearly_totals

OTHER = "other"
SCALE = 100.0  # distance scale (km-equivalent) used to encode route shares as costs
BASE = 10 * SCALE  # constant added to every link so that no detour beats a direct link
SHARE_FLOOR = 1e-4
HELD = "held"  # kind of the extra places: people there do not move by themselves


@dataclass(frozen=True)
class RouteParams:
    level_months: int = 3
    share_months: int = 6
    top_nationalities: int = 15
    diversion: float = 1.0  # share of people deterred from a route who try another
    push_elasticity: float = 0.0  # levels scale by (displacement growth) ** this; see below


@dataclass
class RouteData:
    months: list[str]
    routes: list[str]
    nationalities: list[str]
    counts: NDArray[np.float64]  # (months, nationalities, routes)
    displacement: dict[tuple[str, int], float] = field(default_factory=dict)  # UNHCR, by year
    first: NDArray[np.intp] | None = None  # (routes,) each route's first month (None: all 0)

    def start(self, route: int) -> int:
        """The index of the route's first month of data (before it: no data, not zeros)."""
        return 0 if self.first is None else int(self.first[route])

    def totals(self) -> NDArray[np.float64]:
        """(months, routes) detections by route."""
        out: NDArray[np.float64] = self.counts.sum(axis=1)
        return out


def add_months(month: str, k: int) -> str:
    """The month ``k`` months after ``month`` (YYYY-MM)."""
    n = int(month[:4]) * 12 + int(month[5:7]) - 1 + k
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def from_rows(
    rows: list[tuple[str, str, str, float]], routes: list[str] | None = None, top: int = 15
) -> RouteData:
    """Build the series from (route, nationality, month, count) rows."""
    if not rows:
        raise InputError("the monthly series is empty")
    months = month_range(min(r[2] for r in rows), max(r[2] for r in rows))
    routes = routes or sorted({r[0] for r in rows})
    by_nat: dict[str, float] = {}
    for route, nat, _, count in rows:
        if route in routes:
            by_nat[nat] = by_nat.get(nat, 0.0) + count
    nats = [n for n, _ in sorted(by_nat.items(), key=lambda kv: -kv[1])[:top]] + [OTHER]
    ni = {n: i for i, n in enumerate(nats)}
    ri = {r: i for i, r in enumerate(routes)}
    mi = {m: i for i, m in enumerate(months)}
    counts = np.zeros((len(months), len(nats), len(routes)))
    observed = np.zeros((len(months), len(routes)), dtype=bool)
    for route, nat, month, count in rows:
        if route in ri:
            counts[mi[month], ni.get(nat, ni[OTHER]), ri[route]] += count
            observed[mi[month], ri[route]] = True
    return RouteData(months, routes, nats, counts, first=starts(observed))


def from_frontex(con: duckdb.DuckDBPyConnection, routes: list[str], top: int = 15) -> RouteData:
    """Frontex detections, with UNHCR displacement by origin and year as the push factor."""
    rows = con.execute(
        "SELECT route, nationality, month, sum(detections) FROM frontex_detections GROUP BY ALL"
    ).fetchall()
    data = from_rows([(str(a), str(b), str(c), float(d)) for a, b, c, d in rows], routes, top)
    push = con.execute(
        "SELECT origin, year, sum(coalesce(refugees, 0) + coalesce(asylum_seekers, 0) "
        "+ coalesce(idps, 0) + coalesce(oip, 0)) FROM unhcr_population GROUP BY ALL"
    ).fetchall()
    data.displacement = {(str(o), int(y)): float(v) for o, y, v in push}
    return data


def from_csv(path: Path, routes: list[str] | None = None, top: int = 15) -> RouteData:
    """A user's series as CSV with columns route, nationality, month (YYYY-MM), count.

    Every problem is reported at once: bad months or counts, negative or non-finite counts,
    a nationality named like the model's reserved group ``other``, a repeated (route,
    nationality, month), and months with no row at all for a route inside its span (missing
    months are missing, not zero: give a row with count 0 where nothing was detected)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            need = {"route", "nationality", "month", "count"}
            missing = need - set(reader.fieldnames or [])
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(sorted(missing))}; accepted: a CSV "
                    "with route, nationality, month (YYYY-MM), count"
                )
            rows, problems = _read_rows(path, reader)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    problems += _missing_months(path, rows)
    problems += _yearly_totals(path, rows)
    if problems:
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(
            f"{path}: {len(problems)} problem(s) in the series; nothing was used:\n"
            + "\n".join(shown)
            + more
        )
    return from_rows(rows, routes, top)


def _read_rows(
    path: Path, reader: csv.DictReader[str]
) -> tuple[list[tuple[str, str, str, float]], list[str]]:
    rows: list[tuple[str, str, str, float]] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, r in enumerate(reader, start=2):
        month, nat, route = r["month"].strip(), r["nationality"].strip(), r["route"].strip()
        try:
            dt.date(int(month[:4]), int(month[5:7]), 1)
            if len(month) != 7:
                raise ValueError(month)
        except ValueError:
            problems.append(f"{path}, line {line}: month {r['month']!r}; accepted: YYYY-MM")
            continue
        try:
            count = float(r["count"])
        except ValueError:
            count = math.nan
        if not math.isfinite(count) or count < 0:
            problems.append(
                f"{path}, line {line}: count {r['count']!r} is not accepted; accepted: a "
                "finite number of 0 or more"
            )
            continue
        if nat.lower() == OTHER:
            problems.append(
                f"{path}, line {line}: nationality {nat!r} is reserved for the model's group of "
                "all nationalities outside the largest ones; accepted: a nationality code or "
                "name other than 'other' (e.g. UNK for unknown)"
            )
            continue
        key = (route, nat, month)
        if key in seen:
            problems.append(
                f"{path}, line {line}: route {route!r}, nationality {nat!r}, month {month} "
                f"repeats line {seen[key]}; accepted: one row per route, nationality and month"
            )
            continue
        seen[key] = line
        rows.append((route, nat, month, count))
    return rows, problems


def _missing_months(path: Path, rows: list[tuple[str, str, str, float]]) -> list[str]:
    by_route: dict[str, set[str]] = {}
    for route, _, month, _ in rows:
        by_route.setdefault(route, set()).add(month)
    problems = []
    for route, have in sorted(by_route.items()):
        gaps = [m for m in month_range(min(have), max(have)) if m not in have]
        if gaps:
            listed = ", ".join(gaps[:12]) + (" ..." if len(gaps) > 12 else "")
            problems.append(
                f"{path}: route {route!r} has no row for {len(gaps)} month(s) inside its span "
                f"({listed}); missing months are not taken as zero: add rows with count 0 "
                "where nothing was detected, or start the series later"
            )
    return problems


def _yearly_totals(path: Path, rows: list[tuple[str, str, str, float]]) -> list[str]:
    by_route: dict[str, dict[str, float]] = {}
    for route, _, month, count in rows:
        series = by_route.setdefault(route, {})
        series[month] = series.get(month, 0.0) + count
    problems = []
    for route, series in sorted(by_route.items()):
        months = sorted(series)
        years = yearly_totals(months, np.array([series[m] for m in months]))
        if years:
            problems.append(
                f"{path}: route {route!r}: in {', '.join(years)} one month holds every count of "
                "the year and the other eleven are zero, while the years around are spread over "
                "the months: a yearly total entered as a month? accepted: monthly counts (split "
                "the year's total by month, or leave the year out)"
            )
    return problems


@dataclass
class Fitted:
    origin: int  # index of the last month used
    level: NDArray[np.float64]  # (nationalities,) deseasonalised departures a month
    season: NDArray[np.float64]  # (12,) calendar-month factors (mean 1)
    shares: NDArray[np.float64]  # (nationalities, routes)
    months: list[str] = field(default_factory=list)


def seasonal_factors(totals: NDArray[np.float64], months: list[str]) -> NDArray[np.float64]:
    """Calendar-month factors from all complete years up to the origin (mean 1)."""
    moy = np.array([int(m[5:7]) - 1 for m in months])
    log = np.log1p(totals)
    factors = np.ones(12)
    years = len(totals) // 12
    if years >= 2:
        detrended = log - np.convolve(log, np.ones(12) / 12, mode="same")
        usable = slice(6, len(totals) - 6)
        for m in range(12):
            mask = moy[usable] == m
            if mask.any():
                factors[m] = math.exp(float(detrended[usable][mask].mean()))
    normalised: NDArray[np.float64] = factors / factors.mean()
    return normalised


def fit(data: RouteData, origin: int, p: RouteParams) -> Fitted:
    """Levels, seasonality and route shares from the data up to month ``origin``."""
    if origin < 12:
        raise InputError("a forecast origin needs at least 12 months of history")
    hist = data.counts[: origin + 1]
    season = seasonal_factors(hist.sum(axis=(1, 2)), data.months[: origin + 1])
    moy = np.array([int(m[5:7]) - 1 for m in data.months[: origin + 1]])
    recent = slice(origin + 1 - p.level_months, origin + 1)
    by_nat = hist.sum(axis=2)
    level = (by_nat[recent] / season[moy[recent]][:, None]).mean(axis=0)
    if p.push_elasticity and data.displacement:
        level = level * push_factors(data, origin, p.push_elasticity)
    window = hist[origin + 1 - p.share_months : origin + 1].sum(axis=0)
    overall = window.sum(axis=0) + 1e-9
    totals = window.sum(axis=1, keepdims=True)
    shares = np.where(totals > 0, window / np.maximum(totals, 1e-9), overall / overall.sum())
    return Fitted(origin, level, season, shares, data.months)


def push_factors(data: RouteData, origin: int, elasticity: float) -> NDArray[np.float64]:
    """Growth of UNHCR-registered displacement from each origin over the two complete years
    before the origin's year (data a forecaster would have had), to the power ``elasticity``,
    bounded to [0.5, 2]."""
    year = int(data.months[origin][:4])
    out = np.ones(len(data.nationalities))
    for i, nat in enumerate(data.nationalities):
        last, before = (
            data.displacement.get((nat, year - 1)),
            data.displacement.get((nat, year - 2)),
        )
        if last and before:
            out[i] = min(max((last / before) ** elasticity, 0.5), 2.0)
    return out


def _network(data: RouteData, f: Fitted) -> Network:
    places = [Place(f"from {n}", "origin") for n in data.nationalities]
    places += [Place(f"via {r}", "destination") for r in data.routes]
    links = []
    for i, n in enumerate(data.nationalities):
        for j, r in enumerate(data.routes):
            share = max(float(f.shares[i, j]), SHARE_FLOOR)
            links.append(Link(f"from {n}", f"via {r}", BASE - SCALE * math.log(share)))
    return Network(tuple(places), tuple(links))


def route_lever(
    data: RouteData,
    route: str,
    kind: str,
    start: int,
    end: int | None = None,
    rate: float = 0.0,
    factor: float = 1.0,
) -> tuple[Lever, ...]:
    """A lever on one route for every nationality.

    ``interception``, ``close_link`` and ``death_risk`` as in the engine; ``attractiveness``
    multiplies the route's pull by ``factor`` (e.g. a transit state stops enforcing: > 1).
    """
    if route not in data.routes:
        raise InputError(f"no route {route!r}; accepted: {', '.join(data.routes)}")
    if kind == "attractiveness":
        if factor <= 0:
            raise InputError(f"attractiveness factor {factor}; accepted: a number > 0")
        return tuple(
            Lever(
                "cost", start, end, a=f"from {n}", b=f"via {route}", value=-SCALE * math.log(factor)
            )
            for n in data.nationalities
        )
    return tuple(
        Lever(kind, start, end, a=f"from {n}", b=f"via {route}", rate=rate)
        for n in data.nationalities
    )


def forecast(
    data: RouteData,
    f: Fitted,
    horizon: int,
    p: RouteParams = RouteParams(),
    levers: tuple[Lever, ...] = (),
    seed: int | None = None,
) -> NDArray[np.float64]:
    """(horizon, routes) projected detections for months origin+1 .. origin+horizon."""
    result = run_months(data, f, horizon, p, levers, seed)
    n_nat = len(data.nationalities)
    arrived: NDArray[np.float64] = result.arrivals[1:, n_nat : n_nat + len(data.routes)]
    return arrived


def run_months(
    data: RouteData,
    f: Fitted,
    horizon: int,
    p: RouteParams = RouteParams(),
    levers: tuple[Lever, ...] = (),
    seed: int | None = None,
    extra: tuple[Place, ...] = (),
    extra_initial: tuple[float, ...] = (),
) -> Result:
    """The engine run behind ``forecast`` (one step a month; step 0 is the origin month).

    ``extra`` places (unlinked, appended after the route places) hold people that levers such as
    returns and quotas move (e.g. those at the destination without a right to stay), starting
    with ``extra_initial`` people each.
    """
    base = _network(data, f)
    net = Network(base.places + extra, base.links)
    n_nat = len(data.nationalities)
    m = int(data.months[f.origin][5:7])
    moy = [((m - 1 + h) % 12) for h in range(1, horizon + 1)]
    spawn = np.zeros((horizon + 1, net.n))
    spawn[:horizon, :n_nat] = np.array([f.level * f.season[k] for k in moy])
    initial = np.zeros(net.n)
    initial[base.n : base.n + len(extra_initial)] = extra_initial
    run = Run(net, horizon + 1, spawn, initial, levers)
    params = Params(
        speed_km_per_day=1e9,
        distance_scale_km=SCALE,
        move_chance={"origin": 1.0, "destination": 0.0, HELD: 0.0},
        interception_aversion=p.diversion,
        death_aversion=p.diversion,
    )
    return simulate(run, params, seed)


def backtest(
    data: RouteData, p: RouteParams = RouteParams(), horizons: int = 12, first_origin: int = 36
) -> dict[str, NDArray[np.float64]]:
    """MASE per route and horizon (model MAE / seasonal-naive MAE over the same origins)."""
    totals = data.totals()
    n_t, n_r = totals.shape
    err_model = np.zeros((horizons, n_r))
    err_naive = np.zeros((horizons, n_r))
    count = np.zeros(horizons)
    for origin in range(first_origin, n_t - 1):
        f = fit(data, origin, p)
        h_max = min(horizons, n_t - 1 - origin)
        pred = forecast(data, f, h_max, p)
        for h in range(1, h_max + 1):
            actual = totals[origin + h]
            naive = totals[origin + h - 12]
            err_model[h - 1] += np.abs(pred[h - 1] - actual)
            err_naive[h - 1] += np.abs(naive - actual)
            count[h - 1] += 1
    mase = np.divide(err_model, err_naive, out=np.full_like(err_model, np.nan), where=err_naive > 0)
    return {
        "mase": mase,
        "origins": count,
        "mae_model": err_model / np.maximum(count, 1)[:, None],
        "mae_naive": err_naive / np.maximum(count, 1)[:, None],
    }
