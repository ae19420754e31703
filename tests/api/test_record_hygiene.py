"""Record hygiene and the audit trail: unsafe text refused, stray files reported, edits that
keep the file as it was except for what changed, named tokens, every write recorded."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from migdip.api import Settings, create_app
from migdip.atlas.validate import validate_records
from migdip.paths import records_dir
from tests.api.conftest import TOKEN

ALICE = {"Authorization": "Bearer alice-secret-token"}
RECORD = "eu-tur-2016-statement"


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    tmp = tmp_path_factory.mktemp("named")
    root = tmp / "records"
    shutil.copytree(records_dir(), root)
    settings = Settings(
        warehouse=tmp / "w.duckdb",
        records=root,
        token=TOKEN,
        tokens={"alice": "alice-secret-token", "bob": "bob-secret-token"},
    )
    with TestClient(create_app(settings)) as c:
        yield c, root


def _doc(c: TestClient, rid: str) -> dict[str, Any]:
    doc: dict[str, Any] = c.get(f"/api/v1/atlas/records/{rid}").json()["data"]
    return {k: v for k, v in doc.items() if k not in {"file", "provenance"}}


@pytest.mark.parametrize("bad", ["\x1b[31mred", "e\u202evil", "nul\x00byte"])
def test_control_and_bidi_characters_are_refused(named: tuple[TestClient, Path], bad: str) -> None:
    c, _ = named
    body = _doc(c, RECORD) | {"title": bad}
    r = c.put(f"/api/v1/atlas/records/{RECORD}", json=body, headers=ALICE)
    assert r.status_code == 422
    problem = r.json()["error"]["problems"][0]
    assert problem["field"] == "title" and "control character U+" in problem["message"]


def test_an_edit_keeps_the_file_except_what_changed(named: tuple[TestClient, Path]) -> None:
    c, root = named
    path = root / "2016" / f"{RECORD}.yaml"
    path.write_text("# a curator's comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    os.chmod(path, 0o644)
    before = path.read_text(encoding="utf-8").splitlines()
    body = _doc(c, RECORD)
    old = body["confidence"]
    body["confidence"] = new = "low" if old != "low" else "medium"
    r = c.put(f"/api/v1/atlas/records/{RECORD}", json=body, headers=ALICE)
    assert r.status_code == 200, r.text
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [(f"confidence: {old}", f"confidence: {new}")]
    assert after[0] == "# a curator's comment"
    assert path.stat().st_mode & 0o777 == 0o644
    audit = c.get("/api/v1/atlas/audit", headers={"Authorization": "Bearer bob-secret-token"})
    row = audit.json()["data"][0]
    assert row["actor"] == "alice" and row["action"] == "edit" and row["target"] == RECORD
    assert f"-confidence: {old}" in row["diff"] and f"+confidence: {new}" in row["diff"]


def test_the_audit_needs_a_token(named: tuple[TestClient, Path]) -> None:
    c, _ = named
    assert c.get("/api/v1/atlas/audit").status_code == 401


def test_a_likely_duplicate_is_reported_on_write(named: tuple[TestClient, Path]) -> None:
    c, _ = named
    body = _doc(c, RECORD) | {"id": "eu-tur-2016-statement-copy", "related": []}
    r = c.post("/api/v1/atlas/records", json=body, headers=ALICE)
    assert r.status_code == 201, r.text
    warnings = r.json()["data"]["warnings"]
    assert any("likely duplicate of eu-tur-2016-statement" in w["message"] for w in warnings)


def test_stray_and_oversized_files_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "records"
    (root / "2016").mkdir(parents=True)
    source = records_dir() / "2016" / f"{RECORD}.yaml"
    shutil.copy(source, root / "2016" / f"{RECORD}.yaml")
    shutil.copy(source, root / "2016" / "other.yml")
    (root / "2016" / "gone.yaml").symlink_to(root / "nowhere.yaml")
    big = yaml.safe_load(source.read_text(encoding="utf-8"))
    big["id"], big["summary"] = "big-2016-record", "x" * 1_200_000
    (root / "2016" / "big-2016-record.yaml").write_text(yaml.safe_dump(big), encoding="utf-8")
    report = validate_records(root)
    messages = {p.file: p.message for p in report.errors}
    assert "rename it to other.yaml" in messages["2016/other.yml"]
    assert "does not exist" in messages["2016/gone.yaml"]
    assert "at most 1,000,000 bytes" in messages["2016/big-2016-record.yaml"]
    assert not report.valid


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "records" / "2016"
    root.mkdir(parents=True)
    text = (records_dir() / "2016" / f"{RECORD}.yaml").read_text(encoding="utf-8")
    (root / f"{RECORD}.yaml").write_text(text + "confidence: low\n", encoding="utf-8")
    report = validate_records(root.parent)
    assert any("given twice" in p.message for p in report.errors)


def test_named_tokens_are_checked(tmp_path: Path) -> None:
    from migdip.api.state import named_tokens
    from migdip.errors import InputError

    assert named_tokens("a=12345678, b=abcdefgh") == {"a": "12345678", "b": "abcdefgh"}
    with pytest.raises(InputError, match="name=token pairs"):
        named_tokens("justatoken")
