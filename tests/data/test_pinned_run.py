"""A past result reproduced in one step: a command run with `--data-version` or `--pinned`
reads the old versions on a private copy; the warehouse keeps its current ones."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migdip.cli import app
from migdip.data.registry import DATASETS
from migdip.data.transport import RecordedTransport
from migdip.data.update import update
from migdip.warehouse import Warehouse
from tests.cli.helpers import run_json, runner

# The recorded release revises UNHCR's 2024 figure of Eritrean refugees in Germany (x 1.5 + 10)
DYAD = ("dyad", "DEU", "ERI", "--year", "2024")


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory, release: Path) -> Iterator[dict[str, Any]]:
    from tests.data.conftest import unhcr

    old_year = unhcr.this_year
    unhcr.this_year = lambda: 2026  # module scope: the autouse fixture is function-scoped
    try:
        folder = tmp_path_factory.mktemp("pinned-run")
        w = str(folder / "w.duckdb")
        before = run_json(*DYAD, "--warehouse", w)
        report = update(Warehouse(w), ["unhcr_population"], RecordedTransport(release))
        assert [o.status for o in report.outcomes] == ["updated"]
        saved = folder / "before.json"
        saved.write_text(json.dumps(before))
        yield {"warehouse": w, "before": before, "saved": saved, "folder": folder}
    finally:
        unhcr.this_year = old_year


def _refugees(out: Any) -> float:
    return next(f["value"] for f in out["figures"] if f["name"] == "refugees_from_b_in_a")


def _version(out: Any, dataset: str) -> str:
    return next(v["version"] for v in out["meta"]["data_versions"] if v["dataset"] == dataset)


def test_the_output_names_the_versions_and_the_update_changes_the_figure(
    updated: dict[str, Any],
) -> None:
    before, now = updated["before"], run_json(*DYAD, "--warehouse", updated["warehouse"])
    assert {v["dataset"] for v in now["meta"]["data_versions"]} == set(DATASETS)
    assert _version(now, "unhcr_population") != _version(before, "unhcr_population")
    assert _version(now, "wdi") == _version(before, "wdi")
    assert _refugees(now) > _refugees(before) * 1.3  # 67,843 of the 71,351 revised x 1.5


def test_a_saved_output_pinned_gives_the_old_figure_and_names_the_old_version(
    updated: dict[str, Any],
) -> None:
    w, before = updated["warehouse"], updated["before"]
    generation = Warehouse(w).generation()
    again = run_json(*DYAD, "--warehouse", w, "--pinned", str(updated["saved"]))
    assert again == before  # the figures and the meta: nothing differs
    old = _version(before, "unhcr_population")
    one = run_json(*DYAD, "--warehouse", w, "--data-version", f"unhcr_population={old[:8]}")
    assert _refugees(one) == _refugees(before) and _version(one, "unhcr_population") == old
    assert Warehouse(w).generation() == generation  # the warehouse was not written
    now = run_json(*DYAD, "--warehouse", w)
    assert _version(now, "unhcr_population") != old  # and keeps its current version


def test_an_unknown_version_is_refused_clearly_and_nothing_is_left(
    updated: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = updated["warehouse"]
    generation = Warehouse(w).generation()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = runner.invoke(app, [*DYAD, "--warehouse", w, "--data-version", "wdi=abcdef99"])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "--data-version: wdi=abcdef99: no such version of wdi; accepted: " in message
    assert "or bundled (see `migdip data versions wdi`)" in message
    bad = runner.invoke(app, [*DYAD, "--warehouse", w, "--data-version", "wdi", "--json"])
    assert bad.exit_code == 1
    assert "accepted: DATASET=VERSION" in json.loads(bad.stdout)["error"]["message"]
    assert Warehouse(w).generation() == generation and not list(tmp_path.iterdir())


def test_pins_on_a_command_that_would_write_are_refused(updated: dict[str, Any]) -> None:
    w = updated["warehouse"]
    result = runner.invoke(
        app, ["impact", "eu-tur-2016-statement", "--write", "--pinned", "x.json", "--warehouse", w]
    )
    assert result.exit_code == 1 and "--write with --data-version or --pinned" in result.stderr
