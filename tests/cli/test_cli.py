from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migdip.cli import app
from tests.cli.helpers import run_json, runner


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    result = runner.invoke(app, ["atlas", "build", "--warehouse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return str(path)


def test_build_reports_counts(warehouse: str) -> None:
    out = run_json("atlas", "build", "--warehouse", warehouse)
    assert isinstance(out, dict) and out["imported"] == 1221 and out["curated"] >= 1


def test_search_json(warehouse: str) -> None:
    out = run_json("atlas", "search", "readmission", "--party", "TUR", "--warehouse", warehouse)
    assert isinstance(out, dict)
    assert "eu-tur-2016-statement" in [r["id"] for r in out["records"]]
    assert set(out["facets"]) >= {"instrument", "region", "approach", "dataset", "decade"}


def test_list_json_with_facets(warehouse: str) -> None:
    out = run_json(
        "atlas",
        "list",
        "--dataset",
        "bilateral_labour_agreements",
        "--limit",
        "3",
        "--warehouse",
        warehouse,
    )
    assert isinstance(out, dict) and out["total"] == 1221 and len(out["records"]) == 3


def test_show_json_and_text(warehouse: str) -> None:
    out = run_json("atlas", "show", "eu-tur-2016-statement", "--warehouse", warehouse)
    assert isinstance(out, dict) and out["sources"]
    text = runner.invoke(app, ["atlas", "show", "eu-tur-2016-statement", "--warehouse", warehouse])
    assert text.exit_code == 0 and "EU-Turkey Statement" in text.stdout


def test_show_unknown_id_is_a_clean_error(warehouse: str) -> None:
    result = runner.invoke(app, ["atlas", "show", "nope-nope", "--warehouse", warehouse, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["type"] == "NotFoundError"
    plain = runner.invoke(app, ["atlas", "show", "nope-nope", "--warehouse", warehouse])
    assert plain.exit_code == 1 and "no Atlas record with id 'nope-nope'" in plain.stderr


def test_bad_facet_is_a_clean_error(warehouse: str) -> None:
    result = runner.invoke(app, ["atlas", "list", "--region", "mars", "--warehouse", warehouse])
    assert result.exit_code == 1
    assert "--region 'mars' is not accepted; accepted: africa" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export(warehouse: str, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"a.{fmt}"
    out = run_json(
        "atlas",
        "export",
        str(target),
        "--format",
        fmt,
        "--region",
        "asia",
        "--warehouse",
        warehouse,
    )
    assert isinstance(out, dict) and out["records"] > 0 and target.stat().st_size > 0


def test_stats_timeline_network(warehouse: str, tmp_path: Path) -> None:
    stats = run_json("atlas", "stats", "--warehouse", warehouse)
    assert isinstance(stats, dict) and stats["imported"] == 1221
    rows = run_json("atlas", "timeline", "--dataset", "curated", "--warehouse", warehouse)
    assert isinstance(rows, list) and rows
    graphml = tmp_path / "n.graphml"
    net = run_json("atlas", "network", "--graphml", str(graphml), "--warehouse", warehouse)
    assert isinstance(net, dict) and net["nodes"] and graphml.read_text().startswith("<graphml")


def test_validate_passes_and_fails(records_copy: Path) -> None:
    ok = run_json("atlas", "validate", "--records", str(records_copy))
    assert isinstance(ok, dict) and ok["valid"] is True
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    path.write_text(re.sub(r"(?m)^confidence: \w+", "confidence: total", path.read_text()))
    bad = runner.invoke(app, ["atlas", "validate", "--records", str(records_copy), "--json"])
    assert bad.exit_code == 1
    errors = json.loads(bad.stdout)["errors"]
    assert errors == [
        {
            "file": "2016/eu-tur-2016-statement.yaml",
            "field": "confidence",
            "value": "",
            "message": "'total' is not a known confidence; accepted: high, medium, low",
            "severity": "error",
        }
    ]


def test_build_refuses_invalid_atlas(records_copy: Path, tmp_path: Path) -> None:
    path = records_copy / "2016" / "eu-tur-2016-statement.yaml"
    path.write_text(path.read_text().replace("kind: instrument", "kind: thing"))
    result = runner.invoke(
        app,
        [
            "atlas",
            "build",
            "--records",
            str(records_copy),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ],
    )
    assert result.exit_code == 1
    assert "nothing was written to the warehouse" in result.stderr


def test_tour_and_migrations(warehouse: str) -> None:
    tour = runner.invoke(app, ["tour", "--warehouse", warehouse])
    assert tour.exit_code == 0 and "Atlas of migration diplomacy" in tour.stdout
    out = run_json("migrations", "--warehouse", warehouse)
    assert isinstance(out, dict) and out["migrations"][0] == "0001_atlas_tables"


def test_codebook_json() -> None:
    out = run_json("atlas", "codebook")
    assert isinstance(out, dict) and any(f["field"] == "parties[].role" for f in out["fields"])


def test_every_command_takes_json() -> None:
    import typer.main

    click_app = typer.main.get_command(app)
    commands = _leaf_commands(click_app)
    assert len(commands) >= 12
    for name, command in commands.items():
        options = {opt for p in command.params for opt in getattr(p, "opts", [])}
        assert "--json" in options, name


def _leaf_commands(group: object, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for name, cmd in getattr(group, "commands", {}).items():
        if getattr(cmd, "commands", None):
            out |= _leaf_commands(cmd, f"{prefix}{name} ")
        else:
            out[f"{prefix}{name}"] = cmd
    return out


def test_atlas_outputs_name_the_build_they_read(warehouse: str, records_copy: Path) -> None:
    built = run_json("atlas", "build", "--warehouse", warehouse)
    assert isinstance(built, dict)
    for args in (
        ("atlas", "search", "readmission"),
        ("atlas", "show", "eu-tur-2016-statement"),
        ("atlas", "stats"),
        ("atlas", "network"),
    ):
        out = run_json(*args, "--warehouse", warehouse)
        assert isinstance(out, dict), args
        meta = out["meta"]
        assert meta["data_versions"] == [] and meta["migdip_version"], args  # no dataset read
        assert meta["atlas"]["fingerprint"] == built["fingerprint"], args
        assert meta["atlas"]["records"] == built["records"], args
    checked = run_json("atlas", "validate", "--records", str(records_copy))
    assert isinstance(checked, dict)
    assert checked["meta"]["atlas"]["records_dir"] == str(records_copy)
    codebook = run_json("atlas", "codebook")
    assert isinstance(codebook, dict) and codebook["meta"]["data_versions"] == []
