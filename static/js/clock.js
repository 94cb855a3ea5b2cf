// The live timer's display rules: pure arithmetic on the anchors a screen is sent and `now`.
//
// No DOM, no clock reads, no network: every screen (the host's timer, the caller's page, a
// guest's page, the stream graphics) imports these, and `tests/js/clock.test.mjs` checks them
// over a table of fixed-`now` cases with Node's own test runner. The server keeps only what its
// API reports (remaining, elapsed, phase: `episodes/live_clock.py`).
//
// Countdowns round up (a timer reads 0:01 until the last millisecond is gone); count-ups round
// down (overtime reads +0:00 for its first second).

// The live states, as the server names them (`episodes.live_clock.State`).
export const State = Object.freeze({
  READY: "ready",
  RUNNING: "running",
  PAUSED: "paused",
  ENDED: "ended",
});

export const Phase = Object.freeze({
  NORMAL: "normal",
  WARNING: "warning",
  DANGER: "danger",
  OVERTIME: "overtime",
  ENDED: "ended",
});

// Running or paused: a segment is on air.
export const isLive = (s) => s.state === State.RUNNING || s.state === State.PAUSED;

// -- the current segment ----------------------------------------------------------------------

// Milliseconds the current segment has been on air, pauses left out.
export function elapsedMs(s, now) {
  const seg = s.segment;
  if (!seg || seg.started_at == null) return 0;
  const until = seg.paused_at ?? (s.state === State.ENDED && s.ended_at ? s.ended_at : now);
  return Math.max(0, until - seg.started_at - seg.paused_ms);
}

// Milliseconds left in the current segment (negative: overtime); null when it has no plan.
export function remainingMs(s, now) {
  const seg = s.segment;
  if (!seg || seg.planned_ms == null) return null;
  return seg.planned_ms + seg.added_ms - elapsedMs(s, now);
}

export function phaseOf(s, remaining) {
  if (remaining == null) return Phase.NORMAL;
  if (remaining < 0) return Phase.OVERTIME;
  if (remaining <= s.segment.danger_ms) return Phase.DANGER;
  if (remaining <= s.segment.warning_ms) return Phase.WARNING;
  return Phase.NORMAL;
}

// -- words and digits -------------------------------------------------------------------------

export function clockText(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}

// "4:59" counting down, "+0:07" past zero.
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

// "On air" only while the clock runs; a pause says so in words, not only by dimmer digits.
export function modeText(s) {
  const paused = s.state === State.PAUSED;
  if (s.rehearsal) return paused ? "Rehearsal paused" : "Rehearsal";
  return { ready: "Not started", running: "On air", paused: "Paused", ended: "Off air" }[s.state] ?? "";
}

// -- the show as a whole ----------------------------------------------------------------------

// Behind (positive) or ahead (negative) of the plan: finished segments count their actual time
// against their plan; the running one only once it has run past its plan.
export function overUnderMs(s, now) {
  const seg = s.segment;
  const overrun = isLive(s) && seg && seg.planned_ms != null ? Math.max(0, elapsedMs(s, now) - seg.planned_ms) : 0;
  return s.finished_delta_ms + overrun;
}

// When the show ends if the rest runs to plan (an instant on the server's clock), or null.
export function projectedEndMs(s, now) {
  if (s.state === State.ENDED) return s.ended_at ?? null;
  if (!isLive(s)) return null;
  return now + Math.max(0, remainingMs(s, now) ?? 0) + s.following_planned_ms;
}

export function showElapsedMs(s, now) {
  if (s.show_started_at == null) return null;
  const until = s.state === State.ENDED && s.ended_at ? s.ended_at : now;
  return Math.max(0, until - s.show_started_at);
}

// -- what a timer screen shows ----------------------------------------------------------------

// Every figure of the timer at `now`, as text: the screens only put these on the page.
export function timerView(s, now) {
  const view = { display: "--:--", phase: Phase.NORMAL, progress: 0, title: "", planned: "", owner: "" };
  if (s.segment && s.state !== State.READY) {
    const remaining = remainingMs(s, now);
    const elapsed = elapsedMs(s, now);
    const planned = s.segment.planned_ms == null ? null : s.segment.planned_ms + s.segment.added_ms;
    view.display = remaining == null ? clockText(Math.floor(elapsed / 1000)) : countdown(remaining);
    view.phase = s.state === State.ENDED ? Phase.ENDED : phaseOf(s, remaining);
    view.progress = planned ? Math.min(1, elapsed / planned) : 0;
    view.title = s.state === State.ENDED ? "Off air" : s.segment.title;
    view.planned = planned == null ? "no planned time" : `of ${clockText(Math.round(planned / 1000))}`;
    view.owner = s.segment.owner ? `led by ${s.segment.owner}` : "";
  } else {
    const first = s.next;
    const untilStart = s.scheduled_start == null ? null : s.scheduled_start - now;
    if (untilStart != null) {
      view.display = untilStart > 0 ? waitText(untilStart) : `+${clockText(Math.floor(-untilStart / 1000))}`;
    }
    view.title = first ? `Up first: ${first.title}` : "No segments";
    view.planned = untilStart == null ? "no air time set" : untilStart > 0 ? "until the scheduled start" : "past the scheduled start";
  }
  const next = s.segment ? s.next : (s.segments?.[1] ?? null);
  view.nextTitle = next ? next.title : "—";
  view.nextPlanned = next && next.planned_ms != null ? clockText(Math.round(next.planned_ms / 1000)) : "";
  const overUnder = overUnderMs(s, now);
  view.overUnderMs = overUnder;
  view.overUnder = s.state === State.READY ? "—" : overUnderText(overUnder);
  view.projectedEndMs = projectedEndMs(s, now);
  const shown = showElapsedMs(s, now);
  view.showElapsed = shown == null ? "—" : clockText(Math.floor(shown / 1000));
  const hardOut = s.hard_out == null ? null : s.hard_out - now;
  view.hardOut = hardOut == null ? null : hardOut > 0 ? clockText(Math.ceil(hardOut / 1000)) : `passed ${clockText(Math.floor(-hardOut / 1000))} ago`;
  return view;
}

// Milliseconds from `now` to the next instant the display changes: the next whole second of the
// countdown (or count-up), so every screen flips at the same moment, not on a free-running tick.
export function nextFlipMs(s, now) {
  if (s.state === State.RUNNING && s.segment) {
    const remaining = remainingMs(s, now);
    if (remaining != null && remaining > 0) return remaining - (Math.ceil(remaining / 1000) - 1) * 1000;
    const over = remaining == null ? elapsedMs(s, now) : -remaining;
    return (Math.floor(over / 1000) + 1) * 1000 - over;
  }
  if (s.state === State.READY && s.scheduled_start != null) {
    const until = s.scheduled_start - now;
    return until > 0 ? until - (Math.ceil(until / 1000) - 1) * 1000 : 1000;
  }
  return 1000;
}

// -- messages from the show caller -------------------------------------------------------------

// A message shows until it is cleared or expires (a set time, or its segment ending).
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
