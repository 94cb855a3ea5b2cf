// The timer's display rules (static/js/clock.js) over a table of fixed-`now` cases.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  ageText,
  clockText,
  countdown,
  elapsedMs,
  isLive,
  messageShowing,
  modeText,
  nextFlipMs,
  overUnderMs,
  overUnderText,
  Phase,
  phaseOf,
  projectedEndMs,
  remainingMs,
  showElapsedMs,
  State,
  timerView,
  waitText,
} from "../../static/js/clock.js";

const T0 = Date.UTC(2026, 2, 3, 17, 0, 0);
const at = (seconds) => T0 + seconds * 1000;

// A show on air since T0, in a five-minute segment with warnings at 2:00 and 1:00.
function running(overrides = {}, segment = {}) {
  return {
    state: State.RUNNING,
    rehearsal: false,
    show_started_at: T0,
    ended_at: null,
    finished_delta_ms: 0,
    following_planned_ms: 600_000,
    scheduled_start: T0,
    hard_out: null,
    next: { id: 2, title: "News", planned_ms: 600_000 },
    segments: [],
    segment: {
      id: 1,
      title: "Intro",
      owner: "Ana",
      started_at: T0,
      paused_at: null,
      paused_ms: 0,
      added_ms: 0,
      planned_ms: 300_000,
      warning_ms: 120_000,
      danger_ms: 60_000,
      ...segment,
    },
    ...overrides,
  };
}

describe("the segment's countdown", () => {
  const cases = [
    // [seconds since the start, what the timer reads]
    [0, "5:00"],
    [0.001, "5:00"],
    [1, "4:59"],
    [90, "3:30"],
    [299.999, "0:01"],
    [300, "+0:00"],
    [300.999, "+0:00"],
    [301, "+0:01"],
    [300 + 3723, "+1:02:03"],
  ];
  for (const [seconds, shown] of cases) {
    test(`at ${seconds} s it reads ${shown}`, () => {
      assert.equal(timerView(running(), at(seconds)).display, shown);
    });
  }

  test("no planned time: it counts up, rounded down", () => {
    const s = running({}, { planned_ms: null });
    assert.equal(remainingMs(s, at(10)), null);
    assert.equal(timerView(s, at(3723.4)).display, "1:02:03");
    assert.equal(timerView(s, at(3723.4)).planned, "no planned time");
  });

  test("a pause stops the clock where it was; paused time is left out after a resume", () => {
    const paused = running({ state: State.PAUSED }, { paused_at: at(60) });
    assert.equal(elapsedMs(paused, at(60)), 60_000);
    assert.equal(elapsedMs(paused, at(500)), 60_000);
    const resumed = running({}, { paused_ms: 40_000 });
    assert.equal(elapsedMs(resumed, at(130)), 90_000);
  });

  test("added time lengthens the segment; taken time shortens it", () => {
    assert.equal(remainingMs(running({}, { added_ms: 60_000 }), at(10)), 350_000);
    assert.equal(remainingMs(running({}, { added_ms: -60_000 }), at(20)), 220_000);
  });

  test("an ended show stops at its end", () => {
    const ended = running({ state: State.ENDED, ended_at: at(40) });
    assert.equal(elapsedMs(ended, at(999)), 40_000);
    assert.equal(timerView(ended, at(999)).phase, Phase.ENDED);
    assert.equal(timerView(ended, at(999)).title, "Off air");
  });

  test("progress is the share of the planned time gone, never past the end", () => {
    assert.equal(timerView(running(), at(150)).progress, 0.5);
    assert.equal(timerView(running(), at(900)).progress, 1);
  });
});

describe("phases", () => {
  const cases = [
    [600_000, Phase.NORMAL],
    [120_001, Phase.NORMAL],
    [120_000, Phase.WARNING],
    [60_001, Phase.WARNING],
    [60_000, Phase.DANGER],
    [0, Phase.DANGER],
    [-1, Phase.OVERTIME],
    [null, Phase.NORMAL],
  ];
  for (const [left, phase] of cases) {
    test(`${left} ms left is ${phase}`, () => assert.equal(phaseOf(running(), left), phase));
  }
});

describe("the show as a whole", () => {
  test("over/under counts finished segments and only the running one's overage", () => {
    const s = running({ finished_delta_ms: 30_000 });
    assert.equal(overUnderMs(s, at(120)), 30_000);
    assert.equal(overUnderMs(s, at(320)), 50_000);
    assert.equal(overUnderMs(running({ finished_delta_ms: -45_000 }, { planned_ms: null }), at(999)), -45_000);
    assert.equal(overUnderMs(running({ state: State.READY, finished_delta_ms: 0 }), at(999)), 0);
  });

  test("the projected end: what is left of this segment plus the plan after it", () => {
    assert.equal(projectedEndMs(running(), at(100)), at(100 + 200 + 600));
    assert.equal(projectedEndMs(running(), at(400)), at(400 + 600)); // in overtime
    assert.equal(projectedEndMs(running({ state: State.READY }), at(0)), null);
    assert.equal(projectedEndMs(running({ state: State.ENDED, ended_at: at(50) }), at(90)), at(50));
  });

  test("show elapsed, and the hard out", () => {
    assert.equal(showElapsedMs(running(), at(400)), 400_000);
    assert.equal(showElapsedMs(running({ show_started_at: null }), at(400)), null);
    assert.equal(timerView(running({ hard_out: at(3600) }), at(400)).hardOut, "53:20");
    assert.equal(timerView(running({ hard_out: at(300) }), at(400)).hardOut, "passed 1:40 ago");
    assert.equal(timerView(running(), at(400)).hardOut, null);
  });

  test("before the show: the wait until the scheduled start", () => {
    const ready = { ...running({ state: State.READY, show_started_at: null }), segment: null };
    assert.equal(timerView(ready, at(-600)).display, "10:00");
    assert.equal(timerView(ready, at(-600)).title, "Up first: News");
    assert.equal(timerView(ready, at(100)).display, "+1:40");
    assert.equal(timerView(ready, at(100)).planned, "past the scheduled start");
    assert.equal(timerView({ ...ready, scheduled_start: null }, at(0)).display, "--:--");
    assert.equal(timerView(ready, at(-600)).overUnder, "—");
  });
});

describe("words", () => {
  test("clock text", () => {
    assert.equal(clockText(0), "0:00");
    assert.equal(clockText(59), "0:59");
    assert.equal(clockText(3600), "1:00:00");
    assert.equal(clockText(3723), "1:02:03");
  });

  test("countdowns round up, overtime rounds down", () => {
    assert.equal(countdown(1), "0:01");
    assert.equal(countdown(0), "+0:00");
    assert.equal(countdown(-1999), "+0:01");
  });

  test("over and under, as people say it", () => {
    assert.equal(overUnderText(130_000), "2:10 over");
    assert.equal(overUnderText(-479_000), "7:59 under");
    assert.equal(overUnderText(400), "on time");
  });

  test("a long wait in days and hours", () => {
    assert.equal(waitText(86_399_000), "23:59:59");
    assert.equal(waitText(86_400_000), "1 day");
    assert.equal(waitText((6 * 24 + 22) * 3_600_000), "6 days 22 hours");
    assert.equal(waitText((24 + 1) * 3_600_000), "1 day 1 hour");
  });

  test("the mode says a pause and a rehearsal in words", () => {
    assert.equal(modeText({ state: State.READY }), "Not started");
    assert.equal(modeText({ state: State.RUNNING }), "On air");
    assert.equal(modeText({ state: State.PAUSED }), "Paused");
    assert.equal(modeText({ state: State.ENDED }), "Off air");
    assert.equal(modeText({ state: State.PAUSED, rehearsal: true }), "Rehearsal paused");
    assert.equal(modeText({ state: State.RUNNING, rehearsal: true }), "Rehearsal");
  });

  test("live is running or paused", () => {
    assert.deepEqual(
      Object.values(State).filter((state) => isLive({ state })),
      [State.RUNNING, State.PAUSED],
    );
  });
});

describe("the next flip", () => {
  const cases = [
    // [seconds since the start, ms until the display changes]
    [0, 1000],
    [0.25, 750],
    [299.5, 500], // 0:01 -> +0:00
    [300, 1000], // +0:00 -> +0:01
    [301.2, 800],
  ];
  for (const [seconds, delay] of cases) {
    test(`at ${seconds} s the next change is in ${delay} ms`, () => {
      assert.equal(Math.round(nextFlipMs(running(), at(seconds))), delay);
    });
  }

  test("the flip lands on the instant the digits change", () => {
    const s = running();
    for (const seconds of [0.1, 12.345, 299.9, 300.5]) {
      const now = at(seconds);
      const flip = now + nextFlipMs(s, now);
      assert.notEqual(timerView(s, flip).display, timerView(s, flip - 1).display);
      assert.equal(timerView(s, flip - 1).display, timerView(s, now).display);
    }
  });

  test("before the show, it flips on the countdown's seconds; paused, it just checks each second", () => {
    const ready = { ...running({ state: State.READY }), segment: null, scheduled_start: at(10) };
    assert.equal(Math.round(nextFlipMs(ready, at(8.6))), 400);
    assert.equal(nextFlipMs(running({ state: State.PAUSED }, { paused_at: at(5) }), at(9)), 1000);
  });
});

describe("messages", () => {
  test("a message shows until it expires", () => {
    assert.equal(messageShowing(null, at(0)), false);
    assert.equal(messageShowing({ expires_at: null }, at(999)), true);
    assert.equal(messageShowing({ expires_at: at(30) }, at(29.999)), true);
    assert.equal(messageShowing({ expires_at: at(30) }, at(30)), false);
  });

  test("its age in words", () => {
    assert.equal(ageText(at(0), at(9)), "sent just now");
    assert.equal(ageText(at(0), at(75)), "sent 75 s ago");
    assert.equal(ageText(at(0), at(600)), "sent 10 min ago");
    assert.equal(ageText(at(0), at(3600 + 120)), "sent 1 h 2 min ago");
  });
});
