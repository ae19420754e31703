"""One warehouse, many users: the CLI beside a running server, several servers, racing writers.

These run real processes (``migdip serve``, the CLI, writer scripts) on one warehouse file.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migdip.atlas import Atlas
from migdip.data.ingest import with_datasets
from migdip.paths import records_dir
from migdip.warehouse import Warehouse

MIGDIP = Path(sys.executable).with_name("migdip")
TOKEN = "sharing-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A built warehouse and a copy of the records (the API edits records)."""
    import shutil

    base = tmp_path_factory.mktemp("shared")
    records = base / "atlas" / "records"
    shutil.copytree(records_dir(), records)
    shutil.copytree(records_dir().parent / "computed", base / "atlas" / "computed")
    path = base / "w.duckdb"
    wh = Warehouse(path)
    with_datasets(wh).close()
    Atlas(warehouse=wh, records=records).close()
    return path, records


def _env(path: Path, records: Path) -> dict[str, str]:
    return dict(
        os.environ,
        MIGDIP_WAREHOUSE=str(path),
        MIGDIP_RECORDS=str(records),
        MIGDIP_API_TOKEN=TOKEN,
    )


def _cli(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [str(MIGDIP), *args, "--json"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def server(shared: tuple[Path, Path]) -> Iterator[str]:
    yield from _serve(_env(*shared))


def _serve(env: dict[str, str], *extra: str) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(MIGDIP), "serve", "--port", str(port), "--json", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{url}/api/v1/health", timeout=5):
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if proc.stderr is not None:
            proc.stderr.close()


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def _put(url: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def test_the_cli_reads_and_writes_while_a_server_runs(
    shared: tuple[Path, Path], server: str
) -> None:
    env = _env(*shared)
    stats = _cli(env, "atlas", "stats")
    assert stats["records"] > 1000
    hit = _cli(env, "atlas", "search", "readmission", "--limit", "1")
    assert hit["total"] > 0
    before = _get(f"{server}/api/v1/datasets")["data"]
    stamp = {d["id"]: d["ingested_at"] for d in before}["capital_distances"]
    out = _cli(env, "data", "ingest", "capital_distances")  # a write, while the server reads
    assert out["rows"] == 52441
    after = {d["id"]: d["ingested_at"] for d in _get(f"{server}/api/v1/datasets")["data"]}
    assert after["capital_distances"] != stamp  # the server sees the CLI's write at once


def test_a_record_edited_through_the_api_is_seen_by_the_cli_at_once(
    shared: tuple[Path, Path], server: str
) -> None:
    env = _env(*shared)
    rid = "eu-tur-2016-statement"
    doc = _get(f"{server}/api/v1/atlas/records/{rid}")["data"]
    body = {k: v for k, v in doc.items() if k not in {"file", "provenance"}}
    body["summary"] = doc["summary"] + " Edited through the API."
    _put(f"{server}/api/v1/atlas/records/{rid}", body)
    shown = _cli(env, "atlas", "show", rid)
    assert shown["summary"].endswith("Edited through the API.")
    assert _get(f"{server}/api/v1/atlas/records/{rid}")["data"]["summary"] == shown["summary"]


def test_two_servers_serve_one_warehouse(shared: tuple[Path, Path]) -> None:
    env = _env(*shared)
    first, second = _serve(env), _serve(env)
    a, b = next(first), next(second)
    try:
        for url in (a, b):
            assert _get(f"{url}/api/v1/atlas/stats")["data"]["records"] > 1000
    finally:
        for gen in (first, second):
            gen.close()


def test_one_server_with_several_workers(shared: tuple[Path, Path]) -> None:
    gen = _serve(_env(*shared), "--workers", "2")
    url = next(gen)
    try:
        totals = {_get(f"{url}/api/v1/atlas/stats?n={i}")["data"]["records"] for i in range(8)}
        assert len(totals) == 1
    finally:
        gen.close()


WRITER = """
import sys
from migdip.warehouse import Warehouse
wh = Warehouse(sys.argv[1])
for i in range(int(sys.argv[3])):
    with wh.write() as con:
        con.execute("CREATE TABLE IF NOT EXISTS race (writer VARCHAR, i INTEGER)")
        con.execute("INSERT INTO race VALUES (?, ?)", [sys.argv[2], i])
"""


def test_racing_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "race.duckdb"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, "15"])
        for name in ("a", "b", "c")
    ]
    reader = Warehouse(path)
    seen = []
    while any(p.poll() is None for p in procs):
        con = reader.read()  # readers are never blocked by the writers
        try:
            seen.append(con.execute("SELECT count(*) FROM race").fetchone())
        except Exception:  # the table may not exist yet
            pass
        finally:
            con.close()
        time.sleep(0.01)
    assert all(p.returncode == 0 for p in procs)
    con = reader.read()
    rows = con.execute("SELECT writer, count(*) FROM race GROUP BY writer ORDER BY 1").fetchall()
    assert rows == [("a", 15), ("b", 15), ("c", 15)]
    counts = [int(r[0]) for r in seen if r is not None]
    assert counts == sorted(counts)  # every reader saw a whole generation, never going back


def test_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.write() as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    generation = wh.generation()
    with pytest.raises(RuntimeError), wh.write() as con:
        con.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("boom")
    assert wh.generation() == generation
    assert wh.read().execute("SELECT count(*) FROM t").fetchone() == (1,)
    leftovers = [p.name for p in wh.generations.iterdir() if p.suffix != ".duckdb"]
    assert leftovers == []
