"""The actor registry: states (ISO 3166 alpha-3 and historical codes), blocs and organisations.

Non-state actors are not registered: a record names them ``ns:<slug>`` with a name and a type.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from migdip.data.countries import states
from migdip.errors import InputError

_DATA = Path(__file__).resolve().parent / "data"
NON_STATE_PREFIX = "ns:"


@dataclass(frozen=True)
class Actor:
    code: str
    name: str
    actor_type: str
    region: str | None = None
    note: str = ""


@cache
def registry() -> dict[str, Actor]:
    """Every registered actor by code."""
    out = {
        s.iso3: Actor(s.iso3, s.name, "state", s.region, "historical state" if s.historical else "")
        for s in states().values()
    }
    with (_DATA / "actors.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in out:
                raise InputError(
                    f"actors.csv: code {row['code']!r} ({row['name']}) is already the code of "
                    f"{out[row['code']].name}; accepted: a code no state uses"
                )
            out[row["code"]] = Actor(row["code"], row["name"], row["actor_type"], None, row["note"])
    return out


def is_non_state(code: str) -> bool:
    return code.startswith(NON_STATE_PREFIX)


def suggest(code: str, limit: int = 5) -> list[str]:
    """Registered codes that look like ``code`` (for 'did you mean' hints)."""
    import difflib

    upper = code.upper()
    if upper in registry():
        return [upper]
    return difflib.get_close_matches(upper, list(registry()), n=limit, cutoff=0.6)
