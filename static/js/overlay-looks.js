// The settings page's preview of the stream graphics: as the looks form changes, the framed
// overlay (same origin, preview mode) takes a stylesheet made from the unsaved values. The
// server makes it with the same form that saves them, so the preview is what will be saved.

import { newestLooks, useLooks } from "./looks-link.js";

const form = document.querySelector("[data-looks-form]");
const frame = document.querySelector("[data-looks-preview]");

function previewLooks() {
  const doc = frame?.contentDocument;
  const link = doc && newestLooks(doc);
  if (!link) return;
  const url = new URL(link.href);
  for (const [name, value] of new FormData(form)) {
    if (name.startsWith("overlay_")) url.searchParams.set(name, value);
  }
  useLooks(doc, url.href);
  const side = form.elements.overlay_side?.value;
  const canvas = doc.querySelector(".overlay-canvas");
  if (canvas && side) canvas.dataset.side = side;
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
