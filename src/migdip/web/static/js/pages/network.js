// Network of deals: actors linked by the records they share (d3-force layout).
import { api, codebook, countryNames, isAbort } from "../api.js";
import { h, clear, field, select, human, fmt, pageTitle, announce, errorBox, table, isState } from "../dom.js";
import { chartFigure, showTip, hideTip } from "../charts.js";
import { replaceQuery } from "../nav.js";

const TYPE_COLORS = { state: "#1f6fb2", bloc: "#2e8b57", io: "#6a3d9a" };
const OTHER = "#b07d00";
const FILTERS = [["instrument", "Instrument", "instrument"], ["approach", "Approach", "approach_mode"], ["region", "Region", "region"]];

const nodeHref = (n, names) => (n.type === "state" && isState(n.id, names) ? `#/country/${n.id}` : `#/atlas?party=${encodeURIComponent(n.id)}&dataset=curated`);

export async function render(main, { query, signal }) {
  main.append(...pageTitle("Network of deals",
    "Actors (states, blocs, organisations) linked when they are parties to the same Atlas records. Node size: number of records; line width: records shared; red lines: mostly coercive. Select a node to open its country page."));
  const form = h("form", { class: "controls", "aria-label": "Network filters" });
  const out = h("div", { id: "network-output" });
  main.append(form, out);
  const [cb, names] = await Promise.all([codebook(), countryNames()]);
  if (signal.aborted) return;
  const controls = {
    dataset: select([["curated", "curated"], ["bilateral_labour_agreements", "bilateral labour agreements"], ["all", "all records"]], query.get("dataset") || "curated", { name: "dataset" }),
  };
  form.append(field("Dataset", controls.dataset));
  for (const [param, lbl, vocab] of FILTERS) {
    controls[param] = select([["", "any"], ...cb.vocabularies[vocab].map((v) => [v, human(v)])], query.get(param) || "", { name: param });
    form.append(field(lbl, controls[param]));
  }
  controls.year_from = h("input", { type: "number", min: 1800, max: 2100, name: "year_from", value: query.get("year_from") || "" });
  controls.year_to = h("input", { type: "number", min: 1800, max: 2100, name: "year_to", value: query.get("year_to") || "" });
  form.append(field("Year from", controls.year_from), field("Year to", controls.year_to),
    h("button", { type: "submit", class: "primary" }, "Apply"));

  let pending = null;
  signal.addEventListener("abort", () => pending && pending.abort());
  async function load() {
    const params = Object.fromEntries(Object.entries(controls).map(([k, el]) => [k, el.value]));
    replaceQuery(params);
    if (params.dataset === "all") params.dataset = "";
    if (pending) pending.abort();
    pending = new AbortController();
    announce("Loading the network…");
    try {
      const env = await api("/atlas/network", params, { signal: pending.signal });
      draw(env.data);
      announce(`Network drawn: ${env.data.nodes.length} actors, ${env.data.edges.length} links.`);
    } catch (exc) {
      if (!isAbort(exc)) clear(out).append(errorBox(exc, "Could not load the network"));
    }
  }

  function draw(data) {
    clear(out);
    if (!data.nodes.length) {
      out.append(h("p", { class: "note", role: "status" }, "No records match these filters."));
      return;
    }
    const W = 960, H = 640;
    const nodes = data.nodes.map((n) => ({ ...n }));
    const links = data.edges.map((e) => ({ ...e }));
    const r = d3.scaleSqrt().domain([1, d3.max(nodes, (n) => n.records) || 1]).range([3.5, 22]);
    const sim = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id((d) => d.id).distance(70).strength((l) => Math.min(0.7, 0.08 * l.weight + 0.05)))
      .force("charge", d3.forceManyBody().strength(-70))
      .force("center", d3.forceCenter(W / 2, H / 2))
      .force("x", d3.forceX(W / 2).strength(0.05))
      .force("y", d3.forceY(H / 2).strength(0.07))
      .force("collide", d3.forceCollide((d) => r(d.records) + 2))
      .stop();
    for (let i = 0; i < 300; i++) sim.tick();
    for (const n of nodes) {
      n.x = Math.max(r(n.records) + 4, Math.min(W - r(n.records) - 4, n.x));
      n.y = Math.max(r(n.records) + 20, Math.min(H - r(n.records) - 4, n.y));
    }
    const fig = chartFigure(out, {
      title: `Actors linked by shared records (${nodes.length} actors, ${links.length} links)`, name: "network", width: W, height: H,
      desc: "Force-directed network. Each node is a link to the actor's page; a table of actors follows.",
    });
    const { svg } = fig;
    const w = d3.scaleLinear().domain([1, d3.max(links, (l) => l.weight) || 1]).range([0.6, 5]);
    const edge = svg.append("g").selectAll("line").data(links).join("line")
      .attr("x1", (l) => l.source.x).attr("y1", (l) => l.source.y).attr("x2", (l) => l.target.x).attr("y2", (l) => l.target.y)
      .attr("stroke", (l) => (l.coercive / l.weight > 0.5 ? "#c0392b" : "#9aa3ad")).attr("stroke-opacity", 0.55)
      .attr("stroke-width", (l) => w(l.weight));
    edge.append("title").text((l) => `${l.source.name} – ${l.target.name}: ${l.weight} shared record(s), ${l.coercive} coercive`);
    const node = svg.append("g").selectAll("a").data(nodes).join("a")
      .attr("href", (n) => nodeHref(n, names)).attr("class", "node").attr("data-id", (n) => n.id)
      .attr("aria-label", (n) => `${n.name} (${n.id}), ${n.records} record${n.records === 1 ? "" : "s"}`);
    node.append("circle").attr("cx", (n) => n.x).attr("cy", (n) => n.y).attr("r", (n) => r(n.records))
      .attr("fill", (n) => TYPE_COLORS[n.type] || OTHER).attr("stroke", "#ffffff").attr("stroke-width", 1);
    node.append("title").text((n) => `${n.name} (${n.id}, ${human(n.type)}): ${n.records} record(s)`);
    const focusOn = (n) => {
      edge.attr("stroke-opacity", (l) => (l.source === n || l.target === n ? 0.95 : 0.12));
    };
    const reset = () => { edge.attr("stroke-opacity", 0.55); hideTip(); };
    node.on("mouseenter focus", (evt, n) => focusOn(n)).on("mouseleave blur", reset)
      .on("mousemove", (evt, n) => showTip(evt, `${n.name} (${n.id}): ${n.records} record(s)`));
    const top = nodes.slice().sort((a, b) => b.records - a.records).slice(0, 30);
    svg.append("g").style("pointer-events", "none").selectAll("text").data(top).join("text")
      .attr("x", (n) => n.x + r(n.records) + 2).attr("y", (n) => n.y + 4).attr("fill", "#1b1b1b")
      .attr("font-size", 11).attr("paint-order", "stroke").attr("stroke", "#ffffff").attr("stroke-width", 3).text((n) => n.id);
    const lg = svg.append("g").attr("transform", "translate(14, 18)");
    [["state", TYPE_COLORS.state], ["bloc", TYPE_COLORS.bloc], ["international organisation", TYPE_COLORS.io], ["non-state actor", OTHER]]
      .reduce((dx, [t, c]) => {
        const g = lg.append("g").attr("transform", `translate(${dx},0)`);
        g.append("circle").attr("r", 6).attr("cy", -4).attr("fill", c);
        g.append("text").attr("x", 10).attr("fill", "#1b1b1b").text(t);
        return dx + 34 + t.length * 7;
      }, 0);
    out.append(h("details", {}, h("summary", {}, `Table of actors (${nodes.length})`),
      table({
        caption: "Actors in the network, by number of records",
        columns: [
          { label: "Actor", rowHeader: true, value: (n) => h("a", { href: nodeHref(n, names) }, `${n.name} (${n.id})`) },
          { label: "Type", value: (n) => human(n.type) },
          { label: "Region", value: (n) => human(n.region) },
          { label: "Records", num: true, value: (n) => fmt(n.records) },
        ],
        rows: nodes.slice().sort((a, b) => b.records - a.records),
      })),
    h("details", {}, h("summary", {}, "Strongest links"),
      table({
        caption: "Pairs of actors sharing the most records",
        columns: [
          { label: "Pair", rowHeader: true, value: (l) => `${l.source.id} – ${l.target.id}` },
          { label: "Shared records", num: true, value: (l) => fmt(l.weight) },
          { label: "Coercive", num: true, value: (l) => fmt(l.coercive) },
          { label: "Dyad", value: (l) => (isState(l.source.id, names) || l.source.id === "EU") && isState(l.target.id, names) ? h("a", { href: `#/dyad/${l.source.id}/${l.target.id}` }, "profile") : "" },
        ],
        rows: links.slice().sort((a, b) => b.weight - a.weight).slice(0, 40),
      })));
  }

  form.addEventListener("submit", (evt) => { evt.preventDefault(); load(); });
  form.addEventListener("change", (evt) => { if (evt.target.tagName === "SELECT") load(); });
  await load();
}
