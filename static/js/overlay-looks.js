// The settings page's preview of the stream graphics: as the looks form changes, the framed
// overlay (same origin, preview mode) takes a stylesheet made from the unsaved values. The
// server makes it with the same form that saves them, so the preview is what will be saved.

const form = document.querySelector("[data-looks-form]");
const frame = document.querySelector("[data-looks-preview]");

function previewLooks() {
  const doc = frame?.contentDocument;
  const link = [...(doc?.querySelectorAll("link[data-looks]") ?? [])].at(-1); // the newest
  if (!link) return;
  const url = new URL(link.href);
  for (const [name, value] of new FormData(form)) {
    if (name.startsWith("overlay_")) url.searchParams.set(name, value);
  }
  if (url.href !== link.href) {
    const next = link.cloneNode();
    next.href = url.href;
    next.addEventListener("load", () => dropBefore(next), { once: true });
    link.after(next);
  }
  const side = form.elements.overlay_side?.value;
  const canvas = doc.querySelector(".overlay-canvas");
  if (canvas && side) canvas.dataset.side = side;
}

function dropBefore(link) {
  // The ones before it are older looks: this one now decides.
  for (const older of link.ownerDocument.querySelectorAll("link[data-looks]")) {
    if (older === link) break;
    older.remove();
  }
}

let timer = null;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(previewLooks, 120);
}

if (form && frame) {
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  // A form sent back with an error keeps what was typed: show that in the preview too.
  frame.addEventListener("load", previewLooks);
}
