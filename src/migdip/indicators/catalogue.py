"""The indicator catalogue (catalogue.yaml): definitions and parameters, loaded and rendered."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Indicator:
    name: str
    level: str
    title: str
    unit: str
    formula: str
    inputs: tuple[str, ...]
    note: str = ""


@cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((_HERE / "catalogue.yaml").read_text(encoding="utf-8"))
    return data


@cache
def indicators() -> dict[str, Indicator]:
    return {
        d["name"]: Indicator(
            d["name"],
            d["level"],
            d["title"],
            d["unit"],
            d["formula"],
            tuple(d["inputs"]),
            d.get("note", ""),
        )
        for d in _raw()["indicators"]
    }


def parameters() -> dict[str, Any]:
    params: dict[str, Any] = _raw()["parameters"]
    return params


def render_markdown() -> str:
    """docs/indicators.md: every indicator with formula, unit, inputs; then the parameters."""
    lines = [
        "# Indicator catalogue",
        "",
        "Generated from `src/migdip/indicators/catalogue.yaml` by `migdip indicators "
        "catalogue`; do not edit by hand (a test checks it is current).",
        "",
        "A and B are the two sides of an ordered pair: states, or blocs whose members in the "
        "year asked are summed. Each figure is taken for the year asked or, where a source has "
        "none for that year, the latest earlier year; the year used is reported with it.",
        "",
    ]
    for level, heading in (("pair", "Pair indicators (A, B)"), ("state", "State indicators")):
        lines += [f"## {heading}", ""]
        for ind in indicators().values():
            if ind.level != level:
                continue
            lines += [
                f"### `{ind.name}`: {ind.title}",
                "",
                f"- unit: {ind.unit}",
                f"- formula: {ind.formula}",
                f"- inputs: {', '.join(f'`{i}`' for i in ind.inputs)}",
            ]
            if ind.note:
                lines.append(f"- note: {ind.note}")
            lines.append("")
    lines += [
        "## Parameters",
        "",
        "```yaml",
        yaml.safe_dump(parameters(), sort_keys=False).rstrip(),
        "```",
        "",
    ]
    return "\n".join(lines)
