// World map: a choropleth of any indicator (state level, or pair level towards a partner).
import { api, cached, countries, isAbort } from "../api.js";
import { h, clear, field, select, fillSelect, fmt, fmtShort, human, pageTitle, announce, errorBox, table, facts } from "../dom.js";
import { chartFigure, showTip, hideTip } from "../charts.js";
import { replaceQuery } from "../nav.js";

const BLOCS = ["EU", "SCHENGEN", "ASEAN", "AU", "EAC", "ECOWAS", "GCC", "MERCOSUR", "SADC"];
const NAME_FIX = { Kosovo: "XKX" }; // world-atlas features without an id
const NO_DATA = "#cfcfcf";
let topoPromise = null;

function loadTopo() {
  if (!topoPromise) {
    topoPromise = fetch("static/vendor/countries-110m.json").then((r) => {
      if (!r.ok) throw new Error(`the world map file did not load (${r.status})`);
      return r.json();
    });
    topoPromise.catch(() => { topoPromise = null; });
  }
  return topoPromise;
}

/** "['net_sending', 'transit']" (how the API sends sets of labels) -> "net sending, transit" */
function label(v) {
  if (Array.isArray(v)) return v.map(human).join(", ");
  const s = String(v);
  const m = s.match(/^\[(.*)\]$/);
  if (m) return m[1].split(",").map((x) => human(x.trim().replace(/^'|'$/g, ""))).filter(Boolean).join(", ") || "none";
  return human(s);
}

function numericScale(values) {
  const sorted = values.slice().sort(d3.ascending);
  const min = sorted[0];
  let t = d3.range(1, 7).map((i) => d3.quantileSorted(sorted, i / 7));
  t = [...new Set(t.map((x) => +x.toPrecision(3)))].filter((x) => x > min);
  const n = t.length + 1;
  const colors = n >= 3 ? d3.schemeYlGnBu[n] : d3.schemeYlGnBu[3].slice(3 - n);
  const scale = d3.scaleThreshold().domain(t).range(colors);
  const classes = colors.map((c, i) => ({
    color: c,
    label: i === 0 ? (n === 1 ? "all values" : `< ${fmtShort(t[0])}`) : i === n - 1 ? `≥ ${fmtShort(t[i - 1])}` : `${fmtShort(t[i - 1])} – ${fmtShort(t[i])}`,
  }));
  return { color: (v) => scale(v), classes };
}

function categoricalScale(values) {
  const cats = [...new Set(values)].sort();
  const scale = d3.scaleOrdinal().domain(cats).range([...d3.schemeTableau10, "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79"]);
  return { color: (v) => scale(v), classes: cats.map((c) => ({ color: scale(c), label: c })) };
}

export async function render(main, { query, signal }) {
  main.append(...pageTitle("World map",
    "A choropleth of any indicator. State indicators show one value per country; pair indicators show, for every country A, its value towards a partner B (corridors)."));
  const form = h("form", { class: "controls", "aria-label": "Map settings" });
  const out = h("div", { id: "map-output" });
  main.append(form, out);
  const [cat, states, topo] = await Promise.all([cached("/indicators"), countries(), loadTopo()]);
  if (signal.aborted) return;
  const indicators = cat.data.indicators;
  const byName = new Map(indicators.map((i) => [i.name, i]));
  const names = new Map(states.map((c) => [c.code, c.name]));
  const m49 = new Map(states.filter((c) => c.m49).map((c) => [c.m49, c.code]));
  const features = topojson.feature(topo, topo.objects.countries).features.filter((f) => f.id !== "010");
  for (const f of features) f.code = m49.get(f.id) || NAME_FIX[f.properties.name] || null;

  const ind = select([], null, { name: "indicator" });
  fillSelect(ind, ["state", "pair"].map((lvl) => ({
    group: lvl === "state" ? "State indicators" : "Pair indicators (A towards partner B)",
    options: indicators.filter((i) => i.level === lvl).map((i) => [i.name, `${i.title} (${i.unit})`]),
  })), query.get("indicator") || "hosted_per_1000");
  const year = h("input", { type: "number", name: "year", min: 1990, max: 2030, value: query.get("year") || 2024 });
  const partner = select([
    { group: "Blocs", options: BLOCS.map((b) => [b, b]) },
    { group: "States", options: states.filter((c) => !c.historical).sort((a, b) => a.name.localeCompare(b.name)).map((c) => [c.code, `${c.name} (${c.code})`]) },
  ], query.get("partner") || "DEU", { name: "partner" });
  const partnerField = field("Partner (B)", partner, "Pair indicators: values of every A towards this B");
  form.append(field("Indicator", ind), field("Year", year, "1990 to 2030"), partnerField,
    h("button", { type: "submit", class: "primary" }, "Show"));

  const syncPartner = () => {
    const pair = byName.get(ind.value)?.level === "pair";
    partnerField.hidden = !pair;
    partner.disabled = !pair;
  };
  syncPartner();

  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());
  async function draw() {
    syncPartner();
    const spec = byName.get(ind.value);
    const pair = spec.level === "pair";
    const params = { year: year.value, partner: pair ? partner.value : undefined };
    replaceQuery({ indicator: ind.value, ...params });
    if (pending) pending.abort();
    pending = new AbortController();
    announce(`Loading ${spec.title}…`);
    out.setAttribute("aria-busy", "true");
    try {
      const env = await api(`/indicators/${ind.value}/map`, params, { signal: pending.signal });
      drawMap(env, spec, pair ? partner.value : null);
      announce(`Map of ${spec.title} for ${env.meta.year} drawn.`);
    } catch (exc) {
      if (!isAbort(exc)) clear(out).append(errorBox(exc, "Could not load the map"));
    } finally {
      out.removeAttribute("aria-busy");
    }
  }

  function drawMap(env, spec, partnerCode) {
    clear(out);
    const values = new Map(env.data.filter((d) => d.value !== null && d.value !== undefined).map((d) => [d.code, d.value]));
    const numeric = [...values.values()].every((v) => typeof v === "number");
    const shown = numeric ? [...values.values()] : [...values.values()].map(label);
    const scale = shown.length ? (numeric ? numericScale(shown) : categoricalScale(shown)) : { color: () => NO_DATA, classes: [] };
    const valueOf = (code) => (values.has(code) ? values.get(code) : null);
    const text = (code) => { const v = valueOf(code); return v === null ? "no data" : numeric ? `${fmt(v)} ${spec.unit}` : label(v); };
    const pName = partnerCode ? names.get(partnerCode) || partnerCode : null;
    const title = `${spec.title}, ${env.meta.year}${pName ? `, towards ${pName}` : ""}`;
    const items = [...scale.classes, { color: NO_DATA, label: "no data" }];
    const grid = items.length > 9; // many categories: a grid of swatches with labels beside them
    const cols = grid ? 4 : items.length;
    const W = 960, mapH = 470, H = mapH + (grid ? 48 + Math.ceil(items.length / cols) * 20 : 90);
    const fig = chartFigure(out, {
      title, name: `map-${spec.name}-${env.meta.year}${partnerCode ? "-" + partnerCode : ""}`, width: W, height: H,
      desc: `World map, ${values.size} countries with a value; countries without a value are grey. A data table follows the map.`,
      note: pName ? `A = each coloured country, B = ${pName} (outlined in red). Click a country for its dyad with ${pName}.` : "Click a country for its profile.",
    });
    const { svg } = fig;
    const projection = d3.geoEqualEarth().fitExtent([[8, 8], [W - 8, mapH]], { type: "FeatureCollection", features });
    const path = d3.geoPath(projection);
    svg.append("g").selectAll("path").data(features).join("path")
      .attr("class", "map-country").attr("d", path).attr("stroke", "#ffffff").attr("stroke-width", 0.5)
      .attr("fill", (f) => { const v = valueOf(f.code); return v === null ? NO_DATA : scale.color(numeric ? v : label(v)); })
      .attr("data-code", (f) => f.code || "")
      .on("mousemove", (evt, f) => showTip(evt, `${names.get(f.code) || f.properties.name}: ${text(f.code)}`))
      .on("mouseleave", hideTip)
      .on("click", (_, f) => { if (f.code) location.hash = partnerCode ? `#/dyad/${f.code}/${partnerCode}?year=${env.meta.year}` : `#/country/${f.code}`; })
      .append("title").text((f) => `${names.get(f.code) || f.properties.name}: ${text(f.code)}`);
    const pf = partnerCode && features.find((f) => f.code === partnerCode);
    if (pf) svg.append("path").datum(pf).attr("d", path).attr("fill", "none").attr("stroke", "#b00020").attr("stroke-width", 2.2).attr("class", "partner-outline");
    const lg = svg.append("g").attr("transform", `translate(16, ${mapH + 22})`);
    lg.append("text").attr("fill", "#1b1b1b").attr("font-weight", 600).text(`${numeric ? spec.unit : "category"}${pName ? ` · partner: ${pName}` : ""}`);
    const colW = grid ? (W - 32) / cols : Math.min(130, (W - 32) / items.length);
    items.forEach((c, i) => {
      const g = lg.append("g").attr("transform", grid
        ? `translate(${(i % cols) * colW}, ${14 + Math.floor(i / cols) * 20})`
        : `translate(${i * colW}, 14)`);
      g.append("rect").attr("width", grid ? 14 : colW - 6).attr("height", 14).attr("fill", c.color).attr("stroke", "#888").attr("stroke-width", 0.5);
      g.append("text").attr("x", grid ? 20 : 0).attr("y", grid ? 11 : 30).attr("fill", "#1b1b1b").attr("font-size", 12)
        .text(!grid && c.label.length > 22 ? c.label.slice(0, 21) + "…" : c.label);
    });
    out.append(facts([
      ["Indicator", `${spec.title} (${spec.name})`],
      ["Unit", spec.unit],
      ["Formula", spec.formula],
      ["Inputs", (spec.inputs || []).join(", ")],
      ["Data years used", Object.entries(env.meta.source_years || {}).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`).join(", ")],
      ["Note", spec.note],
    ]));
    const rows = [...values.entries()].map(([code, v]) => ({ code, v }))
      .sort((a, b) => (numeric ? b.v - a.v : String(label(a.v)).localeCompare(label(b.v))));
    out.append(h("details", { class: "map-table" }, h("summary", {}, `Data table (${rows.length} countries with a value)`),
      table({
        caption: title,
        columns: [
          { label: "Country", rowHeader: true, value: (r) => h("a", { href: partnerCode ? `#/dyad/${r.code}/${partnerCode}?year=${env.meta.year}` : `#/country/${r.code}` }, `${names.get(r.code) || r.code} (${r.code})`) },
          { label: numeric ? spec.unit : "Value", num: numeric, value: (r) => (numeric ? fmt(r.v) : label(r.v)) },
        ],
        rows,
      })));
  }

  form.addEventListener("submit", (evt) => { evt.preventDefault(); draw(); });
  ind.addEventListener("change", draw);
  partner.addEventListener("change", draw);
  year.addEventListener("change", draw);
  await draw();
}
