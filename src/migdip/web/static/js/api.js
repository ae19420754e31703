// Talking to the REST API: envelopes, errors, the token, a few cached look-ups.
import { fmt } from "./dom.js";

export const API = "api/v1";
const TOKEN_KEY = "migdip-token";

export class ApiError extends Error {
  constructor(status, code, message, problems = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

/** The URL of an API path with the non-empty params as a query string. */
export function apiUrl(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, x));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return `${API}${path}${s ? "?" + s : ""}`;
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Call the API; resolve to the envelope {data, meta}; reject with ApiError. */
export async function api(path, params = {}, opts = {}) {
  const headers = { Accept: "application/json" };
  const init = { method: opts.method || "GET", headers, signal: opts.signal };
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(opts.body);
  }
  if (opts.auth) {
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }
  let res;
  try {
    res = await fetch(apiUrl(path, params), init);
  } catch (exc) {
    if (exc.name === "AbortError") throw exc;
    throw new ApiError(0, "network", `the API did not answer (${exc.message}); is the server running?`);
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok || !json || json.error) {
    const e = (json && json.error) || {};
    throw new ApiError(
      e.status || res.status,
      e.code || "http_error",
      e.message || `${res.status} ${res.statusText}`,
      e.problems || [],
    );
  }
  showVersions(json.meta);
  return json;
}

const shown = new Map();

/** Set a footer element's text when it changed. */
function showText(id, text) {
  const el = typeof document === "undefined" ? null : document.getElementById(id);
  if (!el || shown.get(id) === text) return;
  shown.set(id, text);
  el.textContent = text;
}

/** The footer names the data versions the figures come from (every result's meta has them)
 * and the Atlas build (in the meta of every result that reads the Atlas). */
function showVersions(meta) {
  const versions = meta && meta.data_versions;
  if (versions && versions.length) {
    const text = versions
      .map((v) => `${v.dataset} ${v.version}${v.release ? ` (${v.release})` : ""}`)
      .join("; ");
    showText("data-versions", `${text}. Reproduce them with migdip data use --pinned (a result's meta is a pinned file).`);
  }
  const atlas = meta && meta.atlas;
  if (atlas && atlas.fingerprint) {
    showText("atlas-build", `Atlas build ${atlas.fingerprint.slice(0, 12)}: ${fmt(atlas.records)} records, built ${atlas.built_at}.`);
  }
}

const cache = new Map();

/** Memoised GET for look-ups that do not change while the page is open. */
export function cached(path, params = {}) {
  const key = apiUrl(path, params);
  if (!cache.has(key)) {
    const p = api(path, params);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key);
}

export async function countries() {
  const env = await cached("/countries");
  return env.data;
}

/** Map of code -> display name (states from /countries). */
export async function countryNames() {
  const list = await countries();
  return new Map(list.map((c) => [c.code, c.name]));
}

export async function codebook() {
  return (await cached("/atlas/codebook")).data;
}

export function isAbort(exc) {
  return exc && exc.name === "AbortError";
}
