"""Hypothesis strategies that draw valid Atlas records from the codebook's vocabularies."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from migdip.atlas.codebook import vocabulary
from migdip.atlas.model import _UNSAFE, Record

STATES = ["TUR", "PHL", "KWT", "MEX", "USA", "LBY", "ITA", "AUS", "NRU", "DDR", "EU", "IOM"]


def voc(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(vocabulary(name))


def _date(year: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(str(year)),
        st.integers(1, 12).map(lambda m: f"{year}-{m:02d}"),
        st.dates().map(lambda d: f"{year}-{d.month:02d}-{min(d.day, 28):02d}"),
    )


text = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
    .filter(lambda t: not _UNSAFE.search(t))  # text the model refuses (bidi overrides...)
)
opt_text = st.none() | text
amount = st.none() | st.floats(0, 1e12, allow_nan=False)


def item(source_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": voc("item_type")},
        optional={
            "description": text,
            "status": voc("item_status"),
            "currency": st.sampled_from(["EUR", "USD", "GBP"]),
            "period": text,
        },
    ).flatmap(
        lambda d: st.one_of(
            st.just(d),
            st.tuples(st.floats(0, 1e12, allow_nan=False), st.sampled_from(source_ids)).map(
                lambda t: d | {"amount": t[0], "sources": [t[1]]}
            ),
        )
    )


def _got(got: str, source: str) -> dict[str, Any]:
    if got == "unknown":
        return {"got": got, "got_reason": "no source says"}
    return {"got": got, "got_detail": "what it got", "got_sources": [source]}


def money_figure(source_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "stage": voc("money_stage"),
            "amount": st.floats(0, 1e12, allow_nan=False),
            "currency": st.sampled_from(["EUR", "USD", "GBP"]),
            "as_of": st.integers(1950, 2025).flatmap(_date),
            "sources": st.lists(st.sampled_from(source_ids), min_size=1, max_size=2, unique=True),
        },
        optional={"tranche": text, "note": text},
    )


@st.composite
def records(draw: st.DrawFn) -> Record:
    year = draw(st.integers(1950, 2025))
    n_sources = draw(st.integers(1, 3))
    source_ids = [f"s{i + 1}" for i in range(n_sources)]
    sources = [
        {
            "id": sid,
            "url": f"https://example.org/{draw(st.from_regex(r'[a-z0-9]{1,12}', fullmatch=True))}",
            "title": draw(text),
        }
        | ({"publisher": draw(text)} if draw(st.booleans()) else {})
        for sid in source_ids
    ]
    actors = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=3, unique=True))
    parties = [
        {
            "actor": a,
            "positions": draw(st.lists(voc("position"), min_size=1, max_size=2, unique=True)),
            "role": draw(voc("role")),
            "gives": draw(st.lists(item(source_ids), max_size=2)),
            "gets": draw(st.lists(item(source_ids), max_size=2)),
        }
        | (_got(draw(voc("got")), source_ids[0]) if draw(st.booleans()) else {})
        for a in actors
    ]
    first = draw(_date(year))
    doc: dict[str, Any] = {
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{2,30}", fullmatch=True)),
        "title": draw(text),
        "kind": draw(voc("record_kind")),
        "summary": draw(text),
        "date_start": first,
        "instruments": draw(st.lists(voc("instrument"), min_size=1, max_size=3, unique=True)),
        "regions": draw(st.lists(voc("region"), min_size=1, max_size=2, unique=True)),
        "routes": draw(st.lists(voc("route"), max_size=2, unique=True)),
        "parties": parties,
        "approach": {"mode": draw(voc("approach_mode"))}
        | ({"challenger_type": draw(voc("challenger_type"))} if draw(st.booleans()) else {}),
        "domains": draw(st.lists(voc("domain"), max_size=3, unique=True)),
        "drivers": draw(st.lists(voc("driver"), max_size=3, unique=True)),
        "outcome": {
            "status": [{"date": first, "status": draw(voc("status"))}],
            "rights_effect": draw(st.none() | voc("rights_effect")),
        },
        "sources": sources,
        "confidence": draw(voc("confidence")),
        "tags": draw(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=3)),
    }
    if doc["outcome"]["rights_effect"] is None:
        del doc["outcome"]["rights_effect"]
    elif doc["outcome"]["rights_effect"] != "unknown":
        doc["outcome"]["rights"] = [
            {"who": draw(text), "what": draw(text), "effect": doc["outcome"]["rights_effect"]}
            | {"sources": [source_ids[-1]]}
        ]
    doc["outcome"]["money"] = draw(st.lists(money_figure(source_ids), max_size=3))
    if "challenger_type" in doc["approach"]:
        doc["approach"]["classified_by"] = [source_ids[0]]
    if {"threat_to_release", "engineered_movement"} & set(doc["instruments"]):
        doc["coercion"] = {
            "demands": draw(text),
            "carried_out": draw(voc("carried_out")),
            "people_moved": draw(amount),
            "sources": [source_ids[0]],
        } | ({"greenhill_outcome": draw(voc("coercion_outcome"))} if draw(st.booleans()) else {})
    return Record.model_validate(doc)
