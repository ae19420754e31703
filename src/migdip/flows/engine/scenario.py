"""Scenario files (YAML): a network, who sets out when, levers, and counterfactuals.

A scenario has a baseline (its levers) and counterfactuals, each removing baseline levers by
label and/or adding levers. Every variant runs as an ensemble over seeds (and uncertain
parameters, if ranges are given); results are bands over the ensemble. Dates may be given as
days from the start or as ISO dates (with ``start`` set).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from migdip.errors import InputError
from migdip.flows.engine.core import Params, Run
from migdip.flows.engine.ensemble import EnsembleSpec
from migdip.flows.engine.levers import LEVER_KINDS, Lever
from migdip.flows.engine.network import Link, Network, Place

Day = int | dt.date | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceIn(_Strict):
    name: str
    kind: str
    country: str = ""
    population: float = Field(0.0, ge=0)
    capacity: float | None = Field(None, ge=0)
    attractiveness: float = Field(1.0, ge=0)


class RouteIn(_Strict):
    a: str
    b: str
    km: float = Field(gt=0)
    cost: float = 0.0


class SpawnIn(_Strict):
    place: str
    per_day: float = Field(ge=0)
    start: Day = 0
    end: Day | None = None


class InitialIn(_Strict):
    place: str
    people: float = Field(ge=0)


class LeverIn(_Strict):
    kind: str
    start: Day = 0
    end: Day | None = None
    a: str | None = None
    b: str | None = None
    country_a: str | None = None
    country_b: str | None = None
    place: str | None = None
    to: str | None = None
    rate: float = 0.0
    per_day: float = 0.0
    value: float = 0.0
    label: str = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in LEVER_KINDS:
            raise ValueError(f"{value!r} is not a lever kind; accepted: {', '.join(LEVER_KINDS)}")
        return value


class CounterfactualIn(_Strict):
    name: str
    description: str = ""
    remove: list[str] = Field(default_factory=list)
    add: list[LeverIn] = Field(default_factory=list)


class EnsembleIn(_Strict):
    runs: int = Field(50, ge=1, le=100_000)
    seed: int = 0
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict)


class ScenarioFile(_Strict):
    kind: str = Field("network", pattern="^network$")
    name: str
    description: str = ""
    start: dt.date | None = None
    days: int = Field(ge=1, le=36_500)
    places: list[PlaceIn] = Field(min_length=2)
    routes: list[RouteIn] = Field(min_length=1)
    spawn: list[SpawnIn] = Field(default_factory=list)
    initial: list[InitialIn] = Field(default_factory=list)
    levers: list[LeverIn] = Field(default_factory=list)
    counterfactuals: list[CounterfactualIn] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    ensemble: EnsembleIn = Field(default_factory=lambda: EnsembleIn.model_validate({}))


def _day(value: Day | None, start: dt.date | None, where: str) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(
                f"{where}: {value!r} is not a day; accepted: a day number or an ISO date "
                "(YYYY-MM-DD)"
            ) from None
    if start is None:
        raise InputError(f"{where}: a date needs the scenario's `start` date to be set")
    return (value - start).days


class Scenario:
    """A checked scenario: builds the engine's runs for its baseline and counterfactuals."""

    def __init__(self, spec: ScenarioFile, source: str = "<scenario>") -> None:
        self.spec, self.source = spec, source
        try:
            self._build()
        except InputError as exc:
            message = str(exc)
            raise InputError(
                message if message.startswith(source) else f"{source}: {message}"
            ) from None

    def _build(self) -> None:
        spec, source = self.spec, self.source
        self.network = Network(
            tuple(
                Place(
                    p.name,
                    p.kind,
                    p.country,
                    p.population,
                    float("inf") if p.capacity is None else p.capacity,
                    p.attractiveness,
                )
                for p in spec.places
            ),
            tuple(Link(r.a, r.b, r.km, r.cost) for r in spec.routes),
        )
        self.params = self._params(spec.params)
        self.ensemble = EnsembleSpec(
            spec.ensemble.runs, spec.ensemble.seed, dict(spec.ensemble.ranges)
        )
        self.ensemble.check(self.params)
        self.baseline = self._levers(spec.levers, "levers")
        labels = {lv.label for lv in self.baseline if lv.label}
        for k, cf in enumerate(spec.counterfactuals):
            unknown = [x for x in cf.remove if x not in labels]
            if unknown:
                raise InputError(
                    f"{source}: counterfactuals[{k}].remove: no baseline lever labelled "
                    f"{', '.join(map(repr, unknown))}; accepted: {', '.join(sorted(labels)) or '-'}"
                )
        for name, run in self.variants().items():
            try:
                run.check()
            except InputError as exc:
                raise InputError(f"{source}: {name}: {exc}") from None

    def _params(self, values: dict[str, Any]) -> Params:
        base = Params()
        for key in values:
            if not hasattr(base, key):
                raise InputError(
                    f"{self.source}: params.{key} is not a parameter; accepted: "
                    f"{', '.join(base.__dict__)}"
                )
        merged = base.__dict__ | {
            k: float(v) if isinstance(getattr(base, k), float) and isinstance(v, int) else v
            for k, v in values.items()
        }
        return Params(**merged)

    def _levers(self, levers: list[LeverIn], where: str) -> tuple[Lever, ...]:
        out = []
        for i, lv in enumerate(levers):
            here = f"{self.source}: {where}[{i}]"
            data = lv.model_dump()
            data["start"] = _day(lv.start, self.spec.start, f"{here}.start") or 0
            data["end"] = _day(lv.end, self.spec.start, f"{here}.end")
            out.append(Lever(**data))
        return tuple(out)

    def _spawn(self) -> np.ndarray:
        spawn = np.zeros((self.spec.days, self.network.n))
        for i, s in enumerate(self.spec.spawn):
            here = f"{self.source}: spawn[{i}]"
            first = _day(s.start, self.spec.start, f"{here}.start") or 0
            last = _day(s.end, self.spec.start, f"{here}.end") or self.spec.days
            spawn[
                max(first, 0) : max(min(last, self.spec.days), 0), self.network.node(s.place)
            ] += s.per_day
        return spawn

    def variants(self) -> dict[str, Run]:
        """The baseline and every counterfactual as engine runs."""
        spawn = self._spawn()
        initial = np.zeros(self.network.n)
        for item in self.spec.initial:
            initial[self.network.node(item.place)] += item.people
        out = {"baseline": Run(self.network, self.spec.days, spawn, initial, self.baseline)}
        for k, cf in enumerate(self.spec.counterfactuals):
            kept = tuple(lv for lv in self.baseline if lv.label not in cf.remove)
            added = self._levers(cf.add, f"counterfactuals[{k}].add")
            out[cf.name] = Run(self.network, self.spec.days, spawn, initial, kept + added)
        return out


def load_scenario(path: Path | str) -> Scenario:
    """Read and check a scenario file; errors name the file, the field, the value."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such scenario file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a scenario file must hold a mapping of fields")
    try:
        spec = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            value = (
                ""
                if err["type"] in ("missing", "value_error")
                else f" (value: {err.get('input')!r})"
            )
            lines.append(f"{path}: {loc}: {msg}{value}")
        raise InputError("\n".join(lines)) from None
    return Scenario(spec, str(path))
