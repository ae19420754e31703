"""Every result's meta is the CLI's (``migdip.meta.result_meta``) on the same warehouse, plus
``api_version``; operations that read the Atlas name its build; a job's result names what it was
computed from when it ran."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from migdip.cli import app
from migdip.meta import result_meta
from migdip.warehouse import Warehouse
from tests.api.conftest import AUTH
from tests.api.test_errors_and_writes import _example
from tests.api.test_reads import READS
from tests.cli.helpers import runner

# The reads whose operation reads the Atlas (records, their counts, a country's records, the
# deals on a route); the codebook is shipped with migdip and names no build.
READS_ATLAS = {
    "/api/v1/atlas/records?instrument=deployment_ban",
    "/api/v1/atlas/records/eu-tur-2016-statement",
    "/api/v1/atlas/stats",
    "/api/v1/atlas/timeline?dataset=curated",
    "/api/v1/atlas/network?dataset=curated",
    "/api/v1/atlas/records/ita-lby-2017-mou/flows",
    "/api/v1/countries/TUR",
    "/api/v1/routes/eastern_mediterranean/series",
}


@pytest.fixture(scope="module")
def cli_meta(client: TestClient, api_warehouse: Path) -> dict[str, Any]:
    """The meta the CLI gives on the API's warehouse (data versions and Atlas build)."""
    client.get("/api/v1/health")  # the app has built the warehouse
    con = Warehouse(api_warehouse).read()
    try:
        return result_meta(con, datasets=True, atlas=True)
    finally:
        con.close()


def test_every_meta_is_the_clis_result_meta(
    client: TestClient, api_warehouse: Path, cli_meta: dict[str, Any]
) -> None:
    assert READS_ATLAS.issubset(READS)
    assert cli_meta["data_versions"] and cli_meta["atlas"]["records"] > 0
    for url in READS:
        meta = client.get(url).json()["meta"]
        assert meta["api_version"] == "v1", url
        assert meta["migdip_version"] == cli_meta["migdip_version"], url
        assert meta["data_versions"] == cli_meta["data_versions"], url
        if url in READS_ATLAS:
            assert meta["atlas"] == cli_meta["atlas"], url
        else:
            assert "atlas" not in meta, url
    # and what a real CLI command prints on that warehouse
    out = runner.invoke(app, ["atlas", "stats", "--warehouse", str(api_warehouse), "--json"])
    assert out.exit_code == 0, out.output
    printed = json.loads(out.stdout)["meta"]
    served = client.get("/api/v1/atlas/stats").json()["meta"]
    assert printed["atlas"] == served["atlas"]
    assert printed["migdip_version"] == served["migdip_version"]


def _finish(c: TestClient, job_id: str) -> dict[str, Any]:
    for _ in range(1200):
        job: dict[str, Any] = c.get(f"/api/v1/jobs/{job_id}").json()["data"]
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def _run(c: TestClient, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    r = c.post("/api/v1/jobs", json={"kind": kind, "params": params}, headers=AUTH)
    assert r.status_code == 202, r.text
    job = _finish(c, r.json()["data"]["id"])
    assert job["status"] == "done", job
    meta: dict[str, Any] = c.get(f"/api/v1/jobs/{job['id']}/result").json()["meta"]
    return meta


def test_a_job_result_names_the_versions_it_was_computed_from(
    client: TestClient, cli_meta: dict[str, Any]
) -> None:
    impact = _run(client, "impact", {"record_id": "eu-tun-2023-mou"})  # reads the Atlas
    assert impact["data_versions"] == cli_meta["data_versions"]
    assert impact["atlas"] == cli_meta["atlas"]
    assert impact["migdip_version"] == cli_meta["migdip_version"]
    negotiation = _run(
        client, "negotiation", {"destination": "EU", "partner": "TUN", "start": 2023}
    )
    assert negotiation["data_versions"] == cli_meta["data_versions"]
    assert "atlas" not in negotiation
    network = _run(client, "scenario", {"name": "aegean_toy", "runs": 2})
    assert network["data_versions"] == [] and "atlas" not in network  # the file alone


def test_the_atlas_build_is_captured_when_a_job_runs_not_when_fetched(
    writable: tuple[TestClient, Path],
) -> None:
    c, _ = writable
    before = c.get("/api/v1/atlas/stats").json()["meta"]["atlas"]
    r = c.post(
        "/api/v1/jobs",
        json={"kind": "impact", "params": {"record_id": "eu-tun-2023-mou"}},
        headers=AUTH,
    )
    assert r.status_code == 202, r.text
    job = _finish(c, r.json()["data"]["id"])
    assert job["status"] == "done", job
    posted = c.post("/api/v1/atlas/records", json=_example("api-test-2016-meta"), headers=AUTH)
    assert posted.status_code == 201, posted.text
    after = c.get("/api/v1/atlas/stats").json()["meta"]["atlas"]  # a new generation, a new build
    assert (
        after["records"] == before["records"] + 1 and after["fingerprint"] != before["fingerprint"]
    )
    result = c.get(f"/api/v1/jobs/{job['id']}/result").json()["meta"]
    assert result["atlas"] == before  # the build the job read, not today's
