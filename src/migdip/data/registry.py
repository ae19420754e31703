"""The dataset registry: what each bundled dataset is, where it came from, how it is read.

Each dataset has one warehouse table and one or more accepted file formats (the bundled file's,
and the publisher's own download formats where they differ). ``migdip data ingest DATASET FILE``
reads a newer official file in any accepted format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from migdip.data.csvload import Col, CsvFormat, stage_csv
from migdip.data.rules import Rules
from migdip.data.wbxlsx import stage_matrix
from migdip.errors import NotFoundError
from migdip.paths import data_dir

Stager = Callable[[duckdb.DuckDBPyConnection, Path], str]


@dataclass(frozen=True)
class Dataset:
    id: str
    table: str
    title: str
    publisher: str
    version: str
    licence: str
    source: str
    file: str
    stage: Stager
    columns: tuple[str, ...]
    coverage_sql: str = "''"  # an SQL expression over _staged describing its coverage
    formats: tuple[str, ...] = field(default_factory=tuple)
    rules: Rules = field(default_factory=Rules)

    @property
    def bundled(self) -> Path:
        return data_dir() / self.file


def _csv(*formats: CsvFormat) -> Stager:
    def stage(con: duckdb.DuckDBPyConnection, path: Path) -> str:
        if path.suffix == ".json":
            from migdip.data.unhcr_json import json_to_csv

            path = json_to_csv(path)
        return stage_csv(con, path, formats).name

    return stage


def _years(column: str = "year") -> str:
    return f"min({column})::VARCHAR || ' to ' || max({column})::VARCHAR"


# --- formats -------------------------------------------------------------------------------

UNDESA = CsvFormat(
    "UN DESA International Migrant Stock, long format (destination_iso3, year, origin_iso3, "
    "sex, migrants, flags)",
    (
        Col("destination", "destination_iso3", "code"),
        Col("year", "year", "int"),
        Col("origin", "origin_iso3", "code"),
        Col("sex", "sex", "text"),
        Col("migrants", "migrants", "float"),
        Col("basis_foreign_born", "basis_foreign_born", "flag"),
        Col("basis_citizenship", "basis_citizenship", "flag"),
        Col("includes_refugees", "includes_refugees", "flag"),
        Col("imputed", "imputed", "flag"),
    ),
)


def _unhcr_api(name: str, value_columns: tuple[str, ...], extra: tuple[Col, ...] = ()) -> CsvFormat:
    return CsvFormat(
        f"UNHCR Refugee Data Finder API fields ({name}: year, coo_iso, coa_iso, "
        f"{', '.join(value_columns)}), as CSV or the API's JSON",
        (
            Col("year", "year", "int"),
            Col("origin", "coo_iso", "code", system="unhcr"),
            Col("asylum", "coa_iso", "code", system="unhcr"),
            *extra,
            *(Col(v, v, "float", required=False) for v in value_columns),
        ),
    )


POPULATION_VALUES = (
    "refugees",
    "asylum_seekers",
    "returned_refugees",
    "idps",
    "returned_idps",
    "stateless",
    "ooc",
    "oip",
    "hst",
)
UNHCR_POPULATION_API = _unhcr_api("population", POPULATION_VALUES)
UNHCR_POPULATION_RDF = CsvFormat(
    "UNHCR Refugee Data Finder download CSV (Year, Country of origin (ISO), Country of asylum "
    "(ISO), Refugees under UNHCR's mandate, Asylum-seekers, ...; notes above the header allowed)",
    (
        Col("year", "Year", "int"),
        Col("origin", "Country of origin (ISO)", "code", system="unhcr"),
        Col("asylum", "Country of asylum (ISO)", "code", system="unhcr"),
        Col("refugees", "Refugees under UNHCR's mandate", "float", required=False),
        Col("asylum_seekers", "Asylum-seekers", "float", required=False),
        Col("idps", "IDPs of concern to UNHCR", "float", required=False),
        Col("stateless", "Stateless persons", "float", required=False),
        Col("ooc", "Others of concern", "float", required=False),
        Col("oip", "Other people in need of international protection", "float", required=False),
        Col("hst", "Host Community", "float", required=False),
    ),
    na_values=("", "-", "NA"),
    header_search_lines=30,
    extra={"returned_refugees": "NULL::DOUBLE", "returned_idps": "NULL::DOUBLE"},
)
SOLUTIONS_VALUES = ("returned_refugees", "resettlement", "naturalisation", "returned_idps")
FLOWS_VALUES = ("refugees", "asylum_seekers", "refugee_like", "oip")
APPLICATIONS = _unhcr_api(
    "asylum applications",
    ("applied",),
    (
        Col("procedure_type", "procedure_type", "text", required=False),
        Col("app_type", "app_type", "text", required=False),
        Col("dec_level", "dec_level", "text", required=False),
        Col("app_pc", "app_pc", "text", required=False),
    ),
)
DECISIONS = _unhcr_api(
    "asylum decisions",
    ("dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total"),
    (
        Col("procedure_type", "procedure_type", "text", required=False),
        Col("dec_level", "dec_level", "text", required=False),
        Col("dec_pc", "dec_pc", "text", required=False),
    ),
)
UNHCR_COUNTRIES = CsvFormat(
    "UNHCR country table (iso_code, unhcr_code, name, unhcr_region)",
    (
        Col("iso3", "iso_code", "text", required=False),
        Col("unhcr_code", "unhcr_code", "text"),
        Col("name", "name", "text"),
        Col("unhcr_region", "unhcr_region", "text", required=False),
    ),
)
WDI = CsvFormat(
    "World Development Indicators, long format (iso3, indicator, year, value)",
    (
        Col("iso3", "iso3", "code", system="wdi"),
        Col("indicator", "indicator", "text"),
        Col("year", "year", "int"),
        Col("value", "value", "float", required=False),
    ),
)
FRONTEX = CsvFormat(
    "Frontex detections of illegal border crossings, monthly long format (route, border_type, "
    "nationality_iso3, month, detections)",
    (
        Col("route", "route", "text"),
        Col("border_type", "border_type", "text", required=False),
        Col("nationality", "nationality_iso3", "code"),
        Col("month", "month", "month"),
        Col("detections", "detections", "float"),
    ),
)
IOM = CsvFormat(
    "IOM Missing Migrants Project incidents (date, type, route, country_iso3, dead, cause, "
    "survivors, nationality_iso3, location, lon, lat)",
    (
        Col("date", "date", "date"),
        Col("type", "type", "text", required=False),
        Col("route", "route", "text", required=False),
        Col("country", "country_iso3", "code", required=False),
        Col("dead", "dead", "float", required=False),
        Col("cause", "cause", "text", required=False),
        Col("survivors", "survivors", "float", required=False),
        Col("nationalities", "nationality_iso3", "codes", system="iom", required=False),
        Col("location", "location", "text", required=False),
        Col("lon", "lon", "float", required=False),
        Col("lat", "lat", "float", required=False),
    ),
)
EUROSTAT = CsvFormat(
    "Eurostat first-time asylum applicants, long format (destination_iso3, year, "
    "nationality_iso3, sex, applications)",
    (
        Col("destination", "destination_iso3", "code", system="eurostat"),
        Col("year", "year", "int"),
        Col("nationality", "nationality_iso3", "code", system="eurostat"),
        Col("sex", "sex", "text"),
        Col("applications", "applications", "float", required=False),
    ),
)
DISTANCES = CsvFormat(
    "capital distances (orig, dest, distance in km)",
    (Col("orig", "orig", "code"), Col("dest", "dest", "code"), Col("km", "distance", "float")),
)
LANGUAGE = CsvFormat(
    "common official language (orig, dest, comofflang 0/1)",
    (
        Col("orig", "orig", "code", system="wdi"),
        Col("dest", "dest", "code", system="wdi"),
        Col("common", "comofflang", "flag"),
    ),
)


def _wb(across: str, down: str, columns: tuple[str, str, str]) -> Stager:
    def stage(con: duckdb.DuckDBPyConnection, path: Path) -> str:
        stage_matrix(con, path, across, down, columns, 2017)
        return f"World Bank bilateral matrix workbook ({across} across, {down} down)"

    return stage


UNHCR_LICENCE = "CC BY 4.0"
UNHCR_SOURCE = "PopulationStatistics/refugees @ 0c16a6d0 (UNHCR's R package), data/*.rda"
GDIDATA = "iom/gdidata @ c9e4cc69"
MIGSCEN = "hbenveniste/mig-scenarios @ 38feb367"


def _unhcr(
    id_: str,
    title: str,
    file: str,
    cols: tuple[str, ...],
    key: tuple[str, ...],
    *formats: CsvFormat,
) -> Dataset:
    counts = tuple(c for c in cols if c not in key)
    return Dataset(
        id_,
        id_,
        title,
        "UNHCR",
        "Refugee Data Finder, 2025 release (2025 provisional)",
        UNHCR_LICENCE,
        UNHCR_SOURCE,
        file,
        _csv(*formats),
        cols,
        _years(),
        tuple(f.name for f in formats),
        Rules(counts=counts, years=("year",), unique=key),
    )


UNHCR_KEY = ("year", "origin", "asylum")

DATASETS: dict[str, Dataset] = {
    d.id: d
    for d in (
        Dataset(
            "undesa_stock",
            "undesa_stock",
            "International Migrant Stock 2024: stock by destination, origin and sex",
            "UN DESA Population Division",
            "IMS 2024",
            "CC BY 3.0 IGO",
            f"{GDIDATA}, data/undesa_stocks.rda",
            "undesa_ims2024_bilateral_stock.csv.gz",
            _csv(UNDESA),
            (
                "destination",
                "year",
                "origin",
                "sex",
                "migrants",
                "basis_foreign_born",
                "basis_citizenship",
                "includes_refugees",
                "imputed",
            ),
            _years(),
            (UNDESA.name,),
            Rules(
                counts=("migrants",),
                years=("year",),
                unique=("destination", "year", "origin", "sex"),
            ),
        ),
        _unhcr(
            "unhcr_population",
            "Refugee Data Finder: population figures by origin and asylum",
            "unhcr_population.csv.gz",
            ("year", "origin", "asylum", *POPULATION_VALUES),
            UNHCR_KEY,
            UNHCR_POPULATION_API,
            UNHCR_POPULATION_RDF,
        ),
        _unhcr(
            "unhcr_solutions",
            "Refugee Data Finder: durable solutions",
            "unhcr_solutions.csv.gz",
            ("year", "origin", "asylum", *SOLUTIONS_VALUES),
            UNHCR_KEY,
            _unhcr_api("solutions", SOLUTIONS_VALUES),
        ),
        _unhcr(
            "unhcr_flows",
            "Refugee Data Finder: new displacement flows",
            "unhcr_flows.csv.gz",
            ("year", "origin", "asylum", *FLOWS_VALUES),
            UNHCR_KEY,
            _unhcr_api("flows", FLOWS_VALUES),
        ),
        _unhcr(
            "unhcr_asylum_applications",
            "Refugee Data Finder: asylum applications",
            "unhcr_asylum_applications.csv.gz",
            (
                "year",
                "origin",
                "asylum",
                "procedure_type",
                "app_type",
                "dec_level",
                "app_pc",
                "applied",
            ),
            (*UNHCR_KEY, "procedure_type", "app_type", "dec_level", "app_pc"),
            APPLICATIONS,
        ),
        _unhcr(
            "unhcr_asylum_decisions",
            "Refugee Data Finder: asylum decisions",
            "unhcr_asylum_decisions.csv.gz",
            (
                "year",
                "origin",
                "asylum",
                "procedure_type",
                "dec_level",
                "dec_pc",
                "dec_recognized",
                "dec_other",
                "dec_rejected",
                "dec_closed",
                "dec_total",
            ),
            (*UNHCR_KEY, "procedure_type", "dec_level", "dec_pc"),
            DECISIONS,
        ),
        Dataset(
            "unhcr_countries",
            "unhcr_countries",
            "UNHCR country codes",
            "UNHCR",
            "Refugee Data Finder, 2025 release",
            UNHCR_LICENCE,
            UNHCR_SOURCE,
            "unhcr_countries.csv.gz",
            _csv(UNHCR_COUNTRIES),
            ("iso3", "unhcr_code", "name", "unhcr_region"),
            "count(*)::VARCHAR || ' codes'",
            (UNHCR_COUNTRIES.name,),
            Rules(unique=("unhcr_code",)),
        ),
        Dataset(
            "wdi",
            "wdi",
            "World Development Indicators (population, GDP, remittances received and paid, ...)",
            "World Bank",
            "as compiled by IOM gdidata",
            "CC BY 4.0",
            f"{GDIDATA}, data/wdi.rda",
            "wdi_selected_long.csv.gz",
            _csv(WDI),
            ("iso3", "indicator", "year", "value"),
            _years(),
            (WDI.name,),
            Rules(years=("year",), finite=("value",), unique=("iso3", "indicator", "year")),
        ),
        Dataset(
            "wb_remittances",
            "wb_remittances",
            "Bilateral Remittance Estimates 2017 (US$ millions)",
            "World Bank / KNOMAD",
            "2017, April 2018 version",
            "CC BY 4.0 (not confirmed from the file)",
            f"{MIGSCEN}, data/rem_wb/",
            "WB_Bilateral_Remittance_Estimates_2017.xlsx",
            _wb("receiving", "sending", ("sender", "receiver", "usd_millions")),
            ("sender", "receiver", "year", "usd_millions"),
            "'2017'",
            ("World Bank bilateral remittance matrix workbook (receiving across, sending down)",),
            Rules(ranges={"usd_millions": (0.0, 1e7)}, unique=("sender", "receiver", "year")),
        ),
        Dataset(
            "wb_migrant_stock",
            "wb_migrant_stock",
            "Bilateral Estimates of Migrant Stocks 2017",
            "World Bank",
            "2017",
            "CC BY 4.0 (not confirmed from the file)",
            f"{MIGSCEN}, data/rem_wb/",
            "WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx",
            _wb("destination", "origin", ("origin", "destination", "migrants")),
            ("origin", "destination", "year", "migrants"),
            "'2017'",
            ("World Bank bilateral migration matrix workbook (destination across, origin down)",),
            Rules(counts=("migrants",), unique=("origin", "destination", "year")),
        ),
        Dataset(
            "frontex_detections",
            "frontex_detections",
            "Detections of illegal border crossings at the EU's external borders, monthly",
            "Frontex",
            "2009-01 to 2025-04",
            "reuse with attribution (terms not checked)",
            f"{GDIDATA}, data/frontex.rda",
            "frontex_detections_monthly.csv.gz",
            _csv(FRONTEX),
            ("route", "border_type", "nationality", "month", "detections"),
            _years("month"),
            (FRONTEX.name,),
            Rules(
                counts=("detections",),
                months=("month",),
                unique=("route", "border_type", "nationality", "month"),
            ),
        ),
        Dataset(
            "iom_missing_migrants",
            "iom_missing_migrants",
            "Missing Migrants Project: incidents, dead and missing",
            "IOM",
            "2014-01 to 2025-04",
            "reuse with attribution (terms not checked)",
            f"{GDIDATA}, data/iom_mmp.rda",
            "iom_missing_migrants_incidents.csv.gz",
            _csv(IOM),
            (
                "date",
                "type",
                "route",
                "country",
                "dead",
                "cause",
                "survivors",
                "nationalities",
                "location",
                "lon",
                "lat",
            ),
            _years("date"),
            (IOM.name,),
            Rules(
                counts=("dead",),
                finite=("survivors",),  # 5 incidents of 2016-2020 carry -1 or -2 as published
                dates=("date",),
                ranges={"lon": (-180.0, 180.0), "lat": (-90.0, 90.0)},
            ),
        ),
        Dataset(
            "eurostat_asylum",
            "eurostat_asylum",
            "First-time asylum applicants by citizenship, sex and reporting country",
            "Eurostat",
            "2011-2024",
            "reuse with attribution",
            f"{GDIDATA}, data/eu_asyapp.rda",
            "eurostat_asylum_applications.csv.gz",
            _csv(EUROSTAT),
            ("destination", "year", "nationality", "sex", "applications"),
            _years(),
            (EUROSTAT.name,),
            Rules(
                counts=("applications",),
                years=("year",),
                unique=("destination", "year", "nationality", "sex"),
            ),
        ),
        Dataset(
            "capital_distances",
            "capital_distances",
            "Great-circle distance between capitals (km)",
            "hbenveniste/mig-scenarios (UN population data)",
            "as published",
            "none stated: facts",
            f"{MIGSCEN}, data/distance_unpop/",
            "capital_distances_km.csv.gz",
            _csv(DISTANCES),
            ("orig", "dest", "km"),
            "count(*)::VARCHAR || ' pairs'",
            (DISTANCES.name,),
            Rules(ranges={"km": (0.0, 20100.0)}, unique=("orig", "dest")),
        ),
        Dataset(
            "common_language",
            "common_language",
            "Common official language of two states",
            "hbenveniste/mig-scenarios",
            "as published",
            "none stated: facts",
            f"{MIGSCEN}, data/common_official_language/",
            "common_official_language.csv.gz",
            _csv(LANGUAGE),
            ("orig", "dest", "common"),
            "count(*)::VARCHAR || ' pairs'",
            (LANGUAGE.name,),
            Rules(unique=("orig", "dest")),
        ),
    )
}


def dataset(dataset_id: str) -> Dataset:
    try:
        return DATASETS[dataset_id]
    except KeyError:
        raise NotFoundError(
            f"no dataset named {dataset_id!r}; accepted: {', '.join(DATASETS)}"
        ) from None
