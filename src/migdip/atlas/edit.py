"""Propose or edit one curated record: the same validation as files, then all or nothing.

``save_record`` checks the record as ``migdip atlas validate`` checks a file, writes it as YAML to
``<records>/<year>/<id>.yaml`` atomically, and rebuilds the Atlas in one write of the warehouse.
If the rebuild finds an error across records (a duplicate id, say), the file is put back as it
was (or removed if it is new) and nothing changes in the warehouse. One writer at a time, across
processes too: the file edit happens under the warehouse's write lock.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from migdip.atlas.actors import registry
from migdip.atlas.model import Record
from migdip.atlas.store import AtlasInvalid, build_atlas
from migdip.atlas.validate import (
    MAX_RECORD_BYTES,
    Problem,
    Report,
    _pydantic_problems,
    record_files,
    record_problems,
)
from migdip.atlas.yamledit import diff, render
from migdip.atomic import write_bytes, write_text
from migdip.errors import InputError, MigdipError, NotFoundError
from migdip.paths import records_dir
from migdip.warehouse import Warehouse

_LOCK = threading.Lock()
AUDIT = logging.getLogger("migdip.audit")
DERIVED_KEYS = ("file", "money_in_euros")  # what reading a record adds; never written


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
    size = len(json.dumps(data, ensure_ascii=False, default=str).encode())
    if size > MAX_RECORD_BYTES:
        report.problems = [
            Problem(name, "", f"{size:,} bytes", f"a record may hold at most {MAX_RECORD_BYTES:,}")
        ]
        raise RecordInvalid(report)
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
    actor: str = "api",
) -> dict[str, Any]:
    """Write a new record (``replace`` None) or replace record ``replace``; rebuild the Atlas.

    An edit rewrites only the lines of the values that changed (comments, order, styles and the
    file's mode kept). The write is recorded in ``audit_log`` (who, when, what changed, as a
    diff) and the ``migdip.audit`` log. Returns the record's id, file, the build's record count
    and warnings (likely duplicates). Raises RecordInvalid, RecordExists or NotFoundError,
    writing nothing.
    """
    root = root or records_dir()
    data = {k: v for k, v in data.items() if k not in DERIVED_KEYS}
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
        before = existing.read_text(encoding="utf-8") if existing is not None else None
        document = record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        _drop_derived(document)  # what a read adds (estimates, registry names) is not written
        text = render(document, before)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text(target, text)
        if existing is not None and existing != target:
            target.chmod(existing.stat().st_mode & 0o7777)
            existing.unlink()  # the year changed: the file moves to its new year's folder
        name = str(target.relative_to(root))
        try:
            result = build_atlas(con, root)
        except AtlasInvalid:
            _restore(target, previous)
            raise
        action = "create" if replace is None else "edit"
        change = diff(before, text, name)
        con.execute(
            "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)",
            [datetime.now(UTC).replace(tzinfo=None), actor, action, record.id, name, change],
        )
        AUDIT.info(
            "%s %s %s by %s (%d changed lines)",
            action,
            record.id,
            name,
            actor,
            sum(1 for line in change.splitlines() if line[:1] in "+-") - 2,
        )
        warnings = [
            {"field": p.field, "value": p.value, "message": p.message}
            for p in result.report.warnings
            if p.value == record.id or record.id in p.message
        ]
        return {
            "id": record.id,
            "file": name,
            "records": result.n_records,
            "created": replace is None,
            "warnings": warnings,
        }


def _drop_derived(document: dict[str, Any]) -> None:
    """Leave out what reading a record adds to it: computed estimates (they live in
    ``atlas/computed/``) and actor names and types taken from the actor registry."""
    known = registry()
    for party in document.get("parties", []):
        actor = known.get(party.get("actor", ""))
        if actor is None:
            continue
        if party.get("name") == actor.name:
            party.pop("name")
        if party.get("actor_type") == actor.actor_type:
            party.pop("actor_type")
    outcome = document.get("outcome", {})
    kept = [e for e in outcome.get("flow_effects", []) if not e.get("computed")]
    if kept:
        outcome["flow_effects"] = kept
    else:
        outcome.pop("flow_effects", None)


def _restore(target: Path, previous: dict[Path, bytes]) -> None:
    if target not in previous:
        target.unlink(missing_ok=True)
    for path, content in previous.items():
        write_bytes(path, content)
