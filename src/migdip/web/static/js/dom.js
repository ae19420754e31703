// Small DOM helpers: element builder, tables, form fields, formatting, messages.

let uidCounter = 0;
export const uid = (prefix = "id") => `${prefix}-${++uidCounter}`;

/** h("a", {href: "#/x", class: "c", onclick: fn}, "text", child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (["value", "checked", "selected", "disabled", "hidden", "open"].includes(k)) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** "bilateral_labour_agreement" -> "bilateral labour agreement" */
export const human = (s) => (s === null || s === undefined ? "" : String(s).replace(/_/g, " "));

const nf0 = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const nf2 = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const nfs = new Intl.NumberFormat("en", { maximumSignificantDigits: 3 });

/** A number for people: thousands separators, sensible decimals; null -> "no data". */
export function fmt(v) {
  if (v === null || v === undefined || v === "") return "no data";
  if (Array.isArray(v)) return v.map(human).join(", ");
  const n = Number(v) + 0; // no "-0"
  if (!Number.isFinite(n)) return human(v);
  const a = Math.abs(n);
  if (a >= 1000) return nf0.format(n);
  if (a >= 1 || a === 0) return nf2.format(n);
  return nfs.format(n);
}

/** Compact axis numbers: 1.2M, 340k. */
export function fmtShort(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}bn`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  return fmt(v);
}

export function fmtMoney(amount, currency) {
  if (amount === null || amount === undefined) return "";
  return `${currency ? currency + " " : ""}${fmt(amount)}`;
}

/** A <label>+control pair; control gets an id if it has none. */
export function field(label, control, hint, cls = "") {
  if (!control.id) control.id = uid("f");
  const hintEl = hint ? h("span", { class: "hint", id: uid("hint") }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: `field ${cls}` }, h("label", { for: control.id }, label), control, hintEl);
}

/** <select> from [[value, label], ...] or [value, ...]. */
export function select(options, value, attrs = {}) {
  const el = h("select", attrs);
  fillSelect(el, options, value);
  return el;
}

export function fillSelect(el, options, value) {
  clear(el);
  for (const o of options) {
    if (o && o.group) {
      const g = h("optgroup", { label: o.group });
      for (const [v, l] of o.options) g.append(h("option", { value: v }, l));
      el.append(g);
      continue;
    }
    const [v, l] = Array.isArray(o) ? o : [o, o];
    el.append(h("option", { value: v }, l));
  }
  if (value !== undefined && value !== null) el.value = String(value);
  return el;
}

export function numberInput(value, attrs = {}) {
  return h("input", { type: "number", value: value ?? "", inputmode: "decimal", ...attrs });
}

/**
 * A table. columns: [{label, value: row => string|Node, num: bool, rowHeader: bool}].
 * caption is required (accessibility).
 */
export function table({ caption, columns, rows, empty = "Nothing to show.", className = "" }) {
  const thead = h("thead", {}, h("tr", {}, columns.map((c) =>
    h("th", { scope: "col", class: c.num ? "num" : null }, c.label))));
  const tbody = h("tbody");
  for (const r of rows) {
    tbody.append(h("tr", {}, columns.map((c) => {
      const v = c.value(r);
      const tag = c.rowHeader ? "th" : "td";
      return h(tag, { class: c.num ? "num" : null, scope: c.rowHeader ? "row" : null }, v ?? "");
    })));
  }
  if (!rows.length) {
    tbody.append(h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, empty)));
  }
  return h("div", { class: "table-wrap" },
    h("table", { class: className }, h("caption", {}, caption), thead, tbody));
}

/** A definition list from [[term, value], ...], skipping empty values. */
export function facts(pairs) {
  const dl = h("dl", { class: "facts" });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) continue;
    dl.append(h("dt", {}, k), h("dd", {}, v));
  }
  return dl;
}

const statusEl = () => document.getElementById("status");

/** Tell everyone (aria-live) what is happening. */
export function announce(msg) {
  const el = statusEl();
  if (el) el.textContent = msg;
}

/** An error box (role=alert) with the API's message and problems. */
export function errorBox(err, context = "") {
  const problems = (err && err.problems) || [];
  const msg = (err && err.message) || String(err);
  announce(`Error: ${msg}`);
  return h("div", { class: "error", role: "alert" },
    h("strong", {}, context ? `${context}: ` : "Error: "), msg,
    err && err.status ? h("span", { class: "small" }, ` (HTTP ${err.status}${err.code ? ", " + err.code : ""})`) : null,
    problems.length ? h("ul", {}, problems.map((p) =>
      h("li", {}, h("code", {}, p.field || "?"), p.value !== undefined && p.value !== null ? ` = ${p.value}` : "", `: ${p.message}`))) : null);
}

export function showError(container, err, context) {
  clear(container).append(errorBox(err, context));
}

/** Page heading focusable for route changes. */
export function pageTitle(text, lead) {
  return [h("h1", { tabindex: "-1", id: "page-title" }, text), lead ? h("p", { class: "lead" }, lead) : null];
}

export function tag(text, extra = "") {
  return h("span", { class: `tag ${extra}` }, human(text));
}

/** Links to download the same query as csv / json / parquet. */
export function downloadLinks(urlFor, label = "Download") {
  return h("div", { class: "button-row", role: "group", "aria-label": label },
    h("span", { class: "small" }, `${label}:`),
    ["csv", "json", "parquet"].map((f) =>
      h("a", { class: "button", href: urlFor(f), download: "", "data-format": f }, f.toUpperCase())));
}

/** A partial ISO date ("2016", "2016-02", "2016-02-03") as a Date (first day of the period). */
export function parseDate(s) {
  if (!s) return null;
  const [y, m, d] = String(s).split("-").map(Number);
  return new Date(y, (m || 1) - 1, d || 1);
}

/** Debounce a function (for typing). */
export function debounce(fn, ms = 300) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** Is this an actor code with a country page (ISO3 letters)? */
export const isState = (code, names) => /^[A-Z]{3}$/.test(code) && (!names || names.has(code));
