"""What a result was computed from: the ``meta`` of every CLI ``--json`` output.

- ``data_versions``: the version in use of each dataset in the warehouse the command read
  (:func:`migdip.data.versions.data_versions`); empty for a command that reads no dataset. A
  saved output is a pinned versions file: ``migdip COMMAND ... --pinned OUTPUT.json`` reads
  those versions again.
- ``atlas``: the Atlas build the command read (records folder, fingerprint of the record files
  and the codebook, number of records), for commands on the Atlas. The bundled records are
  versioned with migdip itself.
- ``migdip_version``: the code, bundled records and definitions that computed it.

The REST API's ``meta`` is this too (plus ``api_version``; ``migdip.api.state.State.result_meta``,
once per warehouse generation), and so is what a job's result names (``migdip.tasks``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from migdip import __version__
from migdip.atlas.store import fingerprint, latest_build
from migdip.data.versions import data_versions


def result_meta(
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    datasets: bool = False,
    atlas: bool = False,
    records: Path | None = None,
) -> dict[str, Any]:
    """The meta of a result read through ``con``: the data versions when it read ``datasets``,
    the Atlas build when it read the ``atlas``; ``records`` names a records folder read from
    its files (no warehouse)."""
    if (datasets or atlas) and con is None:
        raise ValueError("result_meta: datasets and atlas are read through a connection")
    meta: dict[str, Any] = {
        "migdip_version": __version__,
        "data_versions": data_versions(con) if datasets and con is not None else [],
    }
    if atlas and con is not None:
        meta["atlas"] = latest_build(con)
    elif records is not None:
        meta["atlas"] = {"records_dir": str(records), "fingerprint": fingerprint(records)}
    return meta
