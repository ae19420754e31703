"""UNHCR's Refugee Data Finder API (population, solutions, asylum applications and decisions).

Endpoints ``https://api.unhcr.org/population/v1/<endpoint>/`` with ``yearFrom``, ``yearTo``,
``coo_all=true``, ``coa_all=true`` (one row per origin and asylum pair), ``limit`` and ``page``;
the answer is ``{"page": n, "maxPages": m, "items": [{"year", "coo_iso", "coa_iso", ...}]}``.
Seen in: the API's documentation https://api.unhcr.org/docs/refugee-statistics.html (cited by
several clients), UNHCR's R package ``refugees`` (field names of ``population``: year, coo,
coo_iso, coa, coa_iso, refugees, asylum_seekers, returned_refugees, idps, returned_idps,
stateless, ooc, oip, hst) and clients that page through ``page``/``maxPages``. No endpoint was
found for the new-displacement flows or the country table: those are updated by hand.
"""

from __future__ import annotations

from urllib.parse import urlencode

from migdip.data.publishers.common import (
    Context,
    Fetched,
    layout_error,
    read_json,
    this_year,
    write_csv_gz,
)

API = "https://api.unhcr.org/population/v1"
DOCS = "https://api.unhcr.org/docs/refugee-statistics.html"
PAGE_SIZE = 10000
FIRST_YEAR = 1951
MAX_PAGES = 1000

ENDPOINTS = {
    "unhcr_population": "population",
    "unhcr_solutions": "solutions",
    "unhcr_asylum_applications": "asylum-applications",
    "unhcr_asylum_decisions": "asylum-decisions",
}


def page_url(endpoint: str, page: int, year_to: int) -> str:
    query = urlencode(
        {
            "limit": PAGE_SIZE,
            "page": page,
            "yearFrom": FIRST_YEAR,
            "yearTo": year_to,
            "coo_all": "true",
            "coa_all": "true",
        }
    )
    return f"{API}/{endpoint}/?{query}"


def fetch(ctx: Context) -> Fetched:
    endpoint = ENDPOINTS[ctx.dataset]
    year_to = this_year()
    expected = "the UNHCR API's JSON page {page, maxPages, items: [...]}"
    items: list[dict[str, object]] = []
    page, pages = 1, 1
    first = page_url(endpoint, 1, year_to)
    while page <= pages:
        url = page_url(endpoint, page, year_to)
        body = read_json(ctx.get(url, f"page{page}.json"), url, expected)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            found = body.keys() if isinstance(body, dict) else [type(body).__name__]
            raise layout_error(url, ctx.dataset, found, expected)
        if page == 1:
            pages = int(body.get("maxPages") or 1)
            if pages > MAX_PAGES:
                raise layout_error(url, ctx.dataset, [f"maxPages={pages}"], expected)
        items += [i for i in body["items"] if isinstance(i, dict)]
        page += 1
    years = [int(str(i["year"])) for i in items if str(i.get("year", "")).isdigit()]
    fields: dict[str, None] = {}
    for item in items:
        fields.update(dict.fromkeys(item))
    out = ctx.workdir / f"{ctx.dataset}.csv.gz"  # the API's field names, as CSV (kept small)
    write_csv_gz(out, list(fields), ([i.get(f) for f in fields] for i in items))
    last = max(years) if years else year_to
    return Fetched(
        ctx.dataset,
        out,
        f"Refugee Data Finder API, {min(years, default=last)}-{last} ({pages} page(s))",
        first,
    )
