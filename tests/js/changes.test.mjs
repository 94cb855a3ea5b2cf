// A live change applied to a screen's state (static/js/changes.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { applyChange } from "../../static/js/changes.js";

const state = {
  episode: 1,
  revision: 7,
  version: 3,
  state: "running",
  message: null,
  next: { id: 12, title: "News" },
  segment: { id: 11, title: "Intro", paused_at: null, paused_ms: 0, questions: [{ id: 5, status: "open" }] },
  segments: [
    { id: 11, title: "Intro", played: false, actual_ms: null },
    { id: 12, title: "News", played: false, actual_ms: null },
  ],
};

test("a pause moves the segment's anchors and the state, and nothing else", () => {
  const change = { episode: 1, base: 7, revision: 8, version: 4, set: { state: "paused" }, segment: { paused_at: 1000 } };
  const next = applyChange(state, change);
  assert.equal(next.state, "paused");
  assert.equal(next.segment.paused_at, 1000);
  assert.equal(next.segment.title, "Intro");
  assert.deepEqual(next.segment.questions, state.segment.questions);
  assert.equal(next.segments, state.segments);
  assert.equal(state.state, "running", "the state before is left as it was");
});

test("the next segment replaces the current one and marks the row played", () => {
  const change = {
    episode: 1,
    base: 7,
    revision: 8,
    version: 4,
    set: { segment: { id: 12, title: "News", questions: [] }, next: null },
    segments: { 11: { played: true, actual_ms: 61000 } },
  };
  const next = applyChange(state, change);
  assert.equal(next.segment.id, 12);
  assert.equal(next.next, null);
  assert.deepEqual(next.segments[0], { id: 11, title: "Intro", played: true, actual_ms: 61000 });
  assert.equal(next.segments[1], state.segments[1]);
});

test("a message comes with its own text", () => {
  const next = applyChange(state, { episode: 1, base: 7, revision: 8, version: 3, set: { message: { id: 9, text: "Wrap up" } } });
  assert.equal(next.message.text, "Wrap up");
  assert.equal(next.version, 3);
});

test("a change for another state than the one held is not applied", () => {
  assert.equal(applyChange(state, { base: 6, revision: 8, version: 4 }), null);
  assert.equal(applyChange(null, { base: 7, revision: 8, version: 4 }), null);
  assert.equal(applyChange({ ...state, segment: null }, { base: 7, revision: 8, version: 4, segment: { paused_at: 1 } }), null);
});
