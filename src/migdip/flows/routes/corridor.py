"""Corridors: checkpoints in sequence and in parallel, people counted at every one they pass.

A corridor is a set of paths, each an ordered sequence of checkpoints (border crossings where
people are counted) from where people enter to where the path ends. The Eastern Mediterranean
then the Western Balkans is one path, and the Eastern Mediterranean alone (people who stay in
Greece or leave it otherwise) another; Libya then Italy; Panama, Honduras, Guatemala, Mexico,
then the United States. Two paths that share checkpoints share their counts: a person on
[Eastern Mediterranean, Western Balkans] is counted at both, as Frontex counts them.

Each month, the people who reach a checkpoint on a path meet its levers (calendar months,
YYYY-MM, inclusive):
- ``closure`` (rate r): a share r is stopped before crossing (not counted there); of those, a
  share ``diversion`` reroutes, and the rest stay where they are (stranded, counted as stopped).
  The rerouted take the alternatives open at that point: the paths with the same checkpoints
  before this one and without the closed one after it, in proportion to the shares of those
  paths among people like them (``shares``, estimated from data by the caller). They reach the
  alternative's next checkpoint a month later. Where there is no alternative, they stay.
- ``interception`` (rate r): everyone crossing is counted; a share r is stopped there (returned
  or held) and goes no further.
- ``attractiveness`` (factor f > 0): the paths through the checkpoint pull f times as strongly
  (a transit state stops enforcing: f > 1; a stricter regime: f < 1). Each nationality's people
  entering the corridor that month choose among the paths in proportion to their shares times
  the factors, so the number setting out is unchanged and only their choice of path moves (a
  path a nationality does not take stays empty); people rerouted by a closure weigh their
  alternatives the same way.
A closure therefore lowers the checkpoints after it and raises only the alternatives; stepping
up interception at a later checkpoint leaves the earlier ones as they were.

Between consecutive checkpoints people take ``lag`` months (0: the same month). Everything is
vectorised over nationalities; the loops run over months and path positions only. Conservation
holds exactly: everyone who entered has arrived at a path's end, been stopped, or is still on
the way (``Result.balance``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError

KINDS = ("closure", "interception", "attractiveness")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Corridor:
    checkpoints: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    lag: int = 0  # months from one checkpoint to the next

    def __post_init__(self) -> None:
        known = set(self.checkpoints)
        if len(known) != len(self.checkpoints):
            raise InputError(f"corridor checkpoints {list(self.checkpoints)}: a name is repeated")
        for k, path in enumerate(self.paths):
            if not path:
                raise InputError(f"corridor path {k + 1} is empty; accepted: checkpoint names")
            unknown = [c for c in path if c not in known]
            if unknown:
                raise InputError(
                    f"corridor path {k + 1} ({' > '.join(path)}) names {', '.join(unknown)}; "
                    f"accepted: {', '.join(self.checkpoints)}"
                )
            if len(set(path)) != len(path):
                raise InputError(f"corridor path {' > '.join(path)} passes a checkpoint twice")
        if len(set(self.paths)) != len(self.paths):
            raise InputError("corridor paths: a path is listed twice")
        if self.lag < 0:
            raise InputError(f"corridor lag {self.lag}; accepted: 0 or more months")

    def index(self, checkpoint: str) -> int:
        if checkpoint not in self.checkpoints:
            raise InputError(f"checkpoint {checkpoint!r}; accepted: {', '.join(self.checkpoints)}")
        return self.checkpoints.index(checkpoint)

    def alternatives(self, p: int, k: int, closed: str) -> list[int]:
        """Paths open to people stopped at position ``k`` of path ``p`` by a closure of
        ``closed``: the same checkpoints before ``k``, not ``closed`` from ``k`` on."""
        prefix = self.paths[p][:k]
        return [
            q
            for q, path in enumerate(self.paths)
            if q != p and path[:k] == prefix and len(path) > k and closed not in path[k:]
        ]


@dataclass(frozen=True)
class Lever:
    checkpoint: str
    kind: str
    rate: float
    start: str  # YYYY-MM, first month in force
    end: str | None = None  # YYYY-MM, last month in force (None: to the end)
    label: str = ""
    factor: float = 1.0  # attractiveness only

    def __post_init__(self) -> None:
        where = f"lever {self.label or self.kind} at {self.checkpoint}"
        if self.kind not in KINDS:
            raise InputError(f"{where}: kind {self.kind!r}; accepted: {', '.join(KINDS)}")
        if not 0 <= self.rate <= 1:
            raise InputError(f"{where}: rate {self.rate}; accepted: 0 to 1")
        if not (math.isfinite(self.factor) and self.factor > 0):
            raise InputError(f"{where}: factor {self.factor}; accepted: a number > 0")
        for name, value in (("start", self.start), ("end", self.end)):
            if value is not None and not MONTH.match(value):
                raise InputError(f"{where}: {name} {value!r}; accepted: a month YYYY-MM")
        if self.end is not None and self.end < self.start:
            raise InputError(f"{where}: end {self.end} is before start {self.start}")


@dataclass
class Result:
    months: list[str]
    corridor: Corridor
    counted: NDArray[np.float64]  # (months, nationalities, checkpoints) people counted
    stopped: NDArray[np.float64]  # (months, nationalities, checkpoints) stopped there
    arrived: NDArray[np.float64]  # (months, nationalities, paths) reached the path's end
    entered: NDArray[np.float64]  # (months, nationalities, paths) entered (incl. rerouted)
    departed: NDArray[np.float64]  # (months, nationalities, paths) the input
    on_the_way: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # (nats,)

    def by_checkpoint(self) -> NDArray[np.float64]:
        """(months, checkpoints) people counted, all nationalities."""
        out: NDArray[np.float64] = self.counted.sum(axis=1)
        return out

    def balance(self) -> float:
        """Departures minus arrivals, stops and people still on the way (0 when conserved)."""
        gone = self.arrived.sum() + self.stopped.sum() + self.on_the_way.sum()
        return float(self.departed.sum() - gone)


def _in_force(lv: Lever, months: list[str]) -> NDArray[np.bool_]:
    """(months,) whether the lever is in force in each month (start and end inclusive)."""
    stamp = np.array(months)
    return np.asarray((stamp >= lv.start) & (stamp <= (lv.end or "9999-12")))


def _rates(
    corridor: Corridor, months: list[str], levers: tuple[Lever, ...], kind: str
) -> NDArray[np.float64]:
    """(months, checkpoints) combined rate of one lever kind (independent levers multiply)."""
    keep = np.ones((len(months), len(corridor.checkpoints)))
    for lv in levers:
        if lv.kind != kind:
            continue
        keep[_in_force(lv, months), corridor.index(lv.checkpoint)] *= 1 - lv.rate
    return np.asarray(1 - keep)


def _pull(corridor: Corridor, months: list[str], levers: tuple[Lever, ...]) -> NDArray[np.float64]:
    """(months, paths) product of the attractiveness factors in force on each path's checkpoints."""
    pull = np.ones((len(months), len(corridor.paths)))
    for lv in levers:
        if lv.kind != "attractiveness":
            continue
        corridor.index(lv.checkpoint)  # an unknown checkpoint is an error
        through = np.array([lv.checkpoint in path for path in corridor.paths])
        pull[np.ix_(_in_force(lv, months), through)] *= lv.factor
    return pull


def _choose(departures: NDArray[np.float64], pull: NDArray[np.float64]) -> NDArray[np.float64]:
    """Departures re-split over the paths by ``pull``, each month's and nationality's total kept."""
    weighted = departures * pull[:, None, :]
    total, new = departures.sum(axis=2, keepdims=True), weighted.sum(axis=2, keepdims=True)
    scale = np.divide(total, new, out=np.zeros_like(total), where=new > 0)
    out: NDArray[np.float64] = weighted * scale
    return out


def simulate(
    corridor: Corridor,
    months: list[str],
    departures: NDArray[np.float64],
    shares: NDArray[np.float64] | None = None,
    levers: tuple[Lever, ...] = (),
    diversion: float = 1.0,
) -> Result:
    """Move ``departures`` (months, nationalities, paths: people entering each path's first
    checkpoint that month) along the corridor under ``levers``.

    ``shares`` (nationalities, paths) weighs the alternatives of people rerouted by a closure
    (default: departures' own shares over the whole period); ``diversion`` is the share of
    people stopped by a closure who reroute."""
    n_t, n_n, n_p = departures.shape
    if len(months) != n_t or n_p != len(corridor.paths):
        raise InputError(
            f"departures have shape {departures.shape}; accepted: ({len(months)} months, "
            f"nationalities, {len(corridor.paths)} paths)"
        )
    if np.any(departures < 0) or not np.all(np.isfinite(departures)):
        raise InputError("departures: every value must be a finite number of people, >= 0")
    if not 0 <= diversion <= 1:
        raise InputError(f"diversion {diversion}; accepted: 0 to 1")
    if shares is None:
        total = departures.sum(axis=0)
        shares = total / np.maximum(total.sum(axis=1, keepdims=True), 1e-12)
    closure = _rates(corridor, months, levers, "closure")
    interception = _rates(corridor, months, levers, "interception")
    pull = _pull(corridor, months, levers)
    chosen = _choose(departures, pull)
    longest = max(len(p) for p in corridor.paths)
    cp = [[corridor.index(c) for c in path] for path in corridor.paths]
    # people reaching position k of path p in month t (one extra month for the rerouted)
    pending = np.zeros((n_t + corridor.lag * longest + 2, n_n, n_p, longest))
    pending[:n_t, :, :, 0] = chosen
    counted = np.zeros((n_t, n_n, len(corridor.checkpoints)))
    stopped = np.zeros_like(counted)
    arrived = np.zeros((n_t, n_n, n_p))
    entered = np.zeros((n_t, n_n, n_p))
    alternatives = {
        (p, k): corridor.alternatives(p, k, corridor.paths[p][k])
        for p in range(n_p)
        for k in range(len(corridor.paths[p]))
    }
    for t in range(n_t):
        entered[t] = pending[t, :, :, 0]
        for k in range(longest):
            for p in range(n_p):
                if k >= len(cp[p]):
                    continue
                x = pending[t, :, p, k]
                if not x.any():
                    continue
                c = cp[p][k]
                blocked = x * closure[t, c]
                crossing = x - blocked
                counted[t, :, c] += crossing
                held = crossing * interception[t, c]
                stopped[t, :, c] += held
                onward = crossing - held
                if k + 1 < len(cp[p]):
                    pending[t + corridor.lag, :, p, k + 1] += onward
                else:
                    arrived[t, :, p] += onward
                if not blocked.any():
                    continue
                alts = alternatives[(p, k)]
                rerouted = blocked * diversion if alts else np.zeros(n_n)
                stopped[t, :, c] += blocked - rerouted
                if alts:
                    w = shares[:, alts] * pull[t, alts]
                    total = w.sum(axis=1, keepdims=True)
                    even = np.full_like(w, 1 / len(alts))
                    w = np.divide(w, total, out=even, where=total > 0)  # rows sum to 1
                    for j, q in enumerate(alts):
                        pending[t + 1, :, q, k] += rerouted * w[:, j]
    # people still on the way: reaching a checkpoint after the last month
    on_the_way = pending[n_t:].sum(axis=(0, 2, 3))
    return Result(months, corridor, counted, stopped, arrived, entered, departures, on_the_way)
