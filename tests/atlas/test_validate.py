"""Pinned error messages: each names the file, the field, the bad value and what is accepted."""

from __future__ import annotations

from pathlib import Path

import yaml

from migdip.atlas.validate import load_file, validate_records


def _edit(root: Path, change: dict[str, object]) -> Path:
    path = root / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _messages(root: Path) -> list[str]:
    return [str(p) for p in validate_records(root).errors]


def test_example_record_is_valid(records_copy: Path) -> None:
    report = validate_records(records_copy)
    assert report.valid, report.errors
    assert [r.id for r in report.records] == ["eu-tur-2016-statement"]


def test_unknown_instrument_lists_accepted_values(records_copy: Path) -> None:
    _edit(records_copy, {"instruments": ["joint_declaration", "bribe"]})
    [message] = _messages(records_copy)
    assert message.startswith(
        "error: 2016/eu-tur-2016-statement.yaml: instruments[1]: 'bribe' is not a known "
        "instrument; accepted: readmission_standard, readmission_nonstandard,"
    )


def test_unknown_field_lists_accepted_fields(records_copy: Path) -> None:
    _edit(records_copy, {"titel": "typo"})
    [message] = _messages(records_copy)
    assert message.startswith(
        "error: 2016/eu-tur-2016-statement.yaml: titel: unknown field 'titel'; accepted "
        "fields: id, title, kind, summary,"
    )


def test_bad_date_names_accepted_forms(records_copy: Path) -> None:
    _edit(records_copy, {"date_start": "18 March 2016"})
    messages = _messages(records_copy)
    assert (
        "error: 2016/eu-tur-2016-statement.yaml: date_start: '18 March 2016' is not a date; "
        "accepted: YYYY, YYYY-MM or YYYY-MM-DD (quoted)"
    ) in messages


def test_every_problem_is_reported_at_once(records_copy: Path) -> None:
    _edit(records_copy, {"kind": "deal", "confidence": "certain", "regions": []})
    messages = _messages(records_copy)
    assert len(messages) == 3
    assert any("kind: 'deal' is not a known record_kind" in m for m in messages)
    assert any("confidence: 'certain' is not a known confidence" in m for m in messages)
    assert any("regions: List should have at least 1 item" in m for m in messages)


def test_figure_without_source_is_an_error(records_copy: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["parties"][0]["gives"][0]["sources"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert _messages(records_copy) == [
        "error: 2016/eu-tur-2016-statement.yaml: parties[0].gives[0].sources: a figure must "
        "cite the source it came from: add sources: [s1] (or remove the figure)"
    ]


def test_citation_of_missing_source(records_copy: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["parties"][0]["gives"][0]["sources"] = ["s99"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    accepted = ", ".join(s["id"] for s in data["sources"])
    assert _messages(records_copy) == [
        "error: 2016/eu-tur-2016-statement.yaml: parties[0].gives[0].sources: no such source; "
        f"accepted: {accepted} (value: s99)"
    ]


def test_unknown_actor_suggests_codes(records_copy: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["parties"][1]["actor"] = "tur"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    [message] = _messages(records_copy)
    assert message.startswith("error: 2016/eu-tur-2016-statement.yaml: parties[1].actor: unknown")
    assert message.endswith("or ns:<slug>; did you mean TUR? (value: tur)")


def test_yaml_syntax_error_gives_line(records_copy: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    path.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    [message] = _messages(records_copy)
    assert message.startswith("error: 2016/eu-tur-2016-statement.yaml: not valid YAML: line 3")


def test_file_name_and_folder_must_match(records_copy: Path) -> None:
    src = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    (records_copy / "2015").mkdir()
    src.rename(records_copy / "2015" / "other.yaml")
    messages = _messages(records_copy)
    assert (
        "error: 2015/other.yaml: id: the file must be named after the id: "
        "eu-tur-2016-statement.yaml (value: eu-tur-2016-statement)"
    ) in messages
    assert (
        "error: 2015/other.yaml: date_start: the file must sit in the folder of its year: "
        "2016/ (value: 2016-03-18)"
    ) in messages


def test_duplicate_ids_are_errors(records_copy: Path) -> None:
    src = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    (records_copy / "2016" / "copy").mkdir()
    (records_copy / "2016" / "copy" / src.name).write_text(src.read_text())
    messages = _messages(records_copy)
    assert any("id: duplicate id: also used by" in m for m in messages)


def test_likely_duplicate_is_a_warning(records_copy: Path) -> None:
    src = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    text = src.read_text().replace("eu-tur-2016-statement", "eu-tur-2016-deal")
    (records_copy / "2016" / "eu-tur-2016-deal.yaml").write_text(text)
    report = validate_records(records_copy)
    assert report.valid
    assert any("likely duplicate of" in p.message for p in report.warnings)


def test_non_state_actor_needs_name_and_type(records_copy: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["parties"].append({"actor": "ns:sea-watch", "positions": ["none"], "role": "facilitator"})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    messages = _messages(records_copy)
    assert (
        "error: 2016/eu-tur-2016-statement.yaml: parties[2].name: a non-state actor needs a name"
        in messages
    )
    assert any(
        m.startswith("error: 2016/eu-tur-2016-statement.yaml: parties[2].actor_type")
        for m in messages
    )


def test_load_file_reports_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("- a\n- b\n")
    record, problems = load_file(path, tmp_path)
    assert record is None
    assert (
        str(problems[0])
        == "error: x.yaml: a record file must hold a mapping of fields (value: ['a', 'b'])"
    )


def test_high_confidence_on_mirrors_only_is_a_warning(records_copy: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["confidence"] = "high"
    party = next(p for p in data["parties"] if p.get("got_sources"))
    data["sources"].append({"id": "s99", "url": "https://docslib.org/doc/1/x", "title": "A copy"})
    party["got_sources"] = ["s99"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    warnings = [str(p) for p in validate_records(records_copy).warnings]
    assert any("rests only on mirrors" in w and "(value: s99)" in w for w in warnings), warnings
    data["confidence"] = "medium"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert not any("rests only" in str(p) for p in validate_records(records_copy).warnings)
