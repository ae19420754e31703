"""Diversion shares estimated from past closures: how much of a fall reappeared on other routes.

For every record whose estimate is committed (``atlas/computed/``) and whose validated estimate
(``migdip.flows.impact.forecast``: the chosen forecaster's counterfactual, its conformal 90%
interval) shows a fall on the record's own routes that the interval tells from noise, the same
estimator runs on every other main Frontex route over the same 12 months. The diversion share of
that closure is the rise on the other routes over the fall on its own:

    share = sum over the other routes of max(0, effect) / -(sum of its own routes' effects),

with a range from the intervals (the same sum over the other routes' lower, then upper, bounds).
A fall on another route is not negative diversion (a route downstream of the closed one falls
with it), so only rises count. The share is an upper bound of what diverted: anything else that
raised the other routes in those months counts too (each record's confounders name what is
known). The pooled share is the ratio of the sums over the closures (each weighted by its
fall), and the spread is the closures' range.

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

from migdip.atomic import write_text
from migdip.data.series import FRONTEX_ROUTE, MAIN_ROUTES
from migdip.flows.impact import forecast as forecast_impact
from migdip.flows.impact.deals import committed_estimates, deal_of, placebo_study, validated
from migdip.flows.routes.diversion_range import FILE, path
from migdip.flows.routes.forecast_report import committed_backtest


@dataclass(frozen=True)
class Closure:
    record: str
    period: str
    own_routes: list[str]
    fall: float  # detections prevented on its own routes (positive)
    others: dict[str, float]  # effect on each other route (observed - counterfactual)
    share: float
    share_range: tuple[float, float]


def _rise(effects: list[float]) -> float:
    return sum(max(0.0, e) for e in effects)


def closures(con: duckdb.DuckDBPyConnection) -> list[Closure]:
    """The committed records whose validated estimate is a fall, with the other routes' effects."""
    bt = committed_backtest()
    study = placebo_study(con, bt)
    out = []
    for rid in committed_estimates():
        deal = deal_of(con, rid)
        checked = validated(con, deal, bt, study)
        if not all(verdict[0] for _, verdict in checked.values()):
            continue
        own = [fc for fc, _ in checked.values() if fc is not None]
        if len(own) < len(checked) or any(f["effect_interval"] is None for f in own):
            continue
        if not all(f["effect_interval"][1] < 0 for f in own):
            continue  # not a fall the interval tells from noise on every own route
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
    falls = sum(c.fall for c in found)
    pooled = sum(_rise(list(c.others.values())) for c in found) / falls if falls else None
    shares = [c.share for c in found]
    return {
        "closures": [asdict(c) for c in found],
        "pooled_share": pooled,
        "range": [min(shares), max(shares)] if shares else None,
        "method": "rise on the other main routes over the fall on the closed ones, 12 months "
        "from the record's start, both from the validated forecaster's counterfactual",
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
