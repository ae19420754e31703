"""Bulk imports: datasets mapped onto the codebook, marked as imported, linked to their dataset.

``bilateral_labour_agreements``: Chilton & Woda's formation data (1,222 treaties) and their
coding of 570 agreements' provisions. Each agreement becomes an instrument record of type
``bilateral_labour_agreement`` between two states; the coded provisions become tags
(``provision:<name>``) and a sentence of the summary. The dataset does not say which party
sends and which receives workers, so both parties' positions are ``unspecified``.
"""

from __future__ import annotations

import csv
import gzip
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from migdip.atlas.model import Record
from migdip.data.countries import states
from migdip.paths import data_dir

BLA_DATASET = "bilateral_labour_agreements"
BLA_SOURCE = {
    "id": "s1",
    "url": "https://chicagounbound.uchicago.edu/journal_articles/10379/",
    "title": "The Expanding Universe of Bilateral Labor Agreements",
    "publisher": "Theoretical Inquiries in Law (University of Chicago Law School Chicago Unbound)",
}
_NAMES = Path(__file__).resolve().parents[1] / "data" / "bla_country_names.csv"

# Binary provisions of the coding data and how the summary names them.
PROVISIONS: dict[str, str] = {
    "quota": "a quota",
    "intl_instr": "references to international instruments",
    "info_exch": "information exchange",
    "joint_commit": "a joint committee",
    "recruit_cost_mig": "rules on recruitment costs for migrants",
    "labor_union_orig": "a role for origin-country unions",
    "labor_union_dest": "a role for destination-country unions",
    "emp_orgs": "a role for employers' organisations",
    "ngos": "a role for NGOs",
    "prot_equal": "equal treatment",
    "prot_women": "protections for women",
    "contract_req": "a written contract requirement",
    "contract_standard": "a standard contract",
    "wage_prot": "wage protection",
    "housing_req": "housing requirements",
    "work_monitor": "monitoring of working conditions",
    "passport": "rules on passport retention",
    "social_security": "social security",
    "disputes_emp_mig": "dispute settlement between employers and migrants",
    "credentials": "recognition of credentials",
    "remittances": "remittances",
    "reintegration": "reintegration",
    "contract_renewal": "contract renewal",
    "perm_resid": "a path to permanent residence",
}


@dataclass(frozen=True)
class ImportSummary:
    dataset: str
    rows: int
    imported: int
    skipped: dict[str, str]  # row key -> reason


@cache
def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Latin-1 once ("MÃ©xico" -> "México"); other text is
    returned as it is."""
    if "Ã" not in text and "Â" not in text:
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


@cache
def _name_table() -> dict[str, str]:
    table = {s.name.lower(): s.iso3 for s in states().values()}
    with _NAMES.open(encoding="utf-8", newline="") as fh:
        table |= {row["name"].lower(): row["iso3"] for row in csv.DictReader(fh)}
    return table


def state_code(name: str, year: int) -> str | None:
    """ISO3 (or historical) code of a state named in the BLA data, in a given year."""
    code = _name_table().get(name.strip().lower())
    if code == "RUS" and year < 1992:
        return "SUN"
    if code == "YUG" and year >= 1992:
        return "SCG" if year < 2006 else "SRB"
    return code


def _read(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _us_date(text: str) -> str | None:
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text or "")
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _flag(value: str) -> bool:
    try:
        return float(value) == 1.0
    except ValueError:
        return False


def _bla_record(row: dict[str, str], coding: dict[str, str] | None) -> Record | str:
    """One agreement as a record, or the reason it cannot be imported."""
    year = int(row["year"])
    if year == 9999:
        return "year unknown in the dataset (9999)"
    a, b = state_code(row["countryA"], year), state_code(row["countryB"], year)
    if a is None or b is None:
        return f"country not recognised: {row['countryA']!r} / {row['countryB']!r}"
    signed = _us_date(row["datesigned"])
    date_start = signed if signed and signed[:4] == str(year) else str(year)
    status = [{"date": date_start, "status": "signed"}]
    ratified = _us_date(row["ratified"])
    if ratified and ratified >= date_start:
        status.append({"date": ratified, "status": "in_force", "note": "ratified"})
    names = f"{row['countryA'].strip()}-{row['countryB'].strip()}"
    title = f"Bilateral labour agreement, {names} ({year})"
    provisions: list[str] = []
    if coding is not None:
        if coding.get("agreement_title", "").strip(' "'):
            title = repair_mojibake(coding["agreement_title"].strip(' "'))[:300]
        provisions = [key for key in PROVISIONS if _flag(coding.get(key, ""))]
    name_a, name_b = row["countryA"].strip(), row["countryB"].strip()
    summary = f"Bilateral labour agreement between {name_a} and {name_b}, {year}."
    if coding is not None:
        listed = ", ".join(PROVISIONS[p] for p in provisions) or "none of the coded provisions"
        summary += f" Coded provisions: {listed}."
    regions = sorted({states()[c].region for c in (a, b)})
    doc = {
        "id": f"bla-{int(row['treatyID']):04d}-{a.lower()}-{b.lower()}-{year}",
        "title": title,
        "kind": "instrument",
        "summary": summary,
        "date_start": date_start,
        "instruments": ["bilateral_labour_agreement"],
        "regions": regions,
        "parties": [
            {"actor": code, "positions": ["unspecified"], "role": "party"} for code in (a, b)
        ],
        "approach": {"mode": "cooperative"},
        "domains": ["economy"],
        "outcome": {"status": status},
        "sources": [BLA_SOURCE],
        "confidence": "medium",
        "provenance": "imported",
        "provenance_dataset": BLA_DATASET,
        "provenance_row": f"treatyID={row['treatyID']}",
        "tags": ["bla"] + [f"provision:{p}" for p in provisions],
    }
    return Record.model_validate(doc)


def import_bilateral_labour_agreements(
    folder: Path | None = None,
) -> tuple[list[Record], ImportSummary]:
    """Map the bundled BLA formation and provision data onto Atlas records."""
    base = folder or data_dir()
    rows = _read(base / "bilateral_labour_agreements_formation.csv.gz")
    coding = {
        r["treatyID"]: r for r in _read(base / "bilateral_labour_agreements_provisions.csv.gz")
    }
    records: list[Record] = []
    skipped: dict[str, str] = {}
    for row in rows:
        result = _bla_record(row, coding.get(row["treatyID"]))
        if isinstance(result, str):
            skipped[f"treatyID={row['treatyID']}"] = result
        else:
            records.append(result)
    return records, ImportSummary(BLA_DATASET, len(rows), len(records), skipped)
