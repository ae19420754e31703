// Negotiation explorer: the predicted agreement between a destination and a partner; coercion.
import { api, countries, isAbort } from "../api.js";
import { h, clear, field, select, fmt, human, pageTitle, announce, errorBox, table, facts } from "../dom.js";
import { lineChart, xyChart, PALETTE } from "../charts.js";
import { replaceQuery } from "../nav.js";

const BLOCS = ["EU", "SCHENGEN", "ASEAN", "AU", "EAC", "ECOWAS", "GCC", "MERCOSUR", "SADC"];
const SWEEP = [0, 0.2, 0.4, 0.6, 0.8, 1];
const ISSUES = ["interception", "readmission", "visas", "legal_pathways", "resettlement", "trade", "money"];
const ITEM_HELP = {
  interception: "share of departures the partner intercepts",
  readmission: "share of returnable nationals readmitted",
  visas: "visa facilitation (0-1)",
  legal_pathways_share_of_diaspora: "legal places as a share of the diaspora",
  resettlement_share_of_hosted: "refugees resettled as a share of those the partner hosts",
  trade: "share of the trade access on offer that is granted",
  money_eur: "money paid by the destination, EUR a year",
};

const share = (v) => h("input", { type: "number", min: 0, max: 1, step: 0.05, value: v, required: true });

export async function render(main, { query, signal }) {
  main.append(...pageTitle("Negotiation explorer",
    "The bargain a destination and a partner state would strike over migration cooperation, from real data: what is at stake, the predicted package, and how threats would move it."));
  const list = (await countries()).filter((c) => !c.historical).sort((a, b) => a.name.localeCompare(b.name));
  if (signal.aborted) return;
  const opts = [{ group: "Blocs", options: BLOCS.map((b) => [b, b]) }, { group: "States", options: list.map((c) => [c.code, `${c.name} (${c.code})`]) }];
  const dest = select(opts, query.get("destination") || "EU", { name: "destination" });
  const partner = select(opts, query.get("partner") || "TUN", { name: "partner" });
  const year = h("input", { type: "number", name: "year", min: 2000, max: 2030, value: query.get("year") || 2024 });
  const threat = share(query.get("threat") || 0);
  const cred = share(query.get("credibility") || 0);
  const sanction = share(query.get("sanction") || 0);
  const trade = h("input", { type: "number", min: 0, max: 1e12, step: 1000000, value: query.get("trade_value") || 0 });
  threat.name = "threat";
  cred.name = "credibility";
  sanction.name = "sanction";
  trade.name = "trade_value";
  const chosen = (query.get("issues") || "").split(",").filter(Boolean);
  const issueBoxes = ISSUES.map((i) => h("input", { type: "checkbox", name: "issues", value: i, id: `issue-${i}`, checked: !chosen.length || chosen.includes(i) }));
  const out = h("div", { id: "negotiation-output" });
  const form = h("form", { class: "controls", "aria-label": "Negotiation" },
    field("Destination", dest), field("Partner", partner), field("Year", year, "2000 to 2030"),
    field("Threat", threat, "0 to 1: share of the people it hosts that the partner threatens to release"),
    field("Credibility", cred, "0 to 1: how credible the partner's threat is"),
    field("Sanction", sanction, "0 to 1: share of visas the destination would withhold without a deal"),
    field("Trade value (EUR a year)", trade, "Value to the partner of trade access or an accession step on offer (0: none)"),
    h("fieldset", {}, h("legend", {}, "Issues on the table"),
      h("div", { class: "checks" }, issueBoxes.map((b) => h("label", { for: b.id }, b, ` ${human(b.value)}`)))),
    h("button", { type: "submit", class: "primary" }, "Predict"));
  main.append(form, out);

  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());
  async function load() {
    if (pending) pending.abort();
    pending = new AbortController();
    const own = pending.signal;
    const on = issueBoxes.filter((b) => b.checked).map((b) => b.value);
    const params = { year: year.value, threat: threat.value, credibility: cred.value, sanction: sanction.value, trade_value: trade.value };
    if (on.length < ISSUES.length) params.issues = on;
    replaceQuery({ destination: dest.value, partner: partner.value, ...params, issues: params.issues ? on.join(",") : "" });
    const path = `/negotiations/${dest.value}/${partner.value}`;
    announce("Computing the negotiation…");
    clear(out).setAttribute("aria-busy", "true");
    try {
      const env = await api(path, params, { signal: own });
      showNegotiation(out, env.data);
      if (Array.isArray(env.data.what_would_move_it)) {
        showMoves(out, env.data);
      } else { // an API without the moves: re-ask it with the threat from 0 to 1
        const c = Number(params.credibility) > 0 ? params.credibility : 0.8;
        const sweep = await Promise.all(SWEEP.map((t) => api(path, { ...params, threat: t, credibility: c }, { signal: own }).then((e) => ({ t, d: e.data }))));
        showSweep(out, sweep, env.data, c);
      }
      announce(`Negotiation between ${dest.value} and ${partner.value}: ${env.data.agreement ? "agreement" : "no agreement"}.`);
    } catch (exc) {
      if (!isAbort(exc)) out.append(errorBox(exc, "Could not compute the negotiation"));
    } finally {
      if (!own.aborted) out.removeAttribute("aria-busy");
    }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  main.append(h("h2", { id: "coercion-title" }, "Coercion"));
  coercionPanel(main, opts, signal);
  await load();
}

const pctOf = (x) => `${Math.round(100 * x)}%`;
const interval = (s) => `${pctOf(s.estimate)} (90% interval ${pctOf(s.low)} to ${pctOf(s.high)})`;

// The estimated model's predictions: probability of a deal, outcomes, money, parameters.
function estimatedPanel(e) {
  const money = e.money_promised_eur;
  return [
    h("h3", {}, "Estimated model"),
    h("p", { id: "deal-probability" }, "Probability of a deal: ", h("strong", {}, interval(e.deal_probability)),
      money ? `; money promised ${fmt(money.estimate)} EUR (90% interval ${fmt(money.low)} to ${fmt(money.high)})` : "",
      ". Parameters estimated on the Atlas's outcome-coded episodes; how well this predicts out of sample is in docs/validation.md."),
    table({
      caption: "Predicted outcomes (probability, 90% interval)",
      columns: [
        { label: "Outcome", rowHeader: true, value: (r) => human(r[0]) },
        ...["none", "some", "most", "all", "failure", "partial", "success"].map((c) => ({ label: c, num: true, value: (r) => (r[1][c] ? interval(r[1][c]) : "") })),
      ],
      rows: Object.entries(e.outcomes || {}),
    }),
    h("details", {}, h("summary", {}, "Estimated parameters with 90% intervals"),
      table({
        caption: "Posterior mode and 90% interval",
        columns: [
          { label: "Parameter", rowHeader: true, value: (r) => human(r[0]) },
          { label: "Estimate", num: true, value: (r) => fmt(r[1].estimate) },
          { label: "Low", num: true, value: (r) => fmt(r[1].low) },
          { label: "High", num: true, value: (r) => fmt(r[1].high) },
        ],
        rows: Object.entries(e.params || {}),
      })),
  ];
}

function showNegotiation(out, d) {
  const frontier = Array.isArray(d.frontier) ? d.frontier : null;
  const t = d.terms || {};
  out.append(h("h2", {}, `${d.destination} and ${d.partner}, ${d.year}`),
    h("p", { class: "big-number", id: "agreement" }, d.agreement ? "Agreement predicted" : "No agreement predicted"),
    ...(d.estimated ? estimatedPanel(d.estimated) : []),
    facts([
      ["Valued by", d.valued_by],
      ["Issues on the table", (d.issues || []).map(human).join(", ")],
      ["Terms", d.terms ? `partner's threat ${fmt(t.threat)} (credibility ${fmt(t.credibility)}), destination's sanction ${fmt(t.sanction)}, trade value ${fmt(t.trade_value_eur)} EUR a year` : null],
      ["Deal space", `${fmt(d.pareto_packages)} packages on the Pareto frontier${frontier ? " (drawn below)" : " (this API gives their number, not their terms)"}`],
    ]),
    table({
      caption: "What is at stake (inputs, with their sources)",
      columns: [
        { label: "Input", rowHeader: true, value: (k) => human(k) },
        { label: "Value", num: true, value: (k) => fmt(d.inputs[k]) },
        { label: "Source", value: (k) => (d.sources || {})[k] || "" },
      ],
      rows: Object.keys(d.inputs || {}),
    }),
    d.package ? table({
      caption: "Predicted package",
      columns: [
        { label: "Item", rowHeader: true, value: (k) => human(k) },
        { label: "Value", num: true, value: (k) => fmt(d.package[k]) },
        { label: "Meaning", value: (k) => ITEM_HELP[k] || "" },
      ],
      rows: Object.keys(d.package),
    }) : h("p", { class: "note" }, "No package: neither side gains from any deal over its disagreement point."),
    table({
      caption: "Payoffs (EUR a year): without a deal, with the predicted package, and what each side got",
      columns: [
        { label: "Side", rowHeader: true, value: (k) => k },
        { label: "Without a deal", num: true, value: (k) => fmt(d.disagreement?.[k]) },
        { label: "With the package", num: true, value: (k) => fmt(d.utility?.[k]) },
        { label: "Got", value: (k) => human(d.got?.[k]) },
      ],
      rows: ["destination", "partner"],
    }));
  if (frontier && frontier.length) {
    const highlights = [{ x: d.disagreement.destination, y: d.disagreement.partner, label: "no deal (disagreement)", color: "#c0392b" }];
    if (d.utility) highlights.push({ x: d.utility.destination, y: d.utility.partner, label: "predicted agreement", color: "#2e8b57" });
    xyChart(out, {
      title: "Deal space: the Pareto frontier", name: `frontier-${d.destination}-${d.partner}`,
      desc: `Utilities (EUR a year) of the ${frontier.length} frontier packages shown, with the no-deal point and the predicted agreement.`,
      points: frontier.map(([x, y]) => ({ x, y })), highlights, lineName: "Pareto frontier",
      xLabel: `${d.destination}'s utility (EUR a year)`, yLabel: `${d.partner}'s utility`,
    });
  }
  const eng = d.engine || {};
  const eff = Object.entries(eng.prevented_by_effort || {}).map(([x, y]) => ({ x: Number(x), y }));
  if (eff.length) {
    lineChart(out, {
      title: "Arrivals prevented by the partner's enforcement effort (12 months)", name: `effort-${d.destination}-${d.partner}`,
      time: false, xFormat: d3.format(".0%"), yLabel: "arrivals prevented", height: 280,
      desc: "How many arrivals the flow engine expects each level of interception effort to prevent.",
      series: [{ name: "prevented", color: PALETTE[2], values: eff }],
    });
  }
  out.append(facts([
    ["Engine data up to", eng.origin],
    ["Routes through the partner", (eng.routes || []).join(", ")],
    ["Baseline, 12 months, all routes", eng.baseline_12_months_all_routes != null ? fmt(eng.baseline_12_months_all_routes) : null],
    ["Baseline, 12 months, partner routes", eng.baseline_12_months_partner_routes != null ? fmt(eng.baseline_12_months_partner_routes) : null],
  ]));
}

function showMoves(out, d) {
  out.append(h("h3", {}, "What would move it"), table({
    caption: "The same negotiation re-solved under one change",
    className: "moves",
    columns: [
      { label: "Change", rowHeader: true, value: (r) => r.change },
      { label: "Agreement", value: (r) => (r.agreement ? "yes" : "no") },
      { label: "Money, EUR", num: true, value: (r) => (r.money_eur === undefined ? "" : fmt(r.money_eur)) },
      { label: "Change in money", num: true, value: (r) => (r.money_change_eur === undefined ? "" : fmt(r.money_change_eur)) },
      { label: "Terms that change (before → after)", value: (r) => Object.entries(r.terms_changed || {}).map(([k, [a, b]]) => `${human(k)} ${fmt(a)} → ${fmt(b)}`).join("; ") },
      { label: "Got (destination / partner)", value: (r) => (r.got ? `${human(r.got.destination)} / ${human(r.got.partner)}` : "") },
    ],
    rows: d.what_would_move_it,
  }));
}

function showSweep(out, sweep, d, credibility) {
  const items = Object.keys(d.package || {});
  out.append(h("h3", {}, "What would move it: the package as the partner's threat rises"),
    h("p", { class: "small muted" }, `Computed by the dashboard, asking the API again with the threat from 0 to 1 at credibility ${fmt(Number(credibility))}${Number(credibility) === 0.8 ? " (0.8 when the form's credibility is 0, since a threat nobody believes moves nothing)" : ""}.`));
  lineChart(out, {
    title: "Money in the predicted package by threat level", name: `sweep-${d.destination}-${d.partner}`,
    time: false, xFormat: d3.format(".1f"), yLabel: "EUR", height: 280,
    desc: "The money the destination pays in the predicted package, for threat levels from 0 to 1.",
    series: [{ name: "money (EUR)", color: PALETTE[0], values: sweep.map(({ t, d: x }) => ({ x: t, y: x.package?.money_eur ?? null })) }],
  });
  out.append(table({
    caption: "Predicted package by threat level",
    columns: [
      { label: "Threat", rowHeader: true, value: (s) => fmt(s.t) },
      { label: "Agreement", value: (s) => (s.d.agreement ? "yes" : "no") },
      ...items.map((k) => ({ label: human(k), num: true, value: (s) => fmt(s.d.package?.[k]) })),
      { label: "Destination got", value: (s) => human(s.d.got?.destination) },
      { label: "Partner got", value: (s) => human(s.d.got?.partner) },
    ],
    rows: sweep,
  }));
}

function coercionPanel(main, opts, signal) {
  const ch = select(opts, "TUR", { name: "challenger" });
  const tg = select(opts, "EU", { name: "target" });
  const year = h("input", { type: "number", name: "coercion_year", min: 2000, max: 2030, value: 2024 });
  const cred = share(0.5);
  const pol = share(0.5);
  const hyp = share(0.5);
  const out = h("div", { id: "coercion-output" });
  const form = h("form", { class: "controls", "aria-label": "Coercion" },
    field("Challenger", ch), field("Target", tg), field("Year", year),
    field("Credibility", cred, "0 to 1"), field("Polarisation", pol, "0 to 1: of the target's public"), field("Hypocrisy", hyp, "0 to 1: cost of the target's norms"),
    h("button", { type: "submit", class: "primary" }, "Assess"));
  main.append(h("p", { class: "lead" }, "Could a state win concessions by threatening to send or release migrants (coercive engineered migration)?"), form, out);
  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());
  const run = async () => {
    clear(out);
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const env = await api(`/coercion/${ch.value}/${tg.value}`, { year: year.value, credibility: cred.value, polarisation: pol.value, hypocrisy: hyp.value }, { signal: pending.signal });
      const c = env.data;
      const est = c.estimated && c.estimated.coercion;
      out.append(h("p", {}, "Probability that the target concedes: ", h("span", { class: "big-number", id: "concession" }, `${fmt(100 * c.concession_probability)} %`)),
        ...(est ? [h("p", { id: "coercion-estimated" }, "Estimated model (fitted on the Atlas's coercion episodes; out-of-sample record in docs/validation.md): the challenger gets all or most of its demands ",
          h("strong", {}, interval(est.success)), ", some ", interval(est.partial), ", none ", interval(est.failure), ".")] : []),
        table({
          caption: `Coercion assessment, ${c.challenger} against ${c.target}, ${c.year}`,
          columns: [{ label: "Measure", rowHeader: true, value: (k) => human(k) }, { label: "Value", num: true, value: (k) => fmt(c[k]) }],
          rows: ["challenger_type", "host_strategy", "refugees_abroad", "hosted", "hosted_per_1000", "strategic_importance",
            "target_vulnerability", "target_capacity_log10_gdp_per_head_over_10k"].filter((k) => k in c),
        }),
        facts([["Inputs not in the data (yours)", Object.entries(c.inputs_not_in_data || {}).map(([k, v]) => `${k} ${v}`).join(", ")]]),
        h("details", {}, h("summary", {}, "Model parameters"), h("pre", { class: "json" }, JSON.stringify(c.params, null, 2))));
    } catch (exc) {
      if (!isAbort(exc)) out.append(errorBox(exc, "Could not assess coercion"));
    }
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
  run();
}
