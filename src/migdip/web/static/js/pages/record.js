// One Atlas record: what it has, as it is, with its sources as real links.
import { api, countryNames } from "../api.js";
import { h, human, fmt, fmtMoney, pageTitle, table, facts, tag, announce, errorBox, isState } from "../dom.js";
import { lineChart } from "../charts.js";

const ROUTE_KEYS = new Set(["eastern_mediterranean", "central_mediterranean", "western_mediterranean",
  "western_african", "western_balkans", "eastern_borders", "black_sea", "circular_albania_greece"]);

function actorLink(code, names) {
  return isState(code, names) ? h("a", { href: `#/country/${code}` }, code) : h("a", { href: `#/atlas?party=${encodeURIComponent(code)}` }, code);
}

function cites(ids) {
  if (!ids || !ids.length) return "";
  return h("span", { class: "small muted" }, " sources: ",
    ids.map((id, i) => [i ? ", " : "", h("a", { href: `#source-${id}`, class: "cite" }, id)]));
}

function moneyRows(r) {
  const euros = new Map((r.money_in_euros || []).map((m) => [m.idx, m]));
  return ((r.outcome || {}).money || []).map((m, i) => ({ ...m, eur: euros.get(i) || {} }));
}

// Cumulative euros promised and disbursed over time: within a tranche the latest figure counts,
// tranches add up (the codebook's rule), so each date's total is the sum of each tranche's last.
function moneySeries(rows, stage) {
  const chosen = rows.filter((m) => m.stage === stage && m.eur.amount_eur !== null && m.eur.amount_eur !== undefined)
    .sort((a, b) => a.as_of.localeCompare(b.as_of));
  const last = new Map();
  return chosen.map((m) => {
    last.set(m.tranche || "", m.eur.amount_eur);
    const total = [...last.values()].reduce((x, y) => x + y, 0);
    return { x: new Date(`${m.as_of.length === 4 ? m.as_of + "-12" : m.as_of.slice(0, 7)}-01`), y: total };
  });
}

function moneySection(r) {
  const rows = moneyRows(r);
  if (!rows.length) return [];
  const wrap = h("div", { id: "record-money" });
  wrap.append(table({
    caption: "Money promised, committed and disbursed (each figure dated and sourced)",
    columns: [
      { label: "Stage", value: (m) => human(m.stage) },
      { label: "Amount", num: true, value: (m) => fmtMoney(m.amount, m.currency) },
      { label: "In euros", num: true, value: (m) => (m.eur.amount_eur === null || m.eur.amount_eur === undefined
        ? h("span", { class: "muted small" }, m.eur.eur_note || "") : `${fmt(m.eur.amount_eur)} (${m.eur.eur_rate_year})`) },
      { label: "As of", value: (m) => m.as_of },
      { label: "Tranche", value: (m) => m.tranche || "" },
      { label: "Sources", value: (m) => cites(m.sources) },
    ],
    rows,
  }));
  const promised = moneySeries(rows, "promised");
  const paid = moneySeries(rows, "disbursed");
  const end = new Date(Math.max(...[...promised, ...paid].map((d) => Number(d.x))));
  for (const s of [promised, paid]) {  // each level holds until the latest figure of any stage
    if (s.length && Number(s[s.length - 1].x) < Number(end)) s.push({ x: end, y: s[s.length - 1].y });
  }
  if (promised.length || paid.length) {
    lineChart(wrap, {
      title: "Money promised and paid over time (euros)",
      name: `${r.id}-money`,
      yLabel: "EUR",
      series: [
        { name: "promised", color: "#1f5f8b", values: promised },
        { name: "disbursed", color: "#b35806", dash: "5 3", values: paid },
      ].filter((x) => x.values.length),
      tooltip: false,
    });
  }
  return [h("h3", {}, "Money"), wrap];
}

function rightsSection(o) {
  if (!(o.rights || []).length) return [];
  return [h("h3", {}, "Rights"), table({
    caption: "Effects on migrants' rights, with sources",
    columns: [
      { label: "Who", value: (x) => x.who },
      { label: "What changed", value: (x) => x.what },
      { label: "Effect", value: (x) => tag(human(x.effect)) },
      { label: "Sources", value: (x) => cites(x.sources) },
    ],
    rows: o.rights,
  })];
}

function coercionSection(c) {
  if (!c) return [];
  return [h("h3", {}, "Coercion"), facts([
    ["Demands", c.demands],
    ["Carried out", human(c.carried_out)],
    ["People moved", fmt(c.people_moved)],
    ["People threatened", fmt(c.people_threatened)],
    ["In Greenhill's catalogue", c.greenhill_case ? "yes" : "not shown"],
    ["Greenhill's coding", human(c.greenhill_outcome)],
    ["Sources", cites(c.sources)],
  ])];
}

// The record's sourced flow figures beside the warehouse series they name (Frontex, IOM,
// UNHCR, Eurostat): the series by year as a line, the recorded figures of whole years as dots,
// and every side's figure against the warehouse's over the same period.
async function flowSeriesSection(wrap, id, signal) {
  let env;
  try {
    env = await api(`/atlas/records/${encodeURIComponent(id)}/flows`, {}, { signal });
  } catch (exc) {
    if (!signal.aborted) wrap.append(errorBox(exc, "Could not load the warehouse series"));
    return;
  }
  for (const [k, f] of env.data.entries()) {
    const box = h("div", { class: "flow-check", "data-series": f.series });
    wrap.append(box);
    if (f.yearly.length) {
      lineChart(box, {
        title: `${f.metric}: the record's figures beside ${f.description}`,
        name: `${id}-flows-${k}`,
        yLabel: "people",
        time: false,
        xFormat: (v) => String(v),
        series: [
          { name: `warehouse (${f.series})`, color: "#1f5f8b", values: f.yearly.map((d) => ({ x: d.year, y: d.value })) },
          { name: "recorded in the Atlas", color: "#b35806", dots: true,
            values: f.sides.filter((s) => s.year !== null).map((s) => ({ x: s.year, y: s.recorded, label: `${s.side} ${s.period}: ${fmt(s.recorded)}` })) },
        ].filter((s) => s.values.length),
      });
    }
    box.append(table({
      caption: `${f.metric}: recorded against ${f.series} over the same period (over 10% flagged)`,
      columns: [
        { label: "Side", value: (s) => s.side },
        { label: "Period", value: (s) => s.period || "" },
        { label: "Recorded", num: true, value: (s) => fmt(s.recorded) },
        { label: "Warehouse", num: true, value: (s) => (s.warehouse === null ? h("span", { class: "muted small" }, "period not in the series") : fmt(s.warehouse)) },
        { label: "Difference", num: true, value: (s) => (s.difference === null ? "" : [`${(s.difference * 100).toFixed(1)}%`, s.flagged ? tag("differs") : ""]) },
      ],
      rows: f.sides,
    }), h("p", { class: "small muted" }, "Recorded figures: ", cites(f.sources)));
  }
}

function unknownSection(o) {
  if (!(o.unknown || []).length) return [];
  return [h("h3", {}, "Not known"), h("ul", { id: "record-unknown" },
    o.unknown.map((u) => h("li", {}, h("strong", {}, human(u.field)), `: ${u.reason}`)))];
}

function items(list) {
  if (!list || !list.length) return "";
  return h("ul", {}, list.map((it) => h("li", {},
    h("strong", {}, human(it.type)),
    it.description ? `: ${it.description}` : "",
    it.amount !== undefined && it.amount !== null ? ` (${fmtMoney(it.amount, it.currency)}${it.unit ? " " + it.unit : ""}${it.period ? ", " + it.period : ""})` : "",
    it.status ? h("span", { class: "muted" }, ` [${human(it.status)}]`) : "",
    it.sources && it.sources.length ? h("span", { class: "small muted" }, ` sources: ${it.sources.join(", ")}`) : "")));
}

export async function render(main, { args, signal }) {
  const id = args[0] || "";
  const titleEl = pageTitle(`Record ${id}`)[0];
  main.append(titleEl, h("p", {}, h("a", { href: "#/atlas" }, "← Back to the Atlas")));
  announce(`Loading record ${id}…`);
  let env;
  try {
    env = await api(`/atlas/records/${encodeURIComponent(id)}`, {}, { signal });
  } catch (exc) {
    if (!signal.aborted) main.append(errorBox(exc, "Could not load the record"));
    return;
  }
  const names = await countryNames().catch(() => new Map());
  const r = env.data;
  titleEl.textContent = r.title;
  document.title = `${r.title} · migdip`;
  const a = r.approach || {};
  const o = r.outcome || {};
  const flows = h("div", { id: "record-flow-series" });
  main.append(
    h("p", {}, tag(r.kind), a.mode ? tag(a.mode, a.mode) : null, r.confidence ? tag(`confidence: ${r.confidence}`) : null,
      h("span", { class: "muted small" }, ` id: ${r.id}`)),
    r.summary ? h("p", { class: "lead", id: "record-summary" }, r.summary) : null,
    facts([
      ["Start", r.date_start],
      ["End", r.date_end],
      ["Instruments", (r.instruments || []).map((i) => tag(i))],
      ["Regions", (r.regions || []).map((x) => human(x)).join(", ")],
      ["Routes", (r.routes || []).map((k, i) => [i ? ", " : "", ROUTE_KEYS.has(k) ? h("a", { href: `#/routes?route=${k}` }, human(k)) : human(k)])],
      ["Approach", [a.mode, a.sum, a.incentives, a.host_strategy, a.challenger_type].filter(Boolean).map(human).join(" · ")],
      ["Domains", (r.domains || []).map(human).join(", ")],
      ["Drivers", (r.drivers || []).map(human).join(", ")],
      ["Rights effect", human(o.rights_effect)],
      ["Related", (r.related || []).map((x, i) => [i ? ", " : "", h("a", { href: `#/record/${x}` }, x)])],
      ["Confounders", (r.confounders || []).map((x, i) => [i ? ", " : "", h("a", { href: `#/record/${x}` }, x)])],
      ["Tags", (r.tags || []).join(", ")],
      ["Provenance", [r.provenance, r.provenance_dataset, r.provenance_row, r.file].filter(Boolean).join(" · ")],
    ]),
    h("h2", {}, "Parties"),
    table({
      caption: "Parties, their roles, positions, what they give and get",
      columns: [
        { label: "Actor", rowHeader: true, value: (p) => [actorLink(p.actor, names), p.name ? ` ${p.name}` : ""] },
        { label: "Type", value: (p) => human(p.actor_type) },
        { label: "Role", value: (p) => human(p.role) },
        { label: "Positions", value: (p) => (p.positions || []).map(human).join(", ") },
        { label: "Gives", value: (p) => items(p.gives) },
        { label: "Gets", value: (p) => items(p.gets) },
        { label: "Got", value: (p) => [
          p.got ? tag(human(p.got)) : "",
          p.got_detail ? h("div", { class: "small" }, p.got_detail) : "",
          p.got_reason ? h("div", { class: "small muted" }, `Unknown: ${p.got_reason}`) : "",
          cites(p.got_sources),
          p.note ? h("div", { class: "small" }, p.note) : ""] },
      ],
      rows: r.parties || [],
    }),
    h("h2", {}, "Outcome"),
    table({
      caption: "Status history (oldest first)",
      columns: [
        { label: "Date", value: (s) => s.date },
        { label: "Status", value: (s) => human(s.status) },
        { label: "Note", value: (s) => [s.note || "", cites(s.sources)] },
      ],
      rows: o.status || [],
    }),
    ...moneySection(r),
    ...rightsSection(o),
    ...coercionSection(r.coercion),
    ...unknownSection(o),
    (o.flow_effects || []).length ? table({
      caption: "Effects on flows",
      columns: [
        { label: "Metric", value: (f) => f.metric },
        { label: "Before", num: true, value: (f) => fmt(f.before_value) },
        { label: "Before period", value: (f) => f.before_period || "" },
        { label: "After", num: true, value: (f) => fmt(f.after_value) },
        { label: "After period", value: (f) => f.after_period || "" },
        { label: "Note", value: (f) => [f.computed ? tag("computed by migdip") : "", f.note || "", cites(f.sources)] },
      ],
      rows: o.flow_effects,
    }) : h("p", { class: "muted" }, "No measured effects on flows recorded."),
    flows,
    h("h2", { id: "sources-title" }, `Sources (${(r.sources || []).length})`),
    h("ol", { class: "sources", "aria-labelledby": "sources-title" }, (r.sources || []).map((s) =>
      h("li", { id: `source-${s.id}` },
        h("span", { class: "muted" }, `[${s.id}] `),
        s.url ? h("a", { href: s.url, rel: "noopener noreferrer", class: "source-link" }, s.title || s.url) : (s.title || ""),
        s.publisher ? ` — ${s.publisher}` : "",
        s.date ? `, ${s.date}` : "",
        s.url ? h("div", { class: "small muted" }, s.url) : null,
        s.note ? h("div", { class: "small" }, s.note) : null))),
  );
  announce(`Record ${r.title} loaded.`);
  await flowSeriesSection(flows, r.id, signal);
}
