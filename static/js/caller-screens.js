// The show caller's list of the screens open on the episode (episodes/views/screens.py):
// fetched every few seconds, with a name to give each, "Identify" and "Reload".
const section = document.querySelector("[data-screens]");
const rows = section?.querySelector("[data-screens-rows]");
const empty = section?.querySelector("[data-screens-empty]");
const notice = section?.querySelector("[data-screens-notice]");
const REFRESH_MS = 3000;

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
}

function say(text, isError = false) {
  notice.textContent = text;
  notice.classList.toggle("is-error", isError);
  notice.hidden = !text;
}

function agoText(seconds) {
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  return `${Math.floor(seconds / 60)} min ago`;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function button(label, action, screen) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "button small";
  b.dataset.screenAction = action;
  b.textContent = label;
  b.setAttribute("aria-label", `${label} ${screen.label}`);
  return b;
}

function newRow(screen) {
  const row = document.createElement("tr");
  row.dataset.screen = String(screen.id);
  const nameCell = document.createElement("td");
  const form = document.createElement("form");
  form.className = "screen-name-form";
  form.dataset.screenRename = "";
  const input = document.createElement("input");
  input.name = "name";
  input.maxLength = 60;
  input.placeholder = screen.label;
  input.value = screen.name;
  input.setAttribute("aria-label", `Name for ${screen.what} of ${screen.whose}`);
  const save = document.createElement("button");
  save.type = "submit";
  save.className = "button small";
  save.textContent = "Save";
  form.append(input, save);
  nameCell.append(form);
  const commands = document.createElement("td");
  commands.className = "screen-commands";
  commands.append(button("Identify", "identify", screen), button("Reload", "reload", screen));
  row.append(nameCell, cell(""), cell(""), cell(""), cell(""), commands);
  return row;
}

function update(row, screen) {
  const [, what, whose, browser, heard] = row.children;
  const set = (td, text) => td.textContent !== text && (td.textContent = text);
  set(what, screen.what);
  set(whose, screen.whose);
  set(browser, screen.user_agent);
  set(heard, screen.pending ? `${agoText(screen.seconds_ago)} · ${screen.pending} waiting` : agoText(screen.seconds_ago));
  const input = row.querySelector("input[name=name]");
  input.placeholder = `${screen.what} · ${screen.whose}`;
  // Never overwrite what the caller is typing (or has typed and not saved).
  if (document.activeElement !== input && !input.dataset.dirty && input.value !== screen.name) input.value = screen.name;
}

function render(screens) {
  const existing = new Map([...rows.children].map((row) => [row.dataset.screen, row]));
  const ordered = screens.map((screen) => {
    const row = existing.get(String(screen.id)) ?? newRow(screen);
    update(row, screen);
    return row;
  });
  rows.replaceChildren(...ordered);
  empty.hidden = screens.length > 0;
}

async function refresh() {
  try {
    const response = await fetch(section.dataset.listUrl, { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    render((await response.json()).screens);
  } catch {
    // the next refresh tries again
  }
}

async function post(screenId, what, body) {
  say("");
  try {
    const response = await fetch(`${section.dataset.screenUrl}${screenId}/${what}/`, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: new URLSearchParams(body),
    });
    const data = await response.json();
    if (!response.ok || data.ok === false) {
      say(data.error || `Refused (${response.status}).`, true);
      return false;
    }
    return true;
  } catch {
    say("The server could not be reached; try again.", true);
    return false;
  }
}

if (section) {
  section.addEventListener("input", (event) => {
    if (event.target.name === "name") event.target.dataset.dirty = "true";
  });
  section.addEventListener("submit", async (event) => {
    const form = event.target.closest("[data-screen-rename]");
    if (!form) return;
    event.preventDefault();
    const input = form.querySelector("input[name=name]");
    const row = form.closest("tr");
    if (await post(row.dataset.screen, "name", { name: input.value })) {
      delete input.dataset.dirty;
      say(input.value.trim() ? `Named it “${input.value.trim()}”.` : "Name cleared.");
      refresh();
    }
  });
  section.addEventListener("click", async (event) => {
    const b = event.target.closest("[data-screen-action]");
    if (!b) return;
    const row = b.closest("tr");
    if (await post(row.dataset.screen, "command", { command: b.dataset.screenAction })) {
      say(b.dataset.screenAction === "identify" ? "Its name shows on that screen at its next check-in." : "That screen reloads at its next check-in.");
      refresh();
    }
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
}
