// Country profile (#/country/CODE) and dyad profile (#/dyad/A/B).
import { api, countries } from "../api.js";
import { h, field, select, human, fmt, pageTitle, announce, errorBox, table, facts, tag } from "../dom.js";
import { lineChart, hBars, PALETTE } from "../charts.js";
import { go, href } from "../nav.js";

const BLOCS = ["EU", "SCHENGEN", "ASEAN", "AU", "EAC", "ECOWAS", "GCC", "MERCOSUR", "SADC"];
const COMPONENTS = ["route", "hosting", "workers", "remittances", "power"];

async function stateOptions(withBlocs) {
  const list = (await countries()).filter((c) => !c.historical).sort((a, b) => a.name.localeCompare(b.name));
  const states = { group: "States", options: list.map((c) => [c.code, `${c.name} (${c.code})`]) };
  return withBlocs ? [{ group: "Blocs", options: BLOCS.map((b) => [b, b]) }, states] : [states];
}

const yearSeries = (rows, key) => rows.map((r) => ({ x: r.year, y: r[key] ?? null }));

export async function renderCountry(main, { args, query, signal }) {
  const code = (args[0] || "TUR").toUpperCase();
  const year = query.get("year") || 2024;
  const [titleEl] = pageTitle(`Country profile: ${code}`);
  main.append(titleEl);
  const names = new Map((await countries()).map((c) => [c.code, c.name]));
  const name = names.get(code) || code;
  titleEl.textContent = `${name} (${code})`;
  document.title = `${name} · migdip`;
  const pick = select(await stateOptions(false), code);
  const other = select(await stateOptions(true), code === "DEU" ? "TUR" : "DEU");
  const yearIn = h("input", { type: "number", min: 1990, max: 2030, value: year });
  main.append(h("form", { class: "controls", "aria-label": "Choose a country", onsubmit: (e) => { e.preventDefault(); go(["country", pick.value], { year: yearIn.value }); } },
    field("Country", pick), field("Leverage year", yearIn), h("button", { type: "submit", class: "primary" }, "Show"),
    field("Compare with", other),
    h("button", { type: "button", onclick: () => go(["dyad", pick.value, other.value], { year: yearIn.value }) }, "Open dyad")));
  announce(`Loading the profile of ${name}…`);
  const [prof, lev] = await Promise.allSettled([
    api(`/countries/${code}`, {}, { signal }),
    api(`/countries/${code}/leverage`, { year, top: 15 }, { signal }),
  ]);
  if (signal.aborted) return;
  if (prof.status === "rejected") {
    main.append(errorBox(prof.reason, "Could not load the profile"));
  } else {
    countryBody(main, prof.value.data, names, code);
  }
  main.append(h("h2", { id: "leverage" }, `Who has leverage over ${name} (${year})`));
  if (lev.status === "rejected") main.append(errorBox(lev.reason, "Could not load leverage"));
  else leverageSection(main, lev.value.data, names, code);
  announce(`Profile of ${name} loaded.`);
}

function countryBody(main, p, names, code) {
  const rows = p.series || [];
  const last = rows[rows.length - 1] || {};
  main.append(
    h("p", {}, (last.position || []).map((x) => tag(x)), h("span", { class: "muted small" }, ` position in the migration system, ${last.year || ""}`)),
    facts([
      ["Population", last.population != null ? `${fmt(last.population)} (${last.year})` : null],
      ["Emigrants (born here, living abroad)", last.emigrants != null ? `${fmt(last.emigrants)} (${last.desa_year})` : null],
      ["Immigrants (living here, born abroad)", last.immigrants != null ? `${fmt(last.immigrants)} (${last.desa_year})` : null],
      ["Refugees and others hosted", last.hosted_total != null ? `${fmt(last.hosted_total)} (${last.unhcr_year}), ${fmt(last.hosted_per_1000)} per 1,000` : null],
      ["Remittances received", last.remittances_received_pct_gdp != null ? `${fmt(last.remittances_received_pct_gdp)} % of GDP (${last.remittances_year})` : null],
    ]),
    h("h2", {}, "Series"));
  const grid = h("div", { class: "grid-2" });
  main.append(grid);
  const common = { time: false, xFormat: d3.format("d") };
  if (rows.length) {
    lineChart(grid, { ...common, title: "Emigrants and immigrants", name: `${code}-migrants`, yLabel: "persons",
      desc: `People born in ${code} living abroad, and people living in ${code} born abroad, by year.`,
      series: [{ name: "emigrants", color: PALETTE[0], values: yearSeries(rows, "emigrants") },
        { name: "immigrants", color: PALETTE[1], values: yearSeries(rows, "immigrants"), dash: "6 3" }] });
    lineChart(grid, { ...common, title: "Refugees, asylum seekers and others hosted", name: `${code}-hosted`, yLabel: "persons",
      series: [{ name: "hosted", color: PALETTE[2], values: yearSeries(rows, "hosted_total") }] });
    lineChart(grid, { ...common, title: "Population", name: `${code}-population`, yLabel: "persons",
      series: [{ name: "population", color: PALETTE[4], values: yearSeries(rows, "population") }] });
    lineChart(grid, { ...common, title: "Remittances received, % of GDP", name: `${code}-remittances`, yLabel: "% of GDP",
      series: [{ name: "remittances", color: PALETTE[3], values: yearSeries(rows, "remittances_received_pct_gdp") }] });
  }
  main.append(h("details", {}, h("summary", {}, "Table of the series"), table({
    caption: `${names.get(code) || code}: series by year`,
    columns: [
      { label: "Year", rowHeader: true, value: (r) => String(r.year) },
      { label: "Population", num: true, value: (r) => fmt(r.population) },
      { label: "Emigrants", num: true, value: (r) => fmt(r.emigrants) },
      { label: "Immigrants", num: true, value: (r) => fmt(r.immigrants) },
      { label: "Hosted", num: true, value: (r) => fmt(r.hosted_total) },
      { label: "Hosted per 1,000", num: true, value: (r) => fmt(r.hosted_per_1000) },
      { label: "Remittances % GDP", num: true, value: (r) => fmt(r.remittances_received_pct_gdp) },
      { label: "Position", value: (r) => (r.position || []).map(human).join(", ") },
    ],
    rows,
  })));
  const corr = (list, caption, dir) => table({
    caption,
    columns: [
      { label: "Partner", rowHeader: true, value: (c) => h("a", { href: href(["dyad", code, c.partner]) }, `${names.get(c.partner) || c.partner} (${c.partner})`) },
      { label: dir, num: true, value: (c) => fmt(c.migrants) },
    ],
    rows: list || [],
  });
  main.append(h("h2", {}, `Migration corridors (${p.corridors_year})`), h("div", { class: "grid-2" },
    corr(p.corridors_out, "Where people born here live (top destinations)", "Migrants"),
    corr(p.corridors_in, "Where immigrants here were born (top origins)", "Migrants")));
  const at = p.atlas || {};
  main.append(h("h2", {}, `In the Atlas (${fmt(at.curated_total)} curated records)`),
    h("p", {}, h("a", { href: href(["atlas"], { party: code }) }, `Search all Atlas records with ${code} as a party`)),
    h("ul", { class: "results" }, (at.curated || []).map((r) => h("li", {},
      h("a", { href: `#/record/${r.id}` }, r.title), " ", h("span", { class: "meta" }, `${r.date_start || r.year} · `), tag(r.approach, r.approach)))));
  if ((at.bilateral_labour_agreements || []).length) {
    main.append(h("details", {}, h("summary", {}, `Bilateral labour agreements (${at.bilateral_labour_agreements.length})`),
      h("ul", {}, at.bilateral_labour_agreements.map((r) => h("li", {}, h("a", { href: `#/record/${r.id}` }, r.title), ` (${r.year})`)))));
  }
  main.append(h("h2", {}, "Sources"), h("ul", {}, Object.entries(p.sources || {}).map(([k, v]) => h("li", {}, h("code", {}, k), `: ${v}`))));
}

function leverageSection(main, lev, names, code) {
  const partners = lev.partners || [];
  const label = (c) => `${names.get(c) || c} (${c})`;
  hBars(main, {
    title: `Leverage over ${names.get(code) || code}, score 0-100 (${lev.year})`, name: `${code}-leverage-${lev.year}`, max: 100,
    desc: "Composite leverage of each partner over this country; a table with the components follows.",
    data: partners.map((p) => ({ label: label(p.partner), value: p.leverage, href: href(["dyad", p.partner, code], { year: lev.year }) })),
  });
  main.append(table({
    caption: `Partners with the most leverage over ${code}, with components (0-1) and figures`,
    columns: [
      { label: "Partner (A)", rowHeader: true, value: (p) => h("a", { href: href(["dyad", p.partner, code], { year: lev.year }) }, label(p.partner)) },
      { label: "Leverage", num: true, value: (p) => fmt(p.leverage) },
      ...COMPONENTS.map((k) => ({ label: k, num: true, value: (p) => fmt(p.components?.[k]) })),
      { label: "Born in A living here", num: true, value: (p) => fmt(p.figures?.migrants_a_in_b) },
      { label: "Refugees from here in A", num: true, value: (p) => fmt(p.figures?.refugees_from_b_in_a) },
      { label: "Distance km", num: true, value: (p) => fmt(p.figures?.distance_km) },
    ],
    rows: partners,
  }),
  facts([["Data years", Object.entries(lev.years || {}).map(([k, v]) => `${k}: ${v}`).join(", ")], ["Formula", lev.formula]]));
}

export async function renderDyad(main, { args, query, signal }) {
  const a = (args[0] || "TUR").toUpperCase();
  const b = (args[1] || "DEU").toUpperCase();
  const year = query.get("year") || 2024;
  const names = new Map((await countries()).map((c) => [c.code, c.name]));
  const label = (c) => `${names.get(c) || c} (${c})`;
  main.append(...pageTitle(`${label(a)} and ${label(b)}`, "Every pair figure of A and B, with its year and source, and the leverage of each over the other."));
  const opts = await stateOptions(true);
  const selA = select(opts, a);
  const selB = select(opts, b);
  const yearIn = h("input", { type: "number", min: 1990, max: 2030, value: year });
  main.append(h("form", { class: "controls", "aria-label": "Choose a pair", onsubmit: (e) => { e.preventDefault(); go(["dyad", selA.value, selB.value], { year: yearIn.value }); } },
    field("A", selA), field("B", selB), field("Year", yearIn, "1990 to 2030"), h("button", { type: "submit", class: "primary" }, "Show"),
    h("a", { class: "button", href: href(["dyad", b, a], { year }) }, "Swap A and B")));
  announce("Loading the dyad…");
  let env;
  try {
    env = await api(`/dyads/${a}/${b}`, { year }, { signal });
  } catch (exc) {
    if (!signal.aborted) main.append(errorBox(exc, "Could not load the dyad"));
    return;
  }
  const d = env.data;
  const lv = d.leverage || {};
  main.append(h("h2", {}, "Leverage"), table({
    caption: `Leverage scores (0-100) and components (0-1), ${d.year}`,
    columns: [
      { label: "Component", rowHeader: true, value: (r) => r.k },
      { label: `${a} over ${b}`, num: true, value: (r) => fmt(r.ab) },
      { label: `${b} over ${a}`, num: true, value: (r) => fmt(r.ba) },
    ],
    rows: [{ k: "score", ab: lv.a_over_b?.score, ba: lv.b_over_a?.score },
      ...COMPONENTS.map((k) => ({ k, ab: lv.a_over_b?.components?.[k], ba: lv.b_over_a?.components?.[k] }))],
  }));
  main.append(h("h2", {}, "Pair figures"), table({
    caption: `Figures for A = ${a}, B = ${b} (asked for ${d.year})`,
    columns: [
      { label: "Figure", rowHeader: true, value: (f) => [f.title, h("div", { class: "small muted" }, f.name)] },
      { label: "Value", num: true, value: (f) => fmt(f.value) },
      { label: "Unit", value: (f) => f.unit },
      { label: "Year", value: (f) => (f.year == null ? "no year" : String(f.year)) },
      { label: "Source", value: (f) => h("ul", {}, (f.sources || []).map((s) => h("li", { class: "small" }, s))) },
    ],
    rows: d.figures || [],
  }));
  const st = d.states || {};
  const sa = new Map((st[a] || []).map((f) => [f.name, f]));
  const sb = new Map((st[b] || []).map((f) => [f.name, f]));
  const keys = [...new Set([...sa.keys(), ...sb.keys()])];
  const cell = (f) => (f ? `${fmt(f.value)}${f.year != null ? ` (${f.year})` : ""}` : "no data");
  main.append(h("h2", {}, "The two states"), table({
    caption: `State figures of ${a} and ${b} (value and year)`,
    columns: [
      { label: "Figure", rowHeader: true, value: (k) => (sa.get(k) || sb.get(k)).title },
      { label: a, num: true, value: (k) => cell(sa.get(k)) },
      { label: b, num: true, value: (k) => cell(sb.get(k)) },
      { label: "Unit", value: (k) => (sa.get(k) || sb.get(k)).unit },
      { label: "Datasets", value: (k) => ((sa.get(k) || sb.get(k)).datasets || []).join(", ") },
    ],
    rows: keys,
  }), facts([["Data years", Object.entries(d.years || {}).map(([k, v]) => `${k}: ${v}`).join(", ")]]),
  h("p", {}, /^[A-Z]{3}$/.test(a) ? h("a", { href: `#/country/${a}` }, `Profile of ${label(a)}`) : null, " ",
    /^[A-Z]{3}$/.test(b) ? h("a", { href: `#/country/${b}` }, `Profile of ${label(b)}`) : null));
  announce(`Dyad ${a}–${b} loaded.`);
}
