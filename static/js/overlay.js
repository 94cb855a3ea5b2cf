// A stream graphics page (an OBS / vMix browser source): follows the show by itself.
//
// The same live push as the host's screen (the episode's event stream, patches on top of the
// state held, polling while the stream is down, the server's clock offset), on the overlay's
// own audience. What is on screen is graphics.js's rule, redrawn at each change and each second.
// It never shows an error: losing the server keeps the last state (the clocks count on) and
// retries; a revoked key (403) fades everything out and stops.

import { applyChange } from "./changes.js";
import { onAirNow, nextChangeMs } from "./graphics.js";
import { useLooks } from "./looks-link.js";

const config = JSON.parse(document.getElementById("live-config").textContent);
const canvas = document.querySelector("[data-live]");
const wanted = new Set(config.elements);

let state = null;
let offset = 0;
let source = null;
let pollTimer = null;
let drawTimer = null;
let revoked = false;

const serverNow = () => Date.now() + offset;

// -- the 1920×1080 canvas, scaled to the source ------------------------------------------------

function fit() {
  const scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
  canvas.style.setProperty("--scale", String(scale));
}
window.addEventListener("resize", fit);
fit();
canvas.style.setProperty("--safe", `${config.options.safe}px`);

// -- drawing ----------------------------------------------------------------------------------

function put(name, text) {
  for (const el of canvas.querySelectorAll(`[data-o="${name}"]`)) {
    const value = text ?? "";
    if (el.textContent !== value) {
      el.textContent = value;
      shrink(el);
    }
  }
}

// Long names and titles: smaller type, then two lines (the CSS clamps), never overflowing.
function shrink(el) {
  if (!el.classList.contains("fit")) return;
  el.classList.remove("fit-smaller", "fit-smallest");
  if (el.scrollWidth > el.clientWidth + 1) el.classList.add("fit-smaller");
  if (el.scrollWidth > el.clientWidth + 1) el.classList.replace("fit-smaller", "fit-smallest");
}

function people(list) {
  const box = canvas.querySelector('[data-o="people"]');
  if (!box) return;
  const key = JSON.stringify(list.map((p) => [p.id, p.name, p.photo, p.title]));
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(
    ...list.map((p) => {
      const item = document.createElement("li");
      item.className = "ss-person";
      const face = document.createElement(p.photo ? "img" : "span");
      face.className = "ss-face";
      if (p.photo) {
        face.src = p.photo;
        face.alt = "";
      } else {
        face.textContent = p.name.slice(0, 1);
      }
      const name = document.createElement("span");
      name.className = "ss-name";
      name.textContent = p.name;
      const title = document.createElement("span");
      title.className = "ss-person-title";
      title.textContent = p.title;
      item.append(face, name, title);
      return item;
    }),
  );
}

function draw() {
  clearTimeout(drawTimer);
  const now = serverNow();
  const shown = revoked ? {} : (config.preview ?? onAirNow(state, now));
  if (state && !revoked) {
    put("show", state.show);
    put("episode-title", state.number ? `#${state.number} · ${state.title}` : state.title);
  }
  const ss = shown.starting_soon;
  if (ss) {
    put("countdown", ss.countdown);
    people(ss.people);
  }
  const ec = shown.end_card;
  if (ec) {
    canvas.querySelector('[data-o="next-episode-block"]')?.toggleAttribute("hidden", !ec.next);
    put("next-episode-title", ec.next ? ec.next.title : "");
    put("next-episode-date", ec.next ? ec.next.date : "");
  }
  if (shown.lower_third) {
    put("lt-name", shown.lower_third.name);
    put("lt-pronouns", shown.lower_third.pronouns);
    put("lt-title", shown.lower_third.title);
  }
  if (shown.caption) {
    put("cp-for", shown.caption.for ? `Question for ${shown.caption.for}` : "Question");
    put("cp-text", shown.caption.text);
  }
  if (shown.news) {
    put("nw-title", shown.news.title || shown.news.domain);
    put("nw-domain", shown.news.title ? shown.news.domain : "");
  }
  if (shown.now_next) {
    put("now", shown.now_next.now);
    put("next", shown.now_next.next);
    canvas.querySelector('[data-o="next-block"]')?.toggleAttribute("hidden", !shown.now_next.next);
  }
  if (shown.clock) {
    put("segment-clock", shown.clock.segment);
    put("show-clock", shown.clock.show);
    canvas.dataset.phase = shown.clock.phase;
  }
  const on = [];
  for (const el of canvas.querySelectorAll("[data-graphic]")) {
    const name = el.dataset.graphic;
    const visible = wanted.has(name) && Boolean(shown[name]);
    el.classList.toggle("on", visible);
    if (visible) on.push(name);
  }
  canvas.dataset.on = on.join(" ");
  // Redraw at the next second (the clocks) or the next lower-third change, whichever is first.
  const change = state ? nextChangeMs(state, now) : null;
  const untilSecond = 1000 - (((now % 1000) + 1000) % 1000);
  drawTimer = setTimeout(draw, Math.max(20, Math.min(untilSecond, change ?? Infinity) + 5));
}

// -- receiving state --------------------------------------------------------------------------

function accept(next) {
  if (!next) return;
  if (state && state.episode !== next.episode) {
    window.location.reload(); // another episode on air: start afresh on it
    return;
  }
  if (state && (next.version < state.version || (next.version === state.version && next.revision < state.revision))) return;
  state = next;
  canvas.dataset.state = state.state;
  canvas.dataset.revision = String(state.revision);
  draw();
}

async function fetchState() {
  const response = await fetch(config.state_url, { cache: "no-store", headers: { Accept: "application/json" } });
  if (response.status === 403) {
    stopAll();
    throw new Error("revoked");
  }
  if (!response.ok) throw new Error(`state ${response.status}`);
  const answer = await response.json();
  useLooks(document, answer.looks); // new looks saved on the settings page
  return answer.state;
}


function stopAll() {
  revoked = true;
  canvas.dataset.connection = "revoked";
  source?.close();
  stopPolling();
  draw();
}

function connect(url) {
  source?.close();
  source = new EventSource(url);
  source.addEventListener("state", (event) => {
    stopPolling();
    canvas.dataset.connection = "live";
    accept(JSON.parse(event.data));
  });
  source.addEventListener("patch", (event) => {
    stopPolling();
    canvas.dataset.connection = "live";
    const next = applyChange(state, JSON.parse(event.data));
    if (next) accept(next);
    else fetchState().then(accept).catch(() => {});
  });
  source.addEventListener("error", () => {
    canvas.dataset.connection = "reconnecting";
    if (source.readyState === EventSource.CLOSED) {
      // Ended by the server (a revoked key, an expired link, a restart): ask again.
      source = null;
      setTimeout(reconnect, 1000);
    } else {
      // Lost: the browser reconnects by itself; meanwhile ask for the state now and then.
      startPolling();
    }
  });
}

async function reconnect() {
  if (revoked) return;
  try {
    const fresh = await fetchState();
    accept(fresh);
    if (fresh) connect(fresh.stream_url);
    else setTimeout(reconnect, 15000); // between episodes: look again now and then
  } catch {
    if (revoked) return;
    startPolling();
    setTimeout(reconnect, 5000);
  }
}

function startPolling() {
  if (pollTimer || revoked) return;
  canvas.dataset.connection = "polling";
  pollTimer = setInterval(() => fetchState().then(accept).catch(() => {}), 2000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

async function estimateOffset(samples = 5) {
  let best = null;
  for (let i = 0; i < samples; i += 1) {
    try {
      const t0 = Date.now();
      const { t } = await (await fetch(config.time_url, { cache: "no-store" })).json();
      const t1 = Date.now();
      if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: t - (t0 + t1) / 2 };
    } catch {
      // a lost sample: the others will do
    }
  }
  if (best) offset = best.offset;
}

// The episode on air can change under an open overlay (the next one goes live): look now and
// then, and start afresh when it has.
setInterval(() => {
  if (!revoked && source && !config.preview) fetchState().then(accept).catch(() => {});
}, 30000);

if (config.preview) {
  // The settings page's preview: sample graphics, no stream.
  put("show", config.preview.show);
  draw();
} else {
  reconnect();
  estimateOffset().then(draw);
  setInterval(() => estimateOffset(3), 60000);
}
