// Showing job results: route-model ensembles (bands), network and negotiation summaries.
import { h, fmt, human, table } from "../dom.js";
import { lineChart, PALETTE } from "../charts.js";

const q = (o) => (o ? `${fmt(o.q50)} [${fmt(o.q05)} – ${fmt(o.q95)}]` : "no data");

/** A result of kind route_model: {months, routes, variants: {name: {q05, q50, q95, total_by_route}}} */
export function routeModelResult(parent, res, labels = {}) {
  const names = Object.keys(res.variants);
  const label = (n) => labels[n] || n;
  const months = res.months.map((m) => { const [y, mo] = m.split("-").map(Number); return new Date(y, mo - 1, 1); });
  parent.append(h("p", {}, `${res.scenario}: ${res.routes.length} route(s), ${res.months.length} months from ${res.months[0]} (data up to ${res.origin}), ${res.runs} runs per variant, seed ${res.seed}. Lines: medians; shaded: 5–95% of the runs.`));
  if (res.diversion) parent.append(h("p", { class: "note diversion-range" }, `Share of people stopped or deterred who reroute, drawn per run: ${fmt(100 * res.diversion[0])}% to ${fmt(100 * res.diversion[1])}% (unless the scenario sets it, the range estimated from past closures).`));
  const grid = h("div", { class: "grid-2 scenario-charts" });
  parent.append(grid);
  res.routes.forEach((route, j) => {
    lineChart(grid, {
      title: `${route}: monthly detections`, name: `scenario-${route}`, yLabel: "detections", height: 300,
      desc: `Median and 5-95% band of ${names.map(label).join(" and ")} for ${route}.`,
      series: names.map((n, i) => ({ name: `${label(n)} (median)`, color: PALETTE[i % PALETTE.length], dash: i ? "6 3" : null,
        values: months.map((x, t) => ({ x, y: res.variants[n].q50[t][j] })) })),
      bands: names.map((n, i) => ({ color: PALETTE[i % PALETTE.length],
        values: months.map((x, t) => ({ x, lo: res.variants[n].q05[t][j], hi: res.variants[n].q95[t][j] })) })),
      markerLegend: [{ label: "5–95% band", color: "#888", band: true }],
    });
  });
  const changes = names.filter((n) => res.variants[n].median_change_vs_baseline);
  parent.append(table({
    caption: `Totals over the horizon by route: median [5% – 95%] of ${res.runs} runs`,
    className: "totals-table",
    columns: [
      { label: "Route", rowHeader: true, value: (r) => r },
      ...names.map((n) => ({ label: label(n), num: true, value: (r) => q(res.variants[n].total_by_route?.[r]) })),
      ...changes.map((n) => ({ label: `Median change, ${label(n)} vs ${label("baseline")}`, num: true,
        value: (r) => fmt(res.variants[n].median_change_vs_baseline[r]) })),
    ],
    rows: res.routes,
  }));
}

/** A network scenario summary: {variants: {name: {final_at_sinks, totals}, ...}} */
function networkResult(parent, res) {
  const names = Object.keys(res.variants);
  const totals = [...new Set(names.flatMap((n) => Object.keys(res.variants[n].totals || {})))];
  const sinks = [...new Set(names.flatMap((n) => Object.keys(res.variants[n].final_at_sinks || {})))];
  parent.append(h("p", {}, `${res.scenario}: ${res.runs} runs, ${res.days} days, seed ${res.seed}. Median [5% – 95%].`),
    table({
      caption: "Totals by variant",
      columns: [{ label: "Measure", rowHeader: true, value: (k) => human(k) },
        ...names.map((n) => ({ label: n, num: true, value: (k) => q(res.variants[n].totals?.[k]) }))],
      rows: totals,
    }),
    table({
      caption: "People at each destination (sink) at the end",
      columns: [{ label: "Sink", rowHeader: true, value: (k) => k },
        ...names.map((n) => ({ label: n, num: true, value: (k) => q(res.variants[n].final_at_sinks?.[k]) })),
        ...names.filter((n) => res.variants[n].median_change_vs_baseline).map((n) => ({
          label: `Median change, ${n} vs baseline`, num: true, value: (k) => fmt(res.variants[n].median_change_vs_baseline[k]) }))],
      rows: sinks,
    }));
}

/** A negotiation scenario: {destination, partner, periods: [...]} */
function negotiationResult(parent, res) {
  const items = [...new Set(res.periods.flatMap((p) => Object.keys(p.package || {})))];
  parent.append(h("p", {}, `${res.scenario || "Negotiation"}: ${res.destination} and ${res.partner}, ${res.periods.length} period(s).`),
    table({
      caption: "Bargaining period by period",
      columns: [
        { label: "Year", rowHeader: true, value: (p) => String(p.year) },
        { label: "Threat", num: true, value: (p) => fmt(p.threat) },
        { label: "Credibility", num: true, value: (p) => fmt(p.credibility) },
        { label: "Agreement", value: (p) => (p.agreement ? "yes" : "no") },
        ...items.map((k) => ({ label: human(k), num: true, value: (p) => fmt(p.package?.[k]) })),
        { label: "Promised EUR", num: true, value: (p) => fmt(p.promised_eur) },
        { label: "Disbursed EUR", num: true, value: (p) => fmt(p.disbursed_eur) },
        { label: "Complied", value: (p) => (p.complied === undefined ? "" : p.complied ? "yes" : "no") },
      ],
      rows: res.periods,
    }));
  const routes = [...new Set(res.periods.flatMap((p) => Object.keys(p.projected_detections_by_route || {})))];
  if (routes.length && res.periods.length > 1) {
    lineChart(parent, {
      title: "Projected detections by route, by period", name: "negotiation-detections", time: false, xFormat: d3.format("d"),
      yLabel: "detections",
      series: routes.map((r, i) => ({ name: r, color: PALETTE[i % PALETTE.length],
        values: res.periods.map((p) => ({ x: p.year, y: p.projected_detections_by_route?.[r] ?? null })) })),
    });
  }
}

/** Pick the right view for a job result; always offer the raw JSON. */
/** A corridor result: the same bands, by checkpoint (people counted at each one they pass). */
function corridorResult(parent, res, labels) {
  const variants = Object.fromEntries(Object.entries(res.variants).map(([n, v]) => [n, { ...v, total_by_route: v.total_by_checkpoint }]));
  routeModelResult(parent, { ...res, routes: res.checkpoints, variants }, labels);
  parent.append(h("p", { class: "note" }, "Checkpoints in sequence count the same people at each one they pass. Paths and their shares before the origin (the weights of rerouting): "
    + res.paths.map((p, i) => `${p.join(" > ")} ${fmt(100 * res.path_shares[i])}%`).join("; ") + "."));
}

export function showResult(parent, res, labels) {
  if (res && res.variants && res.months && res.checkpoints) corridorResult(parent, res, labels);
  else if (res && res.variants && res.months && res.routes) routeModelResult(parent, res, labels);
  else if (res && res.variants) networkResult(parent, res);
  else if (res && Array.isArray(res.periods)) negotiationResult(parent, res);
  parent.append(h("details", {}, h("summary", {}, "Result as JSON"), h("pre", { class: "json" }, JSON.stringify(res, null, 2))));
}
