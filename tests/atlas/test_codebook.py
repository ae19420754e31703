from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from migdip.atlas import codebook
from migdip.atlas.model import Record

ROOT = Path(__file__).resolve().parents[2]


def _model_fields(model: type[BaseModel], prefix: str) -> set[str]:
    return {prefix + name for name in model.model_fields}


def test_codebook_lists_every_record_field_and_no_other() -> None:
    top = {f.field for f in codebook.fields() if "." not in f.field and "[" not in f.field}
    assert top == set(Record.model_fields) - {"approach", "outcome"}


def test_every_vocabulary_named_in_the_codebook_exists() -> None:
    for f in codebook.fields():
        if f.allowed.startswith("vocab:"):
            assert codebook.vocabulary(f.allowed.removeprefix("vocab:"))


def test_issue_required_terms_are_expressible() -> None:
    instruments = set(codebook.vocabulary("instrument"))
    for term in (
        "readmission_standard",
        "readmission_nonstandard",
        "bilateral_labour_agreement",
        "labour_mobility_scheme",
        "memorandum_of_understanding",
        "joint_declaration",
        "migration_partnership",
        "strategic_partnership",
        "funding_facility",
        "visa_liberalisation",
        "offshore_processing",
        "deployment_ban",
        "expulsion",
        "threat_to_release",
        "engineered_movement",
        "special_envoy",
        "summit_action_plan",
        "multilateral_compact",
        "trade_agreement_mobility",
        "unilateral_status_grant",
        "asylum_decision_diplomatic",
        "return_programme",
    ):
        assert term in instruments
    assert set(codebook.vocabulary("position")) >= {"origin", "transit", "destination", "host"}
    assert set(codebook.vocabulary("host_strategy")) == {"back_scratching", "blackmailing"}
    assert set(codebook.vocabulary("challenger_type")) == {
        "generator",
        "agent_provocateur",
        "opportunist",
    }
    assert set(codebook.vocabulary("got")) >= {"all", "most", "some", "none"}
    assert set(codebook.vocabulary("domain")) == {"security", "economy", "identity_soft_power"}


def test_docs_codebook_is_current() -> None:
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == codebook.render_markdown()
