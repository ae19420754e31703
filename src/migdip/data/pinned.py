"""Read pinned data versions for one result, without switching the warehouse's current ones.

``migdip COMMAND --data-version DATASET=VERSION`` (or ``--pinned FILE``) runs the command on a
private copy of the warehouse in which the pinned versions are in use (each ingested again
from its kept copy, its sha256 checked, through the usual reader and rules); the copy is
deleted when the command ends, so the warehouse, its current versions and other users are
untouched. ``migdip data use`` is the permanent switch.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from migdip.data.ingest import ensure_bundled
from migdip.data.pins import load_pinned, parse_pin, use_versions
from migdip.data.store import VersionStore
from migdip.data.versions import BUNDLED, list_versions
from migdip.errors import InputError, NotFoundError
from migdip.warehouse import Warehouse


def pins_of(data_version: list[str] | None, pinned: Path | None) -> dict[str, str]:
    """The pins of ``--pinned FILE`` and then ``--data-version DATASET=VERSION`` (which win)."""
    pins = load_pinned(pinned) if pinned is not None else {}
    return pins | dict(parse_pin(p) for p in data_version or [])


def _named(pin: str, version: str, sha256: str, stored: str | None) -> bool:
    if pin == BUNDLED:
        return stored == BUNDLED
    return version.startswith(pin) or sha256.startswith(pin)


def _not_in_use(wh: Warehouse, pins: dict[str, str]) -> dict[str, str]:
    """The pins that name a version other than the one in use (those need a copy)."""
    con = wh.read()
    try:
        in_use = {v.dataset: v for v in list_versions(con) if v.in_use}
    finally:
        if wh.shared:
            con.close()
    return {
        d: p
        for d, p in pins.items()
        if d not in in_use or not _named(p, in_use[d].version, in_use[d].sha256, in_use[d].stored)
    }


@contextmanager
def pinned_warehouse(wh: Warehouse, pins: dict[str, str], where: str) -> Iterator[Warehouse]:
    """``wh`` with ``pins`` in use for the block: ``wh`` itself when they are in use already,
    else a private copy, deleted afterwards. ``where`` names the option the pins came from."""
    if not pins:
        yield wh
        return
    if not wh.shared:
        raise InputError(
            f"{where}: a warehouse in memory keeps no earlier versions; accepted: a warehouse "
            "file (--warehouse PATH or MIGDIP_WAREHOUSE)"
        )
    ensure_bundled(wh)  # the first run builds the warehouse, as any command would
    wanted = _not_in_use(wh, pins)
    if not wanted:
        yield wh
        return
    with tempfile.TemporaryDirectory(prefix="migdip-pinned-", ignore_cleanup_errors=True) as tmp:
        copy = Warehouse(Path(tmp) / wh.path.name)
        current = wh.generation()
        if current is not None:  # generations are never changed in place: a link is a copy
            os.symlink(current, copy.path)
        try:
            use_versions(copy, wanted, VersionStore.beside(wh))
        except (InputError, NotFoundError) as exc:
            raise type(exc)(f"{where}: {exc}") from None
        yield copy
