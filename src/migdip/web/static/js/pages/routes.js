// Route monitor: monthly Frontex detections on a route, deals as markers, impact estimates.
import { api, apiUrl, cached, isAbort } from "../api.js";
import { h, clear, field, select, fmt, pageTitle, announce, errorBox, table, tag, parseDate, downloadLinks } from "../dom.js";
import { lineChart, COLORS } from "../charts.js";
import { replaceQuery } from "../nav.js";

/** The reliability verdict of an impact estimate, shown before its figures. */
function verdictTag(verdict) {
  if (!verdict) return h("span", { class: "tag" }, "no verdict");
  return h("span", { class: `tag verdict ${verdict.reliable ? "reliable" : "unreliable"}` },
    verdict.reliable ? "reliable" : "not reliable");
}

export async function render(main, { query, signal }) {
  main.append(...pageTitle("Route monitor",
    "Monthly detections of irregular border crossings on a Frontex route (detections, not persons), with the deals and episodes that act on the route as markers. Select a marker to open its record."));
  const form = h("form", { class: "controls", "aria-label": "Choose a route" });
  const out = h("div", { id: "routes-output" });
  main.append(form, out);
  const routes = (await cached("/routes")).data;
  if (signal.aborted) return;
  const sel = select(routes.map((r) => [r.key, r.name]), query.get("route") || "eastern_mediterranean", { name: "route" });
  const nat = h("input", { type: "text", name: "nationality", size: 5, maxlength: 3, pattern: "[A-Za-z]{3}", value: query.get("nationality") || "" });
  form.append(field("Route", sel), field("Nationality", nat, "Optional ISO3 code, e.g. SYR"),
    h("button", { type: "submit", class: "primary" }, "Show"));

  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());
  async function load() {
    const params = { nationality: nat.value.trim().toUpperCase() };
    replaceQuery({ route: sel.value, ...params });
    if (pending) pending.abort();
    pending = new AbortController();
    announce("Loading the route series…");
    try {
      const env = await api(`/routes/${sel.value}/series`, params, { signal: pending.signal });
      draw(env, params);
      announce(`${env.data.name}: ${env.data.series.length} months, ${env.data.deals.length} deals.`);
    } catch (exc) {
      if (!isAbort(exc)) clear(out).append(errorBox(exc, "Could not load the route"));
    }
  }

  function draw(env, params) {
    clear(out);
    const d = env.data;
    const series = d.series.map((s) => ({ x: parseDate(s.month), y: s.detections }));
    const deals = d.deals || [];
    lineChart(out, {
      title: `${d.name}: monthly detections${params.nationality ? ` (${params.nationality} nationals)` : ""}`,
      desc: `Line chart of ${series.length} months with ${deals.length} deal markers; a table of the deals follows.`,
      name: `route-${d.route}`, yLabel: "detections", height: 380,
      series: [{ name: "detections", color: "#1b1b1b", values: series }],
      markers: deals.map((m) => ({ x: parseDate(m.date), href: `#/record/${m.id}`, color: COLORS[m.approach] || COLORS.other, label: `${m.date}: ${m.title} (${m.approach})` })),
      markerLegend: ["cooperative", "mixed", "coercive"].map((k) => ({ label: `${k} deal`, color: COLORS[k] })),
      note: env.meta.source,
    });
    out.append(downloadLinks((f) => apiUrl(`/routes/${d.route}/series`, { ...params, format: f }), "Download the series"));
    out.append(h("h2", {}, `Deals and episodes on this route (${deals.length})`), table({
      caption: `Records acting on the ${d.name}, by date`,
      columns: [
        { label: "Date", value: (m) => m.date },
        { label: "Record", rowHeader: true, value: (m) => h("a", { href: `#/record/${m.id}` }, m.title) },
        { label: "Approach", value: (m) => tag(m.approach, m.approach) },
        { label: "Impact estimate", value: (m) => (m.impact ? verdictTag(m.impact.verdict) : "none") },
      ],
      rows: deals,
    }));
    const effects = deals.filter((m) => m.impact).flatMap((m) => (m.impact.flow_effects || []).map((f) => ({ ...f, deal: m })));
    out.append(h("h2", {}, "Impact estimates"));
    if (!effects.length) {
      out.append(h("p", { class: "muted" }, "No computed impact estimates for the deals on this route."));
      return;
    }
    out.append(h("p", { class: "note" }, "Estimates computed by migdip: observed detections in the 12 months from the deal against the forecast of the forecaster that validated best (docs/validation.md), from the month before the deal. The verdict comes first: an estimate is reliable only where the estimator's placebo study, run at every month without a deal, keeps its false positives at or below 10%."),
      table({
        caption: "Impact estimates of the deals shown (observed vs counterfactual detections)",
        columns: [
          { label: "Verdict", value: (f) => verdictTag(f.deal.impact.verdict) },
          { label: "Record", rowHeader: true, value: (f) => h("a", { href: `#/record/${f.deal.id}` }, f.deal.title) },
          { label: "Metric", value: (f) => f.metric },
          { label: "Counterfactual", num: true, value: (f) => fmt(f.before_value) },
          { label: "Observed", num: true, value: (f) => fmt(f.after_value) },
          { label: "Change", num: true, value: (f) => (f.before_value ? `${fmt((100 * (f.after_value - f.before_value)) / f.before_value)} %` : "") },
          { label: "Period", value: (f) => f.after_period || "" },
          { label: "Note", value: (f) => h("span", { class: "small" }, f.note || "") },
        ],
        rows: effects,
      }));
  }

  form.addEventListener("submit", (evt) => { evt.preventDefault(); load(); });
  sel.addEventListener("change", load);
  await load();
}
