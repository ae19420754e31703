"""The error envelope, the token, limits, and proposing or editing records through the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from migdip.paths import records_dir
from tests import counts
from tests.api.conftest import AUTH


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    err: dict[str, Any] = body["error"]
    assert err["status"] == status and err["code"] == code and err["message"]
    return err


def test_unknown_record_is_404_in_the_envelope(client: TestClient) -> None:
    err = _error(client.get("/api/v1/atlas/records/no-such-record"), 404, "not_found")
    assert "no-such-record" in err["message"]


def test_unknown_path_is_404_in_the_envelope(client: TestClient) -> None:
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_bad_facet_names_value_and_accepted(client: TestClient) -> None:
    err = _error(client.get("/api/v1/atlas/records?instrument=bogus"), 400, "bad_input")
    assert "'bogus'" in err["message"] and "accepted: " in err["message"]


def test_out_of_range_parameter_lists_the_problem(client: TestClient) -> None:
    err = _error(client.get("/api/v1/atlas/records?limit=9999"), 422, "invalid_request")
    assert err["problems"][0]["field"] == "query.limit" and err["problems"][0]["value"] == "'9999'"


def test_sql_cannot_be_smuggled_through_sort_or_names(client: TestClient) -> None:
    _error(
        client.get("/api/v1/atlas/records?sort=year;DROP TABLE atlas_records"),
        422,
        "invalid_request",
    )
    _error(client.get('/api/v1/indicators/pairs?sort=a" ; DROP TABLE x'), 422, "invalid_request")
    err = _error(client.get("/api/v1/indicators/pairs?sort=nope"), 400, "bad_input")
    assert "accepted: " in err["message"]
    assert client.get("/api/v1/atlas/stats").json()["data"]["records"] == counts.total()


def test_pair_indicator_map_needs_a_partner(client: TestClient) -> None:
    err = _error(client.get("/api/v1/indicators/migrants_a_in_b/map"), 400, "bad_input")
    assert "partner" in err["message"]


def test_writes_need_the_token(client: TestClient) -> None:
    r = client.post("/api/v1/atlas/records", json={"id": "x"})
    err = _error(r, 401, "unauthorized")
    assert "Bearer" in err["message"] and r.headers["www-authenticate"] == "Bearer"
    _error(
        client.post("/api/v1/atlas/records", json={}, headers={"Authorization": "Bearer wrong"}),
        401,
        "unauthorized",
    )
    _error(client.post("/api/v1/jobs", json={"kind": "impact"}), 401, "unauthorized")
    _error(client.delete("/api/v1/jobs/0123456789ab"), 401, "unauthorized")


def test_request_bodies_are_limited(client: TestClient) -> None:
    big = {"id": "x", "summary": "y" * 300_000}
    err = _error(client.post("/api/v1/atlas/records", json=big, headers=AUTH), 413, "too_large")
    assert "200,000" in err["message"]


def _example(new_id: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (records_dir() / "2016" / "eu-tur-2016-statement.yaml").read_text(encoding="utf-8")
    )
    data["id"] = new_id
    data["title"] = "A test record proposed through the API"
    data["related"] = []
    return data


def test_propose_a_record_then_find_it(writable: tuple[TestClient, Path]) -> None:
    c, root = writable
    before = c.get("/api/v1/atlas/records?q=proposed%20through").json()["meta"]["total"]
    r = c.post("/api/v1/atlas/records", json=_example("api-test-2016-proposal"), headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["file"] == "2016/api-test-2016-proposal.yaml"
    assert (root / "2016" / "api-test-2016-proposal.yaml").is_file()
    found = c.get("/api/v1/atlas/records?q=proposed%20through").json()  # not the cached page
    assert found["meta"]["total"] == before + 1
    assert found["data"][0]["id"] == "api-test-2016-proposal"
    again = c.post("/api/v1/atlas/records", json=_example("api-test-2016-proposal"), headers=AUTH)
    assert "exists" in _error(again, 409, "exists")["message"]


def test_an_invalid_record_is_refused_whole_and_nothing_is_written(
    writable: tuple[TestClient, Path],
) -> None:
    c, root = writable
    before = sorted(p.name for p in root.rglob("*.yaml"))
    bad = _example("api-test-2016-bad") | {"kind": "rumour", "date_start": "2016-13-01"}
    err = _error(c.post("/api/v1/atlas/records", json=bad, headers=AUTH), 422, "invalid_record")
    fields = {p["field"] for p in err["problems"]}
    assert {"kind", "date_start"} <= fields
    assert any("rumour" in p["value"] for p in err["problems"])
    assert sorted(p.name for p in root.rglob("*.yaml")) == before
    _error(c.get("/api/v1/atlas/records/api-test-2016-bad"), 404, "not_found")


def test_a_failed_rebuild_puts_everything_back(writable: tuple[TestClient, Path]) -> None:
    c, root = writable
    broken = root / "2016" / "zz-broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")  # someone else's broken file
    try:
        r = c.post("/api/v1/atlas/records", json=_example("api-test-2016-held"), headers=AUTH)
        err = _error(r, 422, "invalid_atlas")
        assert any("zz-broken.yaml" in p["message"] for p in err["problems"])
        assert not (root / "2016" / "api-test-2016-held.yaml").exists()
        _error(c.get("/api/v1/atlas/records/api-test-2016-held"), 404, "not_found")
    finally:
        broken.unlink()


def test_edit_a_record(writable: tuple[TestClient, Path]) -> None:
    c, root = writable
    data = _example("api-test-2016-edited")
    assert c.post("/api/v1/atlas/records", json=data, headers=AUTH).status_code == 201
    r = c.put(
        "/api/v1/atlas/records/api-test-2016-edited",
        json=data | {"title": "An edited title"},
        headers=AUTH,
    )
    assert r.status_code == 200 and r.json()["data"]["created"] is False
    shown = c.get("/api/v1/atlas/records/api-test-2016-edited").json()["data"]
    assert shown["title"] == "An edited title"
    text = (root / "2016" / "api-test-2016-edited.yaml").read_text(encoding="utf-8")
    assert "An edited title" in text


def test_edit_checks_the_id_and_existence(writable: tuple[TestClient, Path]) -> None:
    c, _ = writable
    other = _example("api-test-2016-other")
    err = _error(
        c.put("/api/v1/atlas/records/eu-tur-2016-statement", json=other, headers=AUTH),
        400,
        "bad_input",
    )
    assert "ids are permanent" in err["message"]
    _error(
        c.put("/api/v1/atlas/records/api-test-2016-other", json=other, headers=AUTH),
        404,
        "not_found",
    )
