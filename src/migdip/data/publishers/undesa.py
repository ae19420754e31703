"""UN DESA's International Migrant Stock: stock by destination, origin and sex (one workbook).

``https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/
undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx``, sheet ``Table 1``: notes above a
header row (row 11 in the 2024 edition); columns Index, destination name, coverage notes, type
of data, destination location code (M49), origin name, origin location code, then the years
(1990 ... 2024) for both sexes, for males and for females. Seen in: scripts that read the 2024
edition (its header row and column order verified there) and UN DESA's page
https://www.un.org/development/desa/pd/content/international-migrant-stock. Rows of regions
and groups (location codes of 900 and above, or codes no country has) are aggregates and are
left out, as in the bundled file; the origin "Other" is OOO.

Type of data, read into the flags: B foreign-born, C citizenship, R refugees added, I imputed
(letters of the workbook's legend as we understand it: check against the edition's notes).
"""

from __future__ import annotations

import re
from pathlib import Path

from migdip.data.countries import m49_to_iso3
from migdip.data.publishers.common import (
    Context,
    Fetched,
    layout_error,
    workbook_rows,
    write_csv_gz,
)
from migdip.data.registry import UNDESA

URL = (
    "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
    "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx"
)
SHEET = "Table 1"
YEAR = re.compile(r"^(19|20)\d\d$")
HEADER_SEARCH_ROWS = 30


def _flags(kind: str) -> tuple[int, int, int, int]:
    letters = set(re.findall(r"[A-Z]", kind.upper()))
    return (int("B" in letters), int("C" in letters), int("R" in letters), int("I" in letters))


def read_workbook(path: Path, url: str, dataset: str) -> tuple[list[tuple[object, ...]], str]:
    with workbook_rows(path, url, dataset, SHEET) as rows_iter:
        header: tuple[object, ...] | None = None
        for _, row in zip(range(HEADER_SEARCH_ROWS), rows_iter, strict=False):
            years = [i for i, v in enumerate(row) if YEAR.match(str(v or "").strip())]
            if len(years) >= 3:
                header = row
                break
        if header is None:
            raise layout_error(url, dataset, [], "a header row with the years (1990, 1995, ...)")
        cols = [i for i, v in enumerate(header) if YEAR.match(str(v or "").strip())]
        per_sex = len(cols) // 3
        if per_sex == 0 or len(cols) != 3 * per_sex or cols[0] != 7:
            raise layout_error(
                url,
                dataset,
                [str(h) for h in header[:10]],
                "7 leading columns, then the years for both sexes, males and females",
            )
        years = [int(str(header[i]).strip()) for i in cols[:per_sex]]
        codes = m49_to_iso3()
        out: list[tuple[object, ...]] = []
        for row in rows_iter:
            if len(row) < 7 or row[4] is None or row[6] is None:
                continue
            dest = codes.get(int(float(str(row[4])))) if str(row[4]).strip() else None
            origin_name = str(row[5] or "").strip()
            origin = "OOO" if origin_name.lower() == "other" else None
            if origin is None and str(row[6]).strip():
                origin = codes.get(int(float(str(row[6]))))
            if dest is None or origin is None:
                continue  # a region or group (an aggregate), not a country
            flags = _flags(str(row[3] or ""))
            for sex, start in (("male", cols[per_sex]), ("female", cols[2 * per_sex])):
                for k, year in enumerate(years):
                    value = row[start + k] if start + k < len(row) else None
                    if isinstance(value, int | float):
                        out.append((dest, year, origin, sex, value, *flags))
        return out, f"IMS {max(years)}"


def fetch(ctx: Context) -> Fetched:
    path = ctx.get(URL, "ims.xlsx")
    rows, release = read_workbook(path, URL, ctx.dataset)
    out = ctx.workdir / "undesa.csv.gz"
    write_csv_gz(out, [c.source for c in UNDESA.columns], rows)  # the bundled file's layout
    return Fetched(ctx.dataset, out, release, URL)
