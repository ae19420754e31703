"""Score simulated camp counts the way Flee's validation does, and read and write its out.csv.

For each day t and camp c: sim(c,t) simulated, data(c,t) the case's scoring series,
D(t) = sum_c data(c,t), S(t) = sum_c sim(c,t).

- error_normal = mean_t sum_c |sim(c,t) - data(c,t)| / max(D(t), 1);
- error_rescaled = the same with sim(c,t) * D(t) / S(t) (0 where S(t) = 0), which scores how the
  people are spread over the camps, not how many there are;
- MASE of a camp, as Flee's ``calculate_MASE``: the mean absolute error of the rescaled
  simulation over all days, divided by that of a naive forecast over the days after the one it
  is built on (k + 1 onwards). The naive forecasts: the day-7 value held flat (k = 7), the day-30
  value held flat (k = 30), and the camp's day-7 share of D held flat, times D(t) (k = 7).
  A MASE is None where the naive forecast makes no error or the case is too short.
  Across camps, MASEs are averaged weighted by each camp's sum of data (Flee's ``get_error``).
- total-level figures compare S(t) with D(t).

S(t) sums the scored camps (``case.camps``); Flee's ``refugees in camps (simulation)`` sums every
location of type camp, which is the same set in the shipped cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from migdip.atomic import write_with
from migdip.errors import InputError
from migdip.flows.flee.reader import FleeCase, FloatArray

EARLY_DAY = 7
TRAINING_DAY = 30
TAIL_COLUMNS = (
    "Total error",
    "refugees in camps (UNHCR)",
    "total refugees (simulation)",
    "raw UNHCR refugee count",
    "refugees in camps (simulation)",
    "refugee_debt",
)


class ScoringError(InputError):
    """Simulated counts or an out.csv do not fit the case."""


@dataclass(frozen=True)
class CampScore:
    name: str
    mae: float  # mean |sim - data|
    mae_rescaled: float  # mean |sim * D / S - data|
    mase7: float | None  # against the day-7 value held flat
    mase30: float | None  # against the day-30 value held flat
    mase7_share: float | None  # against the day-7 share of D held flat


@dataclass(frozen=True)
class Scores:
    case: str
    days: int
    error_normal: float
    error_rescaled: float
    camps: tuple[CampScore, ...]
    mase7: float | None
    mase30: float | None
    mase7_share: float | None
    total_error: float  # mean |S(t) - D(t)| / max(D(t), 1)
    total_bias: float  # mean (S(t) - D(t)) / max(D(t), 1): > 0 when too many are in camps
    final_sim_in_camps: float  # S on the last day
    final_data_in_camps: float  # D on the last day

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _as_days(
    case: FleeCase, values: npt.ArrayLike, shape: tuple[int, ...], what: str
) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != shape:
        layout = "days" if len(shape) == 1 else f"days x camps ({', '.join(case.camps)})"
        raise ScoringError(
            f"{what} for case {case.name!r} has shape {array.shape}; expected {shape}: {layout}"
        )
    if not np.all(np.isfinite(array)):
        raise ScoringError(f"{what} for case {case.name!r} holds NaN or infinite values")
    return array


def _sim(case: FleeCase, sim: npt.ArrayLike) -> FloatArray:
    return _as_days(case, sim, (case.length, len(case.camps)), "sim")


def rescaled(sim: FloatArray, data_in_camps: FloatArray) -> FloatArray:
    """sim(c,t) * D(t) / S(t), and 0 on days where S(t) = 0."""
    total = sim.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    factor = np.where(total > 0, data_in_camps / safe, 0.0)
    return np.asarray(sim * factor[:, None], dtype=np.float64)


def _averaged_error(sim: FloatArray, data: FloatArray, data_in_camps: FloatArray) -> float:
    per_day = np.abs(sim - data).sum(axis=1) / np.maximum(data_in_camps, 1.0)
    return float(per_day.mean())


def _mase(forecast: FloatArray, actual: FloatArray, naive: FloatArray, k: int) -> float | None:
    if len(actual) <= k + 1:
        return None
    naive_error = float(np.abs(actual[k + 1 :] - naive[k + 1 :]).mean())
    if naive_error == 0:
        return None
    return float(np.abs(actual - forecast).mean()) / naive_error


def _camp_score(
    name: str, sim: FloatArray, fitted: FloatArray, data: FloatArray, data_in_camps: FloatArray
) -> CampScore:
    n = len(data)
    flat7 = np.full(n, data[EARLY_DAY]) if n > EARLY_DAY else data
    flat30 = np.full(n, data[TRAINING_DAY]) if n > TRAINING_DAY else data
    share = 0.0
    if n > EARLY_DAY and data_in_camps[EARLY_DAY] > 0:
        share = data[EARLY_DAY] / data_in_camps[EARLY_DAY]
    return CampScore(
        name=name,
        mae=float(np.abs(sim - data).mean()),
        mae_rescaled=float(np.abs(fitted - data).mean()),
        mase7=_mase(fitted, data, flat7, EARLY_DAY),
        mase30=_mase(fitted, data, flat30, TRAINING_DAY),
        mase7_share=_mase(fitted, data, data_in_camps * share, EARLY_DAY),
    )


def _weighted(values: list[float | None], weights: list[float]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    total = sum(w for _, w in pairs)
    if not pairs or total <= 0:
        return None
    return sum(v * w for v, w in pairs) / total


def score(case: FleeCase, sim: npt.ArrayLike) -> Scores:
    """Score ``sim`` (days x camps, in ``case.camps`` order) against the case's data."""
    counts = _sim(case, sim)
    data, d = case.camp_data, case.data_in_camps
    fitted = rescaled(counts, d)
    camps = tuple(
        _camp_score(name, counts[:, j], fitted[:, j], data[:, j], d)
        for j, name in enumerate(case.camps)
    )
    weights = [float(data[:, j].sum()) for j in range(len(case.camps))]
    s = counts.sum(axis=1)
    return Scores(
        case=case.name,
        days=case.length,
        error_normal=_averaged_error(counts, data, d),
        error_rescaled=_averaged_error(fitted, data, d),
        camps=camps,
        mase7=_weighted([c.mase7 for c in camps], weights),
        mase30=_weighted([c.mase30 for c in camps], weights),
        mase7_share=_weighted([c.mase7_share for c in camps], weights),
        total_error=float((np.abs(s - d) / np.maximum(d, 1.0)).mean()),
        total_bias=float(((s - d) / np.maximum(d, 1.0)).mean()),
        final_sim_in_camps=float(s[-1]),
        final_data_in_camps=float(d[-1]),
    )


# --- out.csv ----------------------------------------------------------------------------------


def _number(value: float) -> str:
    """Whole numbers as integers (as Flee prints counts), others exactly (shortest repr)."""
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _relative_error(sim: float, data: float) -> float:
    """Flee's per-camp error: |sim/data - 1| rounded to 4 decimals, 0 when data is 0."""
    if data < 0.00001:
        return 0.0
    return round(abs(float(sim) / float(data) - 1), 4)


def _column_order(case: FleeCase) -> list[int]:
    """Camps in locations.csv order, as Flee lists them; indices into ``case.camps``."""
    index = case.location_index()
    return sorted(range(len(case.camps)), key=lambda j: index[case.camps[j]])


def out_csv_header(case: FleeCase) -> list[str]:
    header = ["Day", "Date"]
    for j in _column_order(case):
        name = case.camps[j]
        header += [f"{name} sim", f"{name} data", f"{name} error"]
    return header + list(TAIL_COLUMNS)


def _out_row(
    case: FleeCase, t: int, order: list[int], sim: FloatArray, tail: tuple[float, float, float]
) -> list[str]:
    """One day's row; ``tail`` is (everyone in the simulation, raw count, refugee debt)."""
    date = case.start + dt.timedelta(days=t + 1)  # Flee prints the date after the day's step
    row = [str(t), date.isoformat()]
    data = case.camp_data[t]
    for j in order:
        row += [_number(sim[j]), _number(data[j]), repr(_relative_error(sim[j], data[j]))]
    everyone, raw, debt = tail
    total_error = float(np.abs(sim - data).sum()) / raw if raw > 0 else 0.0
    counts = [float(data.sum()), everyone, raw, float(sim.sum()), debt]
    return [*row, repr(total_error), *(_number(v) for v in counts)]


def write_out_csv(
    case: FleeCase,
    sim: npt.ArrayLike,
    total_sim: npt.ArrayLike,
    path: Path,
    refugee_debt: npt.ArrayLike | None = None,
    *,
    flee_raw_count: bool = False,
) -> None:
    """Write a run in the layout of Flee's out.csv, so Flee's validation scripts read it.

    ``sim`` is days x camps in ``case.camps`` order; the file lists the camps in locations.csv
    order, as Flee does. ``total_sim`` is everyone in the simulation on each day, and
    ``refugee_debt`` the spawn rules' debt (0 if None). ``raw UNHCR refugee count`` is
    ``case.total`` (the interpolated total series) and ``Total error`` is sum_c |sim - data|
    divided by it (0.0 where it is 0). Flee itself, with ``sum_from_camps``, writes
    total(day 0) + D(t) in that column (its day-0 bookkeeping counts the total series once and
    then adds the camps' daily changes); ``flee_raw_count=True`` writes that instead, so the
    file matches Flee's byte for byte.
    """
    counts = _sim(case, sim)
    everyone = _as_days(case, total_sim, (case.length,), "total_sim")
    debt = np.zeros(case.length) if refugee_debt is None else refugee_debt
    debts = _as_days(case, debt, (case.length,), "refugee_debt")
    raw = case.total[0] + case.data_in_camps if flee_raw_count else case.total
    order = _column_order(case)

    def writer(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(out_csv_header(case))
            for t in range(case.length):
                tail = (float(everyone[t]), float(raw[t]), float(debts[t]))
                out.writerow(_out_row(case, t, order, counts[t], tail))

    write_with(Path(path), writer)


def _out_value(path: Path, line: int, column: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ScoringError(
            f"{path}, line {line}, column {column!r}: value {value!r} is not accepted; "
            "accepted: numbers"
        )
    return number


def read_out_csv(path: Path, case: FleeCase) -> FloatArray:
    """The ``<camp> sim`` columns of a Flee out.csv, days x camps in ``case.camps`` order."""
    path = Path(path)
    if not path.is_file():
        raise ScoringError(f"{path}: no such file (an out.csv of case {case.name!r})")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ScoringError(f"{path}: cannot be read as a UTF-8 CSV file ({exc})") from None
    header = [h.strip() for h in rows[0]] if rows else []
    missing = [f"{c} sim" for c in case.camps if f"{c} sim" not in header]
    if missing or "Day" not in header:
        raise ScoringError(
            f"{path}: not an out.csv of case {case.name!r}: missing column(s) "
            f"{', '.join((['Day'] if 'Day' not in header else []) + missing)}"
        )
    body = [(i + 1, r) for i, r in enumerate(rows) if i > 0 and any(c.strip() for c in r)]
    if len(body) != case.length:
        raise ScoringError(f"{path}: {len(body)} day rows; case {case.name!r} has {case.length}")
    columns = [header.index(f"{c} sim") for c in case.camps]
    day_col = header.index("Day")
    sim = np.zeros((case.length, len(case.camps)), dtype=np.float64)
    for t, (line, row) in enumerate(body):
        if len(row) < len(header):
            raise ScoringError(f"{path}, line {line}: {len(row)} columns, expected {len(header)}")
        if _out_value(path, line, "Day", row[day_col]) != t:
            raise ScoringError(f"{path}, line {line}, column 'Day': {row[day_col]!r}, expected {t}")
        for j, col in enumerate(columns):
            sim[t, j] = _out_value(path, line, header[col], row[col].strip())
    return sim
