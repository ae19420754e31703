// Downloads: every dataset with its provenance, and the Atlas, as CSV, Parquet or JSON.
import { api, apiUrl } from "../api.js";
import { h, fmt, pageTitle, announce, errorBox, table } from "../dom.js";

const link = (url, text, label) => h("a", { class: "button", href: url, download: "", "aria-label": label }, text);

export async function render(main, { signal }) {
  main.append(...pageTitle("Downloads",
    "The data behind the dashboard with their provenance: publisher, version, licence, where the file came from, rows and checksum. Every chart also has PNG and SVG buttons."));
  main.append(h("h2", {}, "The Atlas"), h("div", { class: "table-wrap" }, table({
    caption: "Atlas records (one row per record; the record pages have every field)",
    columns: [
      { label: "Selection", rowHeader: true, value: (r) => r.label },
      { label: "Download", value: (r) => h("div", { class: "button-row" }, ["csv", "parquet", "json"].map((f) =>
        link(apiUrl("/atlas/records", { ...r.params, format: f }), f.toUpperCase(), `${r.label} as ${f.toUpperCase()}`))) },
    ],
    rows: [
      { label: "All records", params: {} },
      { label: "Curated records", params: { dataset: "curated" } },
      { label: "Imported bilateral labour agreements", params: { dataset: "bilateral_labour_agreements" } },
    ],
  })));
  main.append(h("h2", {}, "Datasets"));
  announce("Loading the datasets…");
  let env;
  try {
    env = await api("/datasets", {}, { signal });
  } catch (exc) {
    if (!signal.aborted) main.append(errorBox(exc, "Could not list the datasets"));
    return;
  }
  main.append(h("p", { class: "muted" }, `${env.data.length} datasets. Check the licence before reuse; the checksum is the SHA-256 of the file as ingested.`),
    table({
      caption: "Datasets with provenance and downloads",
      className: "datasets",
      columns: [
        { label: "Dataset", rowHeader: true, value: (d) => [h("strong", {}, d.title), h("div", { class: "small muted" }, h("code", {}, d.id)), d.coverage ? h("div", { class: "small" }, `Coverage: ${d.coverage}`) : null] },
        { label: "Publisher and version", value: (d) => [d.publisher, h("div", { class: "small" }, d.version)] },
        { label: "Licence", value: (d) => d.licence },
        { label: "Source, file and checksum", value: (d) => [d.source, d.file ? h("div", { class: "small muted" }, `file: ${d.file}`) : null,
          h("div", { class: "small" }, "SHA-256: ", h("code", { class: "checksum" }, d.checksum || "none"))] },
        { label: "Rows", num: true, value: (d) => fmt(d.rows) },
        { label: "Download", value: (d) => h("div", { class: "button-col" }, ["csv", "parquet", "json"].map((f) =>
          link(apiUrl(`/datasets/${d.id}/rows`, { format: f }), f.toUpperCase(), `${d.title} as ${f.toUpperCase()}`))) },
      ],
      rows: env.data,
    }));
  announce(`${env.data.length} datasets listed.`);
}
