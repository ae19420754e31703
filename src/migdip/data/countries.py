"""Countries, historical states and bloc memberships.

States come from the bundled country reference (IOM gdidata, MIT; ISO 3166 alpha-3 codes plus
UN regions), historical states from ``historical_states.csv``; codes that stand for no state
(unknown, stateless, unidentified) are listed in ``NON_STATE_CODES`` and are never treated as
actors. Bloc memberships carry join and exit dates where a cited source gives them.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from migdip.paths import data_dir

_HERE = Path(__file__).resolve().parent

NON_STATE_CODES: dict[str, str] = {
    "OOO": "Unknown or other origin (UN DESA)",
    "OOS": "Unidentified Sub-Saharan Africa",
    "STL": "Stateless",
    "ATA": "Antarctica",
}

_WESTERN_ASIA_IN_EUROPE = {"ARM", "AZE", "GEO", "CYP"}


@dataclass(frozen=True)
class State:
    iso3: str
    name: str
    region: str  # a value of the Atlas ``region`` vocabulary
    historical: bool = False


def atlas_region(un_region: str, un_subregion: str, iso3: str) -> str:
    """Map a UN region and subregion onto the Atlas's world regions."""
    if un_region == "Europe" or iso3 in _WESTERN_ASIA_IN_EUROPE:
        return "europe"
    if un_subregion in {"Northern Africa", "Western Asia"}:
        return "middle_east_north_africa"
    return {"Africa": "africa", "Americas": "americas", "Asia": "asia", "Oceania": "oceania"}.get(
        un_region, "global"
    )


def _reference_rows() -> list[dict[str, str]]:
    path = data_dir() / "countries_reference.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def states() -> dict[str, State]:
    """Every state and territory by ISO 3166 alpha-3 code, historical states included."""
    out: dict[str, State] = {}
    for row in _reference_rows():
        code = row["iso3"]
        if not code or code in NON_STATE_CODES:
            continue
        out[code] = State(code, row["name"], atlas_region(row["region"], row["subregion"], code))
    with (_HERE / "historical_states.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["code"]] = State(row["code"], row["name"], row["region"], historical=True)
    return out


@dataclass(frozen=True)
class Membership:
    bloc: str
    member: str
    joined: str
    left: str | None
    source: str
    note: str


@cache
def bloc_memberships() -> tuple[Membership, ...]:
    """Dated memberships of blocs (the EU's accessions and exits so far)."""
    with (_HERE / "bloc_memberships.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Membership(
                r["bloc"], r["member"], r["joined"], r["left"] or None, r["source"], r["note"]
            )
            for r in csv.DictReader(fh)
        )


def members(bloc: str, year: int) -> list[str]:
    """Members of ``bloc`` during ``year`` (a member that joined or left that year counts)."""
    return sorted(
        m.member
        for m in bloc_memberships()
        if m.bloc == bloc
        and int(m.joined[:4]) <= year
        and (m.left is None or int(m.left[:4]) >= year)
    )


@cache
def reference_names() -> dict[str, str]:
    """Every name variant of the reference table (lower case) -> ISO3 code."""
    out: dict[str, str] = {}
    for row in _reference_rows():
        if row["iso3"] and row["iso3"] not in NON_STATE_CODES:
            for key in ("name", "name_sort", "name_text"):
                if row[key]:
                    out[row[key].strip().lower()] = row["iso3"]
    return out


def m49_codes() -> dict[str, str]:
    """ISO3 -> UN M49 numeric code (three digits, as in world maps' country ids)."""
    out = {}
    for row in _reference_rows():
        if row.get("m49") and row.get("iso3"):
            out[row["iso3"]] = f"{int(float(row['m49'])):03d}"
    return out


@cache
def iso2_codes() -> dict[str, str]:
    """ISO2 -> ISO3 for the reference table's entities (Eurostat's EL and UK included)."""
    out = {"EL": "GRC", "UK": "GBR"}
    for row in _reference_rows():
        if row.get("iso2") and row.get("iso3"):
            out.setdefault(row["iso2"].upper(), row["iso3"])
    return out


@cache
def m49_to_iso3() -> dict[int, str]:
    """UN M49 numeric code -> ISO3 (the inverse of :func:`m49_codes`)."""
    return {int(code): iso3 for iso3, code in m49_codes().items()}
