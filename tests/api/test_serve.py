"""`migdip serve`: builds the warehouse, prints the addresses and the token, serves."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_prints_its_address_and_serves_api_and_dashboard(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, MIGDIP_WAREHOUSE=str(tmp_path / "w.duckdb"), MIGDIP_API_TOKEN="t0k")
    migdip = Path(sys.executable).with_name("migdip")
    proc = subprocess.Popen(
        [str(migdip), "serve", "--port", str(port), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        text = ""
        while not text.endswith("}\n"):  # the JSON object printed before serving
            line = proc.stdout.readline()
            assert line, "serve printed no JSON"
            text += line
        info = json.loads(text)
        assert info["dashboard"] == f"http://localhost:{port}/" and info["token"] == "t0k"
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as r:
                    assert json.load(r)["data"]["status"] == "ok"
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            assert "<html" in r.read().decode().lower()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
