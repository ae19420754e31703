"""Money figures of a record: totals per stage from dated, tranche-wise figures.

Within one tranche and stage, figures at several dates are cumulative snapshots, so the latest
counts; different tranches add up. Totals are given per currency (never added across
currencies here; conversion to euros is a separate, sourced step).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from migdip.atlas.model import MoneyFigure

STAGES = ("promised", "committed", "disbursed")


@dataclass(frozen=True)
class StageTotal:
    stage: str
    currency: str
    amount: float
    as_of: str  # the latest date among the figures added up


def _date_key(date: str) -> str:
    return date.ljust(10, "~")  # "2019" sorts after "2019-12-31": a year-only date means its end


def stage_totals(figures: list[MoneyFigure]) -> list[StageTotal]:
    """One total per stage and currency, in stage order."""
    latest: dict[tuple[str, str, str], MoneyFigure] = {}
    for f in figures:
        key = (f.stage, f.currency, f.tranche or "")
        if key not in latest or _date_key(f.as_of) >= _date_key(latest[key].as_of):
            latest[key] = f
    sums: dict[tuple[str, str], list[MoneyFigure]] = defaultdict(list)
    for (stage, currency, _), f in latest.items():
        sums[(stage, currency)].append(f)
    out = []
    for stage in STAGES:
        for (s, currency), fs in sorted(sums.items()):
            if s == stage:
                as_of = max((f.as_of for f in fs), key=_date_key)
                out.append(StageTotal(stage, currency, sum(f.amount for f in fs), as_of))
    return out


def single_currency_totals(figures: list[MoneyFigure]) -> tuple[str | None, dict[str, float]]:
    """(currency, {stage: total}) when every figure is in one currency, else (None, {})."""
    currencies = {f.currency for f in figures}
    if len(currencies) != 1:
        return None, {}
    return currencies.pop(), {t.stage: t.amount for t in stage_totals(figures)}
