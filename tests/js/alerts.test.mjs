// When a screen alerts (static/js/alerts.js): the rule over pairs of views, and the views
// taken from fixed-`now` states.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Alert, alertFor, alertView } from "../../static/js/alerts.js";

const view = (phase, { segment = 1, message = null } = {}) => ({ segment, phase, message });

describe("alertFor", () => {
  const cases = [
    ["the first view never alerts", null, view("warning"), null],
    ["no current view", view("normal"), null, null],
    ["staying normal", view("normal"), view("normal"), null],
    ["entering the warning time", view("normal"), view("warning"), Alert.WARNING],
    ["straight into danger counts as the warning", view("normal"), view("danger"), Alert.WARNING],
    ["warning to danger is the same alert, not again", view("warning"), view("danger"), null],
    ["reaching zero from danger", view("danger"), view("overtime"), Alert.ZERO],
    ["reaching zero from normal (time taken away)", view("normal"), view("overtime"), Alert.ZERO],
    ["staying in overtime", view("overtime"), view("overtime"), null],
    ["time added: back to normal", view("warning"), view("normal"), null],
    ["time added out of overtime", view("overtime"), view("warning"), null],
    ["the next segment starts normal", view("overtime"), view("normal", { segment: 2 }), null],
    ["the next segment starts in its warning", view("warning"), view("warning", { segment: 2 }), Alert.WARNING],
    ["the show starts", view("normal", { segment: null }), view("normal"), null],
    ["the show ends", view("overtime"), view("normal", { segment: null }), null],
    ["a message arrives", view("normal"), view("normal", { message: 7 }), Alert.MESSAGE],
    ["a message arrives before the show", view("normal", { segment: null }), view("normal", { segment: null, message: 7 }), Alert.MESSAGE],
    ["the same message still showing", view("normal", { message: 7 }), view("normal", { message: 7 }), null],
    ["a message cleared", view("normal", { message: 7 }), view("normal"), null],
    ["a new message replaces one", view("normal", { message: 7 }), view("normal", { message: 8 }), Alert.MESSAGE],
    ["a message and zero at once: the message", view("danger"), view("overtime", { message: 9 }), Alert.MESSAGE],
  ];
  for (const [name, previous, current, expected] of cases) {
    test(name, () => assert.equal(alertFor(previous, current), expected));
  }
});

describe("alertView", () => {
  const T0 = Date.UTC(2026, 2, 3, 17, 0, 0);
  const state = (overrides = {}) => ({
    state: "running",
    rehearsal: false,
    message: null,
    segment: { id: 4, started_at: T0, paused_at: null, paused_ms: 0, planned_ms: 300000, added_ms: 0, warning_ms: 120000, danger_ms: 60000 },
    ...overrides,
  });

  test("no state yet", () => assert.equal(alertView(null, T0), null));
  test("normal, warning, overtime as the segment runs", () => {
    assert.deepEqual(alertView(state(), T0 + 1000), { segment: 4, phase: "normal", message: null });
    assert.deepEqual(alertView(state(), T0 + 181000), { segment: 4, phase: "warning", message: null });
    assert.deepEqual(alertView(state(), T0 + 301000), { segment: 4, phase: "overtime", message: null });
  });
  test("before the show there is no segment", () => {
    assert.deepEqual(alertView(state({ state: "ready" }), T0), { segment: null, phase: "normal", message: null });
  });
  test("a message showing, and one expired", () => {
    const message = { id: 3, expires_at: T0 + 5000 };
    assert.equal(alertView(state({ message }), T0 + 1000).message, 3);
    assert.equal(alertView(state({ message }), T0 + 6000).message, null);
  });
  test("a run crossing into the warning alerts once", () => {
    const s = state();
    const seen = [];
    let previous = null;
    for (let t = T0; t <= T0 + 310000; t += 1000) {
      const current = alertView(s, t);
      const alert = alertFor(previous, current);
      if (alert) seen.push([alert, (t - T0) / 1000]);
      previous = current;
    }
    assert.deepEqual(seen, [[Alert.WARNING, 180], [Alert.ZERO, 301]]);
  });
});
