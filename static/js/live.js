// Live screens: the host's timer, the show caller's page, a guest's page.
//
// The server sends anchors (when the segment started, how long it has been paused, ...), never
// ticks. This screen computes the display itself, from its own clock corrected by the offset to
// the server's: a few round trips to /live/time, keeping the quickest, redone now and then.
// Digits flip on the exact second boundaries (a timer scheduled for the next flip, not a
// once-a-second tick), so every screen shows the same number at the same moment.

import { applyChange } from "./changes.js";
import { ageText, messageShowing, modeText, nextFlipMs, State, timerView } from "./clock.js";

const config = JSON.parse(document.getElementById("live-config").textContent);
const root = document.querySelector("[data-live]");

let offset = 0; // server clock minus this clock, in ms
let state = null;
let source = null;
let pollTimer = null;
let flipTimer = null;
let failures = 0;
let lastDisplay = null;

export function serverNow() {
  return Date.now() + offset;
}

export function currentState() {
  return state;
}

// -- clock offset -----------------------------------------------------------------------------

async function sampleOffset() {
  const t0 = Date.now();
  const response = await fetch(config.time_url, { cache: "no-store" });
  const { t } = await response.json();
  const t1 = Date.now();
  return { rtt: t1 - t0, offset: t - (t0 + t1) / 2 };
}

async function estimateOffset(samples = 7) {
  let best = null;
  for (let i = 0; i < samples; i += 1) {
    try {
      const sample = await sampleOffset();
      if (!best || sample.rtt < best.rtt) best = sample;
    } catch {
      // a lost sample: the others will do
    }
  }
  if (best) {
    offset = best.offset;
    root.dataset.offset = String(Math.round(offset));
    render();
  }
}

function wallClock(epochMs) {
  // An instant on the server's (true) clock, written in this screen's time zone.
  if (epochMs == null) return "—";
  return new Date(epochMs).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

// -- rendering --------------------------------------------------------------------------------

function setText(name, text) {
  for (const el of root.querySelectorAll(`[data-field="${name}"]`)) {
    if (el.textContent !== text) el.textContent = text;
  }
}

function setHidden(name, hidden) {
  for (const el of root.querySelectorAll(`[data-field="${name}"]`)) el.hidden = hidden;
}

function render() {
  if (!state) return;
  const now = serverNow();
  const s = state;
  root.dataset.state = s.state;
  root.dataset.rehearsal = s.rehearsal ? "true" : "false";
  setText("mode", modeText(s));
  setHidden("paused", s.state !== State.PAUSED);
  setText("state", s.state);

  const view = timerView(s, now);
  const display = view.display;
  setText("segment-title", view.title);
  setText("segment-planned", view.planned);
  setText("segment-owner", view.owner);
  setText("remaining", display);
  root.dataset.wait = display.includes("day") ? "days" : "";
  root.dataset.phase = view.phase;
  for (const bar of root.querySelectorAll('[data-field="progress"]')) {
    bar.style.width = `${(view.progress * 100).toFixed(2)}%`;
  }
  setText("next-title", view.nextTitle);
  setText("next-planned", view.nextPlanned);

  // The show as a whole.
  setText("over-under", view.overUnder);
  root.dataset.behind = view.overUnderMs > 0 ? "true" : "false";
  setText("projected-end", wallClock(view.projectedEndMs));
  setText("show-elapsed", view.showElapsed);
  setHidden("hard-out-block", view.hardOut == null);
  setText("hard-out", view.hardOut ?? "");

  renderMessages(s, now);

  if (display !== lastDisplay) {
    lastDisplay = display;
    document.dispatchEvent(new CustomEvent("live:flip", { detail: { display, at: now } }));
  }
  scheduleFlip();
}

function renderStatic() {
  const s = state;
  const list = root.querySelector('[data-field="questions"]');
  if (list) {
    list.replaceChildren(
      ...(s.segment?.questions ?? []).map((q) => {
        const item = document.createElement("li");
        item.className = `live-question status-${q.status}${q.mine ? " mine" : ""}`;
        const who = document.createElement("span");
        who.className = "live-question-for";
        who.textContent = q.for || "Anyone";
        const text = document.createElement("span");
        text.className = "live-question-text";
        text.textContent = q.text;
        item.append(who, text);
        return item;
      }),
    );
  }
  setText("controller", s.controller ? `${s.controller} is calling the show` : "No one is calling the show yet");
  document.dispatchEvent(new CustomEvent("live:state", { detail: s }));
}

// -- messages from the show caller -------------------------------------------------------------

function renderMessages(s, now) {
  const message = messageShowing(s.message, now) ? s.message : null;
  for (const box of root.querySelectorAll('[data-field="message"]')) {
    if (box.hidden !== !message) box.hidden = !message;
    box.classList.toggle("flash", Boolean(message && message.flash));
    box.classList.toggle("is-read", Boolean(message && message.read_at));
    box.dataset.message = message ? String(message.id) : "";
    const text = box.querySelector('[data-field="message-text"]') ?? box;
    const wanted = message ? message.text : "";
    if (text.textContent !== wanted) text.textContent = wanted;
  }
  setText("message-age", message ? ageText(message.at, now) : "");
  setText("message-read-state", message ? (message.read_at ? `read ${ageText(message.read_at, now).slice(5)}` : "not read yet") : "");
  for (const button of root.querySelectorAll("[data-message-read]")) {
    button.hidden = !message || Boolean(message.read_at);
  }
  setHidden("message-read", !message || !message.read_at);
  setHidden("message-status", !message);
  const list = root.querySelector('[data-field="guest-messages"]');
  if (list) {
    const lines = (s.guest_messages ?? [])
      .filter((m) => messageShowing(m, now))
      .map((m) => `${m.name}: ${m.text} · ${ageText(m.at, now)} · ${m.read_at ? "read" : "not read yet"}`);
    if (list.dataset.lines !== lines.join("\n")) {
      list.dataset.lines = lines.join("\n");
      list.replaceChildren(
        ...lines.map((line) => {
          const item = document.createElement("li");
          item.textContent = line;
          return item;
        }),
      );
    }
  }
}

root.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-message-read]");
  if (!button || !config.read_url) return;
  const box = button.closest('[data-field="message"]');
  const response = await fetch(config.read_url, {
    method: "POST",
    headers: { "X-CSRFToken": JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] },
    body: new URLSearchParams({ message: box?.dataset.message ?? "" }),
  });
  try {
    catchUp((await response.json()).revision);
  } catch {
    // the stream brings the state anyway
  }
});

// Redraw at the next instant the display changes (clock.js says when).
function scheduleFlip() {
  clearTimeout(flipTimer);
  if (!state) return;
  // Counted from now, after this render's own work, not from when it began.
  flipTimer = setTimeout(render, Math.max(1, nextFlipMs(state, serverNow())) + 1);
}

// -- receiving state --------------------------------------------------------------------------

export function accept(next) {
  if (!next) return;
  if (state && (next.version < state.version || (next.version === state.version && next.revision < state.revision))) return;
  const firstOrChanged = !state || next.version !== state.version || next.revision !== state.revision;
  state = next;
  if (firstOrChanged) renderStatic();
  render();
}

// A press answered with the live revision it brought the show to. The stream brings that
// state; while the stream is down, or if it has not brought it within a second, it is fetched
// at once, so a press is never left unseen.
export function catchUp(revision) {
  if (revision == null || (state && state.revision >= revision)) return;
  const fetchIfBehind = () => {
    if (!state || state.revision < revision) fetchState().then(accept).catch(() => startPolling());
  };
  if (root.dataset.connection === "live") setTimeout(fetchIfBehind, 1000);
  else fetchIfBehind();
}

function setConnection(text) {
  root.dataset.connection = text;
  setText("connection", text === "live" ? "" : text === "polling" ? "Reconnecting… The timer keeps counting meanwhile." : "Reconnecting…");
}

async function fetchState() {
  const response = await fetch(config.state_url, { cache: "no-store", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`state ${response.status}`);
  const body = await response.json();
  return body.state;
}

function connect(url) {
  source?.close();
  source = new EventSource(url);
  source.addEventListener("state", (event) => {
    failures = 0;
    stopPolling();
    setConnection("live");
    accept(JSON.parse(event.data));
  });
  // After a command, only what changed: a few bytes on top of the state this screen has. A
  // screen that holds another state missed a change, and asks for the whole.
  source.addEventListener("patch", (event) => {
    failures = 0;
    stopPolling();
    setConnection("live");
    const next = applyChange(state, JSON.parse(event.data));
    if (next) accept(next);
    else fetchState().then(accept).catch(() => startPolling());
  });
  source.addEventListener("error", () => {
    failures += 1;
    setConnection(failures > 2 ? "polling" : "reconnecting");
    if (failures > 2) startPolling();
    if (source.readyState === EventSource.CLOSED) {
      // Refused (an expired link, a restarted server): ask for a fresh stream URL.
      setTimeout(reconnect, Math.min(10000, 500 * failures));
    }
  });
}

async function reconnect() {
  try {
    const fresh = await fetchState();
    accept(fresh);
    connect(fresh.stream_url);
  } catch {
    setTimeout(reconnect, 2000);
  }
}

function startPolling() {
  if (pollTimer) return;
  pollTimer = setInterval(async () => {
    try {
      accept(await fetchState());
    } catch {
      // still down
    }
  }, 1000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

async function start() {
  setConnection("connecting");
  try {
    const first = await fetchState();
    accept(first);
    connect(first.stream_url);
  } catch {
    startPolling();
    setTimeout(reconnect, 2000);
  }
  await estimateOffset();
  setInterval(() => estimateOffset(5), 30000);
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) render();
});

start();
