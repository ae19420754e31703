"""docs/api.md: the REST API's operations, rendered from its OpenAPI document.

Run ``python -m migdip.api.reference`` to rewrite it; a test keeps it current.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

HEAD = """# REST API reference

Generated from the OpenAPI document (`python -m migdip.api.reference`); the live document is at
`/api/v1/openapi.json` and its browsable pages at `/api/docs` when `migdip serve` runs.

- Results come in one envelope, `{"data": ..., "meta": {"api_version": "v1", ...}}`; collections
  add `total`, `limit`, `offset` and `next` (the URL of the next page) to `meta`. Every
  `meta` is the CLI's (`migdip.meta.result_meta`) plus `api_version`: `migdip_version`, the
  `data_versions` in use (dataset, version, release, retrieved_at, sha256) and, for operations
  that read the Atlas (records, stats, timeline, network, coverage, money, flow checks, a
  country's profile, a route's series), `atlas`: the build read (`records_dir`, `fingerprint`,
  `records`, `built_at`). A job's result names the versions (and Atlas build) it was computed
  from, when it ran. A saved response is a pinned versions file: `migdip COMMAND --pinned FILE`
  reads those versions for one run, `migdip data use --pinned FILE` puts them in use (see
  docs/data.md).
- Errors come in one envelope, `{"error": {"status", "code", "message", "problems": [{"field",
  "value", "message"}]}}`: 400 `bad_input` (the message names the value and what is accepted),
  401 `unauthorized`, 404 `not_found`, 409 `exists`, 413 `too_large`, 422 `invalid_request`,
  `invalid_record` or `invalid_atlas`, 429 `busy`.
- Reading is open. Writing (proposing or editing an Atlas record) and jobs need
  `Authorization: Bearer <token>`: the token `migdip serve` prints, or `$MIGDIP_API_TOKEN`.
- Limits: request bodies up to 1 MB; 2 jobs run at once and 8 wait (more: 429); a job that has
  run 600 s is stopped at its next step (ensemble member, scenario variant or period; `migdip
  serve --max-jobs --max-job-seconds`); ensembles of at most 500 runs; pages of at most 500
  items.
- Collections marked "download" take `format=json|csv|parquet` and return the whole selection as
  a file. Successful reads are cached in memory (header `x-cache: hit|miss`); any write clears
  the cache.
- Parameters are bound, never pasted into SQL; names (sort columns, indicators, datasets) are
  checked against the known ones first.

| method | path | what | parameters |
|---|---|---|---|
"""


def render(openapi: dict[str, Any]) -> str:
    rows = []
    for path, ops in openapi["paths"].items():
        for method, op in ops.items():
            params = ", ".join(
                f"`{p['name']}`" + ("" if p["in"] == "query" else " (path)")
                for p in op.get("parameters", [])
            )
            if "requestBody" in op:
                params = (params + ", " if params else "") + "JSON body"
            what = op.get("summary", "")
            if any(p["name"] == "format" for p in op.get("parameters", [])):
                what += " (download)"
            rows.append(f"| {method.upper()} | `{path}` | {what} | {params} |")
    return HEAD + "\n".join(rows) + "\n"


def main() -> None:
    from migdip.api import Settings, create_app
    from migdip.atomic import write_text

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(warehouse=Path(tmp) / "w.duckdb"))
        text = render(app.openapi())
        app.state.migdip.close()
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/api.md")
    write_text(target, text)
    print(f"Wrote {target}")


if __name__ == "__main__":
    main()
