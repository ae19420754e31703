"""Build the recorded publisher responses of a newer release from the bundled data.

Nothing here was captured from a live service (the test machines have no network): each body
is written in the publisher's documented response format (see the fetchers in
``migdip.data.publishers``) from the bundled file, with a deterministic "newer release": every
``REVISE_EVERY``-th row revised and a slice of rows added for one period after the last one.
The bodies go to ``release/`` (built on first use, not committed: they are derived, several MB);
``release/BUILD`` records what they were built from, so a change here or in the bundled data
rebuilds them.

Run: ``python -m tests.data.recorded.build`` (tests and the update benchmark call it).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from migdip.data.countries import iso2_codes, m49_codes
from migdip.data.publishers import eurostat, frontex, iom, undesa, unhcr, worldbank
from migdip.data.publishers.names import name_of
from migdip.data.registry import DATASETS
from migdip.paths import data_dir

HERE = Path(__file__).resolve().parent
RELEASE = HERE / "release"
REVISE_EVERY = 997
ADDED = 40
YEAR_TO = 2026  # the recordings' "today": the API URLs carry yearTo


def _rows(dataset_id: str) -> list[dict[str, str]]:
    with gzip.open(data_dir() / DATASETS[dataset_id].file, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _revise(rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    for i, row in enumerate(rows):
        if i % REVISE_EVERY == 7:
            for c in columns:
                if row.get(c) not in (None, ""):
                    row[c] = str(round(float(row[c]) * 1.5 + 10))
                    break


def _add(rows: list[dict[str, str]], period: str, step: Any) -> None:
    last = max(r[period] for r in rows)
    new = [dict(r) for r in rows if r[period] == last][:ADDED]
    for r in new:
        r[period] = step(r[period])
    rows += new


def _next_year(y: str) -> str:
    return str(int(y) + 1)


def _next_month(m: str) -> str:
    y, mo = int(m[:4]), int(m[5:7])
    return f"{y + mo // 12}-{mo % 12 + 1:02d}"


class Writer:
    def __init__(self, root: Path) -> None:
        self.root, self.index = root, {}  # type: ignore[var-annotated]
        self.n = 0

    def add(self, url: str, body: bytes, content_type: str) -> None:
        self.n += 1
        name = f"body{self.n:03d}"
        (self.root / name).write_bytes(body)
        self.index[url] = {"body": name, "status": 200, "content_type": content_type}

    def close(self) -> None:
        (self.root / "index.json").write_text(json.dumps(self.index, indent=1), encoding="utf-8")


def _unhcr(w: Writer) -> None:
    for dataset_id, endpoint in unhcr.ENDPOINTS.items():
        rows = _rows(dataset_id)
        values = tuple(
            c for c in rows[0] if c not in ("year",) and not c.startswith(("coo", "coa"))
        )
        numeric = tuple(
            c
            for c in values
            if c not in ("procedure_type", "app_type", "dec_level", "app_pc", "dec_pc")
        )
        _revise(rows, numeric)
        _add(rows, "year", _next_year)
        items = [
            {
                k: (
                    None
                    if v == ""
                    else int(v)
                    if k == "year"
                    else v
                    if k not in numeric
                    else float(v)
                )
                for k, v in r.items()
            }
            for r in rows
        ]
        pages = [items[i : i + unhcr.PAGE_SIZE] for i in range(0, len(items), unhcr.PAGE_SIZE)]
        for p, chunk in enumerate(pages, start=1):
            body = {"page": p, "maxPages": len(pages), "total": len(items), "items": chunk}
            w.add(
                unhcr.page_url(endpoint, p, YEAR_TO), json.dumps(body).encode(), "application/json"
            )


def _wdi(w: Writer) -> None:
    rows = [r for r in _rows("wdi") if r["indicator"] in worldbank.INDICATORS]
    _revise(rows, ("value",))
    _add(rows, "year", _next_year)
    by: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by.setdefault(r["indicator"], []).append(r)
    for short, code in worldbank.INDICATORS.items():
        items = [
            {
                "indicator": {"id": code, "value": short},
                "country": {"id": r["iso3"][:2], "value": r["iso3"]},
                "countryiso3code": r["iso3"],
                "date": r["year"],
                "value": float(r["value"]) if r["value"] else None,
                "unit": "",
                "obs_status": "",
                "decimal": 0,
            }
            for r in by.get(short, [])
        ]
        items.append(
            {
                "indicator": {"id": code},
                "country": {"id": "1W", "value": "World"},
                "countryiso3code": "WLD",
                "date": "2020",
                "value": 1.0,
            }
        )
        pages = [
            items[i : i + worldbank.PAGE_SIZE] for i in range(0, len(items), worldbank.PAGE_SIZE)
        ]
        for p, chunk in enumerate(pages, start=1):
            meta = {
                "page": p,
                "pages": len(pages),
                "per_page": worldbank.PAGE_SIZE,
                "total": len(items),
                "lastupdated": "2026-11-28",
            }
            w.add(
                worldbank.page_url(code, p),
                json.dumps([meta, chunk]).encode(),
                "application/json;charset=utf-8",
            )


def _eurostat(w: Writer) -> None:
    to2 = {v: k for k, v in iso2_codes().items() if k not in ("EL", "UK")} | {
        "GRC": "EL",
        "GBR": "UK",
    }
    to2 |= {"EU27": "EU27_2020", "STL": "STLS", "UNK": "UNK", "XKX": "XK"}
    rows = [
        r
        for r in _rows("eurostat_asylum")
        if r["destination_iso3"] in to2 and r["nationality_iso3"] in to2
    ]
    _revise(rows, ("applications",))
    _add(rows, "year", _next_year)
    sexes = {"female": "F", "male": "M", "unknown": "UNK"}
    lines = [
        "DATAFLOW,LAST UPDATE,freq,unit,citizen,sex,applicant,age,geo,TIME_PERIOD,OBS_VALUE,"
        "OBS_FLAG"
    ]
    for r in rows:
        value = str(round(float(r["applications"]))) if r["applications"] else ":"
        lines.append(
            f"ESTAT:MIGR_ASYAPPCTZA(1.0),28/11/26 23:00:00,A,PER,{to2[r['nationality_iso3']]},"
            f"{sexes[r['sex']]},FRST,TOTAL,{to2[r['destination_iso3']]},{r['year']},{value},"
        )
    lines.append("ESTAT:MIGR_ASYAPPCTZA(1.0),28/11/26 23:00:00,A,PER,TOTAL,T,FRST,TOTAL,DE,2024,1,")
    w.add(eurostat.URL, ("\n".join(lines) + "\n").encode(), "text/csv")


def _frontex(w: Writer) -> None:
    import openpyxl

    rows = _rows("frontex_detections")
    _revise(rows, ("detections",))
    _add(rows, "month", _next_month)
    months = sorted({r["month"] for r in rows})
    labels = [f"{frontex.MONTHS[int(m[5:7]) - 1]}{m[:4]}" for m in months]
    cells: dict[tuple[str, str, str], dict[str, float]] = {}
    for r in rows:
        cells.setdefault((r["route"], r["border_type"], r["nationality_iso3"]), {})[r["month"]] = (
            float(r["detections"])
        )
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(frontex.SHEET)
    sheet.append([None])
    sheet.append(["Route", "Border Location", "Nationality", *labels])
    names = name_of()
    for (route, border, code), values in sorted(cells.items()):
        sheet.append([route, border, names[code].title(), *(values.get(m) for m in months)])
    path = w.root / "frontex.xlsx"
    book.save(path)
    link = "/assets/Migratory_routes/2026/Monthly_detections_of_IBC_2026_11_27.xlsx"
    page = f'<!DOCTYPE html><html><body><a href="{link}">Download the data</a></body></html>'
    w.add(frontex.MAP_PAGE, page.encode(), "text/html; charset=utf-8")
    w.add(
        frontex.HOST + link,
        path.read_bytes(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    path.unlink()


def _iom(w: Writer) -> None:
    rows = _rows("iom_missing_migrants")
    _revise(rows, ("dead",))
    last = max(r["date"] for r in rows)
    for r in [dict(r) for r in rows if r["date"] == last][:ADDED]:
        r["date"] = (date.fromisoformat(r["date"]) + timedelta(days=31)).isoformat()
        rows.append(r)
    names = name_of()
    out = [list(iom.COLUMNS.values())]
    for r in rows:
        origin = ",".join(names[c].title() for c in r["nationality_iso3"].split(",") if c)
        coordinates = f"{r['lat']}, {r['lon']}" if r["lat"] else ""
        out.append(
            [
                r["type"],
                r["date"],
                names[r["country_iso3"]].title() if r["country_iso3"] else "",
                r["route"],
                r["dead"],
                r["survivors"],
                origin,
                r["cause"],
                r["location"],
                coordinates,
            ]
        )
    text = "\n".join(_csv_line(line) for line in out) + "\n"
    w.add(iom.URL, text.encode(), "text/csv; charset=utf-8")


def _csv_line(values: list[Any]) -> str:
    import io

    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue().rstrip("\r\n")


def _undesa(w: Writer) -> None:
    import openpyxl

    rows = _rows("undesa_stock")
    _revise(rows, ("migrants",))
    codes = m49_codes()
    years = sorted({int(r["year"]) for r in rows})
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        cell = cells.setdefault((r["destination_iso3"], r["origin_iso3"]), {"flags": r})
        cell[(r["sex"], int(r["year"]))] = float(r["migrants"])
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(undesa.SHEET)
    for i in range(10):
        sheet.append([f"International Migrant Stock 2024 (recorded in its layout, line {i + 1})"])
    sheet.append(
        [
            "Index",
            "Region, development group, country or area of destination",
            "Notes",
            "Type of data",
            "Location code of destination",
            "Region, development group, country or area of origin",
            "Location code of origin",
            *years,
            *years,
            *years,
        ]
    )
    names = name_of()
    for n, ((dest, origin), cell) in enumerate(sorted(cells.items())):
        if dest not in codes or (origin not in codes and origin != "OOO"):
            continue
        f = cell["flags"]
        kind = " ".join(
            k
            for k, c in (
                ("B", "basis_foreign_born"),
                ("C", "basis_citizenship"),
                ("R", "includes_refugees"),
                ("I", "imputed"),
            )
            if f[c] == "1"
        )
        male = [cell.get(("male", y)) for y in years]
        female = [cell.get(("female", y)) for y in years]
        both = [
            None if a is None or b is None else a + b for a, b in zip(male, female, strict=True)
        ]
        origin_code = int(codes[origin]) if origin in codes else 2003
        sheet.append(
            [
                n + 1,
                names.get(dest, dest),
                None,
                kind,
                int(codes[dest]),
                "Other" if origin == "OOO" else names.get(origin, origin),
                origin_code,
                *both,
                *male,
                *female,
            ]
        )
    sheet.append([99999, "WORLD", None, None, 900, "WORLD", 900, *([1.0] * 3 * len(years))])
    path = w.root / "ims.xlsx"
    book.save(path)
    w.add(
        undesa.URL,
        path.read_bytes(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    path.unlink()


BUILDERS = (_unhcr, _wdi, _eurostat, _frontex, _iom, _undesa)


def fingerprint() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for d in (
        "unhcr_population",
        "wdi",
        "eurostat_asylum",
        "frontex_detections",
        "iom_missing_migrants",
        "undesa_stock",
    ):
        digest.update((data_dir() / DATASETS[d].file).read_bytes())
    return digest.hexdigest()


def ensure_release(root: Path = RELEASE) -> Path:
    """The recorded release folder, built if missing or stale."""
    stamp = root / "BUILD"
    want = fingerprint()
    if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == want:
        return root
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    writer = Writer(tmp)
    for build in BUILDERS:
        build(writer)
    writer.close()
    (tmp / "BUILD").write_text(want + "\n", encoding="utf-8")
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    return root


def entries(root: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from json.loads((root / "index.json").read_text(encoding="utf-8")).items()


if __name__ == "__main__":
    print(ensure_release())
