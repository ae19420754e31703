"""UNHCR's API JSON (``{"items": [{"year": ..., "coo_iso": ..., ...}]}``) to CSV for staging."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from migdip.data.csvload import LoadError


def json_to_csv(path: Path) -> Path:
    """Write the API's items as CSV in a temporary file (same field names) and return it."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"{path}: not valid JSON ({exc}); is the download truncated?") from None
    items = payload.get("items") if isinstance(payload, dict) else payload
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise LoadError(
            f"{path}: expected the UNHCR API's JSON, an object with a non-empty 'items' list of "
            "records (or a list of records)"
        )
    fields: list[str] = []
    for item in items:
        fields += [k for k in item if k not in fields]
    out = Path(tempfile.mkdtemp(prefix="migdip-json-")) / (path.stem + ".csv")
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for item in items:
            writer.writerow({k: "" if item.get(k) is None else item.get(k) for k in fields})
    return out
