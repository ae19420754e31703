"""Compile the Atlas (curated files plus bulk imports) into the warehouse, all or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml
from pydantic import ValidationError

from migdip.atlas.actors import registry
from migdip.atlas.imports import ImportSummary, import_bilateral_labour_agreements
from migdip.atlas.model import FlowEffect, Record
from migdip.atlas.money import single_currency_totals, to_euros
from migdip.atlas.text import term_counts
from migdip.atlas.validate import WARNING, Problem, Report, validate_records
from migdip.data.countries import bloc_memberships
from migdip.errors import MigdipError
from migdip.paths import records_dir
from migdip.warehouse import Warehouse, insert_rows, transaction

ATLAS_TABLES = (
    "atlas_records",
    "atlas_parties",
    "atlas_items",
    "atlas_status",
    "atlas_flow_effects",
    "atlas_money",
    "atlas_sources",
    "atlas_terms",
    "actors",
    "bloc_memberships",
)


class AtlasInvalid(MigdipError):
    """The Atlas has errors; nothing was written. ``report`` holds every problem."""

    def __init__(self, report: Report) -> None:
        self.report = report
        lines = [str(p) for p in report.errors[:20]]
        more = len(report.errors) - len(lines)
        tail = f"\n... and {more} more (run `migdip atlas validate`)" if more > 0 else ""
        super().__init__(
            f"the Atlas has {len(report.errors)} error(s); nothing was written to the "
            "warehouse:\n" + "\n".join(lines) + tail
        )


@dataclass
class BuildResult:
    report: Report
    imports: list[ImportSummary] = field(default_factory=list)
    n_records: int = 0
    n_curated: int = 0
    n_imported: int = 0
    fingerprint: str = ""


def load_atlas(root: Path | None = None) -> tuple[Report, list[ImportSummary]]:
    """Validate the curated files and the bulk imports together; merge computed estimates."""
    imported, summary = import_bilateral_labour_agreements()
    root = root or records_dir()
    report = validate_records(root, extra=imported)
    merge_computed(report, root.parent / "computed")
    return report, [summary]


def merge_computed(report: Report, folder: Path) -> None:
    """Add computed flow effects (``computed/<id>.yaml``, written by ``migdip impact``)."""
    if not folder.is_dir():
        return
    index = {r.id: k for k, r in enumerate(report.records)}
    for path in sorted(folder.glob("*.yaml")):
        name = str(path)
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            effects = [FlowEffect.model_validate(e) for e in doc.get("flow_effects", [])]
        except (yaml.YAMLError, ValidationError, AttributeError) as exc:
            report.problems.append(Problem(name, "", "", f"cannot read computed effects: {exc}"))
            continue
        rid = str(doc.get("id", path.stem))
        if rid not in index:
            report.problems.append(Problem(name, "id", rid, "no record with this id", WARNING))
            continue
        if not all(e.computed for e in effects):
            report.problems.append(
                Problem(
                    name, "flow_effects", "", "every effect in a computed file needs computed: true"
                )
            )
            continue
        record = report.records[index[rid]]
        kept = [e for e in record.outcome.flow_effects if not e.computed]
        outcome = record.outcome.model_copy(update={"flow_effects": kept + effects})
        report.records[index[rid]] = record.model_copy(update={"outcome": outcome})


def fingerprint(root: Path) -> str:
    """A hash of the record files and the codebook (to know when a rebuild is due)."""
    digest = hashlib.sha256()
    codebook = Path(__file__).resolve().parent / "data"
    for base in (root, codebook, root.parent / "computed"):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in {".yaml", ".csv"}:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _actor_name(code: str, name: str | None) -> str:
    if name:
        return name
    actor = registry().get(code)
    return actor.name if actor else code


def _actor_type(code: str, actor_type: str | None) -> str:
    if actor_type:
        return actor_type
    actor = registry().get(code)
    return actor.actor_type if actor else "other_nonstate"


def record_rows(r: Record, file: str | None) -> dict[str, list[dict[str, Any]]]:
    """One record as rows of the Atlas tables."""
    currency, money = single_currency_totals(r.outcome.money)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in ATLAS_TABLES}
    rows["atlas_records"].append(
        {
            "id": r.id,
            "title": r.title,
            "kind": r.kind,
            "summary": r.summary,
            "date_start": r.date_start,
            "date_end": r.date_end,
            "year": r.year,
            "year_end": int(r.date_end[:4]) if r.date_end else None,
            "instruments": r.instruments,
            "regions": r.regions,
            "routes": r.routes,
            "parties_actors": [p.actor for p in r.parties],
            "approach_mode": r.approach.mode,
            "approach_sum": r.approach.sum,
            "approach_incentives": r.approach.incentives,
            "host_strategy": r.approach.host_strategy,
            "challenger_type": r.approach.challenger_type,
            "domains": r.domains,
            "drivers": r.drivers,
            "status_latest": r.status_latest,
            "rights_effect": r.outcome.rights_effect,
            "money_currency": currency,
            "money_promised": money.get("promised"),
            "money_disbursed": money.get("disbursed"),
            "confidence": r.confidence,
            "provenance": r.provenance,
            "provenance_dataset": r.provenance_dataset,
            "provenance_row": r.provenance_row,
            "tags": r.tags,
            "related": r.related,
            "confounders": r.confounders,
            "n_sources": len(r.sources),
            "file": file,
            "doc": r.to_document(),
        }
    )
    names = []
    for i, p in enumerate(r.parties):
        name = _actor_name(p.actor, p.name)
        names.append(name)
        rows["atlas_parties"].append(
            {
                "record_id": r.id,
                "idx": i,
                "actor": p.actor,
                "actor_type": _actor_type(p.actor, p.actor_type),
                "name": name,
                "positions": p.positions,
                "role": p.role,
                "got": p.got or "unknown",
            }
        )
        for direction in ("gives", "gets"):
            for j, item in enumerate(getattr(p, direction)):
                rows["atlas_items"].append(
                    {
                        "record_id": r.id,
                        "party_idx": i,
                        "actor": p.actor,
                        "direction": direction,
                        "idx": j,
                    }
                    | item.model_dump()
                )
    for k, event in enumerate(r.outcome.status):
        rows["atlas_status"].append(
            {
                "record_id": r.id,
                "idx": k,
                "date": event.date,
                "year": int(event.date[:4]),
                "status": event.status,
                "note": event.note,
            }
        )
    for k, effect in enumerate(r.outcome.flow_effects):
        rows["atlas_flow_effects"].append({"record_id": r.id, "idx": k} | effect.model_dump())
    for k, figure in enumerate(r.outcome.money):
        euros = to_euros(figure.amount, figure.currency, figure.as_of)
        rows["atlas_money"].append(
            {
                "record_id": r.id,
                "idx": k,
                "stage": figure.stage,
                "amount": figure.amount,
                "currency": figure.currency,
                "as_of": figure.as_of,
                "tranche": figure.tranche,
                "amount_eur": euros.amount,
                "eur_rate_year": euros.rate_year,
                "eur_note": euros.reason or None,
                "sources": figure.sources,
            }
        )
    for s in r.sources:
        rows["atlas_sources"].append(
            {
                "record_id": r.id,
                "source_id": s.id,
                "url": s.url,
                "title": s.title,
                "publisher": s.publisher,
                "date": s.date,
            }
        )
    counts = term_counts(
        r.title,
        r.title,
        r.summary,
        " ".join(r.tags),
        " ".join(names),
        " ".join(p.actor for p in r.parties),
        " ".join(r.instruments).replace("_", " "),
    )
    rows["atlas_terms"] = [{"record_id": r.id, "term": t, "tf": n} for t, n in counts.items()]
    return rows


def _reference_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "actors": [
            {
                "code": a.code,
                "name": a.name,
                "actor_type": a.actor_type,
                "region": a.region,
                "note": a.note,
            }
            for a in registry().values()
        ],
        "bloc_memberships": [
            {
                "bloc": m.bloc,
                "member": m.member,
                "joined": m.joined,
                "left_on": m.left,
                "note": m.note,
            }
            for m in bloc_memberships()
        ],
    }


def build_atlas(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> BuildResult:
    """Validate everything, then replace the Atlas tables in one transaction.

    Raises :class:`AtlasInvalid` (and writes nothing) when any record has an error.
    """
    root = root or records_dir()
    report, imports = load_atlas(root)
    if not report.valid:
        raise AtlasInvalid(report)
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in ATLAS_TABLES}
    for record in report.records:
        file = report.files.get(record.id) if record.provenance == "curated" else None
        for table, rows in record_rows(record, file).items():
            tables[table] += rows
    tables |= _reference_rows()
    n_imported = sum(r.provenance == "imported" for r in report.records)
    result = BuildResult(
        report,
        imports,
        len(report.records),
        len(report.records) - n_imported,
        n_imported,
        fingerprint(root),
    )
    with transaction(con):
        for table in ATLAS_TABLES:
            con.execute(f"DELETE FROM {table}")
            insert_rows(con, table, tables[table])
        con.execute(
            "INSERT INTO atlas_builds VALUES (?, ?, ?, ?, ?, ?)",
            [
                datetime.now(UTC).replace(tzinfo=None),
                result.n_records,
                result.n_curated,
                result.n_imported,
                str(root),
                result.fingerprint,
            ],
        )
    return result


def is_current(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> bool:
    """Whether the warehouse holds a build of exactly these record files."""
    root = root or records_dir()
    row = con.execute(
        "SELECT fingerprint, records_dir FROM atlas_builds ORDER BY built_at DESC LIMIT 1"
    ).fetchone()
    return row is not None and row[0] == fingerprint(root) and row[1] == str(root)


def latest_build(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The Atlas build a warehouse holds: its records folder, fingerprint, size and time."""
    row = con.execute(
        "SELECT records_dir, fingerprint, n_records, built_at FROM atlas_builds "
        "ORDER BY built_at DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    records_dir, digest, n, built_at = row
    return {
        "records_dir": records_dir,
        "fingerprint": digest,
        "records": n,
        "built_at": built_at.isoformat(timespec="seconds"),
    }


def ensure_atlas(warehouse: Warehouse, root: Path | None = None) -> bool:
    """Build the Atlas if the warehouse has none or an outdated one; True when it built."""
    return warehouse.ensure(lambda c: is_current(c, root), lambda c: build_atlas(c, root))
