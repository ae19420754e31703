"""Frontex's monthly detections of illegal border crossings: one workbook, renamed each month.

The Migratory Map page links the current workbook, ``/assets/Migratory_routes/<year>/
Monthly_detections_of_IBC_<yyyy>_<mm>_<dd>.xlsx``; its sheet ``Detections_of_IBC`` is wide:
``Route | Border type | Nationality | JAN2009 | FEB2009 | ...`` under a header row that starts
with ``Route``. Seen in: Frontex's FAQ (the map page offers "the excel sheet with the latest
available data"), a verified list of migration sources, and connectors that find the link on
the page and read that sheet. Nationality names become ISO3 codes (unrecognised: UNK, counted).
"""

from __future__ import annotations

import re
from pathlib import Path

from migdip.data.publishers.common import (
    Context,
    Fetched,
    layout_error,
    workbook_rows,
    write_csv_gz,
)
from migdip.data.publishers.names import iso3
from migdip.data.transport import DownloadError

HOST = "https://www.frontex.europa.eu"
MAP_PAGE = f"{HOST}/what-we-do/monitoring-and-risk-analysis/migratory-map/"
LINK = re.compile(
    r'href="([^"]*/Migratory_routes/[^"]*Monthly_detections_of_IBC[^"]*\.xlsx)"', re.I
)
SHEET = "Detections_of_IBC"
MONTH = re.compile(r"^(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{4})$")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def workbook_url(page: Path) -> str:
    """The workbook's address, from the map page (which is HTML: read it as text here)."""
    found = LINK.findall(page.read_text(encoding="utf-8", errors="replace"))
    if not found:
        raise DownloadError(
            f"{MAP_PAGE}: no link to Monthly_detections_of_IBC_*.xlsx on the page; the page "
            "may have changed. Download the workbook by hand and run `migdip data ingest "
            "frontex_detections FILE` after converting it"
        )
    href = str(found[0])
    return href if href.startswith("http") else HOST + href


def read_workbook(path: Path, url: str, dataset: str) -> tuple[list[tuple[object, ...]], set[str]]:
    with workbook_rows(path, url, dataset, SHEET) as rows_iter:
        header: tuple[object, ...] | None = None
        for row in rows_iter:
            if row and str(row[0] or "").strip() == "Route":
                header = row
                break
        if header is None:
            raise layout_error(url, dataset, [], "a header row starting with 'Route'")
        months: list[tuple[int, str]] = []
        for i, label in enumerate(header[3:], start=3):
            m = MONTH.match(str(label or "").strip().upper())
            if m:
                months.append((i, f"{m.group(2)}-{MONTHS.index(m.group(1)) + 1:02d}"))
        if not months:
            raise layout_error(url, dataset, [str(h) for h in header], "month columns (JAN2009)")
        out: list[tuple[object, ...]] = []
        unknown: set[str] = set()
        for row in rows_iter:
            if not row or row[0] is None:
                continue
            name = str(row[2] or "")
            code = iso3(name)
            if code is None:
                unknown.add(name)
            for i, month in months:
                value = row[i] if i < len(row) else None
                if isinstance(value, int | float):
                    out.append((row[0], row[1], code or "UNK", month, value))
        return out, unknown


def fetch(ctx: Context) -> Fetched:
    url = workbook_url(ctx.get(MAP_PAGE, "map.html", html=True))
    path = ctx.get(url, "frontex.xlsx")
    rows, unknown = read_workbook(path, url, ctx.dataset)
    # a name read as UNK on one route and month may now repeat a key: add such cells up
    merged: dict[tuple[object, ...], float] = {}
    for route, border, code, month, value in rows:
        key = (route, border, code, month)
        merged[key] = merged.get(key, 0.0) + float(str(value))
    out = ctx.workdir / "frontex.csv.gz"
    header = ("route", "border_type", "nationality_iso3", "month", "detections")
    write_csv_gz(out, header, ((*k, v) for k, v in merged.items()))
    last = max((str(k[3]) for k in merged), default="")
    notes = (
        (f"{len(unknown)} names not recognised, counted as UNK: {', '.join(sorted(unknown)[:6])}",)
        if unknown
        else ()
    )
    name = url.rsplit("/", 1)[-1]
    return Fetched(ctx.dataset, out, f"{name} (months to {last})", url, notes=notes)
