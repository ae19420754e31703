"""Small defects found by users, each reproduced and fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from migdip.atlas.validate import validate_records
from migdip.paths import records_dir


def _error(r: object, status: int) -> str:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    return str(r.json()["error"]["message"])  # type: ignore[attr-defined]


def test_a_year_past_the_data_is_refused(client: TestClient) -> None:
    message = _error(client.get("/api/v1/countries/EU/leverage?year=2030"), 400)
    assert "past the data" in message and "accepted: 1950 to 2025" in message


def test_an_unknown_partner_on_the_map_is_refused(client: TestClient) -> None:
    message = _error(client.get("/api/v1/indicators/leverage_a_over_b/map?partner=ZZZ"), 400)
    assert "'ZZZ' is not a known state or bloc" in message


@pytest.mark.parametrize("text", ["!!!", "\U0001f600", "the of"])
def test_a_search_without_words_is_refused(client: TestClient, text: str) -> None:
    message = _error(client.get("/api/v1/atlas/records", params={"q": text}), 400)
    assert "holds no word to search for" in message


def test_swapped_roles_in_a_negotiation_are_named(client: TestClient) -> None:
    message = _error(client.get("/api/v1/negotiations/TUN/EU?year=2023"), 400)
    assert "did you mean EU TUN?" in message


def test_ids_agree_with_their_years_and_former_ids_still_resolve(client: TestClient) -> None:
    report = validate_records(records_dir())
    assert [p.value for p in report.warnings if "the id names the year" in p.message] == []
    moved = client.get("/api/v1/atlas/records/npl-2017-domestic-worker-ban").json()["data"]
    assert moved["id"] == "npl-2014-domestic-worker-ban"
    assert moved["former_ids"] == ["npl-2017-domestic-worker-ban"]


def test_an_id_that_contradicts_its_year_is_warned(tmp_path: Path) -> None:
    import yaml

    root = tmp_path / "2016"
    root.mkdir()
    source = records_dir() / "2016" / "eu-tur-2016-statement.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["id"] = "eu-tur-2019-statement"
    (root / "eu-tur-2019-statement.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    report = validate_records(tmp_path)
    assert any("the id names the year 2019" in p.message for p in report.warnings)
