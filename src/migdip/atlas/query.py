"""Query the compiled Atlas: faceted full-text search, records, statistics, timeline, network.

Every query is fixed SQL with parameters; user text never becomes SQL.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from migdip.atlas.codebook import vocabulary
from migdip.atlas.coverage import coercion_outcomes
from migdip.atlas.text import tokens
from migdip.errors import InputError, NotFoundError

SORTS = {
    "year": "r.year, r.date_start, r.id",
    "-year": "r.year DESC, r.date_start DESC, r.id",
    "title": "r.title, r.id",
    "id": "r.id",
    "relevance": "score DESC, r.year, r.id",
}
FACETS = ("kind", "instrument", "region", "approach", "status", "dataset", "decade")
MONEY_FACET = ("promised", "committed", "disbursed", "promised_not_disbursed")


@dataclass(frozen=True)
class Facets:
    """Filters of a search. Empty fields do not filter."""

    text: str | None = None
    kind: str | None = None
    instrument: str | None = None
    party: str | None = None
    role: str | None = None
    position: str | None = None
    approach: str | None = None
    region: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    status: str | None = None
    dataset: str | None = None  # 'curated' or a dataset id
    got: str | None = None  # what a party (of --party/--role/--position, if given) got
    money: str | None = None  # a money stage recorded, or promised_not_disbursed
    carried_out: str | None = None  # whether a threat was carried out (coercion fields)

    def __post_init__(self) -> None:
        # actor codes are upper case (TUR, EU, UNHCR); non-state actors are ns:<lower-case slug>
        if self.party and ":" not in self.party:
            object.__setattr__(self, "party", self.party.upper())

    def check(self) -> None:
        """Raise InputError naming the facet, the value and what is accepted."""
        for name, vocab in (
            ("kind", "record_kind"),
            ("instrument", "instrument"),
            ("role", "role"),
            ("position", "position"),
            ("approach", "approach_mode"),
            ("region", "region"),
            ("status", "status"),
            ("got", "got"),
            ("carried_out", "carried_out"),
        ):
            value = getattr(self, name)
            if value is not None and value not in vocabulary(vocab):
                raise InputError(
                    f"--{name} {value!r} is not accepted; accepted: {', '.join(vocabulary(vocab))}"
                )
        if self.money is not None and self.money not in MONEY_FACET:
            raise InputError(
                f"--money {self.money!r} is not accepted; accepted: {', '.join(MONEY_FACET)}"
            )
        if (
            self.year_from is not None
            and self.year_to is not None
            and self.year_from > self.year_to
        ):
            raise InputError(
                f"year range {self.year_from}-{self.year_to} is empty; --from must not exceed --to"
            )


@dataclass
class SearchResult:
    total: int
    records: list[dict[str, Any]]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _where(f: Facets) -> tuple[str, list[Any]]:
    clauses: list[str] = ["TRUE"]
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        clauses.append(sql)
        params.extend(values)

    if f.kind:
        add("r.kind = ?", f.kind)
    if f.instrument:
        add("list_contains(r.instruments, ?)", f.instrument)
    if f.region:
        add("list_contains(r.regions, ?)", f.region)
    if f.approach:
        add("r.approach_mode = ?", f.approach)
    if f.status:
        add("r.status_latest = ?", f.status)
    if f.year_from is not None:
        add("coalesce(r.year_end, r.year) >= ?", f.year_from)
    if f.year_to is not None:
        add("r.year <= ?", f.year_to)
    if f.dataset:
        add("coalesce(r.provenance_dataset, 'curated') = ?", f.dataset)
    if f.party or f.role or f.position or f.got:
        add(
            "EXISTS (SELECT 1 FROM atlas_parties p WHERE p.record_id = r.id "
            "AND (? IS NULL OR p.actor = ?) AND (? IS NULL OR p.role = ?) "
            "AND (? IS NULL OR list_contains(p.positions, ?)) AND (? IS NULL OR p.got = ?))",
            f.party,
            f.party,
            f.role,
            f.role,
            f.position,
            f.position,
            f.got,
            f.got,
        )
    if f.money == "promised_not_disbursed":
        add(
            "EXISTS (SELECT 1 FROM atlas_money m WHERE m.record_id = r.id AND m.stage = "
            "'promised') AND NOT EXISTS (SELECT 1 FROM atlas_money m WHERE m.record_id = r.id "
            "AND m.stage = 'disbursed')"
        )
    elif f.money:
        add(
            "EXISTS (SELECT 1 FROM atlas_money m WHERE m.record_id = r.id AND m.stage = ?)", f.money
        )
    if f.carried_out:
        add("json_extract_string(r.doc, '$.coercion.carried_out') = ?", f.carried_out)
    return " AND ".join(clauses), params


def _scored(f: Facets) -> tuple[str, list[Any]]:
    """A CTE giving (id, score) for the text query: every term must match (prefixes allowed)."""
    terms = tokens(f.text or "")
    if not terms and f.text and f.text.strip():
        raise InputError(
            f"the search text {f.text!r} holds no word to search for; accepted: words of letters "
            "or digits (common words such as 'the' and 'of' are not indexed)"
        )
    if not terms:
        return "SELECT id, 0.0::DOUBLE AS score FROM atlas_records", []
    sql = """
        SELECT t.record_id AS id,
               sum(t.tf * ln(1 + (SELECT count(*) FROM atlas_records) / df.n)) AS score
        FROM atlas_terms t
        JOIN (SELECT unnest(?::VARCHAR[]) AS q) qs ON t.term LIKE qs.q || '%'
        JOIN (SELECT term, count(*) AS n FROM atlas_terms GROUP BY term) df ON df.term = t.term
        GROUP BY t.record_id
        HAVING count(DISTINCT qs.q) = ?
    """
    return sql, [terms, len(set(terms))]


SUMMARY_COLUMNS = (
    "r.id, r.title, r.kind, r.date_start, r.date_end, r.year, r.instruments, r.regions, "
    "r.parties_actors AS parties, r.approach_mode AS approach, r.status_latest AS status, "
    "coalesce(r.provenance_dataset, 'curated') AS dataset, r.confidence, r.n_sources"
)


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def search(
    con: duckdb.DuckDBPyConnection,
    facets: Facets = Facets(),
    limit: int | None = 50,
    offset: int = 0,
    sort: str | None = None,
    with_facets: bool = True,
) -> SearchResult:
    """Records matching the facets and text, one page of them, and facet counts."""
    facets.check()
    if sort is None:
        sort = "relevance" if facets.text else "year"
    if sort not in SORTS:
        raise InputError(f"--sort {sort!r} is not accepted; accepted: {', '.join(SORTS)}")
    if (limit is not None and limit < 0) or offset < 0:
        raise InputError("--limit and --offset must be zero or more")
    scored, score_params = _scored(facets)
    where, params = _where(facets)
    # One query fetches every match (the Atlas holds thousands of records, not millions);
    # the page and the facet counts are cut from it, so the search runs once.
    matches = _rows(
        con.execute(
            f"SELECT {SUMMARY_COLUMNS}, s.score::DOUBLE AS score FROM atlas_records r "
            f"JOIN ({scored}) s ON s.id = r.id WHERE {where} ORDER BY {SORTS[sort]}",
            score_params + params,
        )
    )
    end = None if limit is None else offset + limit
    result = SearchResult(len(matches), matches[offset:end])
    if with_facets:
        result.facets = facet_counts(matches)
    return result


def facet_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts per facet value over the matching records, most frequent first."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for r in rows:
        counters["kind"][r["kind"]] += 1
        counters["instrument"].update(r["instruments"])
        counters["region"].update(r["regions"])
        counters["approach"][r["approach"]] += 1
        counters["status"][r["status"]] += 1
        counters["dataset"][r["dataset"]] += 1
        counters["decade"][f"{r['year'] // 10 * 10}s"] += 1
    return {
        name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
        for name, c in counters.items()
    }


def record_ids(con: duckdb.DuckDBPyConnection, routes: Sequence[str] | None = None) -> list[str]:
    """Every record's id, in order; with ``routes``, only the records tied to one of them."""
    if routes is None:
        rows = con.execute("SELECT id FROM atlas_records ORDER BY id").fetchall()
    else:
        rows = con.execute(
            "SELECT id FROM atlas_records WHERE list_has_any(routes, ?::VARCHAR[]) ORDER BY id",
            [list(routes)],
        ).fetchall()
    return [str(r[0]) for r in rows]


def _renamed(con: duckdb.DuckDBPyConnection, record_id: str) -> str | None:
    rows = con.execute(
        "SELECT id, doc->>'former_ids' FROM atlas_records WHERE doc->>'former_ids' IS NOT NULL"
    ).fetchall()
    for rid, former in rows:
        if record_id in json.loads(former):
            return str(rid)
    return None


def get_record(con: duckdb.DuckDBPyConnection, record_id: str) -> dict[str, Any]:
    """One record as its document, with party names and types resolved."""
    row = con.execute(
        "SELECT doc, file, provenance_dataset FROM atlas_records WHERE id = ?", [record_id]
    ).fetchone()
    if row is None:
        moved = _renamed(con, record_id)
        if moved is not None:
            return get_record(con, moved)  # a record's former id still finds it
        close = difflib.get_close_matches(record_id, record_ids(con), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(
            f"no Atlas record with id {record_id!r}{hint} (`migdip atlas search TEXT` finds ids)"
        )
    doc: dict[str, Any] = json.loads(row[0])
    parties = _rows(
        con.execute(
            "SELECT actor, name, actor_type FROM atlas_parties WHERE record_id = ? ORDER BY idx",
            [record_id],
        )
    )
    for party, resolved in zip(doc["parties"], parties, strict=True):
        party.setdefault("name", resolved["name"])
        party.setdefault("actor_type", resolved["actor_type"])
    doc["file"] = row[1]
    doc.setdefault("provenance", "curated")
    money = _rows(
        con.execute(
            "SELECT idx, stage, as_of, tranche, amount_eur, eur_rate_year, eur_note "
            "FROM atlas_money WHERE record_id = ? ORDER BY idx",
            [record_id],
        )
    )
    if money:
        doc["money_in_euros"] = money  # derived at compile: not part of the record's file
    return doc


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts that describe the Atlas as a whole."""
    result = search(con, Facets(), limit=0)
    n = result.total
    curated = search(con, Facets(dataset="curated"), limit=0)
    europe_only = con.execute(
        "SELECT count(*) FROM atlas_records WHERE provenance = 'curated' "
        "AND list_contains(regions, 'europe')"
    ).fetchone()
    years = con.execute("SELECT min(year), max(year) FROM atlas_records").fetchone()
    cur_years = con.execute(
        "SELECT min(year), max(year) FROM atlas_records WHERE provenance = 'curated'"
    ).fetchone()
    sources = con.execute("SELECT count(*), count(DISTINCT url) FROM atlas_sources").fetchone()
    n_cur = curated.total
    return {
        "records": n,
        "curated": n_cur,
        "imported": n - n_cur,
        "years": list(years) if years else None,
        "curated_years": list(cur_years) if cur_years else None,
        "curated_with_europe": int(europe_only[0]) if europe_only else 0,
        "curated_europe_share": round(int(europe_only[0]) / n_cur, 3)
        if europe_only and n_cur
        else 0.0,
        "sources": int(sources[0]) if sources else 0,
        "distinct_source_urls": int(sources[1]) if sources else 0,
        "by": result.facets,
        "curated_by": curated.facets,
        "coercion": coercion_outcomes(con),
    }


def timeline(con: duckdb.DuckDBPyConnection, facets: Facets = Facets()) -> list[dict[str, Any]]:
    """Records per year, split by kind and approach, for the records matching the facets."""
    facets.check()
    scored, score_params = _scored(facets)
    where, params = _where(facets)
    cur = con.execute(
        f"""SELECT r.year,
                   count(*) AS records,
                   count(*) FILTER (WHERE r.kind = 'instrument') AS instruments,
                   count(*) FILTER (WHERE r.kind = 'episode') AS episodes,
                   count(*) FILTER (WHERE r.approach_mode = 'cooperative') AS cooperative,
                   count(*) FILTER (WHERE r.approach_mode = 'coercive') AS coercive,
                   count(*) FILTER (WHERE r.approach_mode = 'mixed') AS mixed,
                   count(*) FILTER (WHERE r.approach_mode = 'unilateral') AS unilateral,
                   count(*) FILTER (WHERE r.approach_mode IS NULL) AS approach_not_coded,
                   list(r.id ORDER BY r.date_start, r.id) AS ids
            FROM atlas_records r JOIN ({scored}) s ON s.id = r.id WHERE {where}
            GROUP BY r.year ORDER BY r.year""",
        score_params + params,
    )
    return _rows(cur)


@dataclass
class Network:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def network(con: duckdb.DuckDBPyConnection, facets: Facets = Facets()) -> Network:
    """Who deals with whom: actors as nodes, an edge for each pair of parties to a record."""
    facets.check()
    scored, score_params = _scored(facets)
    where, params = _where(facets)
    selected = f"SELECT r.id FROM atlas_records r JOIN ({scored}) s ON s.id = r.id WHERE {where}"
    all_params = score_params + params
    nodes = _rows(
        con.execute(
            f"""SELECT p.actor AS id, any_value(p.name) AS name, any_value(p.actor_type) AS type,
                       any_value(a.region) AS region, count(DISTINCT p.record_id) AS records
                FROM atlas_parties p LEFT JOIN actors a ON a.code = p.actor
                WHERE p.record_id IN ({selected}) GROUP BY p.actor ORDER BY records DESC, id""",
            all_params,
        )
    )
    edges = _rows(
        con.execute(
            f"""SELECT a.actor AS source, b.actor AS target, count(DISTINCT a.record_id) AS weight,
                       count(DISTINCT a.record_id) FILTER (WHERE r.approach_mode = 'coercive')
                           AS coercive,
                       list(DISTINCT a.record_id ORDER BY a.record_id) AS records
                FROM atlas_parties a
                JOIN atlas_parties b ON a.record_id = b.record_id AND a.actor < b.actor
                JOIN atlas_records r ON r.id = a.record_id
                WHERE a.record_id IN ({selected})
                GROUP BY a.actor, b.actor ORDER BY weight DESC, source, target""",
            all_params,
        )
    )
    return Network(nodes, edges)


def network_graphml(net: Network) -> str:
    """The network as GraphML (for Gephi, Cytoscape, networkx)."""
    import networkx as nx

    graph = nx.Graph()
    for node in net.nodes:
        graph.add_node(
            node["id"],
            name=node["name"] or node["id"],
            type=node["type"] or "",
            region=node["region"] or "",
            records=int(node["records"]),
        )
    for edge in net.edges:
        graph.add_edge(
            edge["source"],
            edge["target"],
            weight=int(edge["weight"]),
            coercive=int(edge["coercive"]),
            records=";".join(edge["records"]),
        )
    return "\n".join(nx.generate_graphml(graph)) + "\n"
