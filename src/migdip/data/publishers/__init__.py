"""Where each dataset's newest release comes from, and how it is fetched and converted.

Each fetcher downloads from the publisher's official API or download (addresses and layouts
cited in its module), and writes the release in a format the dataset's ingest accepts. Datasets
without a publisher service here (one-off workbooks, derived tables) are updated by hand with
``migdip data ingest DATASET FILE``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from migdip.data.publishers import eurostat, frontex, iom, undesa, unhcr, worldbank
from migdip.data.publishers.common import Context, Fetched


@dataclass(frozen=True)
class Source:
    dataset: str
    publisher: str
    url: str  # the first address asked (or the landing page)
    fetch: Callable[[Context, duckdb.DuckDBPyConnection | None], Fetched]


def _plain(f: Callable[[Context], Fetched]) -> Callable[[Context, object], Fetched]:
    return lambda ctx, _held: f(ctx)


def _wdi(ctx: Context, held: duckdb.DuckDBPyConnection | None) -> Fetched:
    carried: list[tuple[str, str, int, float | None]] = []
    if held is not None:
        rows = held.execute(
            "SELECT iso3, indicator, year, value FROM wdi WHERE list_contains(?, indicator) "
            "ORDER BY ALL",
            [list(worldbank.CARRIED)],
        ).fetchall()
        carried = [(str(a), str(b), int(c), None if d is None else float(d)) for a, b, c, d in rows]
    return worldbank.fetch(ctx, carried)


SOURCES: dict[str, Source] = {
    s.dataset: s
    for s in (
        *(
            Source(d, "UNHCR", unhcr.page_url(e, 1, 2025).split("?")[0], _plain(unhcr.fetch))
            for d, e in unhcr.ENDPOINTS.items()
        ),
        Source("wdi", "World Bank", f"{worldbank.API}/country/all/indicator/", _wdi),
        Source("undesa_stock", "UN DESA", undesa.URL, _plain(undesa.fetch)),
        Source("frontex_detections", "Frontex", frontex.MAP_PAGE, _plain(frontex.fetch)),
        Source("iom_missing_migrants", "IOM", iom.URL, _plain(iom.fetch)),
        Source("eurostat_asylum", "Eurostat", eurostat.URL, _plain(eurostat.fetch)),
    )
}

__all__ = ["SOURCES", "Context", "Fetched", "Source"]
