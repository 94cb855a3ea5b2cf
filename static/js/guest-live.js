// A guest's episode page during the show: what is on (live.js) and when they are up.
import { isLive, remainingMs, State } from "./clock.js";
import { currentState, serverNow } from "./live.js";

const line = document.querySelector('[data-field="you-are-up"]');
const panel = document.querySelector("[data-live]");
const SOON_MS = 60 * 60 * 1000;

// The live panel is there while the show (or a rehearsal) runs, and in the hour before it.
export function panelShown(s, now) {
  if (!s) return false;
  if (isLive(s)) return true;
  return s.state === State.READY && s.scheduled_start != null && s.scheduled_start - now < SOON_MS;
}

function minutes(ms) {
  if (ms < 60000) return "less than a minute";
  const n = Math.ceil(ms / 60000);
  return `${n} min`;
}

export function upText(s, now) {
  if (!s || s.state === State.ENDED) return "";
  const mine = (segment) => segment && s.segments.find((x) => x.id === segment.id)?.mine;
  if (!s.segments.some((x) => x.mine)) return "";
  let wait;
  let rest;
  if (s.segment && s.state !== State.READY) {
    if (mine(s.segment)) return "You're on now";
    wait = Math.max(0, remainingMs(s, now) ?? 0);
    rest = s.segments.slice(s.segments.findIndex((x) => x.id === s.segment.id) + 1);
  } else {
    wait = s.scheduled_start == null ? 0 : Math.max(0, s.scheduled_start - now);
    rest = s.segments;
  }
  for (const segment of rest) {
    if (segment.mine) return wait === 0 ? "You're up next" : `You're up in ${minutes(wait)}`;
    wait += segment.planned_ms ?? 0;
  }
  return "";
}

function update() {
  const s = currentState();
  const now = serverNow();
  const text = upText(s, now);
  if (line && line.textContent !== text) line.textContent = text;
  const shown = panelShown(s, now);
  if (panel && panel.hidden === shown) panel.hidden = !shown;
}

document.addEventListener("live:state", update);
document.addEventListener("live:flip", update);
setInterval(update, 1000);
