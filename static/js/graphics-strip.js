// The caller's graphics strip: what the stream graphics show now (tally), take in / take out /
// back to auto per graphic, the question being asked, the news item on screen.
//
// The tally is the overlays' own rule (graphics.js) on the overlays' own state, followed over
// the overlays' audience of the live stream, so it shows exactly what OBS shows. Every change
// is a live command (`graphics`, episodes/commands.py): versioned and sent to every screen.

import { applyChange } from "./changes.js";
import { onAirNow } from "./graphics.js";
import { serverNow } from "./live.js";

const strip = document.getElementById("graphics-strip");
const config = JSON.parse(document.getElementById("live-config").textContent);
const ELEMENTS = [
  ["lower_third", "Lower third"],
  ["caption", "Question"],
  ["news", "News item"],
  ["now_next", "Now / Up next"],
  ["clock", "Clock"],
  ["starting_soon", "Starting soon"],
  ["end_card", "End card"],
];

let state = null;
let source = null;

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
}

function notice(text) {
  const box = strip.querySelector("[data-graphics-notice]");
  if (box) box.textContent = text;
}

async function send(data) {
  notice("");
  try {
    const response = await fetch(`${config.command_url}graphics/`, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
      body: JSON.stringify(data),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok || !answer.ok) notice(answer.error || `Not done (${response.status}).`);
  } catch {
    notice("Not sent: the server cannot be reached. Try again.");
  }
}

function draw() {
  if (!state) return;
  const shown = onAirNow(state, serverNow());
  const list = strip.querySelector("[data-graphics-rows]");
  const drawn = JSON.stringify([state.modes, Object.keys(shown)]);
  if (list.dataset.drawn === drawn) return; // unchanged: keep the buttons under the pointer
  list.dataset.drawn = drawn;
  list.replaceChildren(
    ...ELEMENTS.map(([name, label], index) => {
      const row = document.createElement("li");
      row.className = "graphics-row";
      row.dataset.element = name;
      const mode = state.modes?.[name] ?? "auto";
      row.dataset.mode = mode;
      const tally = document.createElement("span");
      tally.className = `tally${shown[name] ? " on-air" : ""}`;
      tally.textContent = shown[name] ? "On stream" : "Off";
      const title = document.createElement("span");
      title.className = "graphics-name";
      title.textContent = `${index + 1} · ${label}`;
      row.append(tally, title);
      for (const [value, text] of [["in", "Take in"], ["out", "Take out"], ["auto", "Auto"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = `button small${mode === value ? " is-current" : ""}`;
        button.dataset.graphicsElement = name;
        button.dataset.graphicsMode = value;
        button.setAttribute("aria-pressed", mode === value ? "true" : "false");
        button.textContent = text;
        row.append(button);
      }
      return row;
    }),
  );
  strip.dataset.on = Object.keys(shown).join(" ");
}

// "Ask now" beside each question of the caller's list (caller.js draws the list on live:state).
document.addEventListener("live:state", (event) => {
  const questions = event.detail.segment?.questions ?? [];
  const items = document.querySelectorAll("#caller-questions > li");
  questions.forEach((q, index) => {
    const item = items[index];
    if (!item || item.querySelector("[data-graphics-asking]")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.dataset.graphicsAsking = String(q.id);
    button.textContent = state?.asking?.id === q.id ? "Asking now" : "Ask now";
    item.append(button);
  });
});

strip.addEventListener("click", handle);
document.getElementById("caller-questions")?.addEventListener("click", handle);

function handle(event) {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.graphicsElement) send({ element: button.dataset.graphicsElement, mode: button.dataset.graphicsMode });
  else if (button.dataset.graphicsNews) send({ news: button.dataset.graphicsNews });
  else if (button.dataset.graphicsAsking !== undefined) send({ asking: button.dataset.graphicsAsking });
}

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select, [contenteditable]") || event.ctrlKey || event.metaKey || event.altKey) return;
  const digit = /^Digit([1-7])$/.exec(event.code);
  if (digit && state) {
    const [name] = ELEMENTS[Number(digit[1]) - 1];
    const onAir = Boolean(onAirNow(state, serverNow())[name]);
    event.preventDefault();
    send({ element: name, mode: event.shiftKey ? "auto" : onAir ? "out" : "in" });
  } else if (event.key === "n" || event.key === "N") {
    event.preventDefault();
    send({ news: "next" });
  } else if (event.key === "q" || event.key === "Q") {
    event.preventDefault();
    send({ asking: "" });
  }
});

// -- the overlays' state, over the live stream ------------------------------------------------

function accept(next) {
  if (!next) return;
  if (state && state.episode === next.episode && next.revision < state.revision) return;
  state = next;
  draw();
}

async function fetchState() {
  const response = await fetch(strip.dataset.graphicsUrl, { cache: "no-store" });
  if (!response.ok) throw new Error(`graphics ${response.status}`);
  return (await response.json()).state;
}

async function connect() {
  try {
    const first = await fetchState();
    accept(first);
    source?.close();
    source = new EventSource(first.stream_url);
    source.addEventListener("state", (event) => accept(JSON.parse(event.data)));
    source.addEventListener("patch", (event) => {
      const next = applyChange(state, JSON.parse(event.data));
      if (next) accept(next);
      else fetchState().then(accept).catch(() => {});
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    });
  } catch {
    setTimeout(connect, 2000);
  }
}

if (strip) {
  connect();
  setInterval(draw, 1000); // the tally follows the lower thirds' own timing
}
