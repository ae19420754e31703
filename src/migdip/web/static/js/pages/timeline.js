// Timeline: Atlas records per year, stacked by approach or by kind.
import { api, codebook, isAbort } from "../api.js";
import { h, clear, field, select, human, fmt, pageTitle, announce, errorBox, table } from "../dom.js";
import { stackedBars, COLORS } from "../charts.js";
import { replaceQuery, href } from "../nav.js";

const STACKS = {
  approach: [
    { key: "cooperative", label: "cooperative", color: COLORS.cooperative },
    { key: "mixed", label: "mixed", color: COLORS.mixed },
    { key: "coercive", label: "coercive", color: COLORS.coercive },
    { key: "other", label: "other (unilateral)", color: COLORS.other },
  ],
  kind: [
    { key: "instruments", label: "instruments", color: "#1f6fb2" },
    { key: "episodes", label: "episodes", color: "#b07d00" },
  ],
};

export async function render(main, { query, signal }) {
  main.append(...pageTitle("Timeline",
    "Atlas records per year (by start date). Bars stack the records by approach (cooperative, mixed, coercive) or by kind; select a bar to list its records."));
  const form = h("form", { class: "controls", "aria-label": "Timeline filters" });
  const out = h("div", { id: "timeline-output" });
  main.append(form, out);
  const cb = await codebook();
  if (signal.aborted) return;
  const voc = (name) => [["", "any"], ...cb.vocabularies[name].map((v) => [v, human(v)])];
  const c = {
    dataset: select([["curated", "curated"], ["bilateral_labour_agreements", "bilateral labour agreements"], ["all", "all records"]], query.get("dataset") || "curated"),
    kind: select(voc("record_kind"), query.get("kind") || ""),
    instrument: select(voc("instrument"), query.get("instrument") || ""),
    region: select(voc("region"), query.get("region") || ""),
    approach: select(voc("approach_mode"), query.get("approach") || ""),
    q: h("input", { type: "search", value: query.get("q") || "" }),
    year_from: h("input", { type: "number", min: 1800, max: 2100, value: query.get("year_from") || "" }),
    year_to: h("input", { type: "number", min: 1800, max: 2100, value: query.get("year_to") || "" }),
    stack: select([["approach", "approach"], ["kind", "kind"]], query.get("stack") || "approach"),
  };
  const labels = { dataset: "Dataset", kind: "Kind", instrument: "Instrument", region: "Region", approach: "Approach", q: "Text", year_from: "Year from", year_to: "Year to", stack: "Stack by" };
  for (const [k, el] of Object.entries(c)) { el.name = k; form.append(field(labels[k], el)); }
  form.append(h("button", { type: "submit", class: "primary" }, "Apply"));

  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());
  async function load() {
    const raw = Object.fromEntries(Object.entries(c).map(([k, el]) => [k, el.value]));
    replaceQuery(raw);
    const { stack, ...params } = raw;
    if (params.dataset === "all") params.dataset = "";
    if (pending) pending.abort();
    pending = new AbortController();
    announce("Loading the timeline…");
    try {
      const env = await api("/atlas/timeline", params, { signal: pending.signal });
      draw(env.data, params, stack);
      const total = d3.sum(env.data, (d) => d.records);
      announce(`Timeline drawn: ${fmt(total)} records in ${env.data.length} years.`);
    } catch (exc) {
      if (!isAbort(exc)) clear(out).append(errorBox(exc, "Could not load the timeline"));
    }
  }

  function draw(rows, params, stack) {
    clear(out);
    if (!rows.length) {
      out.append(h("p", { class: "note" }, "No records match these filters."));
      return;
    }
    const byYear = new Map(rows.map((r) => [r.year, r]));
    const [y0, y1] = d3.extent(rows, (r) => r.year);
    const data = d3.range(y0, y1 + 1).map((y) => {
      const r = byYear.get(y) || { year: y, records: 0, instruments: 0, episodes: 0, cooperative: 0, coercive: 0, mixed: 0 };
      return { ...r, x: y, other: Math.max(0, r.records - r.cooperative - r.coercive - r.mixed) };
    });
    const keys = STACKS[stack] || STACKS.approach;
    const atlasLink = (y) => href(["atlas"], { ...params, year_from: y, year_to: y });
    stackedBars(out, {
      title: `Atlas records per year, by ${stack} (${params.dataset || "all records"})`,
      desc: `Stacked bars from ${y0} to ${y1}; a table of the counts follows.`,
      name: `timeline-${stack}`, data, keys, hrefFor: (d) => atlasLink(d.x), xLabel: "year of start",
    });
    out.append(h("details", {}, h("summary", {}, "Table of counts by year"),
      table({
        caption: "Records per year",
        columns: [
          { label: "Year", rowHeader: true, value: (r) => h("a", { href: atlasLink(r.year) }, String(r.year)) },
          { label: "Records", num: true, value: (r) => fmt(r.records) },
          { label: "Instruments", num: true, value: (r) => fmt(r.instruments) },
          { label: "Episodes", num: true, value: (r) => fmt(r.episodes) },
          { label: "Cooperative", num: true, value: (r) => fmt(r.cooperative) },
          { label: "Mixed", num: true, value: (r) => fmt(r.mixed) },
          { label: "Coercive", num: true, value: (r) => fmt(r.coercive) },
          { label: "Other", num: true, value: (r) => fmt(r.records - r.cooperative - r.coercive - r.mixed) },
        ],
        rows,
      })));
  }

  form.addEventListener("submit", (evt) => { evt.preventDefault(); load(); });
  form.addEventListener("change", (evt) => { if (evt.target.tagName === "SELECT") load(); });
  await load();
}
