"""Versions of input folders shipped with migdip (the Flee cases), named as dataset versions are.

A folder's version is the first :data:`~migdip.data.versions.VERSION_CHARS` characters of a
sha256 over its files (each file's path relative to the folder, then its bytes, in path order;
Markdown notes left out), so equal versions mean equal inputs on any machine.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from migdip.data.versions import VERSION_CHARS


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix != ".md")


def folder_version(path: Path) -> tuple[str, int]:
    """The version of a folder (or one file) and how many files it covers."""
    digest = hashlib.sha256()
    files = _files(path)
    for file in files:
        digest.update(file.relative_to(path.parent).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()[:VERSION_CHARS], len(files)


def render_folder_versions(folder: Path) -> str:
    """A document's "Data versions" section for results read from the folders in ``folder``
    (one row per folder or file in it) rather than from the warehouse's datasets."""
    where = f"{folder.parent.name}/{folder.name}/"
    lines = [
        "## Data versions",
        "",
        "These figures read no warehouse dataset (`migdip data versions` names none of them):",
        f"their inputs are the folders below, shipped with migdip in `{where}`. Each is named",
        f"by the first {VERSION_CHARS} characters of a sha256 over its files (relative path and",
        "bytes, in path order; Markdown notes left out): equal versions, equal inputs.",
        "",
        "| input | files | version |",
        "|---|---|---|",
    ]
    for path in sorted(p for p in folder.iterdir() if p.suffix != ".md"):
        version, n = folder_version(path)
        lines.append(f"| {path.name} | {n} | `{version}` |")
    return "\n".join(lines) + "\n"
