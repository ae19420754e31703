"""Golden cases: published figures the bundled data must reproduce (tests/golden/*.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from migdip.data.figures import figure

GOLDEN = Path(__file__).resolve().parent / "golden"


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        cases += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return cases


CASES = _cases()


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 25
    assert len({c["name"] for c in CASES}) == len(CASES)
    assert len({c["dataset"] for c in CASES}) >= 8
    for case in CASES:
        assert case["source"]["url"].startswith("http"), case["name"]
        assert 0 < case["rel_tol"] <= 0.05, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_published_figure(case: dict[str, Any], data_con: Any) -> None:
    value = figure(
        data_con, case["dataset"], case["measure"], case.get("year"), **case.get("filters", {})
    )
    assert value is not None, f"no data for {case['name']}"
    assert value == pytest.approx(case["expected"], rel=case["rel_tol"]), case["source"]["url"]
