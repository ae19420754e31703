"""Pair and state indicators for one year, computed in SQL over all pairs at once.

``prepare(con, year, blocs)`` stages the year's inputs as temporary tables (entities: every state,
plus the blocs asked for, each standing for its members in that year); ``pair_table`` and
``state_table`` then compute every indicator of the catalogue in one query each.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from migdip.data.countries import members, states
from migdip.errors import InputError
from migdip.indicators.catalogue import parameters

_HERE = Path(__file__).resolve().parent
DEFAULT_YEAR = 2024
BLOC_TABLE_BLOCS = ("EU",)


@cache
def route_transit() -> tuple[tuple[str, str], ...]:
    with (_HERE / "route_transit.csv").open(encoding="utf-8", newline="") as fh:
        return tuple((r["route"], r["transit_state"]) for r in csv.DictReader(fh))


@dataclass(frozen=True)
class Years:
    asked: int
    desa: int | None
    unhcr: int | None
    frontex: int | None
    remittance_matrix: int = 2017


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Any:
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def prepare(
    con: duckdb.DuckDBPyConnection, year: int = DEFAULT_YEAR, blocs: tuple[str, ...] = ()
) -> Years:
    """Stage the inputs of ``year`` as temporary tables; return the source years used.

    The staging is kept in the connection and reused while the year, the blocs and the
    datasets' ingestion times are unchanged.
    """
    last = _one(
        con,
        "SELECT greatest((SELECT max(year) FROM unhcr_population), "
        "(SELECT max(year) FROM undesa_stock))",
        [],
    )
    if not 1950 <= year <= (last or 2100):
        raise InputError(
            f"--year {year} is past the data or out of range; accepted: 1950 to {last} "
            "(the latest year of the UNHCR and UN DESA data in the warehouse); each figure "
            "names the data year it uses"
        )
    key = f"{year}|{','.join(sorted(blocs))}|{_data_version(con)}"
    cached = _cached_years(con, key)
    if cached is not None:
        return cached
    years = Years(
        year,
        _one(con, "SELECT max(year) FROM undesa_stock WHERE year <= ?", [year]),
        _one(con, "SELECT max(year) FROM unhcr_population WHERE year <= ?", [year]),
        _one(
            con,
            "SELECT max(CAST(left(month, 4) AS INTEGER)) FROM frontex_detections "
            "WHERE CAST(left(month, 4) AS INTEGER) = ?",
            [year],
        ),
    )
    entities = [(s, s) for s in states()]
    entities += [(bloc, member) for bloc in blocs for member in members(bloc, year)]
    _pairs_table(con, "_members", ("entity", "member"), entities)
    _pairs_table(con, "_routes", ("route", "transit"), list(route_transit()))
    eu = members("EU", year)
    con.execute("CREATE OR REPLACE TEMP TABLE _eu AS SELECT unnest(?::VARCHAR[]) AS member", [eu])
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _wdi AS
           SELECT iso3, indicator, arg_max(value, year) AS value, max(year) AS year
           FROM wdi WHERE year <= ? AND value IS NOT NULL AND indicator IN ('pop', 'gdp', 'remin')
           GROUP BY iso3, indicator""",
        [year],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _stock AS
           SELECT origin, destination, sum(migrants) AS n FROM undesa_stock
           WHERE year = ? GROUP BY origin, destination""",
        [years.desa],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _prot AS
           SELECT origin, asylum,
                  sum(coalesce(refugees, 0) + coalesce(asylum_seekers, 0) + coalesce(oip, 0)) AS n
           FROM unhcr_population WHERE year = ? AND origin <> asylum GROUP BY origin, asylum""",
        [years.unhcr],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _asylum_apps AS
           SELECT asylum, sum(applied) AS n FROM unhcr_asylum_applications
           WHERE year = ? GROUP BY asylum""",
        [years.unhcr],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _transit AS
           WITH d AS (SELECT route, sum(detections) AS n FROM frontex_detections
                      WHERE CAST(left(month, 4) AS INTEGER) = ? GROUP BY route),
                total AS (SELECT sum(n) AS n FROM d)
           SELECT r.transit, sum(d.n) / any_value(total.n) AS share, sum(d.n) AS detections,
                  max(d.n) AS largest_route
           FROM d JOIN _routes r ON r.route = d.route, total GROUP BY r.transit""",
        [year],
    )
    con.execute(_ENTITY_SQL)
    con.execute(_HOSTED_SQL)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _prepared_for AS SELECT ? AS key, ? AS desa, ? AS unhcr, "
        "? AS frontex",
        [key, years.desa, years.unhcr, years.frontex],
    )
    return years


def _data_version(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT max(ingested_at)::VARCHAR FROM datasets").fetchone()
    return str(row[0]) if row else ""


def _cached_years(con: duckdb.DuckDBPyConnection, key: str) -> Years | None:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '_prepared_for'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return None
    row = con.execute("SELECT key, desa, unhcr, frontex FROM _prepared_for").fetchone()
    if row is None or row[0] != key:
        return None
    return Years(int(key.split("|")[0]), row[1], row[2], row[3])


def _pairs_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: tuple[str, str], rows: list[tuple[str, str]]
) -> None:
    """A two-column temporary table from Python pairs, in one statement."""
    first, second = columns
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest(?::VARCHAR[]) AS {first}, "
        f"unnest(?::VARCHAR[]) AS {second}",
        [[r[0] for r in rows], [r[1] for r in rows]],
    )


# Entity-level base quantities (members summed; the year reported is the latest member year).
_ENTITY_SQL = """
CREATE OR REPLACE TEMP TABLE _entity AS
SELECT m.entity,
       sum(p.value) AS pop, max(p.year) AS pop_year,
       sum(g.value) AS gdp, max(g.year) AS gdp_year,
       sum(r.value) AS remin, max(r.year) AS remin_year
FROM _members m
LEFT JOIN _wdi p ON p.iso3 = m.member AND p.indicator = 'pop'
LEFT JOIN _wdi g ON g.iso3 = m.member AND g.indicator = 'gdp'
LEFT JOIN _wdi r ON r.iso3 = m.member AND r.indicator = 'remin'
GROUP BY m.entity
"""

_HOSTED_SQL = """
CREATE OR REPLACE TEMP TABLE _hosted AS
SELECT m.entity, sum(x.n) AS hosted
FROM _members m JOIN _prot x ON x.asylum = m.member
WHERE x.origin NOT IN (SELECT member FROM _members WHERE entity = m.entity)
GROUP BY m.entity
"""


def _pair_base(
    con: duckdb.DuckDBPyConnection, a_list: list[str] | None, b_list: list[str] | None
) -> None:
    """Stage additive pair quantities between entities (restricted to A in a_list, B in b_list)."""
    for table, values in (("_a", a_list), ("_b", b_list)):
        if values is None:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT DISTINCT entity FROM _members"
            )
        else:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT unnest(?::VARCHAR[]) AS entity",
                [values],
            )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _ma AS
           SELECT m.* FROM _members m WHERE m.entity IN (SELECT entity FROM _a)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _mb AS
           SELECT m.* FROM _members m WHERE m.entity IN (SELECT entity FROM _b)"""
    )

    def flows(name: str, table: str, src: str, dst: str, value: str) -> None:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {name} AS
                SELECT 'ab' AS dir, ma.entity AS a, mb.entity AS b, sum(t.{value}) AS v
                FROM {table} t JOIN _ma ma ON t.{src} = ma.member JOIN _mb mb ON t.{dst} = mb.member
                WHERE ma.entity <> mb.entity GROUP BY ma.entity, mb.entity
                UNION ALL
                SELECT 'ba', ma.entity, mb.entity, sum(t.{value})
                FROM {table} t JOIN _ma ma ON t.{dst} = ma.member JOIN _mb mb ON t.{src} = mb.member
                WHERE ma.entity <> mb.entity GROUP BY ma.entity, mb.entity"""
        )

    flows("_f_stock", "_stock", "origin", "destination", "n")
    flows("_f_prot", "_prot", "origin", "asylum", "n")
    flows("_f_remit", "wb_remittances", "sender", "receiver", "usd_millions")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _dist AS
           SELECT ma.entity AS a, mb.entity AS b, min(d.km) AS km
           FROM capital_distances d JOIN _ma ma ON d.orig = ma.member
           JOIN _mb mb ON d.dest = mb.member WHERE ma.entity <> mb.entity
           GROUP BY ma.entity, mb.entity"""
    )


def _s(x: str, k: float) -> str:
    return f"({x}) / (({x}) + {k})"


def pair_table(
    con: duckdb.DuckDBPyConnection,
    a_list: list[str] | None = None,
    b_list: list[str] | None = None,
) -> duckdb.DuckDBPyRelation:
    """Every pair indicator for the prepared year, for A in ``a_list`` and B in ``b_list``."""
    _pair_base(con, a_list, b_list)
    p = parameters()
    k = p["saturation"]
    w = p["leverage_weights"]
    flags = con.execute(
        "SELECT (SELECT frontex IS NOT NULL FROM _prepared_for), "
        "(SELECT count(*) > 0 FROM wb_remittances)"
    ).fetchone()
    has_frontex, has_remittances = (bool(flags[0]), bool(flags[1])) if flags else (False, False)
    transit = (
        "CASE WHEN pairs.b = 'EU' OR pairs.b IN (SELECT member FROM _eu) "
        "THEN coalesce(t.share, 0.0) END"
        if has_frontex
        else "NULL::DOUBLE"
    )
    remittances = (
        _s("100 * coalesce(remittances_a_to_b, 0) * 1e6 / gdp_b", k["remittances_pct_gdp_b"])
        if has_remittances
        else "NULL::DOUBLE"
    )
    sql = f"""
    CREATE OR REPLACE TEMP TABLE _pairs AS
    WITH pairs AS (
        SELECT a.entity AS a, b.entity AS b FROM _a a, _b b
        WHERE a.entity <> b.entity AND NOT EXISTS (
            SELECT 1 FROM _members x JOIN _members y ON x.member = y.member
            WHERE x.entity = a.entity AND y.entity = b.entity)
    ),
    base AS (
        SELECT pairs.a, pairs.b,
            sab.v AS migrants_a_in_b, sba.v AS migrants_b_in_a,
            pba.v AS refugees_from_b_in_a, pab.v AS refugees_from_a_in_b,
            rba.v AS remittances_b_to_a, rab.v AS remittances_a_to_b,
            ea.pop AS pop_a, eb.pop AS pop_b, ea.pop_year AS pop_year_a, eb.pop_year AS pop_year_b,
            ea.gdp AS gdp_a, eb.gdp AS gdp_b, ea.gdp_year AS gdp_year_a, eb.gdp_year AS gdp_year_b,
            ha.hosted AS hosted_a,
            {transit} AS transit_share_a_for_b,
            dist.km AS distance_km
        FROM pairs
        LEFT JOIN _f_stock sab ON sab.dir = 'ab' AND sab.a = pairs.a AND sab.b = pairs.b
        LEFT JOIN _f_stock sba ON sba.dir = 'ba' AND sba.a = pairs.a AND sba.b = pairs.b
        LEFT JOIN _f_prot pab ON pab.dir = 'ab' AND pab.a = pairs.a AND pab.b = pairs.b
        LEFT JOIN _f_prot pba ON pba.dir = 'ba' AND pba.a = pairs.a AND pba.b = pairs.b
        LEFT JOIN _f_remit rab ON rab.dir = 'ab' AND rab.a = pairs.a AND rab.b = pairs.b
        LEFT JOIN _f_remit rba ON rba.dir = 'ba' AND rba.a = pairs.a AND rba.b = pairs.b
        LEFT JOIN _entity ea ON ea.entity = pairs.a
        LEFT JOIN _entity eb ON eb.entity = pairs.b
        LEFT JOIN _hosted ha ON ha.entity = pairs.a
        LEFT JOIN _transit t ON t.transit = pairs.a
        LEFT JOIN _dist dist ON dist.a = pairs.a AND dist.b = pairs.b
    ),
    derived AS (
        SELECT *,
            100 * coalesce(migrants_a_in_b, 0) / pop_a AS migrants_a_in_b_pct_pop_a,
            100 * coalesce(migrants_a_in_b, 0) / pop_b AS migrants_a_in_b_pct_pop_b,
            100 * coalesce(migrants_b_in_a, 0) / pop_a AS migrants_b_in_a_pct_pop_a,
            gdp_a / gdp_b AS gdp_ratio_a_b,
            pop_a / pop_b AS population_ratio_a_b,
            exp(-distance_km / {p["proximity_km"]}) AS proximity,
            (gdp_b / pop_b) / ((gdp_a / pop_a) + (gdp_b / pop_b)) AS pull_b
        FROM base
    ),
    components AS (
        SELECT *,
            transit_share_a_for_b AS c_route,
            {_s("100 * coalesce(hosted_a, 0) / pop_b", k["hosting_pct_pop_b"])} * proximity
                * pull_b AS c_hosting,
            {_s("migrants_a_in_b_pct_pop_b", k["workers_pct_pop_b"])} * pull_b AS c_workers,
            {remittances} AS c_remittances,
            gdp_a / (gdp_a + gdp_b) AS c_power
        FROM derived
    )
    SELECT *,
        100 * (
            coalesce({w["route"]} * c_route, 0) + coalesce({w["hosting"]} * c_hosting, 0)
            + coalesce({w["workers"]} * c_workers, 0)
            + coalesce({w["remittances"]} * c_remittances, 0) + coalesce({w["power"]} * c_power, 0)
        ) / nullif(
            (CASE WHEN c_route IS NULL THEN 0 ELSE {w["route"]} END)
            + (CASE WHEN c_hosting IS NULL THEN 0 ELSE {w["hosting"]} END)
            + (CASE WHEN c_workers IS NULL THEN 0 ELSE {w["workers"]} END)
            + (CASE WHEN c_remittances IS NULL THEN 0 ELSE {w["remittances"]} END)
            + (CASE WHEN c_power IS NULL THEN 0 ELSE {w["power"]} END), 0)
        AS leverage_a_over_b
    FROM components
    """
    con.execute(sql)
    return con.table("_pairs")


def state_table(
    con: duckdb.DuckDBPyConnection, entities: list[str] | None = None
) -> duckdb.DuckDBPyRelation:
    """State indicators (and positions) for the entities of the prepared year (default: all)."""
    p = parameters()
    pos = p["positions"]
    k = p["saturation"]
    w = p["vulnerability_weights"]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _want AS SELECT DISTINCT entity FROM _members "
        "WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], entity)",
        [entities, entities],
    )
    sql = f"""
    CREATE OR REPLACE TEMP TABLE _states AS
    WITH m AS (SELECT * FROM _members WHERE entity IN (SELECT entity FROM _want)),
    emi AS (
        SELECT m.entity, sum(s.n) AS n FROM m JOIN _stock s ON s.origin = m.member
        WHERE s.destination NOT IN (SELECT member FROM _members x WHERE x.entity = m.entity)
        GROUP BY m.entity
    ),
    imm AS (
        SELECT m.entity, sum(s.n) AS n FROM m JOIN _stock s ON s.destination = m.member
        WHERE s.origin NOT IN (SELECT member FROM _members x WHERE x.entity = m.entity)
        GROUP BY m.entity
    ),
    apps AS (
        SELECT m.entity, sum(a.n) AS n FROM m JOIN _asylum_apps a ON a.asylum = m.member
        GROUP BY m.entity
    ),
    exposure AS (
        SELECT mb.entity, sum(h.hosted * exp(-d.km / {p["proximity_km"]})) AS weighted
        FROM m mb
        JOIN capital_distances d ON d.dest = mb.member
        JOIN _hosted h ON h.entity = d.orig
        WHERE d.orig NOT IN (SELECT member FROM _members x WHERE x.entity = mb.entity)
        GROUP BY mb.entity
    ),
    transit AS (SELECT transit AS entity, share, largest_route FROM _transit),
    base AS (
        SELECT e.entity, e.pop AS population, e.pop_year, e.gdp AS gdp_usd, e.gdp_year,
               coalesce(h.hosted, 0) AS hosted_total,
               1000 * coalesce(h.hosted, 0) / e.pop AS hosted_per_1000,
               coalesce(h.hosted, 0) / (e.gdp / 1e9) AS hosted_per_gdp,
               100 * e.remin / e.gdp AS remittances_received_pct_gdp, e.remin_year,
               coalesce(emi.n, 0) AS emigrants, coalesce(imm.n, 0) AS immigrants,
               1000 * coalesce(apps.n, 0) / e.pop AS asylum_applications_per_1000,
               100 * coalesce(x.weighted, 0) / e.pop AS exposure_pct_pop,
               coalesce(t.largest_route, 0) AS transit_largest_route
        FROM _entity e
        LEFT JOIN _hosted h ON h.entity = e.entity
        LEFT JOIN emi ON emi.entity = e.entity
        LEFT JOIN imm ON imm.entity = e.entity
        LEFT JOIN apps ON apps.entity = e.entity
        LEFT JOIN exposure x ON x.entity = e.entity
        LEFT JOIN transit t ON t.entity = e.entity
        WHERE e.entity IN (SELECT entity FROM _want)
    )
    SELECT *,
        list_filter([
            CASE WHEN emigrants > immigrants
                  AND 100 * emigrants / population >= {pos["sending_min_pct_pop"]}
                 THEN 'net_sending' END,
            CASE WHEN immigrants > emigrants
                  AND 100 * immigrants / population >= {pos["receiving_min_pct_pop"]}
                 THEN 'receiving' END,
            CASE WHEN transit_largest_route >= {pos["transit_min_detections"]} THEN 'transit' END,
            CASE WHEN hosted_total >= {pos["host_min_refugees"]}
                   OR hosted_per_1000 >= {pos["host_min_per_1000"]} THEN 'host' END
        ], lambda x: x IS NOT NULL) AS position,
        {_s("exposure_pct_pop", k["exposure_pct_pop"])} AS v_exposure,
        {_s("asylum_applications_per_1000", k["asylum_per_1000"])} AS v_asylum_pressure,
        {_s("hosted_per_1000", k["hosting_per_1000"])} AS v_hosting_load,
        100 * ({w["exposure"]} * v_exposure + {w["asylum_pressure"]} * v_asylum_pressure
               + {w["hosting_load"]} * v_hosting_load) AS vulnerability_engineered_migration
    FROM base
    """
    con.execute(sql)
    return con.table("_states")
