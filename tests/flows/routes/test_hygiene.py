"""Series hygiene: a late route has no data before it starts (not zeros), and a yearly total
entered as one month is caught."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from migdip.errors import InputError
from migdip.flows.routes import backtest as bt_mod
from migdip.flows.routes.hygiene import yearly_totals
from migdip.flows.routes.model import from_csv, from_rows


def _rows(route: str, first: int, n: int, level: float) -> list[tuple[str, str, str, float]]:
    out = []
    for k in range(first, n):
        month = f"{2015 + k // 12}-{k % 12 + 1:02d}"
        out.append((route, "X", month, level * (1 + 0.3 * np.sin(2 * np.pi * k / 12)) + k))
    return out


def test_a_late_route_starts_where_its_data_start() -> None:
    data = from_rows(_rows("a", 0, 80, 200.0) + _rows("b", 40, 80, 50.0))
    assert data.start(0) == 0 and data.start(1) == 40


def test_a_late_route_does_not_change_the_others_and_is_not_forecast_from_zeros() -> None:
    alone = bt_mod.run(from_rows(_rows("a", 0, 80, 200.0)), first_origin=48, step=6, jobs=1)
    both = bt_mod.run(
        from_rows(_rows("a", 0, 80, 200.0) + _rows("b", 40, 80, 50.0)),
        first_origin=48,
        step=6,
        jobs=1,
    )
    statistical = [bt_mod.MODELS.index(m) for m in ("seasonal_naive", "auto_ets", "drift")]
    np.testing.assert_allclose(both.forecast[statistical, 0], alone.forecast[statistical, 0])
    np.testing.assert_allclose(both.scale[0], alone.scale[0])
    # route b has 2 years of its own at origin 63: nothing before, its own history after
    early = both.origins + 1 - 40 < bt_mod.MIN_HISTORY
    assert early.any() and not early.all()
    assert np.isnan(both.forecast[:, 1, early]).all()
    assert np.isfinite(both.forecast[statistical, 1][:, ~early]).all()
    drift = both.forecast[bt_mod.MODELS.index("drift"), 1, ~early, 0]
    assert np.all(drift > 40)  # from b's own level, not dragged down by months of zeros


def test_a_yearly_total_entered_as_one_month_is_caught(tmp_path: Path) -> None:
    months = [f"{2018 + k // 12}-{k % 12 + 1:02d}" for k in range(36)]
    values = np.full(36, 100.0)
    values[12:24] = 0.0
    values[23] = 1200.0  # 2019 given as one December figure
    assert yearly_totals(months, values) == ["2019"]
    path = tmp_path / "series.csv"
    lines = ["route,nationality,month,count"]
    lines += [f"a,X,{m},{v:.0f}" for m, v in zip(months, values, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="in 2019 one month holds every count"):
        from_csv(path)


def test_a_quiet_year_on_a_quiet_route_is_not_a_yearly_total() -> None:
    months = [f"{2018 + k // 12}-{k % 12 + 1:02d}" for k in range(36)]
    values = np.zeros(36)
    values[[3, 15, 30]] = 2.0  # a route where one month a year has anything at all
    assert yearly_totals(months, values) == []
