"""Where migdip finds its bundled resources and keeps its warehouse.

Resources are looked up in this order: an explicit environment variable, the copy bundled inside
an installed wheel (``migdip/_bundled``), then the source checkout (for editable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = PACKAGE_DIR / "_bundled"
_CHECKOUT = PACKAGE_DIR.parent.parent

WAREHOUSE_ENV = "MIGDIP_WAREHOUSE"
RECORDS_ENV = "MIGDIP_RECORDS"
DATA_ENV = "MIGDIP_DATA"
SCENARIOS_ENV = "MIGDIP_SCENARIOS"


def _resource(env: str, relative: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override)
    bundled = _BUNDLED / relative
    if bundled.exists():
        return bundled
    return _CHECKOUT / relative


def records_dir() -> Path:
    """The folder of curated Atlas records (``atlas/records/<year>/<id>.yaml``)."""
    return _resource(RECORDS_ENV, "atlas/records")


def data_dir() -> Path:
    """The folder of bundled datasets (with PROVENANCE.md)."""
    return _resource(DATA_ENV, "data")


def scenarios_dir() -> Path:
    """The folder of example scenario files."""
    return _resource(SCENARIOS_ENV, "scenarios")


def docs_dir() -> Path:
    """The documentation folder of the source checkout (generated documents are written here)."""
    return _CHECKOUT / "docs"


def default_warehouse_path() -> Path:
    """The warehouse file: ``$MIGDIP_WAREHOUSE`` or ``<user data dir>/migdip/migdip.duckdb``."""
    override = os.environ.get(WAREHOUSE_ENV)
    if override:
        return Path(override)
    return user_data_path("migdip", appauthor=False) / "migdip.duckdb"
