// migdip dashboard: hash router, navigation state, API token. Pages live in js/pages/.
import { h, clear, errorBox, announce, pageTitle } from "./js/dom.js";
import { getToken, setToken, isAbort } from "./js/api.js";
import { parseHash } from "./js/nav.js";
import { hideTip } from "./js/charts.js";
import * as atlas from "./js/pages/atlas.js";
import * as record from "./js/pages/record.js";
import * as map from "./js/pages/map.js";
import * as network from "./js/pages/network.js";
import * as timeline from "./js/pages/timeline.js";
import * as country from "./js/pages/country.js";
import * as routes from "./js/pages/routes.js";
import * as scenarios from "./js/pages/scenarios.js";
import * as negotiation from "./js/pages/negotiation.js";
import * as downloads from "./js/pages/downloads.js";
import * as outcomes from "./js/pages/outcomes.js";

const PAGES = {
  atlas: { render: atlas.render, title: "Atlas", nav: "atlas" },
  record: { render: record.render, title: "Record", nav: "atlas" },
  outcomes: { render: outcomes.render, title: "Outcomes", nav: "outcomes" },
  map: { render: map.render, title: "World map", nav: "map" },
  network: { render: network.render, title: "Network of deals", nav: "network" },
  timeline: { render: timeline.render, title: "Timeline", nav: "timeline" },
  country: { render: country.renderCountry, title: "Country profile", nav: "country" },
  dyad: { render: country.renderDyad, title: "Dyad profile", nav: "dyad" },
  routes: { render: routes.render, title: "Route monitor", nav: "routes" },
  scenarios: { render: scenarios.render, title: "Scenario lab", nav: "scenarios" },
  negotiation: { render: negotiation.render, title: "Negotiation explorer", nav: "negotiation" },
  downloads: { render: downloads.render, title: "Downloads", nav: "downloads" },
};

let controller = null;

function updateNav(navKey) {
  for (const a of document.querySelectorAll(".site-nav a")) {
    if (a.dataset.page === navKey) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function route(moveFocus) {
  if (location.hash && !location.hash.startsWith("#/")) return; // an in-page anchor
  const { page, args, query } = parseHash();
  const spec = PAGES[page];
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  const main = document.getElementById("main");
  clear(main);
  hideTip();
  announce("");
  updateNav(spec ? spec.nav : "");
  document.title = `${spec ? spec.title : "Not found"} · migdip`;
  if (!spec) {
    main.append(...pageTitle("Page not found"),
      h("p", {}, "No page at this address. ", h("a", { href: "#/atlas" }, "Go to the Atlas"), "."));
    return;
  }
  const done = spec.render(main, { args, query, signal });
  if (moveFocus) {
    const title = document.getElementById("page-title");
    if (title) title.focus();
  }
  try {
    await done;
  } catch (exc) {
    if (!isAbort(exc) && !signal.aborted) main.append(errorBox(exc));
  }
}

function setupToken() {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const state = document.getElementById("token-state");
  input.value = getToken();
  state.textContent = getToken() ? "token set" : "";
  form.addEventListener("submit", (evt) => {
    evt.preventDefault();
    setToken(input.value.trim());
    state.textContent = input.value.trim() ? "token saved" : "token cleared";
  });
}

function setupSkipLink() {
  document.getElementById("skip-link").addEventListener("click", (evt) => {
    evt.preventDefault();
    document.getElementById("main").focus();
  });
}

function start() {
  setupToken();
  setupSkipLink();
  window.addEventListener("hashchange", () => route(true));
  if (!location.hash || location.hash === "#" || location.hash === "#/") {
    history.replaceState(null, "", "#/atlas");
  }
  route(false);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
