"""Small defects found by users, each reproduced and fixed."""

from __future__ import annotations

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


def test_ids_that_contradict_their_years_are_reported() -> None:
    report = validate_records(records_dir())
    flagged = {p.value for p in report.warnings if "the id names the year" in p.message}
    assert "npl-2017-domestic-worker-ban" in flagged
    assert "eu-tur-2016-statement" not in flagged
