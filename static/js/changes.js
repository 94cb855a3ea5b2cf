// A live change applied to the state a screen holds: pure, no DOM (tests/js/changes.test.mjs).
//
// After a command the server sends each screen only what changed (episodes/onair.py
// `changes`): the values that differ from the state before (`base`), the current segment's
// fields that moved, the rows of the run-sheet whose figures moved. A screen that holds
// another state missed something, and asks for the whole (null here).

export function applyChange(state, change) {
  if (!state || change.base !== state.revision) return null;
  if (change.segment && !state.segment) return null;
  const next = { ...state, ...(change.set ?? {}), version: change.version, revision: change.revision };
  if (change.segment) next.segment = { ...state.segment, ...change.segment };
  if (change.segments) {
    next.segments = state.segments.map((row) => (change.segments[row.id] ? { ...row, ...change.segments[row.id] } : row));
  }
  return next;
}
