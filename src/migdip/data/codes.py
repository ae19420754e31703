"""Country-code harmonisation: ISO 3166 alpha-3 everywhere, special codes made explicit.

Each dataset names the code system of its country columns (``iso3``, ``unhcr``, ``wdi``...).
A code maps to an ISO3 state code, or to one of the special codes documented in
``special_codes.csv`` (unknown, stateless, aggregates, several nationalities). A code that maps to
neither is an error naming the file, the line and the code: nothing is silently dropped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from migdip.data.countries import states

_HERE = Path(__file__).resolve().parent
SYSTEMS = ("iso3", "unhcr", "wdi", "eurostat", "iom", "wb")


@dataclass(frozen=True)
class SpecialCode:
    system: str
    code: str
    maps_to: str
    category: str
    meaning: str
    note: str


@cache
def special_codes() -> tuple[SpecialCode, ...]:
    with (_HERE / "special_codes.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(SpecialCode(**row) for row in csv.DictReader(fh))


@cache
def code_map(system: str) -> dict[str, str]:
    """code -> harmonised code (an ISO3 state code or a special code) for one system."""
    out = {code: code for code in states()}
    for s in special_codes():
        if s.system in ("any", system):
            out[s.code] = s.maps_to
    return out


def code_rows() -> list[tuple[str, str, str]]:
    """(system, code, harmonised) rows for the warehouse's ``country_codes`` table."""
    return [
        (system, code, target) for system in SYSTEMS for code, target in code_map(system).items()
    ]


def special_categories() -> dict[str, str]:
    """Harmonised special code -> category (unknown, stateless, aggregate, multiple)."""
    return {s.maps_to: s.category for s in special_codes() if s.maps_to not in states()}
