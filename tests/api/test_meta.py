"""Every result's meta is the CLI's (``migdip.meta.result_meta``) on the same warehouse, plus
``api_version``; operations that read the Atlas name its build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from migdip.cli import app
from migdip.meta import result_meta
from migdip.warehouse import Warehouse
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
