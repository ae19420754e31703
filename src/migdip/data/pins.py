"""Reproduce a past state: put pinned versions of datasets back in use.

Pins come as ``DATASET=VERSION`` (``--data-version``) or from a pinned versions file: JSON or
YAML holding a mapping ``{dataset: version}``, a list of ``{"dataset", "version", ...}``
entries (what ``migdip data versions --json`` prints; entries with ``"in_use": false`` are
skipped), or an object with a ``data_versions`` list (a result's ``meta``, or a command's
``--json`` output). A version is named by its first characters (at least 6) or ``bundled``.
The file of each version is found in the versions store (or is the bundled one), its sha256
checked, and it is ingested again through the usual reader and rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from migdip.data.ingest import IngestResult, ensure_bundled, ingest, sha256
from migdip.data.registry import DATASETS, dataset
from migdip.data.store import VersionStore
from migdip.data.versions import BUNDLED, Origin, Version, list_versions
from migdip.errors import InputError, NotFoundError
from migdip.warehouse import Warehouse

MIN_CHARS = 6
ACCEPTED_FILE = (
    "JSON or YAML: a mapping {dataset: version}, a list of {dataset, version} entries, or an "
    "object with a data_versions list"
)


def parse_pin(text: str) -> tuple[str, str]:
    name, sep, version = text.partition("=")
    name, version = name.strip(), version.strip()
    if not sep or not name or not version:
        raise InputError(
            f"--data-version {text!r} is not accepted; accepted: DATASET=VERSION, e.g. "
            "unhcr_population=1a2b3c4d5e6f (see `migdip data versions`)"
        )
    dataset(name)
    return name, version


def load_pinned(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the pinned versions file ({exc.strerror})") from None
    try:
        payload: Any = json.loads(text)
    except json.JSONDecodeError:
        try:
            payload = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(
                f"{path}: neither JSON nor YAML ({exc}); accepted: {ACCEPTED_FILE}"
            ) from None
    return pins_from(payload, str(path))


def pins_from(payload: Any, where: str) -> dict[str, str]:
    if isinstance(payload, dict) and isinstance(payload.get("data_versions"), list):
        payload = payload["data_versions"]
    elif isinstance(payload, dict) and isinstance(payload.get("meta"), dict):
        return pins_from(payload["meta"], where)
    out: dict[str, str] = {}
    if isinstance(payload, dict):
        items = [{"dataset": k, "version": v} for k, v in payload.items()]
    elif isinstance(payload, list):
        items = payload
    else:
        raise InputError(f"{where}: not accepted; accepted: {ACCEPTED_FILE}")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("dataset") or not item.get("version"):
            raise InputError(
                f"{where}: entry {i + 1} ({item!r}) is not accepted; accepted: an object with "
                "dataset and version"
            )
        if item.get("in_use") is False:
            continue
        name = str(item["dataset"])
        if name not in DATASETS:
            raise InputError(
                f"{where}: entry {i + 1}: dataset {name!r} is not accepted; accepted: "
                f"{', '.join(DATASETS)}"
            )
        out[name] = str(item["version"])
    return out


def dump_pinned(pins: dict[str, str]) -> str:
    return json.dumps([{"dataset": d, "version": v} for d, v in pins.items()], indent=2) + "\n"


def _find(candidates: list[Version], name: str, version: str) -> Version:
    if version == BUNDLED:
        spec = dataset(name)
        found = [v for v in candidates if v.stored == BUNDLED or v.file == spec.file]
        if found:
            return found[0]
        raise NotFoundError(f"{name}: no bundled version recorded; run `migdip data ingest {name}`")
    if len(version) < MIN_CHARS:
        raise InputError(
            f"{name}={version}: a version is named by at least {MIN_CHARS} characters of its "
            "sha256 (see `migdip data versions`)"
        )
    found = [v for v in candidates if v.version.startswith(version) or v.sha256.startswith(version)]
    if len({v.sha256 for v in found}) > 1:
        raise InputError(f"{name}={version} names more than one version; give more characters")
    if not found:
        known = ", ".join(
            dict.fromkeys(f"{v.version} ({v.release or 'no release named'})" for v in candidates)
        )
        raise NotFoundError(
            f"{name}={version}: no such version of {name}; accepted: "
            f"{known + ' or ' if known else ''}{BUNDLED} (see `migdip data versions {name}`)"
        )
    return found[0]


def _file(v: Version, store: VersionStore | None) -> Path:
    spec = dataset(v.dataset)
    paths = []
    if v.stored and v.stored != BUNDLED and store is not None:
        paths.append(store.path(v.stored))
    paths.append(spec.bundled)
    for path in paths:
        if path.exists() and sha256(path) == v.sha256:
            return path
    where = store.path(f"{v.dataset}/{v.version}/{v.file}") if store else "the versions store"
    raise NotFoundError(
        f"{v.dataset} version {v.version}: its file ({v.file}, sha256 {v.sha256[:16]}...) is "
        f"not in the versions store nor bundled; put the file at {where} and try again"
    )


def use_versions(
    wh: Warehouse, pins: dict[str, str], store: VersionStore | None = None
) -> list[IngestResult]:
    """Put each pinned version back in use (each dataset in its own transaction, one write)."""
    store = store if store is not None else VersionStore.beside(wh)
    ensure_bundled(wh)
    results = []
    with wh.write() as con:
        entries = store.entries() if store is not None and store.root.exists() else []
        for name, version in pins.items():
            candidates = list_versions(con, name) + [e for e in entries if e.dataset == name]
            v = _find(candidates, name, version)
            path = _file(v, store)
            stored = BUNDLED if path == dataset(name).bundled else v.stored
            origin = Origin(v.release, v.retrieved_at, v.source_url, v.sha256, v.file, stored)
            results.append(ingest(con, name, path, replace=True, origin=origin))
    return results
