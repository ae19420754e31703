"""The dashboard in a real browser: every page, its main controls, real content, no console errors.

Each test opens a fresh tab on a server of its own (see conftest.py) and saves screenshots.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import counts
from tests.web.conftest import CHROMIUM, TOKEN, Console

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (Debian's chromium package)"
)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def status(page: Any) -> Any:
    return page.locator("#status")


AUDIT = """() => {
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    const named = el.labels.length || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby");
    if (!named) problems.push(`unlabelled ${el.tagName} ${el.name || el.id}`);
  }
  for (const t of document.querySelectorAll("main table")) {
    if (!t.querySelector("caption")) problems.push("table without caption");
    if (!t.querySelector("th")) problems.push("table without th");
  }
  for (const svg of document.querySelectorAll("main svg")) {
    if (!svg.querySelector("title") || svg.getAttribute("role") !== "img") {
      problems.push("svg without title");
    }
  }
  for (const b of document.querySelectorAll("button, a[href]")) {
    if (!(b.textContent.trim() || b.getAttribute("aria-label"))) {
      problems.push(`unnamed ${b.outerHTML.slice(0, 60)}`);
    }
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  if (!document.querySelector("nav") || !document.querySelector("main")) {
    problems.push("no nav/main");
  }
  return problems;
}"""


def audit(page: Any) -> None:
    """Labels, captions, chart titles, named controls, one h1, landmarks."""
    assert page.evaluate(AUDIT) == []


def test_keyboard_reaches_skip_link_and_nav(page: Any, shots: Path) -> None:
    page.goto("/")
    expect(page.locator("#atlas-results li").first).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-link"
    box = page.locator("#skip-link").bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # From the top again: Tab reaches the main navigation, with a visible focus ring.
    page.evaluate("document.activeElement.blur()")
    page.locator("#skip-link").focus()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.site-nav') !== null"):
            break
    else:
        pytest.fail("Tab never reached the navigation")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Tab")  # the second link: Outcomes
    assert page.evaluate("document.activeElement.textContent") == "Outcomes"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/outcomes"))
    expect(page.locator("#page-title")).to_be_focused()
    expect(page.locator(".site-nav a[aria-current=page]")).to_have_text("Outcomes")
    shot(page, shots, "keyboard-nav")


def test_atlas_search_facets_paging(page: Any, shots: Path) -> None:
    page.goto("/#/atlas")
    results = page.locator("#atlas-results li")
    expect(results).to_have_count(20)
    expect(page.locator("#results-title")).to_contain_text(f"Results: {counts.total():,}")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".pager")).to_contain_text("Showing 21\u201340")
    page.get_by_label("Search text", exact=True).fill("turkey")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-title")).to_contain_text(re.compile(r"Results: \d+ records"))
    expect(results.first).to_contain_text("Turkey")
    instrument = page.locator("select[name=instrument]")
    label = instrument.locator("option[value=readmission_nonstandard]").inner_text()
    assert re.search(r"\(\d+\)$", label), f"facet option shows its count: {label!r}"
    instrument.select_option("readmission_nonstandard")
    expect(page.locator("#results-title")).to_contain_text(re.compile(r"Results: [1-9] record"))
    expect(page).to_have_url(re.compile(r"instrument=readmission_nonstandard"))
    csv = page.locator("a[data-format=csv]").get_attribute("href")
    assert csv is not None
    assert "q=turkey" in csv and "instrument=readmission_nonstandard" in csv
    assert "format=csv" in csv and "limit" not in csv
    for f in ("json", "parquet"):
        expect(page.locator(f"a[data-format={f}]")).to_have_attribute(
            "href", re.compile(f"format={f}")
        )
    audit(page)
    shot(page, shots, "atlas")
    results.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#/record/"))
    expect(page.locator("a.source-link").first).to_be_visible()


def test_record_page_with_sources(page: Any, shots: Path) -> None:
    page.goto("/#/record/eu-tur-2016-statement")
    expect(page.locator("h1")).to_have_text("EU-Turkey Statement")
    links = page.locator("a.source-link")
    n = counts.sources("eu-tur-2016-statement")
    expect(links).to_have_count(n)
    for i in range(n):
        assert (links.nth(i).get_attribute("href") or "").startswith("http")
    expect(links.first).to_have_text("European Council, 17-18/03/2016")
    parties = page.get_by_role("table", name=re.compile("Parties"))
    expect(parties).to_contain_text("Türkiye")
    expect(parties).to_contain_text("EUR 3,000,000,000")
    expect(page.get_by_role("table", name=re.compile("Status history"))).to_contain_text("in force")
    expect(page.get_by_role("table", name="Effects on flows")).to_contain_text("counterfactual")
    expect(page.locator("#record-summary")).to_contain_text("Greek islands")
    expect(parties).to_contain_text("most")  # each party's outcome, with its sources
    money = page.get_by_role("table", name=re.compile("Money promised, committed"))
    expect(money).to_contain_text("disbursed")
    expect(page.locator("#record-money figure.chart")).to_contain_text("Money promised and paid")
    expect(page.get_by_role("table", name=re.compile("rights"))).to_contain_text("worsened")
    audit(page)
    shot(page, shots, "record")


def test_record_flows_beside_the_warehouse_series(page: Any, shots: Path) -> None:
    page.goto("/#/record/ita-lby-2017-mou")
    series = "frontex:central_mediterranean"
    box = page.locator(f"#record-flow-series .flow-check[data-series='{series}']")
    expect(box.locator("figure.chart")).to_contain_text("Frontex detections")
    expect(box.locator("circle")).to_have_count(2)  # the record's 2016 and 2018 figures
    check = box.get_by_role("table", name=re.compile("recorded against frontex"))
    expect(check).to_contain_text("181,376")  # the warehouse's 2016 total beside 181,436
    audit(page)
    shot(page, shots, "record-flows")


def test_map_state_and_pair_indicator(page: Any, shots: Path) -> None:
    page.goto("/#/map")
    countries = page.locator("path.map-country")
    expect(countries.first).to_be_visible()
    assert countries.count() > 150
    expect(page.locator("figure.chart")).to_contain_text("Hosted per 1,000 inhabitants, 2024")
    coloured = page.evaluate(
        "[...document.querySelectorAll('path.map-country')]"
        ".filter(p => p.getAttribute('fill') !== '#cfcfcf').length"
    )
    assert coloured > 100
    expect(page.locator("svg text", has_text="per 1,000 people")).to_have_count(1)
    expect(page.locator("select[name=partner]")).to_be_hidden()
    page.locator("path.map-country[data-code=DEU]").hover()
    expect(page.locator("#tooltip")).to_contain_text("Germany:")
    audit(page)
    shot(page, shots, "map-state")
    page.get_by_label("Indicator", exact=True).select_option("migrants_a_in_b")
    partner = page.locator("select[name=partner]")
    expect(partner).to_be_visible()
    partner.select_option("FRA")
    expect(page.locator("path.partner-outline")).to_have_count(1)
    expect(page.locator("figure.chart .chart-title")).to_have_text(
        "People born in A living in B, 2024, towards France"
    )
    expect(page).to_have_url(re.compile(r"partner=FRA"))
    page.locator("details.map-table summary").click()
    dyz = page.locator("details.map-table a[href*='#/dyad/DZA/FRA']")
    expect(dyz).to_have_count(1)
    audit(page)
    shot(page, shots, "map-pair")


def test_network_filter_and_node(page: Any, shots: Path) -> None:
    page.goto("/#/network")
    nodes = page.locator("a.node")
    expect(nodes.first).to_be_attached()
    expect(status(page)).to_contain_text("Network drawn")
    before = nodes.count()
    assert before > 100
    page.get_by_label("Approach", exact=True).select_option("coercive")
    expect(status(page)).to_contain_text("Network drawn")
    expect(page.locator("figure.chart .chart-title")).not_to_contain_text(f"({before} actors")
    after = nodes.count()
    assert 0 < after < before
    audit(page)
    shot(page, shots, "network")
    tur = page.locator("a.node[data-id=TUR]")
    tur.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/country/TUR"))
    expect(page.locator("h1")).to_have_text("Türkiye (TUR)")


def test_timeline(page: Any, shots: Path) -> None:
    page.goto("/#/timeline")
    bars = page.locator("a.bar")
    expect(bars.first).to_be_attached()
    assert bars.count() > 50
    expect(page.locator("svg .legend")).to_contain_text("coercive")
    expect(status(page)).to_contain_text(f"{counts.curated()} records")
    page.get_by_label("Stack by", exact=True).select_option("kind")
    expect(page.locator("svg .legend")).to_contain_text("episodes")
    page.get_by_label("Dataset", exact=True).select_option("all")
    expect(status(page)).to_contain_text(f"{counts.total():,} records")
    audit(page)
    shot(page, shots, "timeline")


def test_outcomes(page: Any, shots: Path) -> None:
    page.goto("/#/outcomes")
    coverage = page.get_by_role("table", name=re.compile("Records carrying each outcome field"))
    expect(coverage).to_contain_text("party outcomes")
    expect(page.locator("h2").first).to_contain_text(f"{counts.curated()} curated records")
    money = page.get_by_role("table", name=re.compile("share of promised money paid"))
    expect(money).to_contain_text("EU-Turkey Statement")
    expect(page.locator("#outcomes-money figure.chart")).to_be_visible()
    expect(page.locator("#outcomes-sources")).to_contain_text(re.compile(r"\d+ mirror"))
    expect(page.get_by_role("table", name=re.compile("Coercion episodes"))).to_contain_text("75%")
    audit(page)
    shot(page, shots, "outcomes")


def test_country_and_dyad(page: Any, shots: Path) -> None:
    page.goto("/#/country/TUR")
    expect(page.locator("h1")).to_have_text("Türkiye (TUR)")
    expect(page.locator("figure.chart")).to_have_count(5)  # 4 series + leverage
    leverage = page.get_by_role("table", name=re.compile("most leverage over TUR"))
    expect(leverage).to_contain_text("Syrian Arab Republic")
    expect(
        page.get_by_role("table", name=re.compile("Where people born here live"))
    ).to_contain_text("Germany")
    expect(page.locator("text=EU-Turkey Statement")).to_have_count(1)
    audit(page)
    shot(page, shots, "country")
    page.get_by_label("Compare with", exact=True).select_option("DEU")
    page.get_by_role("button", name="Open dyad").click()
    expect(page).to_have_url(re.compile(r"#/dyad/TUR/DEU"))
    figures = page.get_by_role("table", name=re.compile("Figures for A = TUR, B = DEU"))
    row = figures.locator("tr", has_text="People born in A living in B").first
    expect(row).to_contain_text("1,504,743")
    expect(row).to_contain_text("2024")
    expect(row).to_contain_text("UN DESA")
    page.get_by_label("Year", exact=True).fill("2015")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"year=2015"))
    expect(page.get_by_role("table", name=re.compile("asked for 2015"))).to_contain_text("2015")
    audit(page)
    shot(page, shots, "dyad")


def test_route_monitor(page: Any, shots: Path) -> None:
    page.goto("/#/routes")
    markers = page.locator("a.marker")
    expect(markers.first).to_be_attached()
    assert markers.count() >= 5
    expect(page.get_by_role("table", name=re.compile("Impact estimates"))).to_contain_text(
        "EU-Turkey Statement"
    )
    audit(page)
    shot(page, shots, "routes")
    page.get_by_label("Route", exact=True).select_option("central_mediterranean")
    expect(page.locator("figure.chart .chart-title")).to_contain_text("Central Mediterranean Route")
    expect(markers.first).to_be_attached()
    href = markers.first.get_attribute("href") or ""
    assert href.startswith("#/record/")
    markers.first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/record/"))
    expect(page.locator("a.source-link").first).to_be_visible()


def test_scenario_lab_run_and_cancel(page: Any, shots: Path) -> None:
    page.goto("/#/scenarios")
    lab = page.locator("#lab-form")
    expect(lab).to_be_visible()
    # Six main routes checked by default.
    expect(lab.locator("input[name=routes]:checked")).to_have_count(6)
    # Without a token the page explains where it comes from and starts nothing.
    page.locator("#run-lab").click()
    expect(page.locator(".job .error")).to_contain_text("migdip serve")
    page.locator("#token-input").fill(TOKEN)
    page.locator("#token-form button").click()
    expect(page.locator("#token-note")).to_contain_text("token set")
    page.get_by_label("Runs", exact=True).first.fill("10")
    page.locator("#run-lab").click()
    done = page.locator(".job[data-status=done]")
    expect(done).to_have_count(1, timeout=90_000)
    expect(done.locator("figure.chart")).to_have_count(6)
    totals = done.get_by_role("table", name=re.compile("Totals over the horizon"))
    expect(totals).to_contain_text("Central Mediterranean Route")
    expect(totals).to_contain_text("without lever")
    expect(done.locator("progress")).to_have_js_property("value", 1)
    audit(page)
    shot(page, shots, "scenarios-done")
    # A long second job, cancelled at once.
    lab.get_by_label("Horizon (months)", exact=True).fill("36")
    page.get_by_label("Runs", exact=True).first.fill("200")
    for box in lab.locator("input[name=routes]").all():
        box.check()
    page.locator("#run-lab").click()
    running = page.locator(".job[data-status=running], .job[data-status=queued]")
    expect(running.locator("button.cancel-job")).to_be_enabled()
    running.locator("button.cancel-job").click()
    cancelled = page.locator(".job[data-status=cancelled]")
    expect(cancelled).to_have_count(1, timeout=60_000)
    expect(cancelled).to_contain_text("cancelled")
    # A bundled scenario by name.
    page.get_by_label("Scenario", exact=True).select_option("aegean_toy")
    page.locator("#bundled-form input[type=number]").fill("5")
    page.locator("#run-bundled").click()
    expect(page.locator(".job[data-status=done]")).to_have_count(2, timeout=90_000)
    expect(page.get_by_role("table", name="Totals by variant")).to_contain_text("intercepted")
    audit(page)
    shot(page, shots, "scenarios")


def test_corridor_scenario_counts_people_at_every_checkpoint(page: Any, shots: Path) -> None:
    page.goto("/#/scenarios")
    page.locator("#token-input").fill(TOKEN)
    page.locator("#token-form button").click()
    page.get_by_label("Scenario", exact=True).select_option("europe_corridor")
    page.locator("#bundled-form input[type=number]").fill("5")
    page.locator("#run-bundled").click()
    done = page.locator(".job[data-status=done]")
    expect(done).to_have_count(1, timeout=90_000)
    # One chart per checkpoint, the corridor note with the paths and their shares.
    expect(done.locator("figure.chart")).to_have_count(6)
    note = done.locator("p.note", has_text="Checkpoints in sequence")
    expect(note).to_contain_text("Eastern Mediterranean Route > Western Balkan Route")
    expect(note).to_contain_text("%")
    expect(done.locator(".diversion-range")).to_contain_text("estimated from past closures")
    totals = done.get_by_role("table", name=re.compile("Totals over the horizon"))
    expect(totals).to_contain_text("Western Balkan Route")
    expect(totals).to_contain_text("Western Balkans closed from March 2016")
    audit(page)
    shot(page, shots, "scenarios-corridor")


def test_negotiation_and_coercion(page: Any, shots: Path) -> None:
    page.goto("/#/negotiation")
    expect(page.locator("#agreement")).to_contain_text("greement")
    expect(page.locator("#deal-probability")).to_contain_text("90% interval")
    stakes = page.get_by_role("table", name=re.compile("What is at stake"))
    expect(stakes).to_contain_text("arrivals")
    expect(stakes).to_contain_text("Frontex")
    page.get_by_label("Threat", exact=True).fill("0.5")
    page.get_by_label("Credibility", exact=True).first.fill("0.8")
    page.get_by_role("button", name="Predict").click()
    expect(page).to_have_url(re.compile(r"threat=0.5&credibility=0.8"))
    package = page.get_by_role("table", name="Predicted package", exact=True)
    expect(package).to_contain_text("money eur")
    # What would move it: from the API when it says so, else the dashboard's own threat sweep.
    moves = page.get_by_role("table", name="The same negotiation re-solved under one change")
    sweep = page.get_by_role("table", name="Predicted package by threat level")
    expect(moves.or_(sweep)).to_be_visible()
    expect(page.locator("figure.chart")).to_have_count(2)
    if moves.count():
        expect(moves).to_contain_text("the partner drops its threat")
        expect(page.locator("figure[data-chart^=frontier] svg circle").first).to_be_attached()
        page.get_by_label("visas", exact=True).uncheck()
        page.get_by_role("button", name="Predict").click()
        expect(page).to_have_url(re.compile(r"issues=interception%2Creadmission%2Clegal"))
        issues = page.locator("dl.facts dd").filter(has_text="interception, readmission")
        expect(issues).not_to_contain_text("visas")
    expect(page.locator("#concession")).to_contain_text("%")
    expect(page.locator("#coercion-estimated")).to_contain_text("90% interval")
    audit(page)
    shot(page, shots, "negotiation")


def test_downloads_with_real_download(page: Any, shots: Path) -> None:
    page.goto("/#/downloads")
    table = page.get_by_role("table", name="Datasets with provenance and downloads")
    expect(table.locator("tbody tr")).to_have_count(15)
    row = table.locator("tr", has_text="unhcr_countries")
    expect(row).to_contain_text("CC BY 4.0")
    expect(row).to_contain_text("SHA-256")
    audit(page)
    shot(page, shots, "downloads")
    with page.expect_download() as info:
        row.get_by_role("link", name=re.compile("as CSV")).click()
    download = info.value
    assert download.suggested_filename == "unhcr_countries.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "iso3,unhcr_code,name,unhcr_region"
    assert len(text.splitlines()) > 200


def test_footer_names_the_data_versions_and_the_atlas_build(page: Any, shots: Path) -> None:
    meta = page.request.get("/api/v1/atlas/stats").json()["meta"]
    build, versions = meta["atlas"], meta["data_versions"]
    page.goto("/#/atlas")
    expect(page.locator("#atlas-results li").first).to_be_visible()
    page.locator(".site-footer summary").click()
    named = page.locator("#atlas-build")
    expect(named).to_be_visible()
    expect(named).to_have_text(
        f"Atlas build {build['fingerprint'][:12]}: {build['records']:,} records, "
        f"built {build['built_at']}."
    )
    footer = page.locator("#data-versions")
    expect(footer).to_contain_text("Reproduce them with migdip data use --pinned")
    for v in versions:
        expect(footer).to_contain_text(f"{v['dataset']} {v['version']}")
    shot(page, shots, "footer-versions")
    page.goto("/#/downloads")  # a page that reads no Atlas: the build read last stays named
    expect(page.get_by_role("table", name="Datasets with provenance and downloads")).to_be_visible()
    expect(named).to_contain_text(build["fingerprint"][:12])


def test_chart_png_and_svg_export(page: Any) -> None:
    page.goto("/#/timeline")
    expect(page.locator("a.bar").first).to_be_attached()
    fig = page.locator("figure.chart").first
    with page.expect_download() as info:
        fig.get_by_role("button", name=re.compile("as SVG")).click()
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert "<svg" in svg and "cooperative" in svg
    with page.expect_download() as info:
        fig.get_by_role("button", name=re.compile("as PNG")).click()
    assert info.value.suggested_filename.endswith(".png")
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_api_errors_are_shown(page: Any, console: Console, shots: Path) -> None:
    page.goto("/#/atlas?year_from=3000")
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text("not accepted")
    expect(alert).to_contain_text("query.year_from")
    shot(page, shots, "error")
    page.goto("/#/country/XXX")
    expect(page.locator("[role=alert]").first).to_contain_text("ISO 3166")
    console.allow_http_errors()
