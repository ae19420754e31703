"""Jobs through the API: start, progress, result, download, cancel, refusals."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import AUTH

ROUTES = ["Eastern Mediterranean Route", "Central Mediterranean Route"]


def _spec(runs: int = 8) -> dict[str, Any]:
    return {
        "kind": "route_model",
        "name": "api test",
        "routes": ROUTES,
        "origin": "2023-12",
        "horizon": 6,
        "levers": [
            {"route": ROUTES[1], "kind": "interception", "rate": 0.5, "start": 1, "label": "deal"}
        ],
        "counterfactuals": [{"name": "no deal", "remove": ["deal"]}],
        "ensemble": {"runs": runs, "seed": 3},
    }


def _finish(client: TestClient, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()["data"]
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_route_scenario_job_runs_to_a_result(client: TestClient) -> None:
    r = client.post(
        "/api/v1/jobs", json={"kind": "route_scenario", "params": {"spec": _spec()}}, headers=AUTH
    )
    assert r.status_code == 202, r.text
    job = _finish(client, r.json()["data"]["id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    result = client.get(f"/api/v1/jobs/{job['id']}/result").json()["data"]
    assert set(result["variants"]) == {"baseline", "no deal"}
    cmed = result["variants"]["baseline"]["total_by_route"][ROUTES[1]]["q50"]
    without = result["variants"]["no deal"]["total_by_route"][ROUTES[1]]["q50"]
    assert cmed < without  # interception lowers detections on its route
    again = client.post(
        "/api/v1/jobs", json={"kind": "route_scenario", "params": {"spec": _spec()}}, headers=AUTH
    )
    repeat = _finish(client, again.json()["data"]["id"])
    assert client.get(f"/api/v1/jobs/{repeat['id']}/result").json()["data"] == result  # seeded
    csv_text = client.get(f"/api/v1/jobs/{job['id']}/result?format=csv").text
    assert csv_text.startswith("scenario,")
    listed = [j["id"] for j in client.get("/api/v1/jobs").json()["data"]]
    assert job["id"] in listed


def test_other_job_kinds(client: TestClient) -> None:
    for kind, params in (
        ("scenario", {"name": "aegean_toy", "runs": 4}),
        ("impact", {"record_id": "eu-tun-2023-mou"}),
        ("negotiation", {"destination": "EU", "partner": "TUN", "start": 2023, "periods": 2}),
    ):
        r = client.post("/api/v1/jobs", json={"kind": kind, "params": params}, headers=AUTH)
        assert r.status_code == 202, r.text
        job = _finish(client, r.json()["data"]["id"])
        assert job["status"] == "done", job
        assert client.get(f"/api/v1/jobs/{job['id']}/result").json()["data"]


def test_cancel_a_job(client: TestClient) -> None:
    r = client.post(
        "/api/v1/jobs",
        json={"kind": "route_scenario", "params": {"spec": _spec(runs=500)}},
        headers=AUTH,
    )
    job_id = r.json()["data"]["id"]
    cancelled = client.delete(f"/api/v1/jobs/{job_id}", headers=AUTH)
    assert cancelled.status_code == 200
    job = _finish(client, job_id)
    assert job["status"] == "cancelled"
    err = client.get(f"/api/v1/jobs/{job_id}/result").json()["error"]
    assert err["code"] == "not_found" and "cancelled" in err["message"]


def test_bad_jobs_are_refused_before_they_queue(client: TestClient) -> None:
    def post(body: dict[str, Any]) -> dict[str, Any]:
        r = client.post("/api/v1/jobs", json=body, headers=AUTH)
        assert r.status_code == 400, r.text
        err: dict[str, Any] = r.json()["error"]
        return err

    assert "accepted: route_scenario" in post({"kind": "mine", "params": {}})["message"]
    spec = _spec() | {"series": "/etc/passwd"}
    assert (
        "files are not read"
        in post({"kind": "route_scenario", "params": {"spec": spec}})["message"]
    )
    spec = _spec() | {"routes": ["Nope"]}
    msg = post({"kind": "route_scenario", "params": {"spec": spec}})["message"]
    assert "spec.routes 'Nope'; accepted: Eastern Mediterranean Route" in msg
    spec = _spec(runs=100_000)
    assert "ensemble.runs" in post({"kind": "route_scenario", "params": {"spec": spec}})["message"]
    assert "aegean_toy" in post({"kind": "scenario", "params": {"name": "nope"}})["message"]
    msg = post({"kind": "negotiation", "params": {"destination": "EU"}})["message"]
    assert "params.partner" in msg and "params.start" in msg
    r = client.get("/api/v1/jobs/ffffffffffff")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
