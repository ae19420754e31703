"""Tables as downloads: JSON, CSV or Parquet (Parquet written by DuckDB)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from fastapi.responses import Response

MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def download(rows: list[dict[str, Any]], fmt: str, name: str) -> Response:
    """``rows`` (one dict each, same keys) as a file named ``name.<fmt>``."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "json":
        body = json.dumps(rows, ensure_ascii=False, default=str).encode()
    elif fmt == "csv":
        buf = io.StringIO()
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _flat(v) for k, v in row.items()})
        body = buf.getvalue().encode()
    else:
        body = parquet_bytes(rows)
    return Response(body, media_type=MEDIA[fmt], headers=headers)


def parquet_bytes(rows: list[dict[str, Any]]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="migdip-dl-") as tmp:
        src, out = Path(tmp) / "rows.ndjson", Path(tmp) / "rows.parquet"
        with src.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({k: _flat(v) for k, v in row.items()}, default=str) + "\n")
        con = duckdb.connect()
        try:
            if rows:
                con.execute(
                    f"COPY (SELECT * FROM read_json_auto('{_quote(src)}', "
                    f"format='newline_delimited')) TO '{_quote(out)}' (FORMAT parquet)"
                )
            else:
                con.execute(
                    f"COPY (SELECT NULL AS empty WHERE false) TO '{_quote(out)}' (FORMAT parquet)"
                )
        finally:
            con.close()
        return out.read_bytes()


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
