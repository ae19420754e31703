"""Diversion shares estimated from past closures: how much of a fall reappeared on other routes.

The closures: every Atlas record tied to a main Frontex route, with 12 months of data from its
start, that aims to stop crossings (a party gets ``border_control``, ``containment`` or
``readmission``: ``AIMS``) and whose validated estimate (``migdip.flows.impact.forecast``: the
chosen forecaster's counterfactual, its conformal 90% interval, the placebo study passing) shows
a fall on every one of its own routes that the interval tells from noise. Records that share a
route and start within the 12 months of an earlier such record are one episode (the EU-Turkey
statement, the Western Balkans closure and the Joint Action Plan before them are one fall), and
the episode is measured once, from its first record. For each episode the same estimator runs on
every other main route over the same 12 months, and the diversion share is the rise on the other
routes over the fall on its own:

    share = sum over the other routes of max(0, effect) / -(sum of its own routes' effects),

with a range from the intervals (the same sum over the other routes' lower, then upper, bounds).
A fall on another route is not negative diversion (a route downstream of the closed one falls
with it), so only rises count. Anything else that raised the other routes in those months counts
too, and anything that lowered them hides diversion (each record's confounders name what is
known). The pooled share is the ratio of the sums over the episodes (each weighted by its fall),
and the pooled range the same ratio with the rises of the other routes' interval bounds; the
scenarios draw from the pooled range. The selection (aims, one episode per overlapping fall,
its first record) was set after seeing which records show a fall, before any share was
computed. It replaced a selection of the records whose estimates happen to be committed, which
found two episodes, both of 2016, and whose scenarios drew from the union of the episodes'
ranges. The pooling of the ranges was changed
after the result was seen: one episode (a fall of about 700 on the Eastern Borders against
noise of tens of thousands on the other routes) has a range up to 120 times its fall, which a
union would carry, while summing weighs each episode by the fall it measures.

``python -m migdip.flows.impact.diversion --write`` commits the figures to
``flows/routes/data/diversion.json`` so that a published share never depends on the machine; a
test recomputes them and checks the committed ones. Scenarios draw their default diversion range
from it (``migdip.flows.routes.diversion_range``).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from migdip.atlas.query import get_record, record_ids
from migdip.atomic import write_text
from migdip.data.series import FRONTEX_ROUTE, MAIN_ROUTES
from migdip.errors import InputError
from migdip.flows.impact import forecast as forecast_impact
from migdip.flows.impact.deals import Deal, deal_of, placebo_study, validated
from migdip.flows.routes.diversion_range import FILE, path
from migdip.flows.routes.forecast_report import committed_backtest
from migdip.flows.routes.model import add_months


@dataclass(frozen=True)
class Closure:
    record: str
    period: str
    own_routes: list[str]
    fall: float  # detections prevented on its own routes (positive)
    others: dict[str, float]  # effect on each other route (observed - counterfactual)
    share: float
    share_range: tuple[float, float]


AIMS = ("border_control", "containment", "readmission")
WINDOW = forecast_impact.WINDOW  # the estimator's months after the deal


def _rise(effects: list[float]) -> float:
    return sum(max(0.0, e) for e in effects)


def _aims_to_stop_crossings(record: dict[str, Any]) -> bool:
    return any(
        item.get("type") in AIMS
        for party in record.get("parties", [])
        for item in party.get("gets", [])
    )


def candidates(con: duckdb.DuckDBPyConnection) -> list[Deal]:
    """Records tied to a main Frontex route that aim to stop crossings, with 12 months of data
    from their start, in order of start (then id)."""
    out = []
    for rid in record_ids(con, routes=MAIN_ROUTES):  # only these records' documents are read
        record = get_record(con, rid)
        if not _aims_to_stop_crossings(record):
            continue
        try:
            deal = deal_of(con, rid, [r for r in record["routes"] if r in MAIN_ROUTES])
        except InputError:
            continue  # starts outside the series
        if deal.index + WINDOW > len(deal.months):
            continue
        out.append(deal)
    return sorted(out, key=lambda d: (d.deal_month, str(d.record["id"])))


def closures(con: duckdb.DuckDBPyConnection) -> list[Closure]:
    """One per episode: its first record whose validated estimate is a fall, with the other
    routes' effects."""
    bt = committed_backtest()
    study = placebo_study(con, bt)
    out = []
    episodes: list[tuple[set[str], str]] = []  # (own routes, last month of the first window)
    for deal in candidates(con):
        rid = str(deal.record["id"])
        if any(routes & set(deal.routes) and deal.deal_month <= last for routes, last in episodes):
            continue  # part of an episode already measured from its first record
        checked = validated(con, deal, bt, study)
        if not all(verdict[0] for _, verdict in checked.values()):
            continue
        own = [fc for fc, _ in checked.values() if fc is not None]
        if len(own) < len(checked) or any(f["effect_interval"] is None for f in own):
            continue
        if not all(f["effect_interval"][1] < 0 for f in own):
            continue  # not a fall the interval tells from noise on every own route
        episodes.append((set(deal.routes), add_months(deal.deal_month, WINDOW - 1)))
        fall = -sum(f["effect"] for f in own)
        own_keys = list(checked)
        others: dict[str, float] = {}
        lows, highs = [], []
        for key in MAIN_ROUTES:
            if key in own_keys:
                continue
            est = forecast_impact.estimate(con, key, deal.deal_month, bt)
            if est["effect_interval"] is None:
                continue
            others[FRONTEX_ROUTE[key]] = est["effect"]
            lows.append(est["effect_interval"][0])
            highs.append(est["effect_interval"][1])
        out.append(
            Closure(
                rid,
                own[0]["period"],
                [FRONTEX_ROUTE[k] for k in own_keys],
                fall,
                others,
                _rise(list(others.values())) / fall,
                (_rise(lows) / fall, _rise(highs) / fall),
            )
        )
    return out


def summarise(found: list[Closure]) -> dict[str, Any]:
    """Each episode, the pooled share (the rises over the falls, summed over the episodes) and
    the pooled range (the same with the rises of the other routes' interval bounds)."""
    falls = sum(c.fall for c in found)
    pooled = sum(_rise(list(c.others.values())) for c in found) / falls if falls else None
    pooled_range = (
        [
            sum(c.share_range[0] * c.fall for c in found) / falls,
            sum(c.share_range[1] * c.fall for c in found) / falls,
        ]
        if falls
        else None
    )
    shares = [c.share for c in found]
    return {
        "closures": [asdict(c) for c in found],
        "pooled_share": pooled,
        "pooled_range": pooled_range,
        "range": [min(shares), max(shares)] if shares else None,
        "method": "one episode per fall on a route (records that aim to stop crossings; the "
        "first record of overlapping ones): the rise on the other main routes over the fall on "
        "its own, 12 months from the record's start, both from the validated forecaster's "
        "counterfactual; pooled over the episodes by summing rises and falls",
    }


def main(argv: list[str] | None = None) -> None:
    from migdip.atlas import Atlas
    from migdip.data.ingest import ensure_bundled
    from migdip.warehouse import Warehouse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"commit the figures to {FILE}")
    args = parser.parse_args(argv)
    wh = Warehouse()
    ensure_bundled(wh)
    summary = summarise(closures(Atlas(warehouse=wh).con))
    text = json.dumps(summary, indent=1, sort_keys=True) + "\n"
    if args.write:
        path().parent.mkdir(parents=True, exist_ok=True)
        write_text(path(), text)
        print(f"wrote {path()}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
