"""What the curated Atlas codes: for each outcome field, how many records carry it, by region
and decade, counted from the records themselves (never typed); and the coercion episodes'
outcomes for the challenger beside Greenhill's published aggregates.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import duckdb

from migdip.atlas.model import Record
from migdip.atlas.money import latest_snapshots
from migdip.atlas.sources import CLASSES, source_class
from migdip.atlas.validate import CODED, COERCIVE_INSTRUMENTS, weak_codings

Doc = dict[str, Any]
PRINCIPAL = {"challenger", "target", "party"}

# Greenhill's aggregates as published (as summarised in the Washington Post's Monkey Cage,
# 2021-08-13): coercers got at least some of their objectives in three quarters of the cases she
# identified, and all or most of what they sought "over half the time".
GREENHILL = {
    "at_least_some": 0.75,
    "all_or_most": 0.5,
    "all_or_most_note": "over half the time",
    "source": "https://www.washingtonpost.com/politics/2021/08/13/eu-is-furious-that-belarus-"
    "allowed-more-than-4000-migrants-cross-into-europe/",
}


def _parties(doc: Doc) -> list[Doc]:
    return [p for p in doc.get("parties", []) if p.get("role") in PRINCIPAL]


def _outcome(doc: Doc) -> Doc:
    out: Doc = doc.get("outcome", {})
    return out


def _stages(doc: Doc) -> set[str]:
    return {m.get("stage", "") for m in _outcome(doc).get("money", [])}


def _all_parties_coded(doc: Doc) -> bool:
    parties = _parties(doc)
    return bool(parties) and all(
        (p.get("got") in CODED and p.get("got_sources"))
        or (p.get("got") == "unknown" and p.get("got_reason"))
        for p in parties
    )


def _sourced_flows(doc: Doc) -> bool:
    return any(
        not e.get("computed") and e.get("sources") for e in _outcome(doc).get("flow_effects", [])
    )


FIELDS: dict[str, tuple[str, Callable[[Doc], bool]]] = {
    "party_outcomes": (
        "every principal party's outcome coded with a source, or unknown with a reason",
        _all_parties_coded,
    ),
    "challenger_outcome": (
        "the challenger's outcome coded (all, most, some or none) with a source",
        lambda d: any(
            p.get("role") == "challenger" and p.get("got") in CODED and p.get("got_sources")
            for p in d.get("parties", [])
        ),
    ),
    "money_promised": ("money promised, dated and sourced", lambda d: "promised" in _stages(d)),
    "money_disbursed": ("money disbursed, dated and sourced", lambda d: "disbursed" in _stages(d)),
    "money_promised_and_disbursed": (
        "both the money promised and the money disbursed",
        lambda d: {"promised", "disbursed"} <= _stages(d),
    ),
    "flows_sourced": ("sourced before/after flow figures (not computed)", _sourced_flows),
    "rights_sourced": ("sourced rights effects", lambda d: bool(_outcome(d).get("rights"))),
    "status_history": (
        "a status history beyond the first entry",
        lambda d: len(_outcome(d).get("status", [])) > 1,
    ),
    "unknowns_explained": (
        "outcome fields left unknown, each with a reason",
        lambda d: bool(_outcome(d).get("unknown")),
    ),
    "coercion_fields": (
        "the coercion fields (threats, engineered movements)",
        lambda d: "coercion" in d,
    ),
    "classification_cited": (
        "a host strategy or challenger type with the scholarship that classifies it",
        lambda d: bool(d.get("approach", {}).get("classified_by")),
    ),
}


def curated_docs(con: duckdb.DuckDBPyConnection) -> list[Doc]:
    rows = con.execute(
        "SELECT doc FROM atlas_records WHERE provenance = 'curated' ORDER BY id"
    ).fetchall()
    return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]


def _decade(doc: Doc) -> str:
    return f"{str(doc['date_start'])[:3]}0s"


def coverage(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """For each field: records carrying it, their share, by region and by decade."""
    docs = curated_docs(con)
    regions: Counter[str] = Counter(r for d in docs for r in d.get("regions", []))
    decades: Counter[str] = Counter(_decade(d) for d in docs)
    fields: dict[str, Any] = {}
    for name, (description, has) in FIELDS.items():
        carrying = [d for d in docs if has(d)]
        by_region: Counter[str] = Counter(r for d in carrying for r in d.get("regions", []))
        by_decade: Counter[str] = Counter(_decade(d) for d in carrying)
        fields[name] = {
            "description": description,
            "records": len(carrying),
            "share": round(len(carrying) / len(docs), 3) if docs else 0.0,
            "by_region": {r: by_region.get(r, 0) for r in sorted(regions)},
            "by_decade": {k: by_decade.get(k, 0) for k in sorted(decades)},
        }
    return {
        "records": len(docs),
        "regions": dict(sorted(regions.items())),
        "decades": dict(sorted(decades.items())),
        "fields": fields,
        "sources": source_quality(docs),
    }


def source_quality(docs: list[Doc]) -> dict[str, Any]:
    """Sources by class of address (migdip.atlas.sources), and the records with an outcome
    coding that rests only on mirrors, aggregators, blogs or encyclopedias."""
    classes: Counter[str] = Counter(
        source_class(s["url"]) for d in docs for s in d.get("sources", [])
    )
    weak = []
    for d in docs:
        record = Record.model_validate(d)
        found = weak_codings(record)
        if found:
            weak.append(
                {
                    "id": record.id,
                    "confidence": record.confidence,
                    "codings": [path for path, _ in found],
                }
            )
    return {
        "by_class": {c: classes.get(c, 0) for c in CLASSES},
        "records_with_weak_only_codings": len(weak),
        "high_confidence_on_weak_only": sum(1 for w in weak if w["confidence"] == "high"),
        "weak_only": weak,
    }


def coercion_outcomes(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The challenger's outcome in the coercion episodes, beside Greenhill's aggregates."""
    docs = [
        d
        for d in curated_docs(con)
        if "coercion" in d or COERCIVE_INSTRUMENTS & set(d.get("instruments", []))
    ]
    got: Counter[str] = Counter()
    for d in docs:
        challenger = next((p for p in d["parties"] if p.get("role") == "challenger"), None)
        got[(challenger or {}).get("got") or "not coded"] += 1
    coded = sum(got[k] for k in CODED)

    def share(n: int) -> float | None:
        return round(n / coded, 3) if coded else None

    return {
        "episodes": len(docs),
        "in_greenhill_catalogue": sum(
            1 for d in docs if d.get("coercion", {}).get("greenhill_case")
        ),
        "challenger_got": dict(got.most_common()),
        "coded": coded,
        "all_or_most": share(got["all"] + got["most"]),
        "at_least_some": share(got["all"] + got["most"] + got["some"]),
        "greenhill": GREENHILL,
    }


def money_paid(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Deals with money promised, in euros of each figure's year, and the share paid so far.

    Each tranche's latest figure per stage counts and tranches add up (``latest_snapshots``,
    the rule the record page's totals follow); figures without a euro value are counted apart.
    """
    rows = con.execute(
        "SELECT m.record_id, r.title, r.year, m.stage, coalesce(m.tranche, ''), m.as_of, "
        "m.amount_eur FROM atlas_money m JOIN atlas_records r ON r.id = m.record_id "
        "ORDER BY m.record_id, m.idx"
    ).fetchall()
    by_record: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_record[row[0]].append(row)
    out = []
    for rid, figures in by_record.items():
        kept = latest_snapshots(figures, key=lambda r: (r[3], r[4]), as_of=lambda r: r[5])
        euros = {
            stage: [r[6] for r in kept if r[3] == stage and r[6] is not None]
            for stage in ("promised", "disbursed")
        }
        promised = sum(euros["promised"])
        if promised <= 0:
            continue
        disbursed = sum(euros["disbursed"]) if euros["disbursed"] else None
        out.append(
            {
                "id": rid,
                "title": figures[0][1],
                "year": figures[0][2],
                "promised_eur": promised,
                "disbursed_eur": disbursed,
                "paid_share": round(disbursed / promised, 3) if disbursed is not None else None,
                "figures_not_converted": sum(1 for r in kept if r[6] is None),
            }
        )
    out.sort(key=lambda d: (d["paid_share"] is None, -(d["paid_share"] or 0.0), d["id"]))
    return out
