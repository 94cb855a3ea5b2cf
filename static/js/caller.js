// The show caller's page: commands, keyboard shortcuts, questions to tick, messages, control.
import { clockText, isLive, overUnderText, State } from "./clock.js";
import { catchUp, currentState } from "./live.js";

const config = JSON.parse(document.getElementById("live-config").textContent);
const root = document.querySelector("[data-live]");
const notice = document.getElementById("caller-notice");

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
}

function say(text, isError = false) {
  notice.textContent = text;
  notice.classList.toggle("is-error", isError);
  notice.hidden = !text;
}

async function post(url, body, json = true) {
  // A new command clears the last notice; answers only ever add one, so a refused second
  // click is still reported when the first click's answer comes in after it.
  say("");
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "X-CSRFToken": csrfToken(),
      ...(json ? { "Content-Type": "application/json" } : {}),
    },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    say(`The server answered ${response.status}.`, true);
    return;
  }
  catchUp(data.revision); // the state itself comes by the stream
  if (data.ok === false || !response.ok) say(data.error || `Refused (${response.status}).`, true);
  else if (data.repeat) say(data.note);
}

function command(action, extra = {}) {
  const state = currentState();
  if (!state) return;
  return post(`${config.command_url}${action}/`, { version: state.version, ...extra });
}

// -- buttons and keys ---------------------------------------------------------------------------

root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-command]");
  if (!button || button.disabled) return;
  const extra = {};
  if (button.dataset.seconds) extra.seconds = Number(button.dataset.seconds);
  if (button.dataset.segment) extra.segment = Number(button.dataset.segment);
  let action = button.dataset.command;
  if (action === "toggle") action = toggleAction();
  if (action === "reset" && !window.confirm("Reset the rehearsal? Its times are thrown away.")) return;
  if (action === "end" && !window.confirm("End the show now?")) return;
  command(action, extra);
});

function toggleAction() {
  const state = currentState()?.state;
  return state === State.READY ? "start" : state === State.RUNNING ? "pause" : state === State.PAUSED ? "resume" : null;
}

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select, [contenteditable]") || event.ctrlKey || event.metaKey || event.altKey) return;
  const keys = {
    " ": () => toggleAction() && command(toggleAction()),
    ArrowRight: () => command("next"),
    ArrowLeft: () => command("previous"),
    "+": () => command("add_time", { seconds: 60 }),
    "=": () => command("add_time", { seconds: 60 }),
    "-": () => command("add_time", { seconds: -60 }),
  };
  const run = keys[event.key];
  if (run) {
    event.preventDefault();
    run();
  }
});

document.getElementById("take-control")?.addEventListener("click", () => command("take_control"));

for (const form of document.querySelectorAll("[data-message-form]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const clear = event.submitter?.value === "clear";
    const sent = data.get("text") || "";
    post(`${config.command_url}message/`, {
      to: data.get("to") || "host",
      text: sent,
      flash: data.get("flash") === "on",
      lasts: data.get("lasts") || "segment",
      clear,
    }).then(() => {
      // Empty the box for the next message, unless the next one is already being typed.
      const box = form.querySelector("[name=text]");
      if (!clear && box.value === sent) box.value = "";
    });
  });
}

document.getElementById("mode-toggle")?.addEventListener("click", (event) => {
  const rehearsal = currentState()?.rehearsal;
  post(`${config.command_url}rehearsal/`, { on: rehearsal ? "false" : "true" }, false);
  event.preventDefault();
});

root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-question]");
  if (!button) return;
  post(`${config.command_url}questions/${button.dataset.question}/`, { status: button.dataset.status }, false);
});

// -- what the state enables, and the run-sheet so far -------------------------------------------

document.addEventListener("live:state", (event) => {
  const s = event.detail;
  const mine = s.controller == null || s.controller === config.user;
  root.dataset.inControl = mine ? "true" : "false";
  const allowed = {
    toggle: s.state !== State.ENDED,
    next: isLive(s),
    previous: isLive(s) && s.segments.findIndex((x) => x.id === s.segment?.id) > 0,
    add_time: isLive(s),
    end: isLive(s),
    reset: s.rehearsal,
    jump: s.state !== State.ENDED,
  };
  for (const button of root.querySelectorAll("[data-command]")) {
    button.disabled = !mine || !allowed[button.dataset.command];
  }
  const toggle = document.getElementById("toggle-button");
  if (toggle) toggle.textContent = { ready: "Start", running: "Pause", paused: "Resume", ended: "Ended" }[s.state];
  const mode = document.getElementById("mode-toggle");
  if (mode) {
    mode.textContent = s.rehearsal ? "Switch to the real show" : "Switch to rehearsal";
    mode.disabled = !mine || isLive(s);
  }
  const take = document.getElementById("take-control");
  if (take) take.hidden = mine;

  const rows = s.segments.map((segment) => {
    const row = document.createElement("tr");
    const current = s.segment && s.segment.id === segment.id;
    row.className = current ? "current" : segment.played ? "played" : "";
    const cells = [
      segment.title,
      segment.planned_ms == null ? "—" : clockText(Math.round(segment.planned_ms / 1000)),
      segment.actual_ms == null ? (current ? (s.state === State.PAUSED ? "paused" : "on air") : "") : clockText(Math.round(segment.actual_ms / 1000)),
      segment.actual_ms == null || segment.planned_ms == null ? "" : overUnderText(segment.actual_ms - segment.planned_ms),
    ];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const jump = document.createElement("td");
    if (!current && s.state !== State.ENDED) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.dataset.command = "jump";
      button.dataset.segment = segment.id;
      button.textContent = "Go";
      button.disabled = !mine;
      button.setAttribute("aria-label", `Jump to ${segment.title}`);
      jump.append(button);
    }
    row.append(jump);
    return row;
  });
  document.getElementById("caller-runsheet")?.replaceChildren(...rows);

  const questions = document.getElementById("caller-questions");
  const none = document.getElementById("caller-no-questions");
  if (none) none.hidden = Boolean(s.segment?.questions?.length);
  if (questions) {
    questions.replaceChildren(
      ...(s.segment?.questions ?? []).map((q) => {
        const item = document.createElement("li");
        item.className = `status-${q.status}`;
        const text = document.createElement("span");
        text.textContent = `${q.for ? `${q.for}: ` : ""}${q.text}`;
        item.append(text);
        for (const [status, label] of [["asked", "Asked"], ["skipped", "Skip"], ["planned", "Undo"]]) {
          if (status === q.status || (status === "planned" && q.status === "planned")) continue;
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button small";
          button.dataset.question = q.id;
          button.dataset.status = status;
          button.textContent = label;
          button.disabled = !mine;
          item.append(button);
        }
        return item;
      }),
    );
  }
});

