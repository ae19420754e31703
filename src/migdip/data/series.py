"""The warehouse series a sourced Atlas figure can name (``series:`` on a flow effect).

Grammar: ``frontex:<route>[+<route>]`` and ``iom:<route>[+<route>]`` take route keys;
``unhcr_refugees``, ``unhcr_returns``, ``unhcr_applications`` and ``eurostat_asylum`` take
``ORIGIN>DESTINATION`` as ISO3 codes, ``*`` for all (``unhcr_refugees:*>UGA``: every refugee
Uganda hosts). ``parse_series`` reads one and says what is accepted when it cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FRONTEX_ROUTE = {
    "eastern_mediterranean": "Eastern Mediterranean Route",
    "central_mediterranean": "Central Mediterranean Route",
    "western_mediterranean": "Western Mediterranean Route",
    "western_african": "Western African Route",
    "western_balkans": "Western Balkan Route",
    "eastern_borders": "Eastern Borders Route",
    "black_sea": "Black Sea Route",
    "circular_albania_greece": "Circular Route from Albania to Greece",
}
# The six main Frontex routes: the ones the route model, the forecasts and deal impacts cover.
MAIN_ROUTES = tuple(list(FRONTEX_ROUTE)[:6])
IOM_ROUTE = {
    "central_mediterranean": "Central Mediterranean Route",
    "western_mediterranean": "Western Mediterranean Route",
    "eastern_mediterranean": "Eastern Mediterranean Route",
    "western_african": "Western African Atlantic Route",
    "central_american": "Central American Route",
    "south_american": "South American Route",
    "asia_pacific": "Asia Pacific routes",
    "intra_african": "Intra-African routes",
    "intra_european": "Intra-European routes",
    "horn_of_africa_eastern": "EHOA Eastern Route",
    "horn_of_africa_southern": "EHOA Southern Route",
    "horn_of_africa_northern": "EHOA Northern Route",
}
_PAIR = re.compile(r"^(\*|[A-Z]{3})>(\*|[A-Z]{3})$")


@dataclass(frozen=True)
class Kind:
    """One kind of series: its table, the value summed, and how its keys and time are read."""

    description: str
    table: str
    value: str
    keys: str  # "routes" (route keys) or "pair" (ORIGIN>DESTINATION, * for all)
    time: str  # "month", "date" (months of daily dates), "year" or "stock" (a single year)
    origin: str = ""
    destination: str = ""


SERIES: dict[str, Kind] = {
    "frontex": Kind(
        "Frontex detections of illegal border crossings, by route",
        "frontex_detections",
        "detections",
        "routes",
        "month",
    ),
    "iom": Kind(
        "IOM Missing Migrants Project: dead and missing, by route",
        "iom_missing_migrants",
        "dead",
        "routes",
        "date",
    ),
    "unhcr_refugees": Kind(
        "UNHCR refugees at the end of the year, origin>asylum",
        "unhcr_population",
        "refugees",
        "pair",
        "stock",
        "origin",
        "asylum",
    ),
    "unhcr_returns": Kind(
        "UNHCR refugees returned in the year, origin>country of asylum they left",
        "unhcr_solutions",
        "returned_refugees",
        "pair",
        "year",
        "origin",
        "asylum",
    ),
    "unhcr_applications": Kind(
        "UNHCR asylum applications in the year, origin>asylum",
        "unhcr_asylum_applications",
        "applied",
        "pair",
        "year",
        "origin",
        "asylum",
    ),
    "eurostat_asylum": Kind(
        "Eurostat first-time asylum applicants in the year, citizenship>reporting country",
        "eurostat_asylum",
        "applications",
        "pair",
        "year",
        "nationality",
        "destination",
    ),
}
ROUTES = {"frontex": FRONTEX_ROUTE, "iom": IOM_ROUTE}


@dataclass(frozen=True)
class Series:
    kind: str
    keys: tuple[str, ...]

    @property
    def spec(self) -> Kind:
        return SERIES[self.kind]

    @property
    def text(self) -> str:
        joined = "+".join(self.keys) if self.spec.keys == "routes" else ">".join(self.keys)
        return f"{self.kind}:{joined}"


def parse_series(text: str) -> Series:
    """``kind:keys`` into a Series; a ValueError says what is wrong and what is accepted."""
    kind, _, rest = text.partition(":")
    if kind not in SERIES:
        raise ValueError(f"unknown series kind {kind!r}; accepted: {', '.join(SERIES)}")
    if SERIES[kind].keys == "routes":
        routes = tuple(rest.split("+"))
        bad = [r for r in routes if r not in ROUTES[kind]]
        if bad:
            raise ValueError(f"{kind} has no route {bad[0]!r}; accepted: {', '.join(ROUTES[kind])}")
        return Series(kind, routes)
    match = _PAIR.match(rest)
    if not match:
        raise ValueError(f"{kind} takes ORIGIN>DESTINATION as ISO3 codes or *, not {rest!r}")
    return Series(kind, (match.group(1), match.group(2)))
