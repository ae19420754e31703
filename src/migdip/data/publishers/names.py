"""Country names as publishers write them (Frontex, IOM) -> ISO3 codes, and back for tests."""

from __future__ import annotations

from functools import cache

from migdip.data.countries import reference_names

# Names for the special codes (codes.py): what the files write instead of a country.
SPECIAL_NAMES = {
    "unknown": "UNK",
    "not specified": "UNK",
    "stateless": "STL",
    "other": "OOO",
    "sub-saharan africa": "OOS",
}


@cache
def names() -> dict[str, str]:
    return reference_names() | SPECIAL_NAMES


def iso3(name: str) -> str | None:
    return names().get(name.strip().lower())


@cache
def name_of() -> dict[str, str]:
    """ISO3 (or special code) -> one name that :func:`iso3` reads back to it."""
    out: dict[str, str] = {}
    for name, code in names().items():
        out.setdefault(code, name)
    return out
