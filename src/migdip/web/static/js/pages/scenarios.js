// Scenario lab: build a route-model scenario, run it as a job (progress, cancel), show the bands.
import { api, apiUrl, cached, getToken, isAbort, ApiError } from "../api.js";
import { h, clear, field, select, fmt, human, pageTitle, announce, errorBox, table, uid } from "../dom.js";
import { showResult } from "./scenario_results.js";

const MAIN_ROUTES = ["Eastern Mediterranean Route", "Central Mediterranean Route", "Western Mediterranean Route",
  "Western African Route", "Western Balkan Route", "Eastern Borders Route"];
const KINDS = [["interception", "interception (rate)"], ["close_link", "close link (rate)"],
  ["death_risk", "death risk (rate)"], ["attractiveness", "attractiveness (factor)"]];
const POLL_MS = 400;

export async function render(main, { signal }) {
  main.append(...pageTitle("Scenario lab",
    "Forecast detections on the Frontex routes with and without a policy lever, as an ensemble of runs. Jobs run on the server: they need the API token (top right)."));
  const tokenNote = h("p", { class: "note", id: "token-note" });
  const updateTokenNote = () => {
    tokenNote.textContent = getToken()
      ? "API token set for this tab."
      : "No API token yet: enter it at the top of the page. `migdip serve` printed it when it started (or it is $MIGDIP_API_TOKEN).";
  };
  updateTokenNote();
  document.getElementById("token-form").addEventListener("submit", updateTokenNote, { signal });
  const jobs = h("section", { "aria-labelledby": "jobs-title" }, h("h2", { id: "jobs-title" }, "Jobs and results"));
  const labSection = h("section", { "aria-labelledby": "lab-title" }, h("h2", { id: "lab-title" }, "Build a route scenario"));
  const bundled = h("section", { "aria-labelledby": "bundled-title" }, h("h2", { id: "bundled-title" }, "Bundled scenarios"));
  main.append(tokenNote, labSection, bundled, jobs);
  const [routesEnv, scenEnv] = await Promise.all([cached("/routes"), api("/scenarios", {}, { signal })]);
  if (signal.aborted) return;
  const routeNames = routesEnv.data.map((r) => r.name);

  /* ----- the lab form ----- */
  const checks = routeNames.map((n) => h("input", { type: "checkbox", value: n, checked: MAIN_ROUTES.includes(n), name: "routes" }));
  const leverRoute = select(MAIN_ROUTES, "Central Mediterranean Route", { name: "lever_route" });
  const kind = select(KINDS, "interception", { name: "lever_kind" });
  const rate = h("input", { type: "number", name: "rate", min: 0, max: 1, step: 0.05, value: 0.5, required: true });
  const factor = h("input", { type: "number", name: "factor", min: 0.01, step: 0.1, value: 2, required: true });
  const start = h("input", { type: "number", name: "start", min: 1, max: 36, step: 1, value: 1, required: true });
  const horizon = h("input", { type: "number", name: "horizon", min: 1, max: 36, step: 1, value: 12, required: true });
  const runs = h("input", { type: "number", name: "runs", min: 1, max: 200, step: 1, value: 50, required: true });
  const seed = h("input", { type: "number", name: "seed", min: 0, step: 1, value: 0 });
  const rateField = field("Rate (0 to 1)", rate, "Share intercepted, link closed or added death risk");
  const factorField = field("Factor (> 0)", factor, "Multiplies the route's pull; > 1 more attractive");
  const syncKind = () => {
    const att = kind.value === "attractiveness";
    rateField.hidden = att; rate.disabled = att;
    factorField.hidden = !att; factor.disabled = !att;
  };
  const syncLeverRoutes = () => {
    const chosen = checks.filter((c) => c.checked).map((c) => c.value);
    const keep = chosen.includes(leverRoute.value) ? leverRoute.value : chosen[0];
    clear(leverRoute).append(...chosen.map((n) => h("option", { value: n }, n)));
    if (keep) leverRoute.value = keep;
  };
  kind.addEventListener("change", syncKind);
  syncKind();
  const labForm = h("form", { class: "controls", id: "lab-form", "aria-label": "Route scenario" },
    h("fieldset", { class: "routes-fieldset" }, h("legend", {}, "Routes"),
      h("div", { class: "checks" }, checks.map((c) => { c.id = uid("route"); return h("label", { for: c.id }, c, ` ${c.value}`); }))),
    field("Horizon (months)", horizon, "1 to 36"),
    h("fieldset", {}, h("legend", {}, "Lever"),
      h("div", { class: "controls", style: "border:0;margin:0;padding:0;background:none" },
        field("Route", leverRoute), field("Kind", kind), rateField, factorField, field("Start month", start, "1 = first forecast month"))),
    field("Runs", runs, "1 to 200"), field("Seed", seed),
    h("div", { class: "button-row" }, h("button", { type: "submit", class: "primary", id: "run-lab" }, "Run scenario")));
  labForm.addEventListener("change", (evt) => { if (evt.target.name === "routes") syncLeverRoutes(); });
  labForm.addEventListener("submit", (evt) => {
    evt.preventDefault();
    const chosen = checks.filter((c) => c.checked).map((c) => c.value);
    if (!chosen.length) { jobs.append(errorBox(new Error("choose at least one route"), "Scenario")); return; }
    const lever = { route: leverRoute.value, kind: kind.value, start: Number(start.value), label: "lever" };
    if (kind.value === "attractiveness") lever.factor = Number(factor.value);
    else lever.rate = Number(rate.value);
    const spec = {
      kind: "route_model", name: "lab", routes: chosen, horizon: Number(horizon.value), levers: [lever],
      counterfactuals: [{ name: "without lever", remove: ["lever"] }],
      ensemble: { runs: Number(runs.value), seed: Number(seed.value || 0) },
    };
    const what = `${human(kind.value)} ${kind.value === "attractiveness" ? "×" + factor.value : rate.value} on ${leverRoute.value} from month ${start.value}`;
    startJob({ kind: "route_scenario", params: { spec } },
      `Route scenario (${chosen.length} routes, ${horizon.value} months, ${runs.value} runs): ${what}`,
      { baseline: "with lever", "without lever": "without lever" });
  });
  labSection.append(labForm);

  /* ----- bundled scenarios ----- */
  const scen = scenEnv.data;
  const pick = select(scen.map((s) => [s.name, `${s.title} (${s.kind})`]), "europe_turkey_stops_enforcing", { name: "scenario" });
  const bruns = h("input", { type: "number", name: "bundled_runs", min: 1, max: 200, value: 20 });
  const runBundled = (name) => startJob({ kind: "scenario", params: { name, runs: Number(bruns.value) } }, `Bundled scenario: ${name}`);
  bundled.append(table({
    caption: "Scenario files bundled with migdip",
    columns: [
      { label: "Name", rowHeader: true, value: (s) => h("code", {}, s.name) },
      { label: "Kind", value: (s) => human(s.kind) },
      { label: "Title", value: (s) => s.title },
      { label: "Description", value: (s) => s.description || "" },
      { label: "File", value: (s) => h("a", { href: apiUrl(`/scenarios/${s.name}`) }, "JSON") },
    ],
    rows: scen,
  }), h("form", { class: "controls", id: "bundled-form", "aria-label": "Run a bundled scenario",
    onsubmit: (e) => { e.preventDefault(); runBundled(pick.value); } },
  field("Scenario", pick), field("Runs", bruns, "1 to 200"),
  h("button", { type: "submit", class: "primary", id: "run-bundled" }, "Run bundled scenario")));

  /* ----- jobs ----- */
  const timers = new Set();
  signal.addEventListener("abort", () => timers.forEach((t) => clearTimeout(t)));

  async function startJob(body, title, labels) {
    const heading = h("h3", { tabindex: "-1" }, title);
    const panel = h("article", { class: "job" }, heading);
    jobs.insertBefore(panel, jobs.children[1] || null);
    heading.focus();
    panel.scrollIntoView({ block: "start" });
    panel.dataset.status = "starting";
    if (!getToken()) {
      panel.dataset.status = "error";
      panel.append(errorBox(new ApiError(401, "unauthorized", "no API token: enter it in the field at the top of the page (`migdip serve` printed it)"), "Cannot start the job"));
      return;
    }
    let job;
    try {
      job = (await api("/jobs", {}, { method: "POST", body, auth: true, signal })).data;
    } catch (exc) {
      panel.dataset.status = "error";
      if (!isAbort(exc)) panel.append(errorBox(exc, "Could not start the job"));
      return;
    }
    const bar = h("progress", { max: 1, value: 0, "aria-label": `Progress of job ${job.id}` });
    const status = h("span", { class: "job-status" }, "queued");
    const cancel = h("button", { type: "button", class: "cancel-job" }, "Cancel");
    const result = h("div", { class: "job-result" });
    panel.dataset.job = job.id;
    panel.dataset.status = job.status;
    panel.append(h("p", { class: "small muted" }, `Job ${job.id}`), h("div", { class: "button-row" }, bar, status, cancel), result);
    announce(`Job ${job.id} started.`);
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        const j = (await api(`/jobs/${job.id}`, {}, { method: "DELETE", auth: true })).data;
        status.textContent = `${j.status} (cancel requested)`;
      } catch (exc) {
        result.append(errorBox(exc, "Could not cancel"));
        cancel.disabled = false;
      }
    });
    const poll = async () => {
      if (signal.aborted) return;
      let j;
      try {
        j = (await api(`/jobs/${job.id}`, {}, { signal })).data;
      } catch (exc) {
        if (!isAbort(exc)) result.append(errorBox(exc, "Lost the job"));
        return;
      }
      bar.value = j.progress || 0;
      if (j.status === "queued" || j.status === "running") panel.dataset.status = j.status;
      status.textContent = `${j.status}, ${Math.round(100 * (j.progress || 0))} %${j.message ? ` — ${j.message}` : ""}`;
      if (j.status === "queued" || j.status === "running") {
        const t = setTimeout(() => { timers.delete(t); poll(); }, POLL_MS);
        timers.add(t);
        return;
      }
      cancel.disabled = true;
      panel.dataset.status = j.status;
      if (j.status === "done") {
        try {
          const env = await api(`/jobs/${job.id}/result`, {}, { signal });
          status.textContent = `done in ${fmt((j.finished - j.started) || 0)} s`;
          showResult(result, env.data, labels);
          result.append(h("p", {}, h("a", { href: apiUrl(`/jobs/${job.id}/result`, { format: "json" }), download: "" }, "Download the result (JSON)")));
          announce(`Job ${job.id} finished.`);
        } catch (exc) {
          if (!isAbort(exc)) result.append(errorBox(exc, "Could not fetch the result"));
        }
      } else if (j.status === "failed") {
        result.append(errorBox(new ApiError(0, "job_failed", j.error || "the job failed"), "The job failed"));
      } else {
        result.append(h("p", { class: "note", role: "status" }, `Job ${job.id} was cancelled.`));
        announce(`Job ${job.id} cancelled.`);
      }
    };
    poll();
  }

  /* ----- earlier jobs on the server ----- */
  try {
    const recent = (await api("/jobs", {}, { signal })).data.slice(0, 10);
    if (recent.length) {
      jobs.append(h("details", {}, h("summary", {}, `Recent jobs on the server (${recent.length})`), table({
        caption: "Latest jobs, newest first",
        columns: [
          { label: "Id", rowHeader: true, value: (j) => h("code", {}, j.id) },
          { label: "Kind", value: (j) => human(j.kind) },
          { label: "Status", value: (j) => j.status },
          { label: "Progress", num: true, value: (j) => `${Math.round(100 * (j.progress || 0))} %` },
          { label: "Result", value: (j) => (j.has_result ? h("a", { href: apiUrl(`/jobs/${j.id}/result`, { format: "json" }), download: "" }, "JSON") : j.error || "") },
        ],
        rows: recent,
      })));
    }
  } catch (exc) {
    if (!isAbort(exc)) jobs.append(errorBox(exc, "Could not list the jobs"));
  }
}
