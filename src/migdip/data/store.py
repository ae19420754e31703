"""The versions store: a copy of every version's file, kept beside the warehouse.

Layout: ``<warehouse>.versions/<dataset>/<version>/<file>`` and, beside each file,
``version.json`` (the version's entry, so the store describes itself without the warehouse).
Files are written through a temporary file and moved into place: a failed or interrupted
update never leaves a half-written file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from migdip.atomic import atomic_path, write_text
from migdip.data.versions import Version
from migdip.warehouse import Warehouse

ENTRY = "version.json"


class VersionStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def beside(cls, wh: Warehouse) -> VersionStore | None:
        """The store of a warehouse file (None for a warehouse in memory)."""
        if not wh.shared:
            return None
        return cls(wh.path.parent / f"{wh.path.name}.versions")

    def relative(self, dataset: str, version: str, name: str) -> str:
        return f"{dataset}/{version}/{name}"

    def path(self, stored: str) -> Path:
        return self.root / stored

    def put(self, dataset: str, version: str, source: Path, name: str) -> tuple[str, bool]:
        """Copy ``source`` into the store; return its stored path and whether it is new."""
        stored = self.relative(dataset, version, name)
        target = self.path(stored)
        if target.exists():
            return stored, False
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
        return stored, True

    def remove(self, stored: str) -> None:
        target = self.path(stored)
        target.unlink(missing_ok=True)
        (target.parent / ENTRY).unlink(missing_ok=True)
        for folder in (target.parent, target.parent.parent):
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()

    def write_entry(self, v: Version) -> None:
        if v.stored:
            entry = self.path(v.stored).parent / ENTRY
            write_text(entry, json.dumps(v.as_dict(), indent=2, ensure_ascii=False) + "\n")

    def entries(self) -> list[Version]:
        out = []
        for path in sorted(self.root.glob(f"*/*/{ENTRY}")):
            out.append(Version.from_dict(json.loads(path.read_text(encoding="utf-8")), str(path)))
        return out
