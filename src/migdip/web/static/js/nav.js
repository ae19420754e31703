// Hash routes: #/page/arg1/arg2?query. Pages keep their state in the query.

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "");
  const [path, qs] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || "atlas", args: parts.slice(1), query: new URLSearchParams(qs || "") };
}

/** Build "#/page/a/b?k=v" (empty values dropped). */
export function href(parts, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return `#/${parts.map((p) => encodeURIComponent(p)).join("/")}${s ? "?" + s : ""}`;
}

/** Update the address without re-rendering the page (no hashchange event). */
export function replaceQuery(params) {
  const { page, args } = parseHash();
  history.replaceState(null, "", href([page, ...args], params));
}

/** Go to a page (renders it). */
export function go(parts, params = {}) {
  location.hash = href(parts, params);
}
