"""The guided tour of what migdip holds (the README's main job until the dashboard exists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migdip.atlas import Atlas
from migdip.data.ingest import list_datasets
from migdip.indicators import Indicators

EXAMPLE_SEARCHES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Deployment bans by origin states", {"instrument": "deployment_ban"}),
    ("Engineered movement of people to a border", {"instrument": "engineered_movement"}),
    (
        "Coercive episodes in the Middle East and North Africa",
        {"approach": "coercive", "region": "middle_east_north_africa"},
    ),
    (
        "Labour mobility schemes in Oceania",
        {"instrument": "labour_mobility_scheme", "region": "oceania"},
    ),
    ("Full text: 'readmission visa'", {"text": "readmission visa"}),
)
EXAMPLE_RECORD = "eu-tur-2016-statement"


@dataclass
class Tour:
    stats: dict[str, Any]
    searches: list[tuple[str, int, list[dict[str, Any]]]] = field(default_factory=list)
    record: dict[str, Any] | None = None
    decades: dict[str, int] = field(default_factory=dict)
    top_links: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    leverage: dict[str, Any] = field(default_factory=dict)


def run_tour(atlas: Atlas, per_search: int = 5) -> Tour:
    tour = Tour(stats=atlas.stats())
    for title, facets in EXAMPLE_SEARCHES:
        text = facets.get("text")
        rest = {k: v for k, v in facets.items() if k != "text"}
        result = atlas.search(text, limit=per_search, **rest)
        tour.searches.append((title, result.total, result.records))
    tour.record = atlas.get(EXAMPLE_RECORD)
    tour.decades = dict(sorted(tour.stats["curated_by"]["decade"].items()))
    tour.top_links = atlas.network(dataset="curated").edges[:10]
    indicators = Indicators(warehouse=atlas.warehouse)  # ingests the bundled data if needed
    tour.datasets = [
        {k: d[k] for k in ("id", "publisher", "coverage", "rows", "licence")}
        for d in list_datasets(indicators.con)
    ]
    tour.leverage = indicators.leverage_over("EU", year=2016, top=5)
    return tour
