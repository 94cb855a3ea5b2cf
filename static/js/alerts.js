// When a screen alerts (a beep and a flash): a pure rule on two successive views of the show.
//
// No DOM, no clock reads: static/js/alerts-ui.js calls `alertFor` with what it saw last time
// and what it sees now, and `tests/js/alerts.test.mjs` checks the rule with `node --test`.
//
// A view is `{ segment, phase, message }`: the current segment's id (null before the show),
// its phase (clock.js `Phase`) and the id of the message showing on this screen (null: none).
// The first view a screen takes (previous is null) never alerts: opening a page mid-segment,
// or reloading one, is not news.

import { Phase, phaseOf, remainingMs, messageShowing, isLive } from "./clock.js";

export const Alert = Object.freeze({ MESSAGE: "message", ZERO: "zero", WARNING: "warning" });

const RANK = { [Phase.NORMAL]: 0, [Phase.WARNING]: 1, [Phase.DANGER]: 1, [Phase.OVERTIME]: 2, [Phase.ENDED]: -1 };

// What this screen shows now, as far as alerts go.
export function alertView(s, now) {
  if (!s) return null;
  const live = isLive(s) && s.segment;
  const message = messageShowing(s.message, now) ? s.message.id : null;
  return {
    segment: live ? s.segment.id : null,
    phase: live ? phaseOf(s, remainingMs(s, now)) : Phase.NORMAL,
    message,
  };
}

// Which alert, if any, going from `previous` to `current`: a new message first, then the
// countdown reaching zero, then entering the warning (or danger) time. Staying in a phase,
// going back to an earlier one (time added, the next segment) or ending the show says nothing.
export function alertFor(previous, current) {
  if (!previous || !current) return null;
  if (current.message != null && current.message !== previous.message) return Alert.MESSAGE;
  if (current.segment == null) return null;
  const before = previous.segment === current.segment ? (RANK[previous.phase] ?? 0) : 0;
  const after = RANK[current.phase] ?? 0;
  if (after <= before) return null;
  return after === 2 ? Alert.ZERO : Alert.WARNING;
}
