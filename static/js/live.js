// Live screens: the host's timer, the show caller's page, a guest's page.
//
// The server sends anchors (when the segment started, how long it has been paused, ...), never
// ticks. This screen computes the display itself, from its own clock corrected by the offset to
// the server's: a few round trips to /live/time, keeping the quickest, redone now and then.
// Digits flip on the exact second boundaries (a timer scheduled for the next flip, not a
// once-a-second tick), so every screen shows the same number at the same moment.

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

// -- arithmetic on anchors (mirrors episodes/live.py) -----------------------------------------

export function elapsedMs(s, now) {
  const seg = s.segment;
  if (!seg || seg.started_at == null) return 0;
  const until = seg.paused_at ?? (s.state === "ended" && s.ended_at ? s.ended_at : now);
  return Math.max(0, until - seg.started_at - seg.paused_ms);
}

export function remainingMs(s, now) {
  const seg = s.segment;
  if (!seg || seg.planned_ms == null) return null;
  return seg.planned_ms + seg.added_ms - elapsedMs(s, now);
}

export function phaseOf(s, remaining) {
  if (remaining == null) return "normal";
  if (remaining < 0) return "overtime";
  if (remaining <= s.segment.danger_ms) return "danger";
  if (remaining <= s.segment.warning_ms) return "warning";
  return "normal";
}

export function clockText(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}

// Countdowns round up (0:01 until time is truly up); count-ups round down.
export function countdown(ms) {
  return ms > 0 ? clockText(Math.ceil(ms / 1000)) : `+${clockText(Math.floor(-ms / 1000))}`;
}

// Over or under the plan, as people say it: "2:10 over", "7:59 under", "on time".
export function overUnderText(ms) {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds === 0) return "on time";
  return `${clockText(seconds)} ${ms > 0 ? "over" : "under"}`;
}

// A wait before the show: the clock up to a day, then days and hours ("6 days 22 hours").
export function waitText(ms) {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 86400) return clockText(seconds);
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return hours ? `${plural(days, "day")} ${plural(hours, "hour")}` : plural(days, "day");
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

// "On air" only while the clock runs; a pause says so in words, not only by dimmer digits.
export function modeText(s) {
  const paused = s.state === "paused";
  if (s.rehearsal) return paused ? "Rehearsal paused" : "Rehearsal";
  return { ready: "Not started", running: "On air", paused: "Paused", ended: "Off air" }[s.state] ?? "";
}

function render() {
  if (!state) return;
  const now = serverNow();
  const s = state;
  root.dataset.state = s.state;
  root.dataset.rehearsal = s.rehearsal ? "true" : "false";
  setText("mode", modeText(s));
  setHidden("paused", s.state !== "paused");
  setText("state", s.state);

  let display;
  let phase = "normal";
  let progress = 0;
  if (s.segment && s.state !== "ready") {
    const remaining = remainingMs(s, now);
    const elapsed = elapsedMs(s, now);
    display = remaining == null ? clockText(Math.floor(elapsed / 1000)) : countdown(remaining);
    phase = s.state === "ended" ? "ended" : phaseOf(s, remaining);
    const planned = s.segment.planned_ms == null ? null : s.segment.planned_ms + s.segment.added_ms;
    progress = planned ? Math.min(1, elapsed / planned) : 0;
    setText("segment-title", s.state === "ended" ? "Off air" : s.segment.title);
    setText("segment-planned", planned == null ? "no planned time" : `of ${clockText(Math.round(planned / 1000))}`);
    setText("segment-owner", s.segment.owner ? `led by ${s.segment.owner}` : "");
  } else {
    const first = s.next;
    const untilStart = s.scheduled_start == null ? null : s.scheduled_start - now;
    display = untilStart == null ? "--:--" : untilStart > 0 ? waitText(untilStart) : `+${clockText(Math.floor(-untilStart / 1000))}`;
    setText("segment-title", first ? `Up first: ${first.title}` : "No segments");
    setText("segment-planned", untilStart == null ? "no air time set" : untilStart > 0 ? "until the scheduled start" : "past the scheduled start");
    setText("segment-owner", "");
  }
  setText("remaining", display);
  root.dataset.wait = display.includes("day") ? "days" : "";
  root.dataset.phase = phase;
  for (const bar of root.querySelectorAll('[data-field="progress"]')) {
    bar.style.width = `${(progress * 100).toFixed(2)}%`;
  }

  const next = s.segment ? s.next : s.segments?.[1] ?? null;
  setText("next-title", next ? next.title : "—");
  setText("next-planned", next && next.planned_ms != null ? clockText(Math.round(next.planned_ms / 1000)) : "");

  // The show as a whole.
  const live = s.state === "running" || s.state === "paused";
  const overrun = live && s.segment && s.segment.planned_ms != null ? Math.max(0, elapsedMs(s, now) - s.segment.planned_ms) : 0;
  const overUnder = s.finished_delta_ms + overrun;
  setText("over-under", s.state === "ready" ? "—" : overUnderText(overUnder));
  root.dataset.behind = overUnder > 0 ? "true" : "false";
  const left = remainingMs(s, now);
  const projected = live ? now + Math.max(0, left ?? 0) + s.following_planned_ms : s.state === "ended" ? s.ended_at : null;
  setText("projected-end", wallClock(projected));
  setText("show-elapsed", s.show_started_at == null ? "—" : clockText(Math.floor(((s.state === "ended" ? s.ended_at : now) - s.show_started_at) / 1000)));
  const hardOut = s.hard_out == null ? null : s.hard_out - now;
  setHidden("hard-out-block", hardOut == null);
  setText("hard-out", hardOut == null ? "" : hardOut > 0 ? clockText(Math.ceil(hardOut / 1000)) : `passed ${clockText(Math.floor(-hardOut / 1000))} ago`);

  renderMessages(s, now);

  if (display !== lastDisplay) {
    lastDisplay = display;
    document.dispatchEvent(new CustomEvent("live:flip", { detail: { display, at: now } }));
  }
  scheduleFlip(now);
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

// A message shows until it is cleared or expires (a set time, or its segment ending: the
// server clears those); its age and whether it was read are shown beside it.
export function messageShowing(message, now) {
  return Boolean(message) && (message.expires_at == null || now < message.expires_at);
}

export function ageText(at, now) {
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 10) return "sent just now";
  if (seconds < 120) return `sent ${seconds} s ago`;
  if (seconds < 3600) return `sent ${Math.floor(seconds / 60)} min ago`;
  return `sent ${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min ago`;
}

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
    const body = await response.json();
    if (body.state) accept(body.state);
  } catch {
    // the stream brings the state anyway
  }
});

// The next instant the display changes: the next whole second of the countdown (or count-up).
function scheduleFlip(now) {
  clearTimeout(flipTimer);
  if (!state) return;
  let delay = 1000;
  const running = state.state === "running";
  if (running && state.segment) {
    const remaining = remainingMs(state, now);
    if (remaining != null && remaining > 0) {
      delay = remaining - (Math.ceil(remaining / 1000) - 1) * 1000;
    } else {
      const over = remaining == null ? elapsedMs(state, now) : -remaining;
      delay = (Math.floor(over / 1000) + 1) * 1000 - over;
    }
  } else if (state.state === "ready" && state.scheduled_start != null) {
    const until = state.scheduled_start - now;
    delay = until > 0 ? until - (Math.ceil(until / 1000) - 1) * 1000 : 1000;
  }
  flipTimer = setTimeout(render, Math.max(1, delay) + 1);
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
  // Only the clock moved (a pause, a resume, added time): a few bytes on top of the state this
  // screen has. A screen that has something else missed a change, and asks for the whole.
  source.addEventListener("clock", (event) => {
    failures = 0;
    stopPolling();
    setConnection("live");
    const change = JSON.parse(event.data);
    if (!state || !state.segment || state.revision !== change.base) {
      fetchState().then(accept).catch(() => startPolling());
      return;
    }
    accept({ ...state, version: change.version, revision: change.revision, state: change.state, segment: { ...state.segment, ...change.segment } });
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
