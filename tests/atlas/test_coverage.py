"""Coverage is counted from the records; money converts to euros; coercion shares add up."""

from __future__ import annotations

import yaml

from migdip.atlas import Atlas
from migdip.atlas.money import to_euros
from migdip.paths import records_dir


def _docs() -> list[dict[str, object]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in records_dir().rglob("*.yaml")]


def test_coverage_matches_the_record_files(atlas: Atlas) -> None:
    cov = atlas.coverage()
    docs = _docs()
    assert cov["records"] == len(docs)
    rights = sum(1 for d in docs if d["outcome"].get("rights"))  # type: ignore[attr-defined]
    assert cov["fields"]["rights_sourced"]["records"] == rights
    both = sum(
        1
        for d in docs
        if {"promised", "disbursed"} <= {m["stage"] for m in d["outcome"].get("money", [])}  # type: ignore[attr-defined]
    )
    assert cov["fields"]["money_promised_and_disbursed"]["records"] == both
    coercion = sum(1 for d in docs if "coercion" in d)
    assert cov["fields"]["coercion_fields"]["records"] == coercion
    for f in cov["fields"].values():
        assert sum(f["by_decade"].values()) == f["records"]


def test_every_money_figure_cites_a_source_the_record_defines() -> None:
    for d in _docs():
        ids = {s["id"] for s in d["sources"]}  # type: ignore[attr-defined]
        for m in d["outcome"].get("money", []):  # type: ignore[attr-defined]
            assert m["sources"] and set(m["sources"]) <= ids, d["id"]
        for p in d["parties"]:  # type: ignore[attr-defined]
            assert set(p.get("got_sources", [])) <= ids, d["id"]


def test_money_converts_at_the_ecb_rate_of_its_year() -> None:
    usd = to_euros(1_000_000, "USD", "2016-03")
    assert usd.rate_year == 2016 and 880_000 < (usd.amount or 0) < 920_000  # 1.1069 USD/EUR
    assert to_euros(5, "EUR", "1990").amount == 5
    before = to_euros(5, "USD", "1990")
    assert before.amount is None and "before 1999" in before.reason
    assert to_euros(5, "XXX", "2016").amount is None


def test_the_coercion_comparison_is_a_share_of_coded_episodes(atlas: Atlas) -> None:
    c = atlas.coercion_outcomes()
    got = c["challenger_got"]
    coded = sum(got.get(k, 0) for k in ("all", "most", "some", "none"))
    assert c["coded"] == coded > 0
    assert c["at_least_some"] == round((coded - got.get("none", 0)) / coded, 3)
    assert c["greenhill"]["at_least_some"] == 0.75


def test_outcome_facets_filter_on_what_came_of_a_deal(atlas: Atlas) -> None:
    hits = atlas.search(None, limit=None, role="challenger", got="none")
    assert hits.total > 0
    for r in hits.records:
        doc = atlas.get(r["id"])
        assert any(p["role"] == "challenger" and p.get("got") == "none" for p in doc["parties"])
    unpaid = atlas.search(None, limit=None, money="promised_not_disbursed")
    for r in unpaid.records:
        stages = {m["stage"] for m in atlas.get(r["id"])["outcome"]["money"]}
        assert "promised" in stages and "disbursed" not in stages
    done = atlas.search(None, limit=None, carried_out="yes")
    assert done.total > 0
    assert all(atlas.get(r["id"])["coercion"]["carried_out"] == "yes" for r in done.records)


def test_addresses_are_classed_by_their_host() -> None:
    from migdip.atlas.sources import source_class, weak_only

    assert source_class("https://www.docslib.org/doc/1/x") == "mirror"
    assert source_class("https://fr.scribd.com/document/1") == "mirror"  # sub-domain
    assert source_class("https://en.wikipedia.org/wiki/X") == "encyclopedia"
    assert source_class("https://eur-lex.europa.eu/legal-content/EN/TXT/") == "official"
    assert source_class("https://www.dfa.gov.ph/news") == "official"  # country government
    assert source_class("https://mol.go.th/x") == "official"
    assert source_class("https://www.theguardian.com/world") == "other"
    assert source_class("https://notdocslib.org/x") == "other"  # a label, not a substring
    assert weak_only(["https://docslib.org/a", "https://pledgetimes.com/b"])
    assert not weak_only(["https://docslib.org/a", "https://www.hrw.org/b"])
    assert not weak_only([])


def test_source_quality_is_counted_from_the_records(atlas: Atlas) -> None:
    from migdip.atlas.sources import source_class

    quality = atlas.coverage()["sources"]
    urls = [s["url"] for d in _docs() for s in d["sources"]]  # type: ignore[attr-defined]
    assert sum(quality["by_class"].values()) == len(urls)
    assert quality["by_class"]["mirror"] == sum(1 for u in urls if source_class(u) == "mirror")
    assert quality["records_with_weak_only_codings"] == len(quality["weak_only"])
