// The episode editor: follow other producers' changes, reorder by drag and by keyboard,
// undo with Ctrl+Z. Everything that changes data is an htmx request the server checks.

const editor = document.getElementById("editor");
const POLL_MS = 1000;

function currentRevision() {
  const state = document.getElementById("editor-state");
  return state ? Number(state.dataset.revision) : 0;
}

function isDirty() {
  // An input whose value differs from what the server last rendered: don't replace it.
  const active = document.activeElement;
  if (!active || !editor.contains(active)) return false;
  if ("defaultValue" in active && active.value !== active.defaultValue) return true;
  return false;
}

let refreshing = false;
let waiting = false;

async function poll() {
  if (document.hidden || refreshing) return;
  let revision;
  try {
    const response = await fetch(editor.dataset.revisionUrl, {
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    if (!response.ok) return;
    ({ revision } = await response.json());
  } catch {
    return;
  }
  if (revision <= currentRevision()) return;
  if (isDirty()) {
    if (!waiting) {
      waiting = true;
      const status = document.getElementById("editor-status");
      if (status) {
        status.textContent = "Someone else changed this episode; their changes appear when you finish this field.";
        status.classList.add("has-message");
      }
    }
    return;
  }
  refresh();
}

function refresh() {
  refreshing = true;
  waiting = false;
  htmx
    .ajax("GET", editor.dataset.bodyUrl, { target: "#editor-body", swap: "outerHTML" })
    .finally(() => {
      refreshing = false;
    });
}

if (editor) {
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", () => !document.hidden && poll());
  editor.addEventListener("focusout", () => waiting && setTimeout(poll, 50));
}

// Rows post on "change" from any of their fields: tell the server which field it was.
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.triggeringEvent?.target;
  if (source?.name && source !== event.detail.elt && event.detail.verb === "post") {
    event.detail.parameters.field = source.name;
  }
});

// Keep the keyboard where it was when a swap replaces the focused field. htmx restores focus
// to elements with an id; fields inside a row are found again by the row's id and their name.
let focusedField = null;

document.addEventListener("htmx:beforeSwap", () => {
  const active = document.activeElement;
  const row = active?.name ? active.closest("[id]") : null;
  focusedField = row && !active.id ? { row: row.id, name: active.name } : null;
});

document.addEventListener("htmx:afterSettle", () => {
  if (!focusedField || document.activeElement !== document.body) return;
  const field = document.getElementById(focusedField.row)?.querySelector(`[name="${focusedField.name}"]`);
  field?.focus();
  focusedField = null;
});

// -- reorder: drag and drop -------------------------------------------------------------------

function sortableOf(element) {
  return element.closest("[data-sortable]");
}

function itemsOf(list) {
  return [...list.querySelectorAll(":scope > [data-sortable-item]")];
}

let focusAfterMove = null;

function move(item, toIndex, focusId = null) {
  focusAfterMove = focusId;
  return htmx.ajax("POST", item.dataset.moveUrl, {
    source: item,
    target: "#editor-main",
    swap: "outerHTML",
    values: { to: String(toIndex), layout_version: document.getElementById("layout-version").value },
  });
}

document.addEventListener("htmx:afterSettle", () => {
  if (!focusAfterMove) return;
  document.getElementById(focusAfterMove)?.focus();
  focusAfterMove = null;
});

let dragged = null;

document.addEventListener("dragstart", (event) => {
  const handle = event.target.closest?.(".drag-handle");
  if (!handle) return;
  dragged = handle.closest("[data-sortable-item]");
  dragged.classList.add("dragging");
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", dragged.dataset.id);
});

document.addEventListener("dragover", (event) => {
  if (!dragged) return;
  const over = event.target.closest?.("[data-sortable-item]");
  if (!over || sortableOf(over) !== sortableOf(dragged)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
  const list = sortableOf(over);
  itemsOf(list).forEach((item) => item.classList.remove("drop-before", "drop-after"));
  if (over !== dragged) {
    const box = over.getBoundingClientRect();
    over.classList.add(event.clientY < box.top + box.height / 2 ? "drop-before" : "drop-after");
  }
});

document.addEventListener("drop", (event) => {
  if (!dragged) return;
  const over = event.target.closest?.("[data-sortable-item]");
  if (!over || sortableOf(over) !== sortableOf(dragged)) return;
  event.preventDefault();
  const items = itemsOf(sortableOf(over)).filter((item) => item !== dragged);
  let index = items.indexOf(over);
  if (index === -1) return;
  const box = over.getBoundingClientRect();
  if (event.clientY >= box.top + box.height / 2) index += 1;
  move(dragged, index);
});

document.addEventListener("dragend", () => {
  document
    .querySelectorAll(".dragging, .drop-before, .drop-after")
    .forEach((element) => element.classList.remove("dragging", "drop-before", "drop-after"));
  dragged = null;
});

// -- keyboard ---------------------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  if (!editor) return;
  if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    const item = document.activeElement?.closest?.("[data-sortable-item]");
    if (!item || !editor.contains(item)) return;
    event.preventDefault();
    const up = event.key === "ArrowUp";
    const items = itemsOf(sortableOf(item));
    const to = items.indexOf(item) + (up ? -1 : 1);
    if (to < 0 || to >= items.length) return;
    // The keyboard stays on the moved row, on its move button for the same direction.
    const button = item.querySelector(up ? ".move-up" : ".move-down");
    document.activeElement.blur?.();
    move(item, to, button?.id || null);
    return;
  }
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && event.key === "z" && !event.shiftKey && !typing) {
    const undo = document.getElementById("undo-button");
    if (undo) {
      event.preventDefault();
      undo.click();
    }
  }
});

// Enter in a header field saves it (change) instead of submitting the form.
document.addEventListener("submit", (event) => {
  if (event.target.id === "editor-header") event.preventDefault();
});

// A question added: keep typing the next one.
document.addEventListener("htmx:afterSettle", (event) => {
  const form = event.detail.requestConfig?.elt?.closest?.(".add-question");
  if (!form) return;
  const input = document.getElementById(form.querySelector("input[name=text]")?.id);
  input?.focus();
});

// "Copy link": the guest's private link to the clipboard, with word that it worked.
document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-copy]");
  if (!button) return;
  const box = button.parentElement.querySelector(".link-box");
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
  } catch {
    // No clipboard (an insecure origin, or permission refused): select it for Ctrl+C instead.
    box?.select();
    button.textContent = "Press Ctrl+C";
    return;
  }
  button.textContent = "Copied";
  setTimeout(() => (button.textContent = "Copy link"), 2000);
});
