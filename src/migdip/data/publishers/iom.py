"""IOM's Missing Migrants Project: every recorded incident, one CSV.

``https://missingmigrants.iom.int/sites/g/files/tmzbdl601/files/report-migrant-incident/
Missing_Migrants_Global_Figures_allData.csv``. Seen in: a verified list of migration sources
and several clients of the file; its columns, as they read them: ``Incident Type``, ``Incident
Date``, ``Region of Incident``, ``Country of Incident``, ``Migration Route``, ``Total Number of
Dead and Missing``, ``Number of Survivors``, ``Country of Origin`` (names, comma-separated),
``Cause of Death``, ``Location of Incident``, ``Coordinates`` (``"lat, lon"``; some copies
write ``POINT (lon lat)``, which is read too). Names become ISO3 codes; a name not recognised
becomes UNK and is counted in the notes.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

from migdip.data.publishers.common import Context, Fetched, layout_error, write_csv_gz
from migdip.data.publishers.names import iso3
from migdip.data.registry import IOM

URL = (
    "https://missingmigrants.iom.int/sites/g/files/tmzbdl601/files/report-migrant-incident/"
    "Missing_Migrants_Global_Figures_allData.csv"
)
COLUMNS = {
    "type": "Incident Type",
    "date": "Incident Date",
    "country": "Country of Incident",
    "route": "Migration Route",
    "dead": "Total Number of Dead and Missing",
    "survivors": "Number of Survivors",
    "origin": "Country of Origin",
    "cause": "Cause of Death",
    "location": "Location of Incident",
    "coordinates": "Coordinates",
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%a, %m/%d/%Y - %H:%M")
POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)
PAIR = re.compile(r"^\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*$")


def _date(text: str, url: str, dataset: str) -> str:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise layout_error(url, dataset, [f"Incident Date={text!r}"], "dates such as 2024-01-31")


def _coordinates(text: str) -> tuple[str, str]:
    if m := POINT.search(text):
        return m.group(1), m.group(2)
    if m := PAIR.match(text):
        return m.group(2), m.group(1)
    return "", ""


def read_rows(path: Path, url: str, dataset: str) -> tuple[list[tuple[object, ...]], set[str]]:
    unknown: set[str] = set()
    rows: list[tuple[object, ...]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in COLUMNS.values() if c not in header]
        if missing:
            raise layout_error(url, dataset, header, f"the columns {', '.join(COLUMNS.values())}")
        c = COLUMNS
        for r in reader:
            codes = []
            for name in (r[c["origin"]] or "").split(","):
                if not name.strip():
                    continue
                code = iso3(name)
                if code is None:
                    unknown.add(name.strip())
                codes.append(code or "UNK")
            country = iso3(r[c["country"]]) if r[c["country"]].strip() else None
            if r[c["country"]].strip() and country is None:
                unknown.add(r[c["country"]].strip())
            lon, lat = _coordinates(r[c["coordinates"]] or "")
            rows.append(
                (
                    _date(r[c["date"]], url, dataset),
                    r[c["type"]],
                    r[c["route"]],
                    country or "",
                    r[c["dead"]],
                    r[c["cause"]],
                    r[c["survivors"]],
                    ",".join(codes) or "UNK",
                    r[c["location"]],
                    lon,
                    lat,
                )
            )
    return rows, unknown


def fetch(ctx: Context) -> Fetched:
    path = ctx.get(URL, "mmp.csv")
    rows, unknown = read_rows(path, URL, ctx.dataset)
    out = ctx.workdir / "iom.csv.gz"
    write_csv_gz(out, [c.source for c in IOM.columns], rows)  # the bundled file's layout
    last = max((str(r[0]) for r in rows), default="")
    notes = (
        (f"{len(unknown)} names not recognised, counted as UNK: {', '.join(sorted(unknown)[:6])}",)
        if unknown
        else ()
    )
    release = f"Missing Migrants Project, incidents to {last}"
    return Fetched(ctx.dataset, out, release, URL, notes=notes)
