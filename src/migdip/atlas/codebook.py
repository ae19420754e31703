"""The Atlas codebook: the schema kept as data (codebook.csv, vocabularies.csv).

The code validates records against these tables and ``docs/codebook.md`` is rendered from them,
so the schema has one home.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Field:
    field: str
    type: str
    required: bool
    allowed: str
    description: str


@dataclass(frozen=True)
class Term:
    vocabulary: str
    value: str
    description: str


@cache
def fields() -> tuple[Field, ...]:
    """Every field of the codebook, in codebook order."""
    with (_DATA / "codebook.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Field(
                field=row["field"],
                type=row["type"],
                required=row["required"] == "yes",
                allowed=row["allowed"],
                description=row["description"],
            )
            for row in csv.DictReader(fh)
        )


@cache
def terms() -> tuple[Term, ...]:
    with (_DATA / "vocabularies.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Term(row["vocabulary"], row["value"], row["description"]) for row in csv.DictReader(fh)
        )


@cache
def vocabulary(name: str) -> tuple[str, ...]:
    """The allowed values of one vocabulary, in codebook order."""
    values = tuple(t.value for t in terms() if t.vocabulary == name)
    if not values:
        known = sorted({t.vocabulary for t in terms()})
        raise KeyError(f"no vocabulary named {name!r}; known: {', '.join(known)}")
    return values


def vocabulary_names() -> list[str]:
    return sorted({t.vocabulary for t in terms()})


def render_markdown() -> str:
    """The codebook as Markdown (what docs/codebook.md holds)."""
    lines = [
        "# Atlas codebook",
        "",
        "Generated from `src/migdip/atlas/data/codebook.csv` and `vocabularies.csv` by",
        "`migdip atlas codebook`; do not edit by hand (a test checks it is current).",
        "",
        "## Fields",
        "",
        "| field | type | required | allowed | description |",
        "|---|---|---|---|---|",
    ]
    for f in fields():
        allowed = f.allowed.replace("|", "\\|")
        lines.append(
            f"| `{f.field}` | {f.type} | {'yes' if f.required else 'no'} | {allowed} "
            f"| {f.description} |"
        )
    lines += ["", "## Vocabularies", ""]
    for name in vocabulary_names():
        lines += [f"### {name}", "", "| value | description |", "|---|---|"]
        lines += [f"| `{t.value}` | {t.description} |" for t in terms() if t.vocabulary == name]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
