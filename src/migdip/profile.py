"""A country's profile: its indicators over time and the Atlas records it is party to."""

from __future__ import annotations

from typing import Any

import duckdb

from migdip.atlas import Atlas
from migdip.atlas.actors import registry
from migdip.indicators.profiles import country


def country_profile(con: duckdb.DuckDBPyConnection, code: str, records: int = 20) -> dict[str, Any]:
    profile = country(con, code)
    actor = registry().get(code.upper())
    profile["name"] = actor.name if actor else code.upper()
    atlas = Atlas(con=con, auto_build=False)  # the Atlas the warehouse holds (read-only)
    found = atlas.search(party=code.upper(), dataset="curated", limit=records, sort="-year")
    imported = atlas.search(party=code.upper(), dataset="bilateral_labour_agreements", limit=0)
    profile["atlas"] = {
        "curated_total": found.total,
        "curated": found.records,
        "bilateral_labour_agreements": imported.total,
    }
    return profile
