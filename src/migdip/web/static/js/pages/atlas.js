// Atlas browser: full-text search, facets, paged results, downloads of the same query.
import { api, apiUrl, cached, codebook, isAbort } from "../api.js";
import { h, clear, field, select, human, fmt, pageTitle, announce, errorBox, downloadLinks, tag } from "../dom.js";
import { replaceQuery } from "../nav.js";

// facet name in meta.facets -> [query parameter, label, codebook vocabulary]
const FACETS = [
  ["kind", "kind", "Kind", "record_kind"],
  ["instrument", "instrument", "Instrument", "instrument"],
  ["region", "region", "Region", "region"],
  ["approach", "approach", "Approach", "approach_mode"],
  ["status", "status", "Status", "status"],
  ["dataset", "dataset", "Dataset", null],
];
const TEXT = ["q", "party", "year_from", "year_to", "sort", "limit"];

export async function render(main, { query, signal }) {
  main.append(...pageTitle("Atlas of migration diplomacy",
    "Sourced records of deals, agreements and episodes. Search the text, narrow by facets, open a record to see its parties, terms, outcomes and sources."));
  const form = h("form", { class: "controls", role: "search", "aria-label": "Search the Atlas" });
  const results = h("section", { "aria-labelledby": "results-title" });
  main.append(form, results);

  const [cb, all] = await Promise.all([codebook(), cached("/atlas/records", { limit: 0 })]);
  if (signal.aborted) return;
  const controls = {};
  const mk = (name, el, label, hint, cls) => { controls[name] = el; el.name = name; return field(label, el, hint, cls); };
  form.append(mk("q", h("input", { type: "search", value: query.get("q") || "", placeholder: "e.g. readmission Turkey" }), "Search text", null, "wide"));
  for (const [facet, param, label, vocab] of FACETS) {
    const values = [...new Set([...(vocab ? cb.vocabularies[vocab] || [] : []), ...Object.keys(all.meta.facets[facet] || {})])];
    const el = select([["", "any"], ...values.map((v) => [v, human(v)])], query.get(param) || "");
    el.dataset.facet = facet;
    form.append(mk(param, el, label));
  }
  form.append(
    mk("party", h("input", { type: "text", size: 8, value: query.get("party") || "", pattern: "[A-Za-z0-9_:.\\-]*" }), "Party", "ISO3, bloc or organisation code"),
    mk("year_from", h("input", { type: "number", min: 1800, max: 2100, value: query.get("year_from") || "" }), "Year from"),
    mk("year_to", h("input", { type: "number", min: 1800, max: 2100, value: query.get("year_to") || "" }), "Year to"),
    mk("sort", select([["", "best match, else newest"], ["relevance", "relevance"], ["-year", "newest first"], ["year", "oldest first"], ["title", "title"], ["id", "id"]], query.get("sort") || ""), "Sort"),
    mk("limit", select(["20", "50", "100"], query.get("limit") || "20"), "Per page"),
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "primary" }, "Search"),
      h("button", { type: "button", onclick: () => { for (const el of Object.values(controls)) el.value = el.name === "limit" ? "20" : ""; run(0); } }, "Clear")));

  let offset = Number(query.get("offset") || 0);
  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());

  const params = () => {
    const p = {};
    for (const [name, el] of Object.entries(controls)) if (el.value !== "") p[name] = el.value;
    return p;
  };

  function updateCounts(facets) {
    for (const [facet] of FACETS) {
      const el = form.querySelector(`select[data-facet="${facet}"]`);
      const counts = facets[facet] || {};
      for (const opt of el.options) {
        if (!opt.value) continue;
        opt.textContent = `${human(opt.value)} (${fmt(counts[opt.value] || 0)})`;
      }
    }
  }

  async function run(newOffset, focusResults = false) {
    offset = newOffset;
    const p = params();
    replaceQuery({ ...p, offset: offset || "" });
    if (!p.sort) p.sort = p.q ? "relevance" : "-year";
    if (pending) pending.abort();
    pending = new AbortController();
    announce("Searching the Atlas…");
    results.setAttribute("aria-busy", "true");
    try {
      const env = await api("/atlas/records", { ...p, limit: p.limit || 20, offset }, { signal: pending.signal });
      showResults(env, p);
      updateCounts(env.meta.facets || {});
      announce(`${fmt(env.meta.total)} records found.`);
      if (focusResults) document.getElementById("results-title").focus();
    } catch (exc) {
      if (isAbort(exc)) return;
      clear(results).append(h("h2", { id: "results-title", tabindex: "-1" }, "Results"), errorBox(exc, "Search failed"));
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  function showResults(env, p) {
    const { total, limit } = env.meta;
    const first = total ? offset + 1 : 0;
    const last = Math.min(offset + env.data.length, total);
    const dl = { ...p };
    delete dl.limit;
    clear(results).append(
      h("h2", { id: "results-title", tabindex: "-1" }, `Results: ${fmt(total)} record${total === 1 ? "" : "s"}`),
      downloadLinks((f) => apiUrl("/atlas/records", { ...dl, format: f }), "Download all matching records"),
      h("ol", { class: "results", start: first || 1, id: "atlas-results" }, env.data.map((r) =>
        h("li", {},
          h("h3", {}, h("a", { href: `#/record/${encodeURIComponent(r.id)}` }, r.title)),
          h("div", { class: "meta" },
            `${r.date_start || r.year || ""} · ${human(r.kind)} · `,
            tag(r.approach, r.approach), tag(r.status),
            ` ${(r.parties || []).join(", ")} · ${human(r.dataset)} · ${r.n_sources} source${r.n_sources === 1 ? "" : "s"}`),
          h("div", {}, (r.instruments || []).map((i) => tag(i)))))),
      h("nav", { class: "pager", "aria-label": "Result pages" },
        h("button", { type: "button", disabled: offset <= 0, onclick: () => run(Math.max(0, offset - limit), true) }, "Previous"),
        h("span", {}, total ? `Showing ${fmt(first)}–${fmt(last)} of ${fmt(total)}` : "No records match."),
        h("button", { type: "button", disabled: !env.meta.next, onclick: () => run(offset + limit, true) }, "Next")));
  }

  form.addEventListener("submit", (evt) => { evt.preventDefault(); run(0); });
  form.addEventListener("change", (evt) => { if (evt.target.tagName === "SELECT") run(0); });
  await run(offset);
}
