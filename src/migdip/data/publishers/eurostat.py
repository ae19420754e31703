"""Eurostat's dissemination API: first-time asylum applicants (``migr_asyappctza``), SDMX-CSV.

``https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/migr_asyappctza?format=SDMX-CSV``
answers CSV with ``DATAFLOW, LAST UPDATE, freq, <dimensions...>, geo, TIME_PERIOD, OBS_VALUE,
OBS_FLAG`` (``:`` or blank for a missing value). Seen in: a verified list of migration sources
(the dataset's JSON-stat and SDMX-CSV addresses), Eurostat's API pages
(https://wikis.ec.europa.eu/display/EUROSTATHELP/API+SDMX+2.1+-+data+query) and clients
parsing SDMX-CSV fixtures captured from the live API. Dimensions are read by name; first-time
applicants (``applicant=FRST``) of all ages (``age=TOTAL``) in persons are kept, by sex.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from migdip.data.countries import iso2_codes
from migdip.data.publishers.common import Context, Fetched, layout_error, write_csv_gz

URL = (
    "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/migr_asyappctza?format=SDMX-CSV"
)
REQUIRED = ("citizen", "sex", "geo", "TIME_PERIOD", "OBS_VALUE")
SEXES = {"F": "female", "M": "male", "UNK": "unknown"}
KEEP = {"applicant": "FRST", "age": "TOTAL", "unit": "PER"}
SPECIAL = {"EU27_2020": "EU27", "STLS": "STL", "UNK": "UNK", "XK": "XKX"}


def code(value: str) -> str | None:
    """Eurostat's geo or citizen code as ISO3 (or a special code); None for other totals."""
    value = value.strip().upper()
    return SPECIAL.get(value) or iso2_codes().get(value)


def _text(path: Path) -> Path:
    """The CSV itself (a gzipped answer is unpacked beside it)."""
    with path.open("rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return path
    plain = path.with_suffix(".plain.csv")
    with gzip.open(path, "rb") as src, plain.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return plain


def fetch(ctx: Context) -> Fetched:
    path = _text(ctx.get(URL, "migr_asyappctza.csv"))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return _convert(ctx, csv.DictReader(fh))


def _convert(ctx: Context, reader: csv.DictReader[str]) -> Fetched:
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise layout_error(URL, ctx.dataset, header, f"SDMX-CSV columns {', '.join(REQUIRED)}")
    rows = []
    updated: set[str] = set()
    skipped: set[str] = set()
    for r in reader:
        if any(r.get(k) not in (None, v) for k, v in KEEP.items()):
            continue
        sex = SEXES.get(r["sex"])
        if sex is None:  # T (total) is the sum of the others
            continue
        raw = (r["OBS_VALUE"] or "").strip()
        value = None if raw in ("", ":") else raw
        geo, citizen = code(r["geo"]), code(r["citizen"])
        if geo is None or citizen is None:
            skipped.add(r["geo"] if geo is None else r["citizen"])
            continue
        rows.append((geo, r["TIME_PERIOD"], citizen, sex, value))
        if r.get("LAST UPDATE"):
            updated.add(r["LAST UPDATE"])
    out = ctx.workdir / "eurostat.csv.gz"
    header_out = ("destination_iso3", "year", "nationality_iso3", "sex", "applications")
    write_csv_gz(out, header_out, rows)
    release = "migr_asyappctza" + (f", last update {sorted(updated)[-1]}" if updated else "")
    notes = (f"{len(skipped)} aggregate codes left out ({', '.join(sorted(skipped)[:6])})",)
    return Fetched(ctx.dataset, out, release, URL, notes=notes if skipped else ())
