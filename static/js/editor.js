// The episode editor: follow other producers' changes, reorder by drag and by keyboard,
// undo with Ctrl+Z. Everything that changes data is an htmx request the server checks.

const editor = document.getElementById("editor");
const POLL_MS = 1000;

function currentRevision() {
  const state = document.getElementById("editor-state");
  return state ? Number(state.dataset.revision) : 0;
}

let refreshing = false;

// A producer in the middle of adding a guest (a name typed in the search, its results shown)
// is holding them too: a refresh would empty the results under their pointer.
function searching() {
  const search = document.getElementById("guest-search-input");
  return Boolean(search?.value.trim());
}

async function poll() {
  if (document.hidden || refreshing || pending.size || searching()) return;
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
  refresh();
}

// Other people's changes replace the editor, but never what a producer is holding: the field
// being typed in, a field whose save is on its way, a refused edit with its notice, and an
// invalid value with its message (see "held fields" below). Those are put back as they were
// after every swap.
function refresh() {
  refreshing = true;
  htmx
    .ajax("GET", editor.dataset.bodyUrl, { target: "#editor-body", swap: "outerHTML" })
    .finally(() => {
      refreshing = false;
    });
}

if (editor) {
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", () => !document.hidden && poll());
}

// -- held fields ------------------------------------------------------------------------------
// A cell is a named field inside an element marked data-cells (a segment row, a question, the
// header...); its row is the nearest element with an id. A question's "everyone" and
// "addressed_to" boxes are one cell.

const GROUPS = { everyone: ["everyone", "addressed_to"], addressed_to: ["everyone", "addressed_to"] };

function cellOf(field) {
  if (!field?.name || field.type === "hidden" || !editor?.contains(field)) return null;
  const cells = field.closest("[data-cells]");
  const row = cells?.closest("[id]");
  if (!row) return null;
  const names = GROUPS[field.name] || [field.name];
  return { row: row.id, names, key: `${row.id} ${names.join(",")}` };
}

function fieldsOf(cell) {
  const row = document.getElementById(cell.row);
  if (!row) return [];
  const selector = cell.names.map((name) => `[name="${name}"]`).join(",");
  return [...row.querySelectorAll(selector)].filter(
    (field) => field.type !== "hidden" && field.closest("[data-cells]")?.closest("[id]") === row,
  );
}

function isBox(field) {
  return field.type === "checkbox" || field.type === "radio";
}

function readValues(fields) {
  return fields.map((field) => (isBox(field) ? field.checked : field.value));
}

function savedValues(fields) {
  // What the server last rendered into these fields.
  return fields.map((field) => {
    if (isBox(field)) return field.defaultChecked;
    if (field.tagName === "SELECT") {
      const option = [...field.options].find((o) => o.defaultSelected) || field.options[0];
      return option ? option.value : "";
    }
    return field.defaultValue;
  });
}

function writeValues(fields, values) {
  if (fields.length !== values.length) return;
  fields.forEach((field, i) => {
    if (isBox(field)) field.checked = values[i];
    else field.value = values[i];
  });
}

function markSaved(fields) {
  fields.forEach((field) => {
    if (isBox(field)) field.defaultChecked = field.checked;
    else if (field.tagName === "SELECT") [...field.options].forEach((o) => (o.defaultSelected = o.selected));
    else field.defaultValue = field.value;
  });
}

function shownText(fields, values) {
  // A value as the producer reads it: the option's label, the ticked boxes' names.
  if (fields.length && isBox(fields[0])) {
    const names = fields
      .filter((_, i) => values[i])
      .map((field) => field.closest("label")?.textContent.trim() || field.value);
    return names.length ? names.join(", ") : "nobody";
  }
  const field = fields[0];
  const value = values[0] ?? "";
  if (field?.tagName === "SELECT") {
    return [...field.options].find((o) => o.value === value)?.textContent.trim() || "—";
  }
  return value === "" ? "(empty)" : value;
}

function rowVersion(cell) {
  return document.getElementById(cell.row)?.querySelector("input[type=hidden][name=version]")?.value;
}

const conflicts = new Map(); // key -> { cell, mine, resolving }: refused edits, until chosen
const refused = new Map(); // key -> { cell, mine, slot, message }: invalid values, until retyped
const pending = new Map(); // key -> { cell, mine }: saves on their way
const bases = new Map(); // key -> version: what a field being typed in started from
let typing = null; // the focused field, while a swap replaces it
let advance = null; // a row's version our own save moved on: { row, from }

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Typing starts from the version on screen: its save is checked against that version, even
// if the row was refreshed underneath in the meantime.
editor?.addEventListener("input", (event) => {
  const cell = cellOf(event.target);
  if (!cell) return;
  const conflict = conflicts.get(cell.key);
  if (conflict) conflict.mine = readValues(fieldsOf(cell)); // still theirs to choose between
  else if (!bases.has(cell.key)) bases.set(cell.key, rowVersion(cell));
  refused.delete(cell.key); // typed again: its own save answers for it
});

// A field put back by script fires no "change" of its own when left: send it for it.
const restored = new WeakSet();
document.addEventListener("change", (event) => restored.delete(event.target), true);

editor?.addEventListener("focusout", (event) => {
  const cell = cellOf(event.target);
  if (!cell) return;
  const fields = fieldsOf(cell);
  if (!fields.includes(event.target)) return; // a field being swapped out
  const saved = same(readValues(fields), savedValues(fields));
  if (restored.has(event.target) && !saved) {
    restored.delete(event.target);
    event.target.dispatchEvent(new Event("change", { bubbles: true }));
  } else if (saved) {
    bases.delete(cell.key); // left as it was saved: nothing to check against later
  }
});

function cellOfRequest(detail) {
  // Worked out when the request is made: by its answer, a refresh may have replaced the field.
  if (detail.heldCell !== undefined) return detail.heldCell;
  if (detail.verb !== "post" || !detail.elt?.closest?.("[data-cells]")) return null;
  const source = detail.triggeringEvent?.target;
  detail.heldCell = cellOf(source?.name ? source : detail.elt);
  return detail.heldCell;
}

document.addEventListener("htmx:configRequest", (event) => {
  const detail = event.detail;
  // Rows post on "change" from any of their fields: tell the server which field it was.
  const source = detail.triggeringEvent?.target;
  if (source?.name && source !== detail.elt && detail.verb === "post") {
    detail.parameters.field = source.name;
  }
  const cell = cellOfRequest(detail);
  if (!cell) return;
  const conflict = conflicts.get(cell.key);
  if (conflict && !conflict.resolving) {
    // A refused edit waits for "Keep mine" or "Take theirs".
    event.preventDefault();
    return;
  }
  const base = bases.get(cell.key);
  if (base !== undefined && !conflict) detail.parameters.version = base;
  bases.delete(cell.key);
  const fields = fieldsOf(cell);
  pending.set(cell.key, { cell, fields, mine: readValues(fields) });
});

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  if (detail.requestConfig?.path === editor?.dataset.bodyUrl && (pending.size || searching())) {
    // A save is on its way (its answer goes into the fields it came from), or a name was typed
    // in the guest search after this refresh left (it would empty the results). The shown
    // revision did not move, so the poll refreshes once the save has landed or the search is done.
    detail.shouldSwap = false;
    return;
  }
  const cell = cellOfRequest(detail.requestConfig || {});
  const sent = cell && pending.get(cell.key);
  if (sent) {
    pending.delete(cell.key);
    if (detail.xhr.status === 409) {
      conflicts.set(cell.key, { cell, mine: sent.mine, resolving: false });
    } else if (detail.xhr.status < 300) {
      closeConflict(cell.key);
      refused.delete(cell.key);
      markSaved(fieldsOf(cell));
      advance = { row: cell.row, from: String(detail.requestConfig.parameters.version) };
    } else {
      if (conflicts.has(cell.key)) conflicts.get(cell.key).resolving = false;
      const slot = detail.xhr.getResponseHeader("HX-Retarget");
      if (detail.xhr.status === 422 && slot) {
        // An invalid value stays as typed, with its message, through later refreshes.
        refused.set(cell.key, { cell, mine: sent.mine, slot, message: null });
      }
    }
  }
  // The field being typed in, if this swap replaces it.
  const active = document.activeElement;
  const activeCell = cellOf(active);
  typing = null;
  if (activeCell && detail.target?.contains?.(active)) {
    const fields = fieldsOf(activeCell);
    if (!same(readValues(fields), savedValues(fields))) {
      typing = {
        element: active,
        cell: activeCell,
        mine: readValues(fields),
        index: fields.indexOf(active),
        start: active.selectionStart,
        end: active.selectionEnd,
      };
    }
  }
});

function replaced(elements) {
  return elements.some((element) => !element.isConnected);
}

function putBack() {
  if (advance) {
    // Fields of that row being typed in started from the version before our own save: that
    // change was ours, so they now start from the version after it.
    const row = document.getElementById(advance.row);
    const now = row?.querySelector("input[type=hidden][name=version]")?.value;
    for (const [key, version] of bases) {
      if (now && key.startsWith(`${advance.row} `) && version === advance.from) bases.set(key, now);
    }
    advance = null;
  }
  // Only into fields a swap replaced: one still on the page holds what is typed in it now.
  for (const sent of pending.values()) {
    if (!replaced(sent.fields)) continue;
    sent.fields = fieldsOf(sent.cell);
    writeValues(sent.fields, sent.mine);
  }
  if (typing && !replaced([typing.element])) typing = null;
  if (typing) {
    const fields = fieldsOf(typing.cell);
    writeValues(fields, typing.mine);
    const field = fields[typing.index];
    if (field) restored.add(field);
    if (field && document.activeElement !== field) {
      field.focus({ preventScroll: true });
      try {
        field.setSelectionRange(typing.start, typing.end);
      } catch {
        // not a text field
      }
    }
    typing = null;
  }
  for (const [key, held] of refused) {
    const fields = fieldsOf(held.cell);
    if (!fields.length) {
      refused.delete(key); // its row was deleted
      continue;
    }
    const slot = document.querySelector(held.slot);
    if (held.message === null) held.message = slot?.textContent || "";
    else if (slot && !slot.textContent) slot.textContent = held.message;
    if (!fields.includes(document.activeElement) && !same(readValues(fields), held.mine)) {
      writeValues(fields, held.mine);
    }
  }
  const orphans = [];
  for (const conflict of conflicts.values()) {
    const fields = fieldsOf(conflict.cell);
    if (!fields.length) {
      orphans.push(conflict);
      continue;
    }
    if (!conflict.resolving) writeValues(fields, conflict.mine);
    showNotice(conflict, fields);
  }
  showOrphans(orphans);
}

function noticeId(cell) {
  return `conflict-${cell.key.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
}

function showNotice(conflict, fields) {
  const id = noticeId(conflict.cell);
  let notice = document.getElementById(id);
  if (!notice) {
    notice = document.createElement("div");
    notice.id = id;
    notice.className = "conflict-notice";
    notice.setAttribute("role", "alert");
    notice.dataset.testid = "conflict";
    const text = document.createElement("p");
    text.className = "conflict-text";
    text.textContent = "Not saved: someone else changed this while you were editing. What you wrote is still in the field.";
    const theirs = document.createElement("p");
    theirs.className = "conflict-theirs";
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button small";
    keep.dataset.conflictKeep = conflict.cell.key;
    keep.textContent = "Keep mine";
    const take = document.createElement("button");
    take.type = "button";
    take.className = "button small";
    take.dataset.conflictTake = conflict.cell.key;
    take.textContent = "Take theirs";
    notice.append(text, theirs, keep, take);
    const last = fields[fields.length - 1];
    (last.closest(".addressees") || last).after(notice);
  }
  const theirs = `Saved now: “${shownText(fields, savedValues(fields))}”`;
  const line = notice.querySelector(".conflict-theirs");
  if (line.textContent !== theirs) line.textContent = theirs;
  fields.forEach((field) => (field.dataset.held = "conflict"));
}

function showOrphans(orphans) {
  let box = document.getElementById("conflict-orphans");
  if (!orphans.length) {
    box?.remove();
    return;
  }
  const status = document.getElementById("editor-status");
  if (!box && status) {
    box = document.createElement("div");
    box.id = "conflict-orphans";
    box.className = "conflict-notice";
    box.setAttribute("role", "alert");
    status.after(box);
  }
  if (!box) return;
  const lines = orphans.map((conflict) => {
    const line = document.createElement("p");
    const words = conflict.mine.filter((value) => typeof value === "string" && value !== "").join(" ");
    line.textContent = `Not saved, because someone else deleted what it belonged to: “${words}”. Copy it before you dismiss this.`;
    return line;
  });
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "button small";
  dismiss.dataset.conflictDismiss = "";
  dismiss.textContent = "Dismiss";
  box.replaceChildren(...lines, dismiss);
}

function closeConflict(key) {
  const conflict = conflicts.get(key);
  if (!conflict) return;
  conflicts.delete(key);
  document.getElementById(noticeId(conflict.cell))?.remove();
  fieldsOf(conflict.cell).forEach((field) => delete field.dataset.held);
}

document.addEventListener("htmx:afterSwap", putBack);
document.addEventListener("htmx:afterSettle", putBack);

document.addEventListener("click", (event) => {
  const keep = event.target.closest?.("[data-conflict-keep]");
  const take = event.target.closest?.("[data-conflict-take]");
  if (keep) {
    // Save what was typed against the version now on screen (the one "Saved now" shows).
    const conflict = conflicts.get(keep.dataset.conflictKeep);
    const fields = conflict ? fieldsOf(conflict.cell) : [];
    if (!fields.length) return;
    conflict.resolving = true;
    writeValues(fields, conflict.mine);
    fields[0].dispatchEvent(new Event("change", { bubbles: true }));
  } else if (take) {
    const key = take.dataset.conflictTake;
    const conflict = conflicts.get(key);
    if (!conflict) return;
    const fields = fieldsOf(conflict.cell);
    writeValues(fields, savedValues(fields));
    closeConflict(key);
    bases.delete(key);
    fields[0]?.focus();
  } else if (event.target.closest?.("[data-conflict-dismiss]")) {
    for (const [key, conflict] of conflicts) {
      if (!fieldsOf(conflict.cell).length) conflicts.delete(key);
    }
    showOrphans([]);
  }
});

// A save that got no answer to swap (a network failure, a refused request) holds nothing.
document.addEventListener("htmx:afterRequest", (event) => {
  const cell = cellOfRequest(event.detail.requestConfig || {});
  if (!cell) return;
  setTimeout(poll, 50);
  if (!pending.has(cell.key)) return;
  pending.delete(cell.key);
  if (conflicts.has(cell.key)) conflicts.get(cell.key).resolving = false;
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
