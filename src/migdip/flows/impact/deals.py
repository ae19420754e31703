"""What did a deal change? Frontex detections against a counterfactual from before the deal.

For an Atlas record tied to Frontex routes, the estimate is the validated forecaster's
(``migdip.flows.impact.forecast``): observed detections in the 12 months from the deal against
the forecast from the month before it, with a conformal interval, and a verdict that leads the
result: reliable only where the placebo study of that estimator (every month without a deal)
keeps its false-positive rate at the 90% level at or below 10%. Alongside, for comparison: a
seasonal interrupted time series on each route (data before the deal only) with a placebo break a
year earlier, a synthetic-control comparison against the other routes where it holds,
displacement (the same estimate on every other route), and IOM dead and missing per 1,000
detections before and after. Estimates can be
written back to the record (a sidecar file ``atlas/computed/<id>.yaml`` that the Atlas compile
merges into the record's measured outcome, marked ``computed``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import yaml
from numpy.typing import NDArray

from migdip.atlas.query import get_record
from migdip.atomic import write_text
from migdip.data.series import FRONTEX_ROUTE, IOM_ROUTE, MAIN_ROUTES
from migdip.errors import InputError, MigdipError
from migdip.flows.impact import forecast as forecast_impact
from migdip.flows.impact.its import ITS, seasonal_its, synthetic_control
from migdip.flows.routes.backtest import LABELS
from migdip.flows.routes.forecast_report import committed_backtest
from migdip.paths import records_dir


def computed_dir() -> Path:
    return records_dir().parent / "computed"


def month_grid(con: duckdb.DuckDBPyConnection) -> list[str]:
    row = con.execute("SELECT min(month), max(month) FROM frontex_detections").fetchone()
    if not row or row[0] is None:
        raise InputError("the warehouse has no Frontex detections; run `migdip data list`")
    first, last = (dt.date(int(m[:4]), int(m[5:7]), 1) for m in row)
    months, cur = [], first
    while cur <= last:
        months.append(cur.strftime("%Y-%m"))
        cur = dt.date(cur.year + cur.month // 12, cur.month % 12 + 1, 1)
    return months


def route_series(
    con: duckdb.DuckDBPyConnection, route: str, months: list[str], nationality: str | None = None
) -> NDArray[np.float64]:
    """Monthly detections on a route (zero where Frontex reports none), on the month grid."""
    rows = con.execute(
        "SELECT month, sum(detections) FROM frontex_detections WHERE route = ? "
        "AND (? IS NULL OR nationality = ?) GROUP BY month",
        [FRONTEX_ROUTE[route], nationality, nationality],
    ).fetchall()
    got = dict(rows)
    return np.array([float(got.get(m, 0.0)) for m in months])


def _deaths_per_1000(
    con: duckdb.DuckDBPyConnection, route: str, first: str, last: str, detections: float
) -> float | None:
    iom = IOM_ROUTE.get(route)
    if iom is None or detections <= 0:
        return None
    row = con.execute(
        "SELECT sum(dead) FROM iom_missing_migrants WHERE route = ? "
        "AND strftime(date, '%Y-%m') BETWEEN ? AND ?",
        [iom, first, last],
    ).fetchone()
    dead = float(row[0]) if row and row[0] is not None else 0.0
    return 1000 * dead / detections


def _its_summary(result: ITS, months: list[str]) -> dict[str, Any]:
    b = result.break_index
    return {
        "pre_period": f"{months[b - result.pre]} to {months[b - 1]}",
        "post_period": f"{months[b]} to {months[b + result.post - 1]}",
        "observed": float(result.observed.sum()),
        "counterfactual": float(result.counterfactual.sum()),
        "effect": result.effect,
        "effect_interval": [result.effect_lower, result.effect_upper],
        "effect_pct": result.effect_pct,
        "level": result.level,
        "diagnostics": result.diagnostics,
    }


@dataclass(frozen=True)
class Deal:
    """A record placed on the Frontex month grid: its routes and the month it starts."""

    record: dict[str, Any]
    routes: list[str]
    months: list[str]
    deal_month: str

    @property
    def index(self) -> int:
        return self.months.index(self.deal_month)


def deal_of(
    con: duckdb.DuckDBPyConnection, record_id: str, routes: list[str] | None = None
) -> Deal:
    """The record, its Frontex routes (or those given) and its first month on the grid."""
    record = get_record(con, record_id)
    routes = routes or [r for r in record.get("routes", []) if r in FRONTEX_ROUTE]
    if not routes:
        raise InputError(
            f"record {record_id!r} is tied to no Frontex route (its `routes` field is empty); "
            "accepted: a record whose routes list e.g. eastern_mediterranean, such as "
            "eu-tur-2016-statement"
        )
    months = month_grid(con)
    deal = str(record["date_start"])[:7]
    deal_month = deal if len(deal) == 7 else f"{deal[:4]}-01"
    if deal_month not in months:
        raise InputError(
            f"record {record_id!r} starts {record['date_start']}, outside the Frontex series "
            f"({months[0]} to {months[-1]})"
        )
    return Deal(record, routes, months, deal_month)


def placebo_study(con: duckdb.DuckDBPyConnection, bt: Any) -> forecast_impact.Placebo:
    """The validated estimator's placebo study over every month without a deal."""
    return forecast_impact.placebo(bt, forecast_impact.deal_months(con, bt))


def validated(
    con: duckdb.DuckDBPyConnection, deal: Deal, bt: Any, study: forecast_impact.Placebo
) -> dict[str, tuple[dict[str, Any] | None, tuple[bool, str]]]:
    """Each of the deal's routes: the validated forecaster's estimate and its verdict."""
    out = {}
    for route in deal.routes:
        fc = _forecast(con, route, deal.deal_month, bt)
        out[route] = (fc, _verdict(study, fc))
    return out


def evaluate(
    con: duckdb.DuckDBPyConnection,
    record_id: str,
    pre: int = 36,
    post: int = 12,
    seed: int = 0,
    routes: list[str] | None = None,
) -> dict[str, Any]:
    """Estimate a record's effect on its routes' detections; assumptions and diagnostics too."""
    deal = deal_of(con, record_id, routes)
    record, routes, months = deal.record, deal.routes, deal.months
    deal_month, b = deal.deal_month, deal.index
    series = {r: route_series(con, r, months) for r in MAIN_ROUTES}
    bt = committed_backtest()
    study = placebo_study(con, bt)
    checked = validated(con, deal, bt, study)
    out: dict[str, Any] = {
        "record": record_id,
        "title": record["title"],
        "deal_month": deal_month,
        "verdict": {},
        "routes": {},
        "displacement": {},
        "placebo_study": study.as_dict(),
        "confounders": _confounders(con, record),
        "assumptions": [
            "the counterfactual is the forecast of the forecaster that validated best in the "
            "rolling-origin benchmark, from the month before the deal, on data before it only",
            "an estimate is reliable only where that estimator's placebo study (every month "
            "without a deal) keeps false positives at the 90% level at or below 10%",
            "the interrupted time series, shown for comparison, continues the pre-deal seasonal "
            "trend in log detections and is checked by a placebo break a year earlier",
            "nothing else changed at the deal date (see confounders)",
            "Frontex counts detections, not persons; one person may be detected twice",
        ],
    }
    for route in routes:
        values = series[route] if route in series else route_series(con, route, months)
        its = seasonal_its(values, months, b, pre, post, seed=seed)
        placebo = seasonal_its(values, months, b - 12, pre, 12, seed=seed) if b - 12 >= 24 else None
        donors = {r: v for r, v in series.items() if r not in routes}
        sc = synthetic_control(values, donors, b, pre, post)
        before = float(values[max(b - 12, 0) : b].sum())
        after = float(values[b : b + 12].sum())
        placebo_summary = _its_summary(placebo, months) if placebo else None
        fc, verdict = checked[route]
        out["routes"][route] = {
            "reliable": verdict[0],
            "forecast": fc,
            "its": _its_summary(its, months),
            "its_reliable": _reliable(placebo_summary),
            "placebo_a_year_earlier": placebo_summary,
            "synthetic_control": None
            if sc is None
            else {
                "weights": sc.weights,
                "pre_r2_log": sc.pre_r2_log,
                "pre_rmspe_log": sc.pre_rmspe_log,
                "effect": sc.effect,
                "effect_pct": sc.effect_pct,
                "holds": sc.holds,
            },
            "dead_missing_per_1000_detections": {
                "before_12_months": _deaths_per_1000(
                    con, route, months[max(b - 12, 0)], months[b - 1], before
                ),
                "after_12_months": _deaths_per_1000(
                    con, route, months[b], months[min(b + 11, len(months) - 1)], after
                ),
            },
            "_series": (values, its),
        }
    for route, values in series.items():
        if route in routes:
            continue
        try:
            other = seasonal_its(values, months, b, pre, post, seed=seed)
        except InputError:
            continue
        out["displacement"][route] = _its_summary(other, months)
    out["displacement_total"] = sum(d["effect"] for d in out["displacement"].values())
    out["verdict"] = {
        "reliable": all(v[0] for _, v in checked.values()),
        "reasons": {r: v[1] for r, (_, v) in checked.items()},
    }
    out["_months"] = months
    return out


def _forecast(
    con: duckdb.DuckDBPyConnection, route: str, deal_month: str, bt: Any
) -> dict[str, Any] | None:
    try:
        return forecast_impact.estimate(con, route, deal_month, bt)
    except InputError:
        return None  # a route outside the benchmark, or too little data before the deal


def _verdict(study: forecast_impact.Placebo, fc: dict[str, Any] | None) -> tuple[bool, str]:
    """Whether the validated estimate can be relied on, and why (the first thing a user reads)."""
    rate = f"{100 * study.rate:.0f}% false positives at the {study.level}% level"
    if fc is None:
        return False, "no validated forecast for this route and month"
    if fc["effect_interval"] is None:
        return False, (
            f"too few past errors to calibrate the interval ({fc['calibration_errors']} of the "
            f"{forecast_impact.MIN_CALIBRATION} needed) or fewer than 12 months after the deal"
        )
    if not study.passes:
        return False, f"the estimator's placebo study fails: {rate} in {study.tested} tests"
    return True, f"the estimator's placebo study passes: {rate} in {study.tested} tests"


def _reliable(placebo: dict[str, Any] | None) -> bool | None:
    """A placebo break a year earlier should find no effect: its interval must cover zero and
    its point estimate stay within +-50%; otherwise the pre-deal model does not forecast well."""
    if placebo is None:
        return None
    lo, hi = placebo["effect_interval"]
    pct = placebo["effect_pct"]
    return bool(lo <= 0 <= hi and pct is not None and abs(pct) <= 50)


def _confounders(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for rid in record.get("confounders", []):
        try:
            other = get_record(con, rid)
        except MigdipError:
            found.append({"id": rid, "title": "(not in the Atlas)", "date": ""})
            continue
        found.append({"id": rid, "title": other["title"], "date": str(other["date_start"])})
    return found


def public(result: dict[str, Any]) -> dict[str, Any]:
    """The result without the arrays kept for plotting."""
    out = {k: v for k, v in result.items() if not k.startswith("_")}
    out["routes"] = {
        r: {k: v for k, v in d.items() if not k.startswith("_")}
        for r, d in result["routes"].items()
    }
    return out


def flow_effects(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The estimates as Atlas flow effects (computed): the validated forecaster's where it has
    one, its verdict first in the note; the interrupted time series otherwise."""
    effects = []
    for route, d in result["routes"].items():
        fc = d["forecast"]
        if fc is not None:
            effects.append(_forecast_effect(fc, result["verdict"]["reasons"][route], d["reliable"]))
            continue
        its = d["its"]
        lo, hi = its["effect_interval"]
        pct = its["effect_pct"]
        effects.append(
            {
                "metric": f"Frontex detections, {FRONTEX_ROUTE[route]}: observed vs counterfactual",
                "before_value": round(its["counterfactual"]),
                "before_period": f"counterfactual, {its['post_period']}",
                "after_value": round(its["observed"]),
                "after_period": its["post_period"],
                "computed": True,
                "note": (
                    f"seasonal interrupted time series fitted on {its['pre_period']}: effect "
                    f"{its['effect']:+,.0f} ({pct:+.0f}%), {round(100 * its['level'])}% interval "
                    f"{lo:+,.0f} to {hi:+,.0f}; computed by migdip"
                    if pct is not None
                    else "computed by migdip"
                )
                + ("; the placebo check fails: unreliable" if d["its_reliable"] is False else ""),
            }
        )
    return effects


def _forecast_effect(fc: dict[str, Any], reason: str, reliable: bool) -> dict[str, Any]:
    interval = fc["effect_interval"]
    pct = fc["effect_pct"]
    head = ("Reliable: " if reliable else "Not reliable: ") + reason + ". "
    body = (
        f"Counterfactual: the forecast of the {LABELS[fc['forecaster']]} from {fc['origin']} "
        "(the forecaster chosen by the rolling-origin benchmark); effect "
        + f"{fc['effect']:+,.0f}"
        + (f" ({pct:+.0f}%)" if pct is not None else "")
        + (
            f", {fc['level']}% interval {interval[0]:+,.0f} to {interval[1]:+,.0f}"
            if interval is not None
            else ", no calibrated interval"
        )
        + "; computed by migdip"
    )
    return {
        "metric": f"Frontex detections, {fc['route']}: observed vs counterfactual",
        "before_value": round(fc["counterfactual"]),
        "before_period": f"counterfactual, {fc['period']}",
        "after_value": round(fc["observed"]),
        "after_period": fc["period"],
        "computed": True,
        "note": head + body,
    }


def write_back(result: dict[str, Any], folder: Path | None = None) -> Path:
    """Write the estimates to ``atlas/computed/<id>.yaml`` (merged into the record at compile)."""
    folder = folder or computed_dir()
    path = folder / f"{result['record']}.yaml"
    write_text(path, computed_document(result))
    return path


def computed_document(result: dict[str, Any]) -> str:
    """The text of ``computed/<id>.yaml`` for one evaluation."""
    study = result["placebo_study"]
    doc = {
        "id": result["record"],
        "verdict": {
            "reliable": result["verdict"]["reliable"],
            "reasons": {FRONTEX_ROUTE[r]: why for r, why in result["verdict"]["reasons"].items()},
            "placebo_false_positive_rate": round(study["rate"], 3),
            "placebo_tests": study["tested"],
        },
        "flow_effects": flow_effects(result),
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def committed_estimates(folder: Path | None = None) -> list[str]:
    """Ids of the records whose estimates are committed (``computed/<id>.yaml``)."""
    folder = folder or computed_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def stale_estimates(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> list[str]:
    """Committed estimates that differ from what the code computes now (default settings)."""
    folder = folder or computed_dir()
    stale = []
    for rid in committed_estimates(folder):
        text = (folder / f"{rid}.yaml").read_text(encoding="utf-8")
        if text != computed_document(evaluate(con, rid)):
            stale.append(rid)
    return stale


def refresh_estimates(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> list[Path]:
    """Recompute every committed estimate with the default settings and write it back."""
    folder = folder or computed_dir()
    return [write_back(evaluate(con, rid), folder) for rid in committed_estimates(folder)]


def plot(result: dict[str, Any], folder: Path) -> list[Path]:
    """Observed, counterfactual and interval per route, the deal month marked (PNG and SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from migdip.atomic import atomic_path

    months = result["_months"]
    dates = np.array([np.datetime64(m + "-01") for m in months])
    written = []
    for route, d in result["routes"].items():
        values, its = d["_series"]
        b = its.break_index
        fig, ax = plt.subplots(figsize=(8, 3.8), dpi=100)
        lo = max(b - its.pre, 0)
        ax.plot(
            dates[lo : b + its.post],
            values[lo : b + its.post],
            color="#222222",
            label="Frontex detections",
        )
        ax.plot(dates[lo:b], its.fitted_pre, color="#2874a6", linestyle=":", label="pre-deal fit")
        post_dates = dates[b : b + its.post]
        ax.plot(post_dates, its.counterfactual, color="#2874a6", label="counterfactual")
        ax.fill_between(
            post_dates,
            its.lower,
            its.upper,
            color="#2874a6",
            alpha=0.2,
            label=f"{round(its.level * 100)}% interval",
        )
        ax.axvline(dates[b], color="#c0392b", linestyle="--", label=f"deal ({months[b]})")
        ax.set_title(f"{result['title']}: {FRONTEX_ROUTE[route]}", fontsize=10)
        ax.set_ylabel("detections per month")
        ax.legend(fontsize=7, frameon=False, loc="upper left")
        fig.autofmt_xdate()
        fig.tight_layout()
        for fmt in ("png", "svg"):
            target = folder / f"{result['record']}-{route}.{fmt}"
            with atomic_path(target) as tmp:
                fig.savefig(tmp, format=fmt)
            written.append(target)
        plt.close(fig)
    return written
