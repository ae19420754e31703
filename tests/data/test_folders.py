"""Versions of shipped input folders: the same files give the same version anywhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from migdip.data.folders import folder_version, render_folder_versions
from migdip.paths import data_dir

CASES = data_dir() / "flee_cases"


def test_a_folder_version_depends_on_its_files_not_on_where_it_is(tmp_path: Path) -> None:
    shipped = folder_version(CASES / "mali2012")
    copy = tmp_path / "cases" / "mali2012"
    shutil.copytree(CASES / "mali2012", copy)
    (copy / "NOTES.md").write_text("a note does not change the inputs\n")
    assert folder_version(copy) == shipped
    (copy / "input_csv" / "routes.csv").rename(copy / "input_csv" / "routes2.csv")
    assert folder_version(copy) != shipped and folder_version(copy)[1] == shipped[1]
    (copy / "input_csv" / "routes2.csv").rename(copy / "input_csv" / "routes.csv")
    routes = copy / "input_csv" / "routes.csv"
    routes.write_bytes(routes.read_bytes() + b"\n")
    assert folder_version(copy)[0] != shipped[0]


def test_the_section_names_every_case_and_the_shared_settings() -> None:
    section = render_folder_versions(CASES)
    assert section.startswith("## Data versions\n")
    for path in CASES.iterdir():
        if path.suffix != ".md":
            version, n = folder_version(path)
            assert f"| {path.name} | {n} | `{version}` |" in section
