"""Money figures of a record: totals per stage from dated, tranche-wise figures.

Within one tranche and stage, figures at several dates are cumulative snapshots, so the latest
counts; different tranches add up. Totals are given per currency (never added across
currencies here; conversion to euros is a separate, sourced step).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from migdip.atlas.model import MoneyFigure
from migdip.paths import data_dir

F = TypeVar("F")
RATES_FILE = "ecb_eurofxref_annual.csv"
FIRST_EURO_YEAR = 1999


@cache
def _rates() -> dict[tuple[int, str], float]:
    """Units of each currency per euro, yearly means of the ECB's daily reference rates."""
    with (data_dir() / RATES_FILE).open(encoding="utf-8", newline="") as fh:
        return {
            (int(r["year"]), r["currency"]): float(r["units_per_eur"]) for r in csv.DictReader(fh)
        }


@dataclass(frozen=True)
class InEuros:
    amount: float | None  # euros of the figure's year; None when it cannot be converted
    rate_year: int | None
    reason: str = ""


def to_euros(amount: float, currency: str, as_of: str) -> InEuros:
    """An amount in euros at the mean ECB reference rate of the year ``as_of`` names."""
    year = int(as_of[:4])
    if currency == "EUR":
        return InEuros(amount, year)
    if year < FIRST_EURO_YEAR:
        return InEuros(None, None, f"no euro reference rate before {FIRST_EURO_YEAR}")
    rates = _rates()
    latest = max((y for y, c in rates if c == currency), default=None)
    if latest is None:
        return InEuros(None, None, f"the ECB publishes no reference rate for {currency}")
    use = min(year, latest)
    rate = rates.get((use, currency))
    if rate is None:
        return InEuros(None, None, f"no ECB reference rate for {currency} in {year}")
    return InEuros(amount / rate, use)


STAGES = ("promised", "committed", "disbursed")


@dataclass(frozen=True)
class StageTotal:
    stage: str
    currency: str
    amount: float
    as_of: str  # the latest date among the figures added up


def _date_key(date: str) -> str:
    return date.ljust(10, "~")  # "2019" sorts after "2019-12-31": a year-only date means its end


def latest_snapshots(
    figures: Iterable[F], key: Callable[[F], Hashable], as_of: Callable[[F], str]
) -> list[F]:
    """The latest figure of each key (a stage and tranche): the snapshots that add up.

    Ties go to the later figure in the record, so a correction written below stands.
    """
    latest: dict[Hashable, F] = {}
    for f in figures:
        k = key(f)
        if k not in latest or _date_key(as_of(f)) >= _date_key(as_of(latest[k])):
            latest[k] = f
    return list(latest.values())


def stage_totals(figures: list[MoneyFigure]) -> list[StageTotal]:
    """One total per stage and currency, in stage order."""
    sums: dict[tuple[str, str], list[MoneyFigure]] = defaultdict(list)
    for f in latest_snapshots(
        figures, key=lambda f: (f.stage, f.currency, f.tranche or ""), as_of=lambda f: f.as_of
    ):
        sums[(f.stage, f.currency)].append(f)
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
