"""Propose or edit one curated record: the same validation as files, then all or nothing.

``save_record`` checks the record as ``migdip atlas validate`` checks a file, writes it as YAML to
``<records>/<year>/<id>.yaml`` atomically, and rebuilds the Atlas in one write of the warehouse.
If the rebuild finds an error across records (a duplicate id, say), the file is put back as it
was (or removed if it is new) and nothing changes in the warehouse. One writer at a time, across
processes too: the file edit happens under the warehouse's write lock.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from migdip.atlas.model import Record
from migdip.atlas.store import AtlasInvalid, build_atlas
from migdip.atlas.validate import Report, _pydantic_problems, record_files, record_problems
from migdip.atomic import write_bytes, write_text
from migdip.errors import InputError, MigdipError, NotFoundError
from migdip.paths import records_dir
from migdip.warehouse import Warehouse

_LOCK = threading.Lock()


class RecordInvalid(MigdipError):
    """A proposed record has errors; ``report`` lists every one (file, field, value, message)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(
            f"the record has {len(report.errors)} error(s); nothing was written:\n"
            + "\n".join(str(p) for p in report.errors)
        )


class RecordExists(MigdipError):
    """A record with this id exists already (propose a new id or edit that record)."""


def check_record(data: Any, name: str = "<proposed record>") -> Record:
    """Validate a record given as a mapping; raise RecordInvalid with every problem."""
    report = Report()
    if not isinstance(data, dict):
        raise InputError(
            f"{name}: a record must be a mapping of fields (got {type(data).__name__})"
        )
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        report.problems = [
            replace(p, value=str(data[p.field]))  # the bad value itself, for API clients
            if not p.value and p.field in data
            else p
            for p in _pydantic_problems(name, exc)
        ]
        raise RecordInvalid(report) from None
    report.problems = record_problems(name, record)
    if report.errors:
        raise RecordInvalid(report)
    return record


def find_file(root: Path, record_id: str) -> Path | None:
    for path in record_files(root):
        if path.name == f"{record_id}.yaml":
            return path
    return None


def save_record(
    warehouse: Warehouse,
    data: dict[str, Any],
    root: Path | None = None,
    replace: str | None = None,
) -> dict[str, Any]:
    """Write a new record (``replace`` None) or replace record ``replace``; rebuild the Atlas.

    Returns the record's id, file and the build's record count. Raises RecordInvalid,
    RecordExists or NotFoundError, writing nothing.
    """
    root = root or records_dir()
    record = check_record(data)
    if replace is not None and record.id != replace:
        raise InputError(
            f"id {record.id!r} differs from the record being edited {replace!r}; "
            "accepted: the same id (ids are permanent)"
        )
    with _LOCK, warehouse.write() as con:
        existing = find_file(root, record.id)
        if replace is None and existing is not None:
            raise RecordExists(
                f"a record with id {record.id!r} exists ({existing.relative_to(root)}); "
                "accepted: a new id, or edit that record"
            )
        if replace is not None and existing is None:
            raise NotFoundError(f"no curated record {replace!r} to edit")
        target = root / str(record.year) / f"{record.id}.yaml"
        previous = {p: p.read_bytes() for p in {target, existing} if p is not None and p.exists()}
        text = yaml.safe_dump(
            record.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
            sort_keys=False,
            allow_unicode=True,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text(target, text)
        if existing is not None and existing != target:
            existing.unlink()  # the year changed: the file moves to its new year's folder
        try:
            result = build_atlas(con, root)
        except AtlasInvalid:
            _restore(target, previous)
            raise
        return {
            "id": record.id,
            "file": str(target.relative_to(root)),
            "records": result.n_records,
            "created": replace is None,
        }


def _restore(target: Path, previous: dict[Path, bytes]) -> None:
    if target not in previous:
        target.unlink(missing_ok=True)
    for path, content in previous.items():
        write_bytes(path, content)
