"""Pinned versions: parsing, refusals, and round-trips of the manifest entries."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migdip.data.pins import dump_pinned, load_pinned, parse_pin, pins_from
from migdip.data.registry import DATASETS
from migdip.data.versions import Version
from migdip.errors import InputError, NotFoundError

hexes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0)
)


@given(
    dataset=st.sampled_from(sorted(DATASETS)),
    sha=hexes,
    release=st.none() | texts,
    retrieved=st.none() | moments,
    rows=st.none() | st.integers(0, 10**9),
    stored=st.none() | texts,
    in_use=st.booleans(),
)
def test_a_version_entry_round_trips_through_json(
    dataset: str,
    sha: str,
    release: str | None,
    retrieved: datetime | None,
    rows: int | None,
    stored: str | None,
    in_use: bool,
) -> None:
    v = Version(
        dataset,
        sha[:12],
        release,
        retrieved,
        sha,
        rows,
        None,
        "fmt",
        None,
        "f.csv.gz",
        stored,
        retrieved,
        in_use,
    )
    assert Version.from_dict(json.loads(json.dumps(v.as_dict()))) == v


@given(st.dictionaries(st.sampled_from(sorted(DATASETS)), hexes.map(lambda h: h[:12])))
def test_pins_round_trip_through_the_pinned_file(pins: dict[str, str]) -> None:
    assert pins_from(json.loads(dump_pinned(pins)), "pins") == pins


@given(
    st.dictionaries(st.sampled_from(sorted(DATASETS)), hexes.map(lambda h: h[:12])),
    st.dictionaries(st.sampled_from(["total", "figures", "partners"]), st.integers()),
)
def test_any_result_is_a_pinned_file(pins: dict[str, str], body: dict[str, int]) -> None:
    """A command's --json output, read back: the versions its meta names are the pins."""
    versions = [{"dataset": d, "version": v, "release": None} for d, v in pins.items()]
    result = body | {"meta": {"migdip_version": "0.1.0", "data_versions": versions}}
    assert pins_from(json.loads(json.dumps(result)), "out.json") == pins


def test_every_pinned_file_form_is_read(tmp_path: Path) -> None:
    meta = {"data": [], "meta": {"data_versions": [{"dataset": "wdi", "version": "abcdef123456"}]}}
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    assert load_pinned(tmp_path / "meta.json") == {"wdi": "abcdef123456"}
    (tmp_path / "pins.yaml").write_text("wdi: abcdef123456\nundesa_stock: bundled\n")
    assert load_pinned(tmp_path / "pins.yaml") == {"wdi": "abcdef123456", "undesa_stock": "bundled"}
    rows = [
        {"dataset": "wdi", "version": "a" * 12, "in_use": False},
        {"dataset": "wdi", "version": "b" * 12},
    ]
    assert pins_from(rows, "x") == {"wdi": "b" * 12}


def test_bad_pins_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="accepted: DATASET=VERSION"):
        parse_pin("wdi")
    with pytest.raises(NotFoundError, match="no dataset named 'wdx'"):
        parse_pin("wdx=abcdef")
    with pytest.raises(
        InputError, match=r"entry 1 .* accepted: an object with dataset and version"
    ):
        pins_from([{"dataset": "wdi"}], "pins.json")
    with pytest.raises(InputError, match="dataset 'nope' is not accepted"):
        pins_from({"nope": "abcdef"}, "pins.json")
    (tmp_path / "bad.json").write_text("[1, 2")
    with pytest.raises(InputError, match=r"not accepted|neither JSON nor YAML"):
        load_pinned(tmp_path / "bad.json")
