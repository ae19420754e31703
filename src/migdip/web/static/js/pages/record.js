// One Atlas record: what it has, as it is, with its sources as real links.
import { api, countryNames } from "../api.js";
import { h, human, fmt, fmtMoney, pageTitle, table, facts, tag, announce, errorBox, isState } from "../dom.js";

const ROUTE_KEYS = new Set(["eastern_mediterranean", "central_mediterranean", "western_mediterranean",
  "western_african", "western_balkans", "eastern_borders", "black_sea", "circular_albania_greece"]);

function actorLink(code, names) {
  return isState(code, names) ? h("a", { href: `#/country/${code}` }, code) : h("a", { href: `#/atlas?party=${encodeURIComponent(code)}` }, code);
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
        { label: "Got", value: (p) => [human(p.got), p.note ? h("div", { class: "small" }, p.note) : ""] },
      ],
      rows: r.parties || [],
    }),
    h("h2", {}, "Outcome"),
    table({
      caption: "Status history (oldest first)",
      columns: [
        { label: "Date", value: (s) => s.date },
        { label: "Status", value: (s) => human(s.status) },
        { label: "Note", value: (s) => s.note || "" },
      ],
      rows: o.status || [],
    }),
    (o.flow_effects || []).length ? table({
      caption: "Effects on flows",
      columns: [
        { label: "Metric", value: (f) => f.metric },
        { label: "Before", num: true, value: (f) => fmt(f.before_value) },
        { label: "Before period", value: (f) => f.before_period || "" },
        { label: "After", num: true, value: (f) => fmt(f.after_value) },
        { label: "After period", value: (f) => f.after_period || "" },
        { label: "Note", value: (f) => [f.computed ? tag("computed by migdip") : "", f.note || ""] },
      ],
      rows: o.flow_effects,
    }) : h("p", { class: "muted" }, "No measured effects on flows recorded."),
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
}
