// Charts with d3 (global `d3`): a figure with a title, PNG/SVG export, line/band and bar charts.
import { h, uid, fmt, fmtShort } from "./dom.js";

export const COLORS = {
  cooperative: "#1f6fb2",
  mixed: "#b07d00",
  coercive: "#c0392b",
  other: "#7a7a7a",
  unilateral: "#7a7a7a",
};
export const PALETTE = ["#1f6fb2", "#c0392b", "#2e8b57", "#b07d00", "#6a3d9a", "#00838f", "#8c564b", "#d6266e"];
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

/* ---------- tooltip ---------- */
export function showTip(evt, text) {
  const tip = document.getElementById("tooltip");
  if (!tip) return;
  tip.textContent = text;
  tip.hidden = false;
  const x = Math.min(evt.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
  tip.style.left = `${x}px`;
  tip.style.top = `${evt.clientY + 14}px`;
}
export function hideTip() {
  const tip = document.getElementById("tooltip");
  if (tip) tip.hidden = true;
}

/* ---------- export ---------- */
const PROPS = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
  "opacity", "font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline"];

/** The chart as a standalone SVG document (computed styles inlined). */
export function serializeSvg(svgEl) {
  const clone = svgEl.cloneNode(true);
  const src = [svgEl, ...svgEl.querySelectorAll("*")];
  const dst = [clone, ...clone.querySelectorAll("*")];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
    dst[i].setAttribute("style", style);
  });
  const vb = svgEl.viewBox.baseVal;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
  clone.setAttribute("width", vb.width);
  clone.setAttribute("height", vb.height);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

function saveBlob(blob, filename) {
  const a = h("a", { href: URL.createObjectURL(blob), download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export function saveSvg(svgEl, name) {
  saveBlob(new Blob([serializeSvg(svgEl)], { type: "image/svg+xml;charset=utf-8" }), `${name}.svg`);
}

export async function savePng(svgEl, name, scale = 2) {
  const vb = svgEl.viewBox.baseVal;
  const url = URL.createObjectURL(new Blob([serializeSvg(svgEl)], { type: "image/svg+xml;charset=utf-8" }));
  try {
    const img = new Image();
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error("the chart could not be drawn as an image"));
      img.src = url;
    });
    const canvas = h("canvas", { width: vb.width * scale, height: vb.height * scale });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    saveBlob(blob, `${name}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * A <figure> holding an SVG chart: caption with the title and PNG/SVG buttons.
 * Returns {figure, svg (d3 selection), width, height}.
 */
export function chartFigure(parent, { title, desc = "", name = "chart", width, height = 360, note }) {
  const titleId = uid("ct");
  const descId = uid("cd");
  const svgNode = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, "-");
  const figure = h("figure", { class: "chart", "data-chart": safe },
    h("figcaption", {},
      h("span", { class: "chart-title" }, title),
      h("span", { class: "chart-tools" },
        h("button", { type: "button", "aria-label": `Save chart “${title}” as PNG`, onclick: () => savePng(svgNode, safe) }, "PNG"),
        h("button", { type: "button", "aria-label": `Save chart “${title}” as SVG`, onclick: () => saveSvg(svgNode, safe) }, "SVG"))),
    svgNode,
    note ? h("p", { class: "chart-note" }, note) : null);
  parent.append(figure);
  // One SVG unit per CSS pixel at the current size, so that text is legible in narrow columns.
  if (!width) width = Math.max(320, Math.min(1100, Math.round((figure.clientWidth || 844) - 24)));
  const svg = d3.select(svgNode)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr("aria-labelledby", `${titleId} ${descId}`)
    .style("font-family", FONT)
    .style("font-size", "12px");
  svg.append("title").attr("id", titleId).text(title);
  svg.append("desc").attr("id", descId).text(desc || title);
  svg.append("rect").attr("width", width).attr("height", height).attr("fill", "#ffffff");
  return { figure, svg, width, height };
}

/** A legend in the SVG (so that it is exported), wrapping at maxX; returns its bottom y. */
function legend(svg, items, x, y, maxX = 1e9) {
  const g = svg.append("g").attr("class", "legend");
  let dx = x;
  let dy = y;
  for (const it of items) {
    const w = 26 + it.label.length * 6.6;
    if (dx > x && dx + w > maxX) { dx = x; dy += 18; }
    const item = g.append("g").attr("transform", `translate(${dx},${dy})`);
    if (it.band) item.append("rect").attr("width", 14).attr("height", 10).attr("y", -8).attr("fill", it.color).attr("opacity", 0.25);
    else if (it.line) item.append("line").attr("x1", 0).attr("x2", 14).attr("y1", -3).attr("y2", -3)
      .attr("stroke", it.color).attr("stroke-width", 2.5).attr("stroke-dasharray", it.dash || null);
    else item.append("rect").attr("width", 12).attr("height", 12).attr("y", -10).attr("fill", it.color);
    item.append("text").attr("x", 18).attr("y", 0).attr("fill", "#1b1b1b").text(it.label);
    dx += w;
  }
  return dy;
}

function axes(svg, x, y, { width, height, m, yLabel, xFormat, integers }) {
  const n = Math.max(2, Math.floor((width - m.left - m.right) / 80));
  const ax = d3.axisBottom(x).ticks(n).tickFormat(xFormat || null);
  if (integers) ax.tickValues(x.ticks(n).filter(Number.isInteger));
  svg.append("g").attr("transform", `translate(0,${height - m.bottom})`)
    .call(ax)
    .attr("font-size", 11).call((g) => g.selectAll("text").attr("fill", "#333"));
  const ya = svg.append("g").attr("transform", `translate(${m.left},0)`)
    .call(d3.axisLeft(y).ticks(6).tickFormat(fmtShort)).attr("font-size", 11);
  ya.selectAll("text").attr("fill", "#333");
  ya.selectAll(".tick line").clone().attr("x2", width - m.left - m.right).attr("stroke", "#e3e5e8");
  if (yLabel) {
    svg.append("text").attr("x", m.left - 56).attr("y", m.top - 10).attr("fill", "#333").text(yLabel);
  }
}

/**
 * Lines (and optional 5-95% bands, vertical markers) over time or numbers.
 * series: [{name, color, dash, values: [{x, y}]}]; bands: [{name, color, values: [{x, lo, hi}]}];
 * markers: [{x, label, href, color}]
 */
export function lineChart(parent, opts) {
  const { series = [], bands = [], markers = [], yLabel = "", time = true } = opts;
  const f = chartFigure(parent, { height: 340, ...opts });
  const { svg, width, height } = f;
  const m = { top: 44, right: 24, bottom: 32, left: 68 };
  const items = [
    ...series.map((s) => ({ label: s.name, color: s.color, line: !s.dots, band: !!s.dots, dash: s.dash })),
    ...bands.filter((b) => b.name).map((b) => ({ label: b.name, color: b.color, band: true })),
    ...(opts.markerLegend || []),
  ];
  if (items.length) m.top = legend(svg, items, m.left, 16, width - m.right) + 28;
  const xs = [...series.flatMap((s) => s.values.map((d) => d.x)), ...bands.flatMap((b) => b.values.map((d) => d.x))];
  const ys = [...series.flatMap((s) => s.values.map((d) => d.y)), ...bands.flatMap((b) => b.values.map((d) => d.hi))]
    .filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  const x = (time ? d3.scaleTime() : d3.scaleLinear()).domain(d3.extent(xs)).range([m.left, width - m.right]);
  const y = d3.scaleLinear().domain([Math.min(0, d3.min(ys) ?? 0), (d3.max(ys) || 1) * 1.05]).nice()
    .range([height - m.bottom, m.top]);
  axes(svg, x, y, { width, height, m, yLabel, xFormat: opts.xFormat, integers: !time && xs.every(Number.isInteger) });
  for (const b of bands) {
    svg.append("path").datum(b.values).attr("fill", b.color).attr("opacity", 0.2)
      .attr("d", d3.area().x((d) => x(d.x)).y0((d) => y(d.lo)).y1((d) => y(d.hi)));
  }
  for (const s of series.filter((x) => x.dots)) {  // points only: figures not joined by a line
    svg.append("g").attr("class", "dots").selectAll("circle").data(s.values).join("circle")
      .attr("cx", (d) => x(d.x)).attr("cy", (d) => y(d.y)).attr("r", 5).attr("fill", s.color)
      .append("title").text((d) => d.label || `${s.name}: ${d.y}`);
  }
  for (const s of series.filter((x) => !x.dots)) {
    svg.append("path").datum(s.values).attr("fill", "none").attr("stroke", s.color)
      .attr("stroke-width", 2).attr("stroke-dasharray", s.dash || null)
      .attr("d", d3.line().defined((d) => d.y !== null && d.y !== undefined).x((d) => x(d.x)).y((d) => y(d.y)));
  }
  const mg = svg.append("g").attr("class", "markers");
  for (const mk of markers) {
    if (mk.x < x.domain()[0] || mk.x > x.domain()[1]) continue;
    const a = mg.append("a").attr("href", mk.href).attr("aria-label", mk.label).attr("class", "marker");
    const px = x(mk.x);
    a.append("line").attr("x1", px).attr("x2", px).attr("y1", m.top).attr("y2", height - m.bottom)
      .attr("stroke", "transparent").attr("stroke-width", 9);
    a.append("line").attr("x1", px).attr("x2", px).attr("y1", m.top).attr("y2", height - m.bottom)
      .attr("stroke", mk.color || "#555").attr("stroke-width", 1.3).attr("stroke-dasharray", "4 3");
    a.append("circle").attr("cx", px).attr("cy", m.top).attr("r", 4.5).attr("fill", mk.color || "#555");
    a.append("title").text(mk.label);
  }
  if (series.length && opts.tooltip !== false) hoverRule(svg, x, series.filter((s) => !s.dots), { m, height, width, time });
  return f;
}

function hoverRule(svg, x, series, { m, height, width, time }) {
  const rule = svg.append("line").attr("y1", m.top).attr("y2", height - m.bottom)
    .attr("stroke", "#999").attr("visibility", "hidden");
  const xsAll = series[0].values.map((d) => d.x);
  const fmtX = time ? d3.timeFormat("%Y-%m") : (v) => String(v);
  svg.append("rect").attr("x", m.left).attr("y", m.top).attr("width", width - m.left - m.right)
    .attr("height", height - m.top - m.bottom).attr("fill", "transparent").style("pointer-events", "all")
    .on("mousemove", (evt) => {
      const [px] = d3.pointer(evt);
      const xv = x.invert(px);
      const i = d3.bisectCenter(xsAll.map(Number), Number(xv));
      const xi = xsAll[i];
      rule.attr("x1", x(xi)).attr("x2", x(xi)).attr("visibility", "visible");
      const lines = series.map((s) => `${s.name}: ${fmt(s.values[i] ? s.values[i].y : null)}`);
      showTip(evt, `${fmtX(xi)} — ${lines.join("; ")}`);
    })
    .on("mouseleave", () => { rule.attr("visibility", "hidden"); hideTip(); });
  svg.select("g.markers").raise();
}

/** Stacked bars. data: [{x, ...keys}], keys: [{key, label, color}], hrefFor(d) optional. */
export function stackedBars(parent, opts) {
  const { data, keys, hrefFor, xLabel = "" } = opts;
  const f = chartFigure(parent, { height: 360, ...opts });
  const { svg, width, height } = f;
  const m = { top: 44, right: 20, bottom: 36, left: 56 };
  const xsDomain = data.map((d) => d.x);
  const x = d3.scaleBand().domain(xsDomain).range([m.left, width - m.right]).padding(0.12);
  const series = d3.stack().keys(keys.map((k) => k.key))(data);
  const y = d3.scaleLinear().domain([0, d3.max(series, (s) => d3.max(s, (d) => d[1])) || 1]).nice()
    .range([height - m.bottom, m.top]);
  const every = Math.ceil(xsDomain.length / Math.max(4, Math.floor((width - m.left - m.right) / 48)));
  svg.append("g").attr("transform", `translate(0,${height - m.bottom})`)
    .call(d3.axisBottom(x).tickValues(xsDomain.filter((_, i) => i % every === 0)))
    .attr("font-size", 11).call((g) => g.selectAll("text").attr("fill", "#333"));
  const ya = svg.append("g").attr("transform", `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(6)).attr("font-size", 11);
  ya.selectAll("text").attr("fill", "#333");
  ya.selectAll(".tick line").clone().attr("x2", width - m.left - m.right).attr("stroke", "#e3e5e8");
  const groups = svg.append("g").selectAll("a").data(data).join("a")
    .attr("href", (d) => (hrefFor ? hrefFor(d) : null)).attr("tabindex", "-1").attr("class", "bar");
  groups.append("title").text((d) => `${d.x}: ${keys.map((k) => `${d[k.key]} ${k.label}`).join(", ")}`);
  keys.forEach((k, ki) => {
    groups.append("rect")
      .attr("x", (d) => x(d.x)).attr("width", x.bandwidth())
      .attr("y", (_, i) => y(series[ki][i][1]))
      .attr("height", (_, i) => Math.max(0, y(series[ki][i][0]) - y(series[ki][i][1])))
      .attr("fill", k.color);
  });
  groups.on("mousemove", (evt, d) => showTip(evt, `${d.x}: ${keys.map((k) => `${d[k.key]} ${k.label}`).join(", ")}`))
    .on("mouseleave", hideTip);
  legend(svg, keys.map((k) => ({ label: k.label, color: k.color })), m.left, 16, width - m.right);
  if (xLabel) svg.append("text").attr("x", width - m.right).attr("y", height - 4).attr("text-anchor", "end").attr("fill", "#333").text(xLabel);
  return f;
}

/** Horizontal bars: data [{label, value, href}]. */
export function hBars(parent, opts) {
  const { data, color = PALETTE[0], max } = opts;
  const height = 40 + data.length * 22;
  const f = chartFigure(parent, { ...opts, height });
  const { svg, width } = f;
  const m = { top: 16, right: 60, bottom: 24, left: 230 };
  const x = d3.scaleLinear().domain([0, max ?? (d3.max(data, (d) => d.value) || 1)]).range([m.left, width - m.right]);
  const y = d3.scaleBand().domain(data.map((d) => d.label)).range([m.top, height - m.bottom]).padding(0.2);
  svg.append("g").attr("transform", `translate(0,${height - m.bottom})`).call(d3.axisBottom(x).ticks(6))
    .attr("font-size", 11).call((g) => g.selectAll("text").attr("fill", "#333"));
  const g = svg.append("g").selectAll("a").data(data).join("a").attr("href", (d) => d.href || null).attr("tabindex", "-1");
  g.append("rect").attr("x", m.left).attr("y", (d) => y(d.label)).attr("height", y.bandwidth())
    .attr("width", (d) => Math.max(0, x(d.value ?? 0) - m.left)).attr("fill", color);
  g.append("text").attr("x", m.left - 6).attr("y", (d) => y(d.label) + y.bandwidth() / 2).attr("dy", "0.35em")
    .attr("text-anchor", "end").attr("fill", "#1b1b1b").text((d) => (d.label.length > 34 ? `${d.label.slice(0, 32)}…` : d.label));
  g.append("text").attr("x", (d) => x(d.value ?? 0) + 4).attr("y", (d) => y(d.label) + y.bandwidth() / 2)
    .attr("dy", "0.35em").attr("fill", "#333").text((d) => fmt(d.value));
  g.append("title").text((d) => `${d.label}: ${fmt(d.value)}`);
  return f;
}

/**
 * Points (and a line through them) in x-y, with labelled highlight points.
 * points: [{x, y}]; highlights: [{x, y, label, color}]; xLabel, yLabel.
 */
export function xyChart(parent, opts) {
  const { points, highlights = [], xLabel = "", yLabel = "", color = PALETTE[0], lineName = "" } = opts;
  const f = chartFigure(parent, { height: 360, ...opts });
  const { svg, width, height } = f;
  const items = [{ label: lineName || "points", color, line: true }, ...highlights.map((p) => ({ label: p.label, color: p.color }))];
  const m = { top: legend(svg, items, 76, 16, width - 24) + 28, right: 24, bottom: 44, left: 76 };
  const all = [...points, ...highlights];
  const x = d3.scaleLinear().domain(d3.extent(all, (d) => d.x)).nice().range([m.left, width - m.right]);
  const y = d3.scaleLinear().domain(d3.extent(all, (d) => d.y)).nice().range([height - m.bottom, m.top]);
  axes(svg, x, y, { width, height, m, yLabel, xFormat: fmtShort });
  if (xLabel) svg.append("text").attr("x", width - m.right).attr("y", height - 8).attr("text-anchor", "end").attr("fill", "#333").text(xLabel);
  svg.append("path").datum(points).attr("fill", "none").attr("stroke", color).attr("stroke-width", 1.5)
    .attr("d", d3.line().x((d) => x(d.x)).y((d) => y(d.y)));
  svg.append("g").selectAll("circle").data(points).join("circle")
    .attr("cx", (d) => x(d.x)).attr("cy", (d) => y(d.y)).attr("r", 2.5).attr("fill", color)
    .append("title").text((d) => `${xLabel || "x"} ${fmt(d.x)}, ${yLabel || "y"} ${fmt(d.y)}`);
  const hg = svg.append("g").selectAll("g").data(highlights).join("g");
  hg.append("rect").attr("x", (d) => x(d.x) - 6).attr("y", (d) => y(d.y) - 6).attr("width", 12).attr("height", 12)
    .attr("fill", (d) => d.color).attr("stroke", "#1b1b1b").attr("stroke-width", 1);
  hg.append("title").text((d) => `${d.label}: ${fmt(d.x)}, ${fmt(d.y)}`);
  return f;
}
