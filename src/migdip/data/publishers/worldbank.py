"""The World Bank's indicators API (v2): the WDI series the warehouse holds.

``https://api.worldbank.org/v2/country/all/indicator/<code>?format=json&per_page=..&page=..``
answers ``[{"page", "pages", "per_page", "total", "lastupdated"}, [{"indicator": {"id",
"value"}, "country": {"id", "value"}, "countryiso3code", "date", "value", ...}]]``. Seen in: the
R packages ``worldbank`` (wb_country_indicator, source
``https://api.worldbank.org/v2/country/{country}/indicator/{indicator}``) and ``priceR``
(``format=json&per_page=``), and clients reading ``countryiso3code``, ``date`` and ``value`` and
paging on ``pages``; WGI political stability (``PV.EST``) is asked with ``source=3``, as clients
of the same API do. Indicator codes: those in PROVENANCE.md (GDP ``NY.GDP.MKTP.CD``) and the
WDI catalogue (remittances received/paid ``BX/BM.TRF.PWKR.CD.DT`` and the others below).

``income`` has no indicator code we could confirm, so its rows are carried over from the data
held (the summary says so); aggregates (regions, income groups) are left out, as in the bundled
file, and counted in the notes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from migdip.data.codes import code_map
from migdip.data.publishers.common import Context, Fetched, layout_error, read_json, write_csv_gz

API = "https://api.worldbank.org/v2"
PAGE_SIZE = 20000
MAX_PAGES = 100

INDICATORS: dict[str, str] = {
    "pop": "SP.POP.TOTL",
    "gdp": "NY.GDP.MKTP.CD",
    "remin": "BX.TRF.PWKR.CD.DT",
    "remout": "BM.TRF.PWKR.CD.DT",
    "nmig": "SM.POP.NETM",
    "fdiin": "BX.KLT.DINV.CD.WD",
    "fdiout": "BM.KLT.DINV.CD.WD",
    "inf": "FP.CPI.TOTL.ZG",
    "unem": "SL.UEM.TOTL.ZS",
    "birth": "SP.DYN.CBRT.IN",
    "depend": "SP.POP.DPND",
    "polstb": "PV.EST",
}
CARRIED = ("income",)  # held rows kept: no confirmed indicator code
WGI = {"PV.EST"}


def page_url(code: str, page: int) -> str:
    params: dict[str, str | int] = {"format": "json", "per_page": PAGE_SIZE, "page": page}
    if code in WGI:
        params["source"] = 3
    return f"{API}/country/all/indicator/{code}?{urlencode(params)}"


def fetch(ctx: Context, carried: list[tuple[str, str, int, float | None]]) -> Fetched:
    expected = "the World Bank API's JSON [{page, pages, ...}, [{countryiso3code, date, value}]]"
    known = code_map("wdi")
    rows: list[tuple[str, str, int, float | None]] = []
    dropped: set[str] = set()
    updated: set[str] = set()
    for short, code in INDICATORS.items():
        page, pages = 1, 1
        while page <= pages:
            url = page_url(code, page)
            body = read_json(ctx.get(url, f"{short}-{page}.json"), url, expected)
            if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
                found = [type(body).__name__] if not isinstance(body, list) else ["a list"]
                if isinstance(body, list) and body and isinstance(body[0], dict):
                    found = [f"message: {body[0].get('message')}"]
                raise layout_error(url, ctx.dataset, found, expected)
            meta, items = body
            pages = min(int(meta.get("pages") or 1), MAX_PAGES)
            if meta.get("lastupdated"):
                updated.add(str(meta["lastupdated"]))
            for item in items or []:
                if not isinstance(item, dict) or "countryiso3code" not in item:
                    raise layout_error(url, ctx.dataset, list(item)[:8], expected)
                iso3 = str(item.get("countryiso3code") or "").upper()
                date = str(item.get("date") or "")
                if iso3 not in known:
                    dropped.add(iso3 or "(blank)")
                    continue
                if not date.isdigit():
                    raise layout_error(url, ctx.dataset, [f"date={date!r}"], "yearly dates")
                value = item.get("value")
                rows.append((iso3, short, int(date), None if value is None else float(value)))
            page += 1
    rows += carried
    out = ctx.workdir / "wdi.csv.gz"
    write_csv_gz(out, ("iso3", "indicator", "year", "value"), rows)
    notes = [f"{len(dropped)} aggregate or unknown codes left out (regions, income groups)"]
    if carried:
        kept = ", ".join(CARRIED)
        notes.append(f"{len(carried):,} rows of {kept} carried over from the data held")
    release = "World Development Indicators" + (f", last updated {max(updated)}" if updated else "")
    return Fetched(ctx.dataset, out, release, page_url(INDICATORS["pop"], 1), notes=tuple(notes))
