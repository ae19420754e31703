"""What the Atlas holds, counted from the record files (tests pin these, never literal counts
that go stale as curators add records)."""

from __future__ import annotations

from pathlib import Path

import yaml

from migdip.atlas.imports import import_bilateral_labour_agreements
from migdip.paths import records_dir


def curated() -> int:
    return sum(1 for _ in records_dir().rglob("*.yaml"))


def total() -> int:
    imported, _ = import_bilateral_labour_agreements()
    return curated() + len(imported)


def sources(record_id: str) -> int:
    path = next(Path(records_dir()).rglob(f"{record_id}.yaml"))
    return len(yaml.safe_load(path.read_text(encoding="utf-8"))["sources"])
