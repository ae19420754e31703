"""The route network: places (nodes) and two-way routes (edges) with distances.

A place has a kind (conflict_zone, town, camp, destination, transit, hub, ...), a country, a
population (where people can come from) and a capacity (for camps and destinations: how many it
can hold; infinite where not given). Sinks are the places people head for: camps and
destinations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError

SINK_KINDS = frozenset({"camp", "destination"})


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    country: str = ""
    population: float = 0.0
    capacity: float = float("inf")
    attractiveness: float = 1.0


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    distance_km: float
    cost: float = 0.0  # extra generalised cost in km-equivalents (visas, fees, danger)


@dataclass(frozen=True)
class Network:
    places: tuple[Place, ...]
    links: tuple[Link, ...]
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, p in enumerate(self.places):
            if p.name in index:
                raise InputError(f"place {p.name!r} is defined twice; names must be unique")
            index[p.name] = i
        object.__setattr__(self, "index", index)
        for link in self.links:
            for end in (link.a, link.b):
                self.node(end)
            if link.a == link.b:
                raise InputError(f"route {link.a}-{link.b} joins a place to itself")
            if not link.distance_km > 0:
                raise InputError(
                    f"route {link.a}-{link.b}: distance {link.distance_km!r} km; accepted: > 0"
                )

    def node(self, name: str) -> int:
        try:
            return self.index[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, list(self.index), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise InputError(f"no place named {name!r} in the network{hint}") from None

    @property
    def n(self) -> int:
        return len(self.places)

    @cached_property
    def edges(self) -> NDArray[np.int64]:
        return np.array([[self.index[k.a], self.index[k.b]] for k in self.links], dtype=np.int64)

    @cached_property
    def distance(self) -> NDArray[np.float64]:
        return np.array([k.distance_km for k in self.links], dtype=np.float64)

    @cached_property
    def base_cost(self) -> NDArray[np.float64]:
        return np.array([k.cost for k in self.links], dtype=np.float64)

    @cached_property
    def kinds(self) -> NDArray[np.str_]:
        return np.array([p.kind for p in self.places])

    @cached_property
    def countries(self) -> NDArray[np.str_]:
        return np.array([p.country for p in self.places])

    @cached_property
    def sinks(self) -> NDArray[np.int64]:
        return np.array(
            [i for i, p in enumerate(self.places) if p.kind in SINK_KINDS], dtype=np.int64
        )

    @cached_property
    def capacity(self) -> NDArray[np.float64]:
        return np.array([p.capacity for p in self.places], dtype=np.float64)

    @cached_property
    def population(self) -> NDArray[np.float64]:
        return np.array([p.population for p in self.places], dtype=np.float64)

    @cached_property
    def attractiveness(self) -> NDArray[np.float64]:
        return np.array([p.attractiveness for p in self.places], dtype=np.float64)

    def edge_index(self, a: str, b: str) -> int:
        ia, ib = self.node(a), self.node(b)
        for k, (x, y) in enumerate(self.edges):
            if (x, y) in ((ia, ib), (ib, ia)):
                return k
        raise InputError(f"no route between {a!r} and {b!r}")

    def border_edges(self, country_a: str, country_b: str) -> NDArray[np.int64]:
        """Edges that cross the border between two countries (either direction)."""
        ca = self.countries[self.edges[:, 0]]
        cb = self.countries[self.edges[:, 1]]
        mask = ((ca == country_a) & (cb == country_b)) | ((ca == country_b) & (cb == country_a))
        return np.flatnonzero(mask)
