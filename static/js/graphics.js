// Which stream graphic is on screen at `now`: pure rules on the overlay's state, no DOM.
//
// Every overlay (and the caller's graphics strip, for its tally) decides from the same state
// (episodes/overlays.py `overlay_view`) and the same clock, so they all agree. Each graphic has
// a mode on the live row: "auto" (it follows the show), "in" (held on screen) or "out".
// The bottom of the screen holds one graphic at a time: the question being asked, else a
// lower third, else the news item.

import { clockText, isLive, State, timerView, waitText, showElapsedMs } from "./clock.js";

export const GAP_MS = 1000; // between two guests' lower thirds in the intro

const HOSTS = new Set(["host", "co_host"]);

function personOf(s, id) {
  return (s.people ?? []).find((p) => p.id === id) ?? null;
}

function guestsOf(s) {
  return (s.people ?? []).filter((p) => !HOSTS.has(p.role));
}

// The lower third the show brings in by itself: the segment's owner for `hold_ms` once it
// starts; in the intro, each guest in turn.
export function autoLowerThird(s, now) {
  const seg = s.segment;
  if (!seg || !isLive(s) || seg.started_at == null) return null;
  const since = now - seg.started_at;
  if (since < 0) return null;
  const hold = s.hold_ms ?? 8000;
  const guests = guestsOf(s);
  if (seg.kind === "intro" && guests.length) {
    const turn = Math.floor(since / (hold + GAP_MS));
    if (turn >= guests.length || since - turn * (hold + GAP_MS) >= hold) return null;
    return guests[turn];
  }
  return since < hold ? personOf(s, seg.owner_id) : null;
}

// The person a lower third taken in by hand shows: the segment's owner, else the first guest.
export function heldLowerThird(s) {
  return personOf(s, s.segment?.owner_id) ?? guestsOf(s)[0] ?? (s.people ?? [])[0] ?? null;
}

// Milliseconds until the automatic lower third next changes (for the next redraw), or null.
export function nextChangeMs(s, now) {
  const seg = s.segment;
  if (!seg || !isLive(s) || seg.started_at == null) return null;
  const since = now - seg.started_at;
  const hold = s.hold_ms ?? 8000;
  const step = seg.kind === "intro" ? hold + GAP_MS : Infinity;
  const turn = Number.isFinite(step) ? Math.floor(since / step) : 0;
  const start = turn * (Number.isFinite(step) ? step : 0);
  const edges = [start + hold, start + step].filter((edge) => edge > since);
  return edges.length ? Math.min(...edges) - since : null;
}

function want(s, name, auto) {
  const mode = s.modes?.[name] ?? "auto";
  return mode === "in" ? true : mode === "out" ? false : auto;
}

// Every graphic on screen at `now`, by name, with what it shows.
export function onAirNow(s, now) {
  const shown = {};
  if (!s) return shown;
  const live = isLive(s);
  if (want(s, "starting_soon", s.state === State.READY)) {
    const until = s.scheduled_start == null ? null : s.scheduled_start - now;
    shown.starting_soon = {
      countdown: until == null ? "" : until > 0 ? waitText(until) : "Any moment now",
      people: s.people ?? [],
    };
  }
  if (want(s, "end_card", s.state === State.ENDED)) {
    shown.end_card = { next: s.next_episode };
  }
  if (shown.starting_soon || shown.end_card) return shown; // full screen: nothing over it
  if (s.asking && want(s, "caption", live)) {
    shown.caption = s.asking;
  } else {
    const mode = s.modes?.lower_third ?? "auto";
    const person = mode === "in" ? heldLowerThird(s) : mode === "out" ? null : autoLowerThird(s, now);
    if (person) shown.lower_third = person;
    else if (s.news && want(s, "news", live)) shown.news = s.news;
  }
  if (s.segment && want(s, "now_next", live)) {
    shown.now_next = { now: s.segment.title, next: s.next ? s.next.title : "" };
  }
  if (want(s, "clock", live && Boolean(s.segment))) {
    const view = timerView(s, now);
    const elapsed = showElapsedMs(s, now);
    shown.clock = {
      segment: view.display,
      phase: view.phase,
      show: elapsed == null ? "0:00" : clockText(Math.floor(elapsed / 1000)),
    };
  }
  return shown;
}
