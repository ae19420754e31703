// What came of the deals: what the Atlas codes (coverage by field and region), money promised
// against money paid, and the coercion episodes' outcomes beside Greenhill's published shares.
import { api } from "../api.js";
import { h, human, fmt, pageTitle, table, announce, errorBox } from "../dom.js";
import { hBars } from "../charts.js";

const pct = (x) => (x === null || x === undefined ? "-" : `${Math.round(x * 100)}%`);

export async function render(main, { signal }) {
  main.append(...pageTitle("Outcomes",
    "What came of each deal, as the curated records code it: which fields are coded and where, how much of the money promised was paid, and how often coercion worked. Every figure is counted from the records."));
  announce("Loading outcomes…");
  let cov, money, stats;
  try {
    [cov, money, stats] = await Promise.all([
      api("/atlas/coverage", {}, { signal }),
      api("/atlas/money", {}, { signal }),
      api("/atlas/stats", {}, { signal }),
    ]);
  } catch (exc) {
    if (!signal.aborted) main.append(errorBox(exc, "Could not load the outcomes"));
    return;
  }
  const c = cov.data;
  const regions = Object.keys(c.regions);
  main.append(
    h("h2", {}, `What the ${c.records} curated records code`),
    table({
      caption: "Records carrying each outcome field, in all and by region",
      className: "coverage",
      columns: [
        { label: "Field", rowHeader: true, value: (f) => [h("strong", {}, human(f.name)), h("div", { class: "small muted" }, f.description)] },
        { label: "Records", num: true, value: (f) => fmt(f.records) },
        { label: "Share", num: true, value: (f) => pct(f.share) },
        ...regions.map((r) => ({ label: human(r), num: true, value: (f) => fmt(f.by_region[r]) })),
      ],
      rows: Object.entries(c.fields).map(([name, f]) => ({ name, ...f })),
    }),
    h("p", { id: "outcomes-sources" },
      "Sources by address: ",
      Object.entries(c.sources.by_class).map(([k, n]) => `${fmt(n)} ${k}`).join(", "),
      `. ${c.sources.records_with_weak_only_codings} records have an outcome coding that rests only on mirrors, aggregators, blogs or encyclopedias (${c.sources.high_confidence_on_weak_only} of them at confidence high).`),
  );
  const paid = money.data.filter((d) => d.paid_share !== null);
  const wrap = h("div", { id: "outcomes-money" });
  main.append(h("h2", {}, "Money promised and paid"), wrap);
  if (paid.length) {
    hBars(wrap, {
      title: "Share of the promised money paid, by deal (euros of each figure's year)",
      name: "money-paid",
      data: paid.map((d) => ({ label: d.id, value: Math.round(d.paid_share * 100), href: `#/record/${d.id}` })),
      xLabel: "% of the promised amount disbursed",
    });
  }
  wrap.append(table({
    caption: "Deals by the share of promised money paid",
    columns: [
      { label: "Record", rowHeader: true, value: (d) => h("a", { href: `#/record/${d.id}` }, d.title) },
      { label: "Year", num: true, value: (d) => d.year },
      { label: "Promised (EUR)", num: true, value: (d) => fmt(d.promised_eur) },
      { label: "Disbursed (EUR)", num: true, value: (d) => (d.disbursed_eur === null ? "not recorded" : fmt(d.disbursed_eur)) },
      { label: "Paid", num: true, value: (d) => pct(d.paid_share) },
    ],
    rows: money.data,
  }));
  const g = stats.data.coercion;
  main.append(
    h("h2", {}, "Does coercion work?"),
    h("p", {}, `${g.episodes} episodes of threats and engineered movements of people; the challenger's outcome is coded in ${g.coded}. A check of the coding against Greenhill's published aggregates, not a figure tuned towards them.`),
    table({
      caption: "Coercion episodes: what the challenger got",
      columns: [
        { label: "Share of coded episodes", rowHeader: true, value: (r) => r[0] },
        { label: "The Atlas", num: true, value: (r) => r[1] },
        { label: "Greenhill (published)", num: true, value: (r) => r[2] },
      ],
      rows: [
        ["got all or most of its demands", pct(g.all_or_most), g.greenhill.all_or_most_note],
        ["got at least some", pct(g.at_least_some), pct(g.greenhill.at_least_some)],
      ],
    }),
    h("p", { class: "small muted" }, "Greenhill's aggregates as published: ", h("a", { href: g.greenhill.source, rel: "noopener noreferrer" }, g.greenhill.source)),
  );
  announce("Outcomes loaded.");
}
